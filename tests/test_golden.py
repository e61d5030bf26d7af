"""The fixture site built end to end and compared, file by file, with a golden tree.

Regenerate after an intended change with `pytest tests/test_golden.py --update-golden`, then read the diff.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
PICTURES = (".png", ".jpg", ".webp")


def same(name: str, expected: bytes, actual: bytes) -> bool:
    """Text byte for byte; a picture by format, size and mode: its names already hash what it shows, and its
    bytes belong to the encoder's version (byte-identical builds are tested in tests/test_images_build.py)."""
    if not name.endswith(PICTURES):
        return expected == actual
    return _shape(expected) == _shape(actual)


def _shape(data: bytes) -> tuple:
    with Image.open(io.BytesIO(data)) as image:
        return image.format, image.size, image.mode


def tree(root: Path) -> dict[str, bytes]:
    """Every file by name; an EPUB as `<name>.txt`, the readable listing of its zip (see `epub_listing`)."""
    files = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.suffix == ".epub":
            files[name + ".txt"] = epub_listing(path.read_bytes())
        elif path.is_file():
            files[name] = path.read_bytes()
    return files


def epub_listing(data: bytes) -> bytes:
    """Each zip entry's header (name, date, method) and its text, or a hash of its bytes for an image.

    The zip's own bytes depend on the zlib that compressed them; what it holds does not.
    """
    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for info in book.infolist():
            content = book.read(info)
            lines.append(f"== {info.filename} {info.date_time} method={info.compress_type} size={len(content)}")
            if info.filename.endswith((".png", ".jpg")):
                lines.append(f"sha256 {hashlib.sha256(content).hexdigest()}")
            else:
                lines.append(content.decode())
    return "\n".join(lines).encode()


def first_difference(name: str, expected: bytes, actual: bytes) -> str:
    lines = difflib.unified_diff(
        expected.decode(errors="replace").splitlines(),
        actual.decode(errors="replace").splitlines(),
        f"golden/{name}",
        f"built/{name}",
        lineterm="",
    )
    return "\n".join(list(lines)[:40])


def test_fixture_site_matches_the_golden_tree(site_copy, cli, request):
    # Static files are copied byte for byte (tested in tests/unit/test_write.py); leaving them out keeps the
    # golden tree about what the generator makes.
    (site_copy / "no-static").mkdir()
    args = ["build", "--out", "out", "--no-search", "-q", "--static", "no-static"]
    result = cli(args, cwd=site_copy, env={"SOURCE_DATE_EPOCH": ""})
    assert result.returncode == 0, result.stderr
    built = site_copy / "out"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in tree(built).items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
        pytest.skip("golden tree rewritten from this build: read its diff (git diff tests/fixtures/golden)")
    expected, actual = tree(GOLDEN), tree(built)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    assert not missing and not extra, f"missing: {missing}, extra: {extra}"
    changed = [name for name in expected if not same(name, expected[name], actual[name])]
    assert not changed, f"{len(changed)} files differ; first:\n" + first_difference(
        changed[0], expected[changed[0]], actual[changed[0]]
    )
