"""The real documentary's content: complete, sourced, and consistent with the research it was written from.

The site is built once per module from the real `content/` into a temporary folder. The research files
(`../shared/research/facts.yaml`, `../shared/seed/soviet-mars-article.txt`) live beside the repository;
the launch data the tests need from facts.yaml is copied into FACTS below, and one test checks that copy.
"""

from __future__ import annotations

import datetime
import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from documentary.load import load_content
from documentary.markdown import make_parser, parse
from tests.conftest import ROOT, run_cli

CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"
FACTS_YAML = SHARED / "research" / "facts.yaml"
SEED_ARTICLE = SHARED / "seed" / "soviet-mars-article.txt"

# (slug, program in facts.yaml, launch_date in facts.yaml), for all 30 missions of the research.
FACTS = (
    ("mars-1960a", "soviet", "1960-10-10T14:27:49Z"),
    ("mars-1960b", "soviet", "1960-10-14T13:51:03Z"),
    ("sputnik-22", "soviet", "1962-10-24T17:55:04Z"),
    ("mars-1", "soviet", "1962-11-01T16:14Z"),
    ("sputnik-24", "soviet", "1962-11-04T15:35:15Z"),
    ("zond-2", "soviet", "1964-11-30T13:12Z"),
    ("mars-1969a", "soviet", "1969-03-27T10:40:45Z"),
    ("mars-1969b", "soviet", "1969-04-02T10:33:00Z"),
    ("kosmos-419", "soviet", "1971-05-10T16:58:42Z"),
    ("mars-2", "soviet", "1971-05-19T16:22:44Z"),
    ("mars-3", "soviet", "1971-05-28T15:26:30Z"),
    ("mars-4", "soviet", "1973-07-21T19:30:59Z"),
    ("mars-5", "soviet", "1973-07-25T18:55:48Z"),
    ("mars-6", "soviet", "1973-08-05T17:45:48Z"),
    ("mars-7", "soviet", "1973-08-09T17:00:17Z"),
    ("phobos-1", "soviet", "1988-07-07T17:38:04Z"),
    ("phobos-2", "soviet", "1988-07-12T17:01Z"),
    ("mars-96", "russia", "1996-11-16T20:48:53Z"),
    ("fobos-grunt", "russia", "2011-11-08T20:16:02Z"),
    ("mariner-4", "usa", "1964-11-28T14:22:01Z"),
    ("mariner-9", "usa", "1971-05-30T22:23:04Z"),
    ("viking-1", "usa", "1975-08-20"),
    ("viking-2", "usa", "1975-09-09T18:39:00Z"),
    ("mars-pathfinder", "usa", "1996-12-04T06:58:07Z"),
    ("spirit", "usa", "2003-06-10T17:58:46Z"),
    ("opportunity", "usa", "2003-07-08T03:18:15Z"),
    ("curiosity", "usa", "2011-11-26T15:02:00Z"),
    ("perseverance", "usa", "2020-07-30T11:50:00Z"),
    ("tianwen-1", "china", "2020-07-23T04:41:15Z"),
    ("exomars-2016", "esa-russia", "2016-03-14T09:31Z"),
)
SOVIET_AND_RUSSIAN = [slug for slug, program, _ in FACTS if program in ("soviet", "russia")]
# facts.md section 5: launch times that are not confirmed and must not be printed as fact.
UNCONFIRMED_LAUNCH_TIMES = {"mars-1"}
# facts.md section 5: internal designations that are inferences only.
UNCONFIRMED_DESIGNATIONS = {"mars-3": "No.172", "phobos-1": "No.101", "phobos-2": "No.102", "mars-96": "No.520"}
CHAPTERS = ("origins", "mars-2-and-3", "the-1973-fleet", "the-rivalry", "legacy")
STANDARD_EVENT_IDS = {"launch", "flyby", "orbit", "landing", "impact", "separation", "last-contact", "end"}
CITATION = re.compile(r"\[@([^\]\n]*)\]")
FACTS_LAUNCH = re.compile(r'<dt>Launch</dt>\s*<dd><time datetime="([^"]+)"')


def _missions() -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((CONTENT / "missions").glob("*.yaml"))
    }


def _sources() -> dict[str, dict]:
    return yaml.safe_load((CONTENT / "sources.yaml").read_text(encoding="utf-8"))


def _cited_keys(text: str) -> set[str]:
    return {key.strip().lstrip("@") for group in CITATION.findall(text) for key in group.split(";")}


def _iso(date: datetime.date | str, time: str | None) -> str:
    """A launch as the site writes it in <time datetime>: the date, and the UTC time if there is one."""
    return f"{date}T{time}Z" if time else str(date)


def _seconds(stamp: str) -> str:
    """Normalize `1975-09-09T18:39Z` and `1975-09-09T18:39:00Z` to the same text."""
    date, _, time = stamp.rstrip("Z").partition("T")
    return f"{date}T{time}:00" if len(time) == 5 else f"{date}T{time}"


@pytest.fixture(scope="module")
def missions() -> dict[str, dict]:
    return _missions()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    """The real content, built once with --strict into a temporary folder."""
    out = tmp_path_factory.mktemp("content") / "site"
    result = run_cli(["build", "--out", str(out), "--no-search", "--strict", "-q"], cwd=ROOT)
    return out, result


@pytest.fixture(scope="module")
def site(built) -> Path:
    out, result = built
    assert result.returncode == 0, result.stderr
    return out


def test_strict_build_of_the_real_content_exits_0_without_problems(built):
    out, result = built
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (out / "index.html").is_file()


def test_all_30_missions_of_the_research_have_a_file_and_a_page(site, missions):
    slugs = [slug for slug, _, _ in FACTS]
    assert sorted(missions) == sorted(slugs)
    assert [s for s in slugs if not (site / "missions" / s / "index.html").is_file()] == []


def test_every_soviet_and_russian_attempt_is_present_with_its_program(site, missions):
    assert len(SOVIET_AND_RUSSIAN) == 19
    assert [s for s in SOVIET_AND_RUSSIAN if s not in missions] == []
    expected = {slug: program for slug, program, _ in FACTS if slug in SOVIET_AND_RUSSIAN}
    assert {s: missions[s]["program"] for s in SOVIET_AND_RUSSIAN} == expected
    assert [s for s in SOVIET_AND_RUSSIAN if not (site / "missions" / s / "index.html").is_file()] == []


def test_every_mission_has_a_source_and_every_source_exists(missions):
    sources = _sources()
    assert [slug for slug, m in missions.items() if not m.get("sources")] == []
    unknown = {slug: [k for k in m["sources"] if k not in sources] for slug, m in missions.items()}
    assert {slug: keys for slug, keys in unknown.items() if keys} == {}


def test_a_mission_description_cites_only_its_listed_sources(missions):
    stray = {slug: _cited_keys(m.get("description", "")) - set(m["sources"]) for slug, m in missions.items()}
    assert {slug: keys for slug, keys in stray.items() if keys} == {}


def test_sources_have_title_publisher_and_url_and_no_invented_access_dates():
    for key, entry in _sources().items():
        assert entry.get("title") and entry.get("publisher"), key
        assert str(entry.get("url", "")).startswith(("https://", "http://")), key
        assert "accessed" not in entry, f"{key}: the research recorded no access dates"


def test_no_chapter_or_page_cites_an_unknown_key():
    known = set(_sources())
    texts = sorted((CONTENT / "chapters").glob("*.md")) + sorted((CONTENT / "pages").glob("*.md"))
    unknown = {p.name: sorted(_cited_keys(p.read_text(encoding="utf-8")) - known) for p in texts}
    assert {name: keys for name, keys in unknown.items() if keys} == {}
    assert all(_cited_keys(p.read_text(encoding="utf-8")) for p in texts if "chapters" in p.parts)


def test_the_build_rejects_a_chapter_that_cites_an_unknown_key(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    chapter = content / "chapters" / "01-origins.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more claim. [@no-such-source]\n", encoding="utf-8")
    result = run_cli(["check", "--content", str(content), "--strict", "-q"], cwd=tmp_path)
    assert result.returncode == 1
    assert "01-origins.md" in result.stderr and "no-such-source" in result.stderr


def test_launch_date_on_each_mission_page_matches_its_yaml_and_the_research(site, missions):
    research = {slug: launch for slug, _, launch in FACTS}
    for slug, mission in missions.items():
        page = (site / "missions" / slug / "index.html").read_text(encoding="utf-8")
        shown = FACTS_LAUNCH.search(page)
        assert shown, f"{slug}: no <time datetime> for the launch in the facts list"
        launch = mission["launch"]
        assert shown.group(1) == _iso(launch["date"], launch.get("time")), slug
        assert str(launch["date"]) == research[slug][:10], slug
        if launch.get("time"):
            assert _seconds(shown.group(1)) == _seconds(research[slug]), slug


def test_unconfirmed_launch_times_and_designations_are_left_out_or_marked(missions):
    for slug in UNCONFIRMED_LAUNCH_TIMES:
        marked = "launch.time" in missions[slug].get("unconfirmed", [])
        assert marked or not missions[slug]["launch"].get("time"), slug
    for slug, serial in UNCONFIRMED_DESIGNATIONS.items():
        mission = missions[slug]
        names = " ".join([str(mission.get("designation", ""))] + [str(a) for a in mission.get("aliases", [])])
        assert "designation" in mission.get("unconfirmed", []) or serial not in names, slug


def test_each_mission_has_one_launch_event_on_its_launch_date(missions):
    for slug, mission in missions.items():
        launches = [e for e in mission["events"] if e.get("id") == "launch"]
        assert len(launches) == 1, slug
        assert launches[0]["date"] == mission["launch"]["date"], slug
        assert launches[0].get("time") == mission["launch"].get("time"), slug


def test_event_ids_are_unique_and_every_landing_site_has_a_landing_event(missions):
    for slug, mission in missions.items():
        ids = [e["id"] for e in mission["events"] if "id" in e]
        assert len(ids) == len(set(ids)), slug
        if (mission.get("landing_site") or {}).get("kind", "landing") == "landing":
            assert "landing" in ids or not mission.get("landing_site"), slug
    used = {e.get("id") for m in missions.values() for e in m["events"]}
    assert STANDARD_EVENT_IDS - used == set()


def test_chapters_do_not_type_mission_dates_by_hand(missions):
    typed = {}
    for slug, mission in missions.items():
        dated = [("launch.date", mission["launch"]["date"])]
        dated += [(f"events.{e['id']}.date", e["date"]) for e in mission["events"] if "id" in e]
        for path, value in dated:
            if isinstance(value, datetime.date):
                typed[f"{value.day} {value:%B %Y}"] = f"[[{slug}:{path}]]"
    for chapter in sorted((CONTENT / "chapters").glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        assert [f"{day} -> {ref}" for day, ref in typed.items() if day in text] == [], chapter.name


def test_five_chapters_each_1200_to_2500_words(site):
    raw = load_content(CONTENT)
    md = make_parser()
    words = {doc.slug: parse(md, doc.body).words for doc in raw.chapters}
    assert sorted(words) == sorted(CHAPTERS)
    assert {slug: n for slug, n in words.items() if not 1200 <= n <= 2500} == {}
    assert [c for c in CHAPTERS if not (site / "chapters" / c / "index.html").is_file()] == []


def test_mission_descriptions_are_150_to_400_words(missions):
    md = make_parser()
    words = {slug: parse(md, m.get("description", "")).words for slug, m in missions.items()}
    assert {slug: n for slug, n in words.items() if not 150 <= n <= 400} == {}


def _blockquotes(page: str) -> list[str]:
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", page, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", q)).split()) for q in quotes]


def test_claims_page_quotes_the_popular_article_verbatim(site):
    if not SEED_ARTICLE.is_file():
        pytest.skip(f"the seed article is not beside the repository ({SEED_ARTICLE})")
    seed = " ".join(SEED_ARTICLE.read_text(encoding="utf-8").split())
    quotes = _blockquotes((site / "claims" / "index.html").read_text(encoding="utf-8"))
    assert len(quotes) >= 20
    assert [q for q in quotes if q not in seed] == []


def test_the_copy_of_facts_yaml_in_this_file_is_current():
    if not FACTS_YAML.is_file():
        pytest.skip(f"the research is not beside the repository ({FACTS_YAML})")
    research = yaml.safe_load(FACTS_YAML.read_text(encoding="utf-8"))["missions"]
    current = tuple((m["slug"], m["program"].split()[0], str(m["launch_date"])) for m in research)
    assert current == FACTS


# --- Issue 15: sources a historian would accept, and the corrections of a close reading ----------------------


def _text(page: Path) -> str:
    """A built page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


@pytest.fixture(scope="module")
def pages(site) -> dict[str, str]:
    """Every built HTML page's text, by its path in the site."""
    return {p.relative_to(site).as_posix(): _text(p) for p in sorted(site.rglob("*.html"))}


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text)


def _content_texts() -> dict[str, str]:
    files = sorted(CONTENT.rglob("*.md")) + sorted((CONTENT / "missions").glob("*.yaml"))
    return {p.relative_to(CONTENT).as_posix(): p.read_text(encoding="utf-8") for p in files}


def test_every_source_has_a_known_kind_and_at_least_60_percent_are_primary(site):
    from documentary.models import PRIMARY_KINDS, SOURCE_KINDS

    sources = _sources()
    assert {key: entry.get("kind") for key, entry in sources.items() if entry.get("kind") not in SOURCE_KINDS} == {}
    primary = sum(1 for entry in sources.values() if entry["kind"] in PRIMARY_KINDS)
    assert primary / len(sources) >= 0.6, f"{primary} of {len(sources)} sources are primary"
    shown = _text(site / "sources" / "index.html")
    assert f"{primary} of the {len(sources)} sources are primary" in shown


def test_no_source_links_to_a_known_republisher_and_the_list_names_the_copies_the_research_used():
    from documentary.load import parse_yaml
    from documentary.sourcecheck import parse_republishers, republisher_of

    path = CONTENT / "republishers.yaml"
    doc, problems = parse_yaml("content/republishers.yaml", path.read_text(encoding="utf-8"))
    republishers, problems = parse_republishers(doc)
    assert problems == []
    copies = ("zalansite.site", "ok-techbrokedad.xyz", "nzt-eth.ipns.dweb.link", "cloudflare-ipfs.com",
              "melakarnets.com", "askwikinow.com", "wikimili.com", "knowpia.com", "self.gutenberg.org")  # fmt: skip
    assert [host for host in copies if not republisher_of(f"https://{host}/x", republishers)] == []
    linked = {key: e["url"] for key, e in _sources().items() if republisher_of(e["url"], republishers)}
    assert linked == {}


def test_a_wikipedia_source_is_cited_at_wikipedia_itself():
    wrong = {k: e["url"] for k, e in _sources().items() if e["publisher"] == "Wikipedia"}
    assert {k: url for k, url in wrong.items() if not url.startswith("https://en.wikipedia.org/wiki/")} == {}


def test_the_sources_page_groups_sources_by_kind_primary_first(site):
    page = (site / "sources" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="kind-([a-z]+)">', page)
    assert headings[:3] == ["agency", "book", "journal"]
    assert len(headings) == len(set(headings)) == len({e["kind"] for e in _sources().values()})


def test_no_page_explains_29_may_by_moscow_time(pages):
    found = [s for text in pages.values() for s in _sentences(text) if "29 May" in s and "Moscow" in s]
    assert found == []
    assert [name for name, text in pages.items() if "Moscow date" in text] == []
    assert "That date is a discrepancy in the chronology" in pages["chapters/mars-2-and-3/index.html"]


def test_the_french_instrument_is_the_subject_of_forced_to_lie(pages):
    quoted = [s for text in pages.values() for s in _sentences(text) if "forced to lie" in s]
    assert quoted, "the quotation is expected on the Kosmos 419 pages"
    assert [s for s in quoted if "instrument" not in s] == []
    assert [name for name, text in pages.items() if "misled their French partners about its fate" in text] == []


def test_the_90_second_start_of_the_mars_3_signal_is_always_wikipedias(pages):
    found = [s for text in pages.values() for s in _sentences(text) if re.search(r"\b90 seconds\b", s)]
    assert found, "the 90 s figure is expected, attributed"
    assert [s for s in found if "Wikipedia" not in s] == []
    attributed_to_nasa = re.compile(r"NASA[^()]*(?:give|say)s?[^()]*beginning roughly 90 seconds|^About 90 seconds")
    assert [s for s in found if attributed_to_nasa.search(s)] == []


def test_tianwen_1_is_never_chinas_first_mars_mission(pages):
    assert [name for name, text in pages.items() if re.search(r"China's first Mars mission", text)] == []
    assert "China's first independent Mars mission" in pages["claims/index.html"]


def test_mars_5_lasted_one_figure_16_days(pages):
    vague = re.compile(r"two and a half weeks|a little over two weeks|about two weeks|a fortnight", re.I)
    assert [name for name, text in pages.items() if vague.search(text)] == []
    for name in ("missions/mars-5/index.html", "chapters/the-1973-fleet/index.html", "claims/index.html"):
        assert "16 days" in pages[name], name


def test_mars_6_is_a_presumed_landing_point_never_an_impact(missions, pages):
    assert missions["mars-6"]["landing_site"]["kind"] == "presumed"
    page = pages["missions/mars-6/index.html"]
    assert "Presumed landing point" in page and "Impact site" not in page
    both = re.compile(r"impact sites? of Mars 2 and")
    assert [s for text in pages.values() for s in _sentences(text) if both.search(s)] == []


def test_the_us_is_never_said_to_have_sent_probes_to_mars_from_the_start(pages):
    assert [n for n, text in pages.items() if "sending probes to Mars throughout the same years" in text] == []
    assert "Its first attempt, Mariner 3, was launched in November 1964" in pages["claims/index.html"]


def test_every_mention_of_mariners_6_and_7_cites_a_source_that_covers_them():
    for name, text in _content_texts().items():
        for paragraph in re.split(r"\n\s*\n", text):
            if re.search(r"Mariners? 6\b", paragraph):
                assert "mariner-6-7" in paragraph, f"{name}: {paragraph[:80]}"


def test_viking_1s_last_transmission_is_footnoted_wherever_it_is_given(pages):
    for name, text in pages.items():
        if "11 November 1982" in text and (name.startswith("chapters/") or name == "missions/viking-1/index.html"):
            assert "13 November 1982" in text, name


def test_launch_windows_are_named_by_year_not_by_a_launch_month(site, pages):
    for slug, month in (("mars-1", "October 1962"), ("mars-6", "July 1973")):
        page = (site / "missions" / slug / "index.html").read_text(encoding="utf-8")
        shown = re.search(r"<dt>Launch window</dt> <dd><a [^>]*>([^<]+)</a>", page)
        assert shown and month not in shown.group(1), slug
        assert re.fullmatch(r"\d{4} window", shown.group(1)), shown.group(1)


def test_each_thing_is_said_once_where_it_belongs():
    texts = _content_texts()
    fourteen = {name for name, text in texts.items() if re.search(r"\b14\.5(?!\d)", text)}
    assert fourteen == {"chapters/02-mars-2-and-3.md", "pages/claims.md", "missions/mars-3.yaml"}
    others = {slug for slug, m in _missions().items() if m["program"] not in ("soviet", "russia")}
    assert sorted(slug for slug in others if "PrOP-M" in texts[f"missions/{slug}.yaml"]) == []
    no_success = re.compile(r"Russia has (?:had no|not flown a) successful")
    assert [name for name, text in texts.items() if no_success.search(text)] == ["chapters/05-legacy.md"]
    hedge = "lie outside what this documentary has checked"
    assert hedge not in texts["chapters/03-the-1973-fleet.md"]
