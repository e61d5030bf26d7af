"""The command line: the pipeline end to end, exit statuses, and the error format."""

import shutil

from documentary.cli import main
from tests.conftest import FIXTURE_SITE, ROOT


def test_build_is_the_default_command_and_exits_0(site_copy, monkeypatch, capsys):
    monkeypatch.chdir(site_copy)
    assert main(["--out", "out", "--no-search", "-q"]) == 0
    assert (site_copy / "out" / "missions" / "alpha-1" / "index.html").is_file()
    assert capsys.readouterr().err == ""


def test_check_writes_nothing(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    assert main(["check", "-q"]) == 0
    assert sorted(p.name for p in site_copy.iterdir()) == ["content"]


def test_content_errors_exit_1_with_one_line_each(site_copy, monkeypatch, capsys):
    path = site_copy / "content" / "missions" / "beta-2.yaml"
    path.write_text(path.read_text().replace("1971-11-14", "1971-13-02"))
    monkeypatch.chdir(site_copy)
    assert main(["check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert (
        "content/missions/beta-2.yaml:8:23: error: events.0.date: invalid date '1971-13-02': "
        "month 13 is not between 1 and 12" in err
    )
    assert err[-1] == "1 error"


def test_strict_turns_warnings_into_errors(site_copy, monkeypatch, capsys):
    (site_copy / "content" / "chapters" / "03-afterwards.md").unlink()
    monkeypatch.chdir(site_copy)
    assert main(["check", "-q"]) == 0
    assert "warning: mission 'delta-4' is mentioned in no chapter" in capsys.readouterr().err
    assert main(["check", "-q", "--strict"]) == 1
    assert "content/missions/delta-4.yaml:1:1: error: mission 'delta-4' is mentioned in no chapter" in (
        capsys.readouterr().err
    )


def test_github_actions_gets_annotations(site_copy, monkeypatch, capsys):
    (site_copy / "content" / "missions" / "gamma-3.yaml").write_text("name: [\n")
    monkeypatch.chdir(site_copy)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "::error file=content/missions/gamma-3.yaml,line=1,col=8::YAML syntax error" in err


def test_bad_command_lines_exit_2(site_copy, monkeypatch, capsys):
    monkeypatch.chdir(site_copy)
    assert main(["build", "--no-such-flag"]) == 2
    assert main(["check", "--content", "missing"]) == 2
    assert main(["--out", str(ROOT), "--content", "content"]) == 2
    assert main(["--out", "content", "--no-search"]) == 2
    assert "refusing to use content as output" in capsys.readouterr().err


def test_base_url_override_changes_every_internal_url(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    assert main(["--out", "out", "--no-search", "-q", "--base-url", "http://127.0.0.1:9/other"]) == 0
    html = (site_copy / "out" / "chapters" / "the-pair" / "index.html").read_text()
    assert 'href="/other/missions/beta-2/"' in html and "/fixture/" not in html


def test_a_failed_build_leaves_the_previous_output_untouched(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    assert main(["--out", "out", "--no-search", "-q"]) == 0
    before = {p: p.read_bytes() for p in (site_copy / "out").rglob("*") if p.is_file()}
    (site_copy / "content" / "site.yaml").write_text("title: [\n")
    assert main(["--out", "out", "--no-search", "-q"]) == 1
    assert {p: p.read_bytes() for p in (site_copy / "out").rglob("*") if p.is_file()} == before


def test_same_input_gives_byte_identical_output(tmp_path, monkeypatch):
    shutil.copytree(FIXTURE_SITE, tmp_path / "s")
    monkeypatch.chdir(tmp_path / "s")
    assert main(["--out", "one", "--no-search", "-q"]) == 0
    assert main(["--out", "two", "--no-search", "-q"]) == 0

    def tree(name):
        root = tmp_path / "s" / name
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert tree("one") == tree("two")


def test_translations_lists_each_translation_and_stamps_one(site_copy, monkeypatch, capsys):
    monkeypatch.chdir(site_copy)
    target = site_copy / "content" / "ru" / "missions" / "beta-2.yaml"
    target.write_text(target.read_text().replace("translated_from", "# translated_from"))
    assert main(["translations"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "ru  up to date  content/ru/chapters/02-the-pair.md" in out
    assert any(line.startswith("ru  unstamped   content/ru/missions/beta-2.yaml") for line in out)
    assert out[-1] == "7 up to date, 0 stale, 1 unstamped, 0 missing"
    assert main(["translations", "--stamp", "content/ru/missions/beta-2.yaml"]) == 0
    assert target.read_text().startswith("translated_from: ")
    assert main(["translations"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "8 up to date, 0 stale, 0 unstamped, 0 missing"
    (site_copy / "content" / "ru" / "missions" / "delta-4.yaml").unlink()
    assert main(["translations", "--stamp", "content/ru/missions/delta-4.yaml"]) == 2
    assert "does not exist: translate content/missions/delta-4.yaml first" in capsys.readouterr().err
