"""A deterministic synthetic corpus, written for us and, with the same page bodies, for Hugo, Pelican and MkDocs.

N chapters of about 1,000 words (headings, lists, a table, footnotes, cross-links, citations) and one mission
per ten chapters. Our copy uses `[[slug]]`, `[[slug:fact]]`, `[[count:...]]` and `[@key]`; the peers' copy has the
same prose with those references already resolved into plain Markdown links and text.

    python benchmarks/corpus.py 1000 /tmp/corpus-1000     # writes ours/, hugo/, pelican/, mkdocs/
"""

from __future__ import annotations

import argparse
import calendar
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = """
orbit probe signal engine launch window rocket stage booster lander orbiter rover camera antenna radio
telemetry command station tracking network dust storm crater plain valley ridge surface atmosphere
pressure temperature descent parachute heat shield retrorocket thruster propellant oxidiser valve pump
turbine bearing module panel battery power solar array instrument spectrometer magnetometer photometer
radiometer experiment data image frame scan line transmission channel contact silence failure success
record archive report engineer designer bureau ministry committee director team crew controller
programme plan schedule season year month day hour minute second distance speed course correction
trajectory transfer approach encounter arrival departure flight cruise mission attempt series design
version model twin companion pair fleet the a an of to in on at by for with from into over under after
before during between against without was were is are had has been would could should might must will
did not never still again then later first second third last next early late long short new old small
large heavy light bright dark cold quiet careful brief steady sudden partial complete public secret
known unknown official western soviet
"""
WORDS = tuple(VOCABULARY.split())
PROGRAMS = ("soviet", "russia", "usa", "europe", "china", "india", "japan", "uae")
PROGRAM_LABELS = (
    "Soviet Union",
    "Russia",
    "United States",
    "Europe",
    "China",
    "India",
    "Japan",
    "United Arab Emirates",
)
TYPES = ("flyby", "orbiter", "lander", "impactor", "rover", "penetrator")
OUTCOMES = ("success", "partial", "failure")
OUTCOME_LABELS = ("Success", "Partial success", "Failure")
MONTHS = tuple(calendar.month_name[1:])
BASE_URL = "https://example.org/bench/"


@dataclass(frozen=True)
class Mission:
    number: int
    slug: str
    name: str
    program: int
    types: tuple[str, ...]
    year: int
    month: int
    day: int
    outcome: int
    summary: str
    description: tuple[str, str]  # (ours, plain)

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def human(self) -> str:
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    @property
    def source(self) -> str:
        return f"source-{self.number:04d}"


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    title: str
    summary: str
    body: tuple[str, str]  # (ours, plain)


@dataclass(frozen=True)
class Corpus:
    chapters: tuple[Chapter, ...]
    missions: tuple[Mission, ...]


class Text:
    """Builds our Markdown and the peers' plain Markdown side by side."""

    def __init__(self) -> None:
        self.ours: list[str] = []
        self.plain: list[str] = []

    def add(self, ours: str, plain: str | None = None) -> None:
        self.ours.append(ours)
        self.plain.append(ours if plain is None else plain)

    def result(self) -> tuple[str, str]:
        return "".join(self.ours), "".join(self.plain)


def make_corpus(n: int) -> Corpus:
    missions = tuple(_mission(i, n) for i in range(max(1, n // 10)))
    chapters = tuple(_chapter(i, missions) for i in range(1, n + 1))
    return Corpus(chapters, missions)


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    text = _words(rng, rng.randint(low, high))
    return text[0].upper() + text[1:] + "."


def _mission(index: int, total: int) -> Mission:
    rng = random.Random(f"mission-{index}")
    number = index + 1
    return Mission(
        number=number,
        slug=f"probe-{number:04d}",
        name=f"Probe {number}",
        program=index % len(PROGRAMS),
        types=tuple(sorted(rng.sample(TYPES, rng.randint(1, 2)))),
        year=1960 + (index * 7) % 64,
        month=1 + index % 12,
        day=1 + (index * 5) % 28,
        outcome=index % 3,
        summary=_sentence(rng, 12, 20),
        description=_description(rng, number),
    )


def _description(rng: random.Random, number: int) -> tuple[str, str]:
    text = Text()
    text.add(_sentence(rng) + " " + _sentence(rng) + " ")
    if number > 1:
        prev = f"probe-{number - 1:04d}"
        text.add(f"It followed [[{prev}]]. ", f"It followed [Probe {number - 1}](/missions/{prev}/). ")
    text.add(_sentence(rng) + " ")
    _cite(text, [f"source-{number:04d}"], {f"source-{number:04d}": 1})
    text.add("\n\n" + " ".join(_sentence(rng) for _ in range(4)) + "\n")
    return text.result()


def _chapter(number: int, missions: tuple[Mission, ...]) -> Chapter:
    rng = random.Random(f"chapter-{number}")
    own = missions[min((number - 1) // 10, len(missions) - 1)]
    cast = [own] + rng.sample(missions, min(3, len(missions)))
    numbers = {key: i for i, key in enumerate(dict.fromkeys(m.source for m in cast), 1)}
    title = " ".join(w.capitalize() for w in _words(rng, 3).split())
    slug = f"{number:04d}-{title.lower().replace(' ', '-')}-{number}"
    return Chapter(number, slug, f"{title} {number}", _sentence(rng, 10, 16), _body(rng, number, cast, numbers))


def _body(rng: random.Random, number: int, cast: list[Mission], numbers: dict[str, int]) -> tuple[str, str]:
    text = Text()
    _paragraph(text, rng, cast, numbers, 7)
    for section in range(4):
        text.add(f"## {_words(rng, 3).capitalize()} {section + 1}\n\n")
        _paragraph(text, rng, cast, numbers, 6)
        _paragraph(text, rng, cast, numbers, 6, footnote=f"n{section}" if section < 2 else None)
        _extra(text, rng, section, cast, number)
    text.add("### Notes on the record\n\n")
    _paragraph(text, rng, cast, numbers, 5)
    text.add(f"[^n0]: {_sentence(rng)}\n\n[^n1]: {_sentence(rng)}\n")
    return text.result()


def _paragraph(
    text: Text, rng: random.Random, cast: list[Mission], numbers: dict[str, int], sentences: int, footnote=None
):
    mission = rng.choice(cast)
    text.add(_sentence(rng) + " ")
    _link(text, mission, rng.random() < 0.3)
    text.add(" " + _words(rng, 6) + ". ")
    text.add(" ".join(_sentence(rng) for _ in range(sentences - 2)))
    if footnote:
        text.add(f"[^{footnote}]")
    text.add(" ")
    _cite(text, [mission.source], numbers)
    text.add("\n\n")


def _link(text: Text, mission: Mission, as_fact: bool) -> None:
    url = f"/missions/{mission.slug}/"
    if as_fact:
        text.add(f"Launched on [[{mission.slug}:launch.date]],", f"Launched on {mission.human},")
        text.add(f" [[{mission.slug}|the craft]]", f" [the craft]({url})")
    else:
        text.add(f"[[{mission.slug}]]", f"[{mission.name}]({url})")


def _cite(text: Text, keys: list[str], numbers: dict[str, int]) -> None:
    ours = "; ".join(f"@{k}" for k in keys)
    plain = ", ".join(f"[{numbers[k]}](#{k})" for k in keys)
    text.add(f"[{ours}]", f"[{plain}]")


def _extra(text: Text, rng: random.Random, section: int, cast: list[Mission], number: int) -> None:
    """One block per section: a list, a table, an ordered list with a count, a quotation."""
    if section == 0:
        text.add("".join(f"- {_words(rng, rng.randint(5, 10))}\n" for _ in range(5)) + "\n")
    elif section == 1:
        text.add("| Mission | Launch | Outcome | Note |\n| --- | --- | --- | --- |\n")
        for m in cast:
            text.add(f"| [[{m.slug}]] ", f"| [{m.name}](/missions/{m.slug}/) ")
            text.add(f"| [[{m.slug}:launch.date]] | [[{m.slug}:outcome]] ", f"| {m.human} | {_outcome(m)} ")
            text.add(f"| {_words(rng, 3)} |\n")
        text.add("\n")
    elif section == 2:
        text.add("".join(f"{i}. {_words(rng, rng.randint(6, 12))}\n" for i in range(1, 5)))
        if number % 10 == 0:  # a tally over every mission, as real chapters have
            text.add("5. Soviet attempts in the data: [[count:program=soviet]]\n", "5. Soviet attempts: several\n")
        text.add("\n")
    else:
        text.add(f"> {_sentence(rng)} {_sentence(rng)}\n\n")


def _outcome(mission: Mission) -> str:
    return OUTCOME_LABELS[mission.outcome].lower()


# --- our content format -------------------------------------------------------------------------


def write_ours(corpus: Corpus, folder: Path) -> None:
    _put(folder / "site.yaml", _site_yaml())
    for c in corpus.chapters:
        _put(folder / "chapters" / f"{c.slug}.md", f"---\ntitle: {c.title}\nsummary: {c.summary}\n---\n{c.body[0]}")
    for m in corpus.missions:
        _put(folder / "missions" / f"{m.slug}.yaml", _mission_yaml(m))
    _put(folder / "sources.yaml", "".join(_source_yaml(m) for m in corpus.missions))


def _site_yaml() -> str:
    return (
        "title: Synthetic Benchmark\nsubtitle: A generated documentary\n"
        "description: Generated chapters and missions for timing the build.\nlanguage: en\n"
        f"base_url: {BASE_URL}\nauthor: The benchmark\nlicence: CC0\nupdated: 2024-01-01\n"
    )


def _mission_yaml(m: Mission) -> str:
    description = "".join(f"  {line}\n" if line else "\n" for line in m.description[0].rstrip("\n").split("\n"))
    return (
        f"name: {m.name}\nprogram: {PROGRAMS[m.program]}\ntype: [{', '.join(m.types)}]\n"
        f"launch: {{date: {m.iso}, vehicle: Rocket {m.number % 7}, site: Site {m.number % 3}}}\n"
        f"outcome: {OUTCOMES[m.outcome]}\nsummary: {m.summary}\n"
        f"events:\n  - {{id: launch, date: {m.iso}, title: Launch}}\n"
        f"  - {{id: arrival, date: {m.year + 1}-{m.month:02d}, title: Arrival at Mars}}\n"
        f"description: |\n{description}sources: [{m.source}]\n"
    )


def _source_yaml(m: Mission) -> str:
    return (
        f"{m.source}:\n  title: Record of {m.name}\n  publisher: Synthetic Archive\n"
        f"  url: https://example.org/archive/{m.slug}\n"
    )


# --- the peers: same bodies, their formats ------------------------------------------------------


def mission_page(m: Mission) -> str:
    """The peers' mission page: the facts our mission template shows, as Markdown."""
    rows = [
        ("Program", PROGRAM_LABELS[m.program]),
        ("Type", ", ".join(m.types)),
        ("Launch", f"{m.human}, Rocket {m.number % 7} from Site {m.number % 3}"),
        ("Outcome", OUTCOME_LABELS[m.outcome]),
    ]
    table = "| Fact | Value |\n| --- | --- |\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)
    events = f"- {m.human}: Launch\n- {MONTHS[m.month - 1]} {m.year + 1}: Arrival at Mars\n"
    source = f"1. [Record of {m.name}](https://example.org/archive/{m.slug}), Synthetic Archive.\n"
    sections = (("Facts", table), ("Events", events), ("The account", m.description[1]), ("Sources", source))
    return f"{m.summary}\n\n" + "".join(f"## {title}\n\n{text}\n" for title, text in sections)


def pages(corpus: Corpus) -> Iterator[tuple[str, str, str, str, int]]:
    """(section, slug, title, plain body, order) for every page the peers build."""
    for c in corpus.chapters:
        yield "chapters", c.slug, c.title, c.body[1], c.number
    for m in corpus.missions:
        yield "missions", m.slug, m.name, mission_page(m), m.number


def write_hugo(corpus: Corpus, folder: Path) -> None:
    _put(folder / "hugo.toml", HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        _put(folder / "layouts" / name, text)
    _put(folder / "content" / "_index.md", "---\ntitle: Synthetic Benchmark\n---\nGenerated chapters and missions.\n")
    for section in ("chapters", "missions"):
        _put(folder / "content" / section / "_index.md", f"---\ntitle: {section.capitalize()}\n---\n")
    for section, slug, title, body, order in pages(corpus):
        _put(folder / "content" / section / f"{slug}.md", f"---\ntitle: {title}\nweight: {order}\n---\n{body}")


def write_pelican(corpus: Corpus, folder: Path) -> None:
    _put(folder / "pelicanconf.py", PELICAN_CONFIG)
    for section, slug, title, body, order in pages(corpus):
        stamp = f"2024-01-01 {order // 60 % 24:02d}:{order % 60:02d}"
        meta = f"Title: {title}\nDate: {stamp}\nCategory: {section}\nSlug: {slug}\n\n"
        _put(folder / "content" / section / f"{slug}.md", meta + body)


def write_mkdocs(corpus: Corpus, folder: Path) -> None:
    first = {"chapters": corpus.chapters[0].slug, "missions": corpus.missions[0].slug}
    nav = "".join(f"  - {name.capitalize()}: {name}/{slug}.md\n" for name, slug in first.items())
    _put(folder / "mkdocs.yml", MKDOCS_CONFIG + "nav:\n  - Home: index.md\n" + nav)
    _put(folder / "docs" / "index.md", "# Synthetic Benchmark\n\nGenerated chapters and missions.\n")
    for section, slug, title, body, _order in pages(corpus):
        _put(folder / "docs" / section / f"{slug}.md", f"# {title}\n\n{body}")


HUGO_CONFIG = f"""baseURL = "{BASE_URL}"
title = "Synthetic Benchmark"
languageCode = "en"
disableKinds = ["taxonomy", "term"]
enableRobotsTXT = true
[markup.tableOfContents]
startLevel = 2
endLevel = 3
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}"></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><a href="/chapters/">Chapters</a> <a href="/missions/">Missions</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer></body></html>
""",
    "page.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .WordCount }} words · {{ .ReadingTime }} min read</p>
<nav class="toc">{{ .TableOfContents }}</nav>
{{ .Content }}
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav></article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
""",
}
PELICAN_CONFIG = f"""AUTHOR = "The benchmark"
SITENAME = "Synthetic Benchmark"
SITEURL = "{BASE_URL.rstrip("/")}"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.extra": {{}},
        "markdown.extensions.toc": {{}},
        "markdown.extensions.meta": {{}},
    }},
    "output_format": "html5",
}}
"""
# A short nav: with the default (every page in the nav), each page lists all the others and the output grows
# with the square of the page count (206 MB at 1,000 pages). Search is off, as in our --no-search runs.
MKDOCS_CONFIG = f"""site_name: Synthetic Benchmark
site_url: {BASE_URL}
plugins: []
not_in_nav: |
  /chapters/
  /missions/
markdown_extensions:
  - footnotes
  - tables
  - toc
"""


def _put(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_all(n: int, folder: Path) -> Corpus:
    """Write ours/, hugo/, pelican/ and mkdocs/ under `folder`, replacing what was there."""
    corpus = make_corpus(n)
    for name, writer in (("ours", write_ours), ("hugo", write_hugo), ("pelican", write_pelican)):
        shutil.rmtree(folder / name, ignore_errors=True)
        writer(corpus, folder / name)
    shutil.rmtree(folder / "mkdocs", ignore_errors=True)
    write_mkdocs(corpus, folder / "mkdocs")
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", type=int, help="number of chapters (missions: one per ten)")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    corpus = write_all(args.pages, args.folder)
    print(f"wrote {len(corpus.chapters)} chapters and {len(corpus.missions)} missions under {args.folder}")


if __name__ == "__main__":
    main()
