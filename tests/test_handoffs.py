"""The stages hand each other frozen data: no dict or list inside what `check` returns, the site graph included."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from types import MappingProxyType

import pytest
from pydantic import BaseModel

from documentary.markdown import Doc
from documentary.pipeline import Options, check
from tests.conftest import ROOT


def mutable_parts(value, where: str, seen: set[int]) -> list[str]:
    """Where a dict, list or set sits inside `value`, walking frozen dataclasses, tuples and read-only mappings.

    A compiled body (markdown.Doc) is the Markdown stage's own record and is not walked; pydantic models
    are frozen by their config and hold tuples (checked by the models' own tests)."""
    if id(value) in seen or isinstance(value, str | bytes | int | float | bool | type(None) | Doc | BaseModel):
        return []
    seen.add(id(value))
    if isinstance(value, dict | list | set):
        return [f"{where}: {type(value).__name__}"]
    if isinstance(value, MappingProxyType):
        return [p for key, item in value.items() for p in mutable_parts(item, f"{where}[{key!r}]", seen)]
    if isinstance(value, tuple | frozenset):
        return [p for i, item in enumerate(value) for p in mutable_parts(item, f"{where}[{i}]", seen)]
    if dataclasses.is_dataclass(value):
        assert type(value).__dataclass_params__.frozen, f"{where}: {type(value).__name__} is not frozen"
        fields = dataclasses.fields(value)
        return [p for f in fields for p in mutable_parts(getattr(value, f.name), f"{where}.{f.name}", seen)]
    return []


@pytest.fixture
def fixture_site(site_copy: Path):
    before = os.getcwd()
    os.chdir(site_copy)  # problems and positions name files relative to the working directory
    yield site_copy
    os.chdir(before)


def test_what_check_returns_holds_no_dict_or_list(fixture_site: Path):
    options = Options(fixture_site / "content", ROOT / "templates", ROOT / "static", search=False, workers=1)
    result = check(options)
    assert result.pages and result.books and result.site.translations and result.site.sources  # all of it is here
    assert mutable_parts(result, "result", set()) == []
    with pytest.raises(TypeError):
        result.site.sources["new"] = result.site.sources[next(iter(result.site.sources))]
