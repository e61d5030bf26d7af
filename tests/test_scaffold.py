"""`build.py new chapter|mission`: a file that builds at once and that `check --strict` flags until filled in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from documentary.scaffold import slugify
from tests.conftest import run_in_process


@pytest.fixture
def cli():
    """In this process: these tests are about the files `new` writes and what `check` says of them."""
    return run_in_process


def test_new_chapter_takes_the_next_number_and_validates(cli, site_copy: Path):
    result = cli(["new", "chapter", "The Venus Years"], site_copy)
    assert result.returncode == 0, result.stderr
    path = site_copy / "content/chapters/04-the-venus-years.md"
    assert f"created {Path('content/chapters/04-the-venus-years.md')}" in result.stdout
    assert path.read_text(encoding="utf-8").startswith("---\ntitle: The Venus Years\nsummary: ")
    assert cli(["check"], site_copy).returncode == 0


def test_new_chapter_keeps_the_number_width_and_quotes_the_title(cli, site_copy: Path):
    chapters = site_copy / "content/chapters"
    (chapters / "03-afterwards.md").rename(chapters / "009-afterwards.md")
    assert cli(["new", "chapter", "Mars 2 and 3: 1969–1971 — «Марс»"], site_copy).returncode == 0
    path = chapters / "010-mars-2-and-3-1969-1971.md"
    assert "title: 'Mars 2 and 3: 1969–1971 — «Марс»'" in path.read_text(encoding="utf-8")
    assert cli(["check"], site_copy).returncode == 0


def test_new_mission_validates_and_strict_check_lists_every_placeholder(cli, site_copy: Path):
    result = cli(["new", "mission", "mars-8"], site_copy)
    assert result.returncode == 0, result.stderr
    path = site_copy / "content/missions/mars-8.yaml"
    text = path.read_text(encoding="utf-8")
    assert "name: Mars 8" in text
    assert cli(["check"], site_copy).returncode == 0  # builds and previews at once
    strict = cli(["check", "--strict"], site_copy)
    assert strict.returncode == 1
    todo_lines = [n for n, line in enumerate(text.splitlines(), 1) if "TODO" in line]
    flagged = {
        int(m.group(1)) for m in re.finditer(r"content/missions/mars-8\.yaml:(\d+):\d+: error: TODO", strict.stderr)
    }
    assert flagged == set(todo_lines) and len(todo_lines) >= 8


def test_a_filled_in_mission_passes_the_strict_check(cli, site_copy: Path):
    assert cli(["new", "mission", "mars-8"], site_copy).returncode == 0
    path = site_copy / "content/missions/mars-8.yaml"
    filled = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"\s*# TODO.*$", "", line)  # the hints go once the value is right
        line = line.replace("vehicle: TODO", "vehicle: Proton-K").replace("site: TODO", "site: Baikonur")
        line = line.replace("summary: TODO one", "summary: One").replace("TODO: a longer", "A longer")
        filled.append(line.replace("sources: []", "sources: [src-alpha]"))
    path.write_text("\n".join(filled) + "\n", encoding="utf-8")
    chapter = site_copy / "content/chapters/03-afterwards.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nAnd [[mars-8]].\n", encoding="utf-8")
    # the fixture has a Russian edition: the new mission and the changed chapter are translated, then stamped
    russian = site_copy / "content/ru/chapters/03-afterwards.md"
    russian.write_text(russian.read_text(encoding="utf-8") + "\nИ [[mars-8]].\n", encoding="utf-8")
    (site_copy / "content/ru/missions/mars-8.yaml").write_text(
        "name: Марс-8\nsummary: Одна.\ndescription: Подробнее.\n", encoding="utf-8"
    )
    assert cli(["translations", "--stamp-all"], site_copy).returncode == 0
    result = cli(["check", "--strict"], site_copy)
    assert result.returncode == 0, result.stderr


def test_new_refuses_to_overwrite(cli, site_copy: Path):
    assert cli(["new", "mission", "mars-8"], site_copy).returncode == 0
    path = site_copy / "content/missions/mars-8.yaml"
    path.write_text("mine\n", encoding="utf-8")
    result = cli(["new", "mission", "mars-8"], site_copy)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert path.read_text(encoding="utf-8") == "mine\n"
    again = cli(["new", "chapter", "Beginnings"], site_copy)  # 01-beginnings.md has that slug
    assert again.returncode == 2 and "01-beginnings.md" in again.stderr
    assert not list((site_copy / "content/chapters").glob("04-*"))


@pytest.mark.parametrize("slug", ["Mars 8", "mars_8", "../evil", "mars--8", "", "MARS-8", "mars-8/x"])
def test_new_mission_rejects_a_bad_slug(cli, site_copy: Path, slug: str):
    before = sorted((site_copy / "content").rglob("*"))
    result = cli(["new", "mission", slug], site_copy)
    assert result.returncode == 2 and "not a mission slug" in result.stderr
    assert sorted((site_copy / "content").rglob("*")) == before


def test_new_chapter_rejects_a_title_without_letters(cli, site_copy: Path):
    result = cli(["new", "chapter", "?!"], site_copy)
    assert result.returncode == 2 and "file name" in result.stderr


def test_new_needs_an_existing_content_folder(cli, tmp_path: Path):
    result = cli(["new", "mission", "mars-8", "--content", str(tmp_path / "nowhere")], tmp_path)
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_slugify():
    assert slugify("Mars 2 and 3: 1969–1971") == "mars-2-and-3-1969-1971"
    assert slugify("  Fobos-Grunt, 2011 ") == "fobos-grunt-2011"
    assert slugify("Ça va") == "ca-va"
    assert slugify("Марс") == ""


def test_a_todo_anywhere_in_content_is_a_warning_at_its_line(cli, site_copy: Path):
    page = site_copy / "content/pages/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nCheck this. TODO\n", encoding="utf-8")
    line = len(page.read_text(encoding="utf-8").splitlines())
    result = cli(["check"], site_copy)
    assert result.returncode == 0
    assert f"content/pages/about.md:{line}:13: warning: TODO placeholder" in result.stderr
    assert cli(["check", "--strict"], site_copy).returncode == 1
    page.write_text(page.read_text(encoding="utf-8").replace("TODO", "TODOS"), encoding="utf-8")
    assert cli(["translations", "--stamp", "content/ru/pages/about.md"], site_copy).returncode == 0
    assert cli(["check", "--strict"], site_copy).returncode == 0  # a whole word only, in capitals
