"""The Markdown stage: every body of every edition compiled in one batch, before the graph links them.

A body is named by its file, as problems name it, and which part of the file it is: a chapter's or page's
text after its front matter, or a mission's `description:`. The batch goes through `cache.compile_all`
(from the body cache when it has the entry, else parsed, on every core when there are enough), and the
graph is handed the finished documents: it never parses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from markdown_it import MarkdownIt

from .bodies import ParseJob
from .cache import BodyCache, compile_all
from .markdown import Doc
from .models import Content, MissionDoc, TextDoc
from .translations import Translation

BodyKey = tuple[str, str]  # (file as problems name it, "body" or "description")
Bodies = Mapping[BodyKey, Doc]


def text_key(text: TextDoc) -> BodyKey:
    return (text.file.path, "body")


def description_key(mission: MissionDoc) -> BodyKey:
    return (mission.doc.path, "description")


def body_jobs(content: Content, translations: Sequence[Translation] = ()) -> dict[BodyKey, ParseJob]:
    """What to parse: the chapters, pages and mission descriptions of the original and of each translation
    (a mission left untranslated has no description in that edition, so nothing to parse twice)."""
    jobs: dict[BodyKey, ParseJob] = {}
    for edition in (content, *(t.content for t in translations)):
        for text in edition.chapters + edition.pages:
            jobs[text_key(text)] = ParseJob(text.file.body, text.file.body_line)
        for mission in edition.missions:
            if described(mission):
                jobs[description_key(mission)] = description_job(mission)
    return jobs


def described(mission: MissionDoc) -> bool:
    """Whether the mission has a description in its edition (key and text may be its original's when it has
    none: its key then names the original's description, which this edition does not show)."""
    return bool(mission.data.description.strip())


def description_job(mission: MissionDoc) -> ParseJob:
    """A description starts on its key's line, or on the next one when it is a block (`|`, `>`); the whole
    file goes along, so that positions inside the YAML come out in the file's own columns."""
    text = mission.data.description
    line = mission.doc.where(("description",)).line
    block = "\n" in text.strip() or mission.doc.text.split("\n")[line - 1].rstrip().endswith(("|", ">", "|-", ">-"))
    return ParseJob(text, line + 1 if block else line, mission.doc.text)


def compile_bodies(
    md: MarkdownIt,
    content: Content,
    translations: Sequence[Translation] = (),
    cache: BodyCache | None = None,
    workers: int = 0,
) -> Bodies:
    """Every body of every edition, compiled; read-only, by `text_key` and `description_key`."""
    jobs = body_jobs(content, translations)
    docs = compile_all(md, list(jobs.values()), cache, workers)
    return MappingProxyType(dict(zip(jobs, docs, strict=True)))
