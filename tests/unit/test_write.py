"""write.py: a fresh folder, then a swap; refusals; writing only what changed."""

import pytest

from documentary.errors import UsageError
from documentary.write import MARKER, check_output_dir, sync, write_site


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_write_site_writes_pages_static_and_marker(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "a.css").write_text("body{}")
    out = tmp_path / "out"
    write_site({"index.html": b"<p>home</p>", "missions/x/index.html": b"x"}, static, ("css/a.css",), out)
    assert tree(out) == {
        MARKER: (out / MARKER).read_bytes(),
        "css/a.css": b"body{}",
        "index.html": b"<p>home</p>",
        "missions/x/index.html": b"x",
    }
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_new_build_replaces_the_old_one_completely(tmp_path):
    out = tmp_path / "out"
    write_site({"old.html": b"old"}, tmp_path, (), out)
    write_site({"new.html": b"new"}, tmp_path, (), out)
    assert set(tree(out)) == {MARKER, "new.html"}


def test_a_failure_before_the_swap_leaves_the_old_output(tmp_path):
    out = tmp_path / "out"
    write_site({"index.html": b"old"}, tmp_path, (), out)
    before = tree(out)

    def explode(folder):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_site({"index.html": b"new"}, tmp_path, (), out, finish=explode)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_refuses_protected_folders_and_foreign_folders(tmp_path):
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    with pytest.raises(UsageError, match="it would replace"):
        check_output_dir(project, [project])
    with pytest.raises(UsageError, match="it would replace"):
        check_output_dir(tmp_path, [project / "content"])
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(UsageError, match="not written by build.py"):
        check_output_dir(foreign, [project])
    check_output_dir(tmp_path / "fresh", [project])


def test_sync_writes_only_changed_files(tmp_path):
    assert sync({"a.html": b"1", "b/c.html": b"2"}, tmp_path) == ["a.html", "b/c.html"]
    assert sync({"a.html": b"1", "b/c.html": b"3"}, tmp_path) == ["b/c.html"]
    assert (tmp_path / "b/c.html").read_bytes() == b"3"


@pytest.mark.parametrize("rm", ["rm", None])
def test_the_previous_output_is_gone_once_the_build_has_waited_for_its_removal(tmp_path, monkeypatch, rm):
    """`rm` on the other core where there is one, else a thread: either way nothing is left beside the output."""
    import shutil

    from documentary import write

    real = shutil.which
    monkeypatch.setattr(write.shutil, "which", lambda name: real(name) if rm else None)
    out = tmp_path / "out"
    for _ in range(2):
        wait = write_site({f"p{n}/index.html": b"x" for n in range(50)}, tmp_path, (), out)
        wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "p7" / "index.html").read_bytes() == b"x"


def test_many_pages_are_written_by_threads_and_a_failure_in_one_leaves_the_old_output(tmp_path):
    """Enough pages for the threaded writer; one of them cannot be written (its folder would be a file)."""
    out = tmp_path / "out"
    pages = {f"chapters/c{n:03d}/index.html": f"<p>{n}</p>".encode() for n in range(200)}
    files = {f"img/cards/{n:03d}.png": tmp_path / f"card-{n:03d}" for n in range(100)}
    for path in files.values():
        path.write_bytes(path.name.encode())
    write_site(pages, tmp_path, (), out, files=files)
    written = tree(out)
    assert {name: written[name] for name in pages} == pages
    assert all(written[name] == path.name.encode() for name, path in files.items())
    assert (out / "img/cards/000.png").stat().st_ino == files["img/cards/000.png"].stat().st_ino  # linked
    before = tree(out)
    broken = {**pages, "chapters/c150": b"a file where a page's folder must be"}
    with pytest.raises(OSError):
        write_site(broken, tmp_path, (), out, files=files)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
