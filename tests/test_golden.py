"""The fixture site built end to end and compared, file by file, with a golden tree.

Regenerate after an intended change with `pytest tests/test_golden.py --update-golden`, then read the diff.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


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
        shutil.copytree(built, GOLDEN)
        pytest.skip("golden tree rewritten from this build: read its diff (git diff tests/fixtures/golden)")
    expected, actual = tree(GOLDEN), tree(built)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    assert not missing and not extra, f"missing: {missing}, extra: {extra}"
    changed = [name for name in expected if expected[name] != actual[name]]
    assert not changed, f"{len(changed)} files differ; first:\n" + first_difference(
        changed[0], expected[changed[0]], actual[changed[0]]
    )
