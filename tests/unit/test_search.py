"""search.py: the Pagefind binary indexes a written folder, and a failure is one clear problem."""

from pathlib import Path

import pytest

from documentary.search import SearchUnavailable, index_site

PAGE = (
    '<!doctype html><html lang="en"><head><title>{0}</title></head>'
    "<body data-pagefind-body><p>{0} words</p></body></html>"
)


def test_the_binary_indexes_every_page_into_the_folder(tmp_path: Path):
    for name in ("index.html", "a/index.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(PAGE.format(name))
    assert index_site(tmp_path, "en") == 2
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()
    assert (tmp_path / "pagefind" / "pagefind-entry.json").is_file()


def test_a_failing_index_is_a_search_problem(tmp_path: Path):
    with pytest.raises(SearchUnavailable, match="search indexing failed"):
        index_site(tmp_path / "missing", "en")
