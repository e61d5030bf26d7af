"""flightpath.py: flights computed from the mission data, their pictures, and the ```flightpath block."""

import re
import xml.etree.ElementTree as ET
from functools import cache

import pytest
from markupsafe import Markup

from documentary import ephemeris, facts, flightpath
from documentary.i18n import read_strings
from documentary.markdown import make_parser
from documentary.pipeline import Options, prepare
from documentary.render import render_site
from tests.conftest import ROOT

from .sitekit import chapter_md, content, linked, mission_yaml

SVG = "{http://www.w3.org/2000/svg}"
# The missions that never left the Earth, by their own data and the research (facts.md): launch failures
# and probes stranded in Earth orbit.
NEVER_REACHED_ORBIT = {"mars-1960a", "mars-1960b", "mars-1969a", "mars-1969b"}
STRANDED_IN_EARTH_ORBIT = {"sputnik-22", "sputnik-24", "kosmos-419", "mars-96", "fobos-grunt"}
LOST_ON_THE_WAY_WITHOUT_ARRIVAL = {"phobos-1"}


@cache
def real_site():
    return prepare(Options(ROOT / "content", ROOT / "templates", ROOT / "static")).site


@cache
def real_pages():
    pages, errors, _ = render_site(real_site(), make_parser(), ROOT / "templates", workers=1)
    assert errors == []
    return pages


def svg_of(html: str, ident: str) -> ET.Element:
    start = html.index(f'<svg class="chart chart-{ident}"')
    root = ET.fromstring(html[start : html.index("</svg>", start) + 6])
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(SVG + "title").get("id") == title_id and root.find(SVG + "title").text
    assert root.find(SVG + "desc").get("id") == desc_id and root.find(SVG + "desc").text
    assert all("style" not in element.attrib for element in root.iter())
    return root


def test_times_of_flight_are_the_mission_data_and_the_arc_joins_the_planets():
    flown = 0
    for node in real_site().missions:
        found = flightpath.node_flight(node)
        if not found:
            continue
        flown += 1
        arrival = facts.arrival(node.data)
        assert found.days == (arrival.date.as_date() - node.data.launch.date.as_date()).days
        assert abs(found.seconds / 86400 - found.days) <= 1  # a date without a time is taken at noon
        assert ephemeris.distance(found.arc[0], found.earth[0]) < 1
        assert ephemeris.distance(found.arc[-1], found.mars[1]) < 1000  # km: the Lambert arc meets Mars
        low, high = found.sun_range_au
        assert 0.95 < low < 1.05 and 1.35 < high < 1.70
    assert flown == 20


def test_the_earliest_arrival_event_counts():
    mars_2 = real_site().mission("mars-2").data  # impact and orbit on the same day: the first written wins
    assert facts.arrival(mars_2).id == "impact"
    assert facts.arrival(real_site().mission("mars-6").data).id == "flyby"  # the entry event is not an arrival
    assert flightpath.node_flight(real_site().mission("mariner-9")).days == 168


def test_every_mission_that_left_earth_has_a_diagram_and_the_others_say_why():
    pages = real_pages()
    for node in real_site().missions:
        html = pages[node.url + "index.html"].decode()
        reason = flightpath.no_flight_reason(node)
        if node.slug in NEVER_REACHED_ORBIT:
            assert reason.endswith(
                "did not reach Earth orbit, so it never set out for Mars and there is no transfer to draw."
            )
        elif node.slug in STRANDED_IN_EARTH_ORBIT:
            assert reason.endswith("reached Earth orbit but never left it, so there is no transfer to draw.")
        elif node.slug in LOST_ON_THE_WAY_WITHOUT_ARRIVAL:
            assert reason.startswith(f"Contact with {node.data.name} was lost on the way to Mars")
        else:
            assert reason is None, node.slug
            root = svg_of(html, "flightpath")
            assert len([e for e in root.iter(SVG + "path") if "fp-arc" in e.get("class", "").split()]) == 1
            assert ">Time of flight</th>" in html
            continue
        assert f'<p class="flightpath-none">{Markup.escape(reason)}</p>' in html
        assert "chart-flightpath" not in html


def test_a_flight_that_fell_silent_says_so_and_an_uncertain_arrival_is_approximate():
    html = real_pages()["missions/zond-2/index.html"].decode()
    assert "Contact with Zond 2 was lost in May 1965, before it reached Mars." in html
    mars_1 = real_pages()["missions/mars-1/index.html"].decode()
    assert "Contact with Mars 1 was lost on 21 March 1963, before it reached Mars." in mars_1
    extra = 'events:\n  - {id: orbit, date: "1971-12", title: Arrives}\nunconfirmed: []\n'
    site, _ = linked(content({"m": mission_yaml("M", extra=extra)}))
    found = flightpath.node_flight(site.mission("m"))
    assert found.approximate and found.arrives.day == 15
    figure = flightpath.mission_figure(site.mission("m"))
    assert "The arrival date of M is approximate" in figure and "December 1971 (approx.)" in figure
    assert '<time datetime="1971-12">December 1971</time> <span class="unconfirmed">(approximate)</span>' in figure


def test_the_1971_chapter_shows_the_race_in_one_diagram():
    html = real_pages()["chapters/mars-2-and-3/index.html"].decode()
    root = svg_of(html, "flightpath")
    arcs = [e.get("class") for e in root.iter(SVG + "path") if "fp-arc" in e.get("class", "").split()]
    bars = [e.get("class") for e in root.iter(SVG + "line") if "fp-arc" in e.get("class", "").split()]
    patterns = ["fp-arc fp-arc-0", "fp-arc fp-arc-1", "fp-arc fp-arc-2"]
    assert arcs == patterns and bars == patterns * 2  # the arcs in the plan; the legend and the time axis
    assert "Order of arrival: Mariner 9, Mars 2, Mars 3." in root.find(SVG + "desc").text
    assert html.count('<th scope="col"><a href="/') == 3  # the table links each mission


def test_the_timeline_shows_the_launch_window_geometry():
    html = real_pages()["timeline/index.html"].decode()
    root = svg_of(html, "windows-geometry")
    views = flightpath.window_views(real_site())
    assert [v.opens.year for v in views] == [1960, 1962, 1964, 1969, 1971, 1973, 1988, 1996, 2011]
    assert all(0 < v.lead < 90 for v in views)  # Mars ahead of Earth at every Soviet departure
    assert flightpath.hohmann_lead() == pytest.approx(44.3, abs=0.1)
    assert "needs a lead of about 44°" in html
    assert len([e for e in root.iter(SVG + "path") if e.get("class") == "fp-angle"]) == len(views)


def test_output_is_deterministic():
    node = real_site().mission("mars-3")
    assert flightpath.mission_figure(node) == flightpath.mission_figure(node)
    first = flightpath.figure((flightpath.node_flight(node),), "x")
    flightpath._transfer.cache_clear()
    assert flightpath.figure((flightpath.node_flight(node),), "x") == first


def block_problems(body: str, missions: dict[str, str]):
    site, problems = linked(content(missions, {"01-one": chapter_md("One", body)}))
    return [p.format() for p in problems if p.severity == "error"]


FLOWN = mission_yaml("Flown", extra="events:\n  - {id: flyby, date: 1972-01-10, title: Passes Mars}\n")
GROUNDED = mission_yaml("Grounded").replace("outcome: success", "outcome: failure")


def test_a_flightpath_block_names_flown_missions_or_errs_at_the_slug():
    body = "Text.\n\n```flightpath\nmissions: [flown, mars-9, grounded]\n```\n"
    errors = block_problems(body, {"flown": FLOWN, "grounded": GROUNDED})
    assert errors == [
        "content/chapters/01-one.md:8:19: error: unknown mission 'mars-9' in the flightpath block",
        "content/chapters/01-one.md:8:27: error: mission 'grounded' has no flight to draw in a flightpath block: "
        "Grounded did not reach Earth orbit, so it never set out for Mars and there is no transfer to draw.",
    ]
    assert block_problems("```flightpath\nflown\n```\n", {"flown": FLOWN}) == [
        "content/chapters/01-one.md:5:1: error: a flightpath block holds one line, missions: [slug, ...], "
        "e.g. missions: [mars-2, mars-3]"
    ]
    assert block_problems(body.replace(", mars-9, grounded", ""), {"flown": FLOWN}) == []


def test_other_fenced_code_is_untouched():
    md = make_parser()
    assert (
        md.render("```python\nmissions: [a]\n```\n")
        == '<pre><code class="language-python">missions: [a]\n</code></pre>\n'
    )


def test_an_arrival_before_the_launch_is_an_error_at_its_date_not_a_crash():
    extra = "events:\n  - {id: orbit, date: 1970-01-10, title: Arrives}\n"
    site, problems = linked(content({"m": mission_yaml("M", extra=extra)}))
    errors = [p.format() for p in problems if p.severity == "error"]
    assert errors == [
        "content/missions/m.yaml:9:23: error: events.0.date: the arrival (1970-01-10) is before the launch (1971-05-28)"
    ]
    assert flightpath.node_flight(site.mission("m")) is None
    assert flightpath.no_flight_reason(site.mission("m")).startswith("The launch and arrival dates of M give no")


def test_a_chapter_diagram_is_rendered_again_when_a_mission_it_draws_changes():
    from documentary.reads import Digests, Replay
    from documentary.render import make_renderer, render_pages

    chapter = {"01-one": chapter_md("One", "```flightpath\nmissions: [flown]\n```\n")}
    later = FLOWN.replace("1972-01-10", "1972-01-20")
    before, _ = linked(content({"flown": FLOWN}, chapter))
    after, _ = linked(content({"flown": later}, chapter))
    renderer, _ = make_renderer(before, make_parser(), ROOT / "templates")
    _, errors, reads = render_pages(renderer, ["chapters/one/index.html"])
    assert errors == []
    again, _ = make_renderer(after, make_parser(), ROOT / "templates")
    unchanged, _ = make_renderer(before, make_parser(), ROOT / "templates")
    # what the page read, asked again of the later site, differs: the diagram's mission changed
    assert Replay(again.answer, Digests()).changed(reads["chapters/one/index.html"])
    assert not Replay(unchanged.answer, Digests()).changed(reads["chapters/one/index.html"])


# --- In the page's language -------------------------------------------------------------------------


@cache
def russian():
    found, problems = read_strings(ROOT / "templates", ("en", "ru"))
    assert problems == ()
    return found["ru"]


@cache
def russian_site():
    """The Russian edition of the real site: its missions carry their Russian names."""
    return next(edition for edition in real_site().editions if edition.language == "ru")


ENGLISH = re.compile(
    r"\b(?:the|of|and|to|from|at|on|in|was|days|Earth|Mars|Sun|AU|million|launch|arrival|window)\b", re.I
)


def words_of(markup: str) -> str:
    """The text of a figure: its elements' text and the SVG title and description, without the markup."""
    return re.sub(r"<[^>]+>", " ", str(markup))


def test_a_diagram_in_russian_has_no_english_word_and_writes_numbers_and_dates_the_russian_way():
    ru = russian()
    for node in russian_site().missions:
        found = flightpath.node_flight(node)
        if not found:
            continue
        text = words_of(flightpath.mission_figure(node, ru))
        assert not ENGLISH.findall(text.replace("DE421", "")), (node.slug, ENGLISH.findall(text))
    mars_3 = words_of(flightpath.mission_figure(russian_site().mission("mars-3"), ru))
    assert "Марс-3: перелёт с Земли к Марсу" in mars_3  # the edition's name for it
    assert "запуск — 28 мая 1971 г., прибытие к Марсу — 2 декабря 1971 г., через 188 дней" in mars_3
    assert "Марс при прибытии, 2 дек. 1971 г." in mars_3 and "Время полёта" in mars_3
    assert re.search(r"от \d,\d\d до \d,\d\d а\. е\. от Солнца", mars_3) and re.search(
        r"\d,\d\d а\. е\. \(\d+ млн км\)", mars_3
    )
    assert "точка весеннего равноденствия →" in mars_3 and "28 мая 1971 г., 15:26:30&nbsp;UTC" in mars_3


def test_in_russian_a_silent_or_uncertain_arrival_is_said_with_the_date_as_it_stands():
    ru = russian()
    zond = words_of(flightpath.mission_figure(russian_site().mission("zond-2"), ru))
    assert "Зонд-2: связь с аппаратом потеряна до прибытия к Марсу (май 1965 г.)." in zond
    assert "Связь с аппаратом потеряна до прибытия (май 1965 г.)." in zond
    extra = 'events:\n  - {id: orbit, date: "1971-12", title: Прибывает}\nunconfirmed: []\n'
    site, _ = linked(content({"m": mission_yaml("М", extra=extra)}))
    figure = str(flightpath.mission_figure(site.mission("m"), ru))
    assert "М: дата прибытия известна приблизительно" in figure and "декабрь 1971 г. (прибл.)" in figure
    assert '<time datetime="1971-12">декабрь 1971 г.</time> <span class="unconfirmed">(приблизительно)</span>' in figure


def test_in_russian_a_mission_without_a_flight_says_why_in_russian():
    ru = russian()
    reasons = {node.slug: flightpath.no_flight_reason(node, ru) for node in russian_site().missions}
    for slug in NEVER_REACHED_ORBIT:
        assert reasons[slug].endswith(
            ": аппарат не вышел на околоземную орбиту, поэтому к Марсу так и не отправился, "
            "и изобразить перелёт нельзя."
        )
    for slug in STRANDED_IN_EARTH_ORBIT:
        assert reasons[slug].endswith(
            ": аппарат вышел на околоземную орбиту, но так и не покинул её, поэтому изобразить перелёт нельзя."
        )
    assert reasons["phobos-1"] == (
        "Фобос-1: связь с аппаратом потеряна на пути к Марсу (2 сентября 1988 г.), а даты прибытия в данных нет, "
        "поэтому перелёт не рассчитывается."
    )
    extra = "events:\n  - {id: orbit, date: 1970-01-10, title: Прибывает}\n"
    site, _ = linked(content({"m": mission_yaml("М", extra=extra)}))
    assert (
        flightpath.no_flight_reason(site.mission("m"), ru)
        == "М: по датам запуска и прибытия перелёт рассчитать не удаётся."
    )


def test_the_1971_race_in_russian_labels_every_flight_and_keeps_its_month_labels_apart():
    ru = russian()
    flights = tuple(flightpath.node_flight(russian_site().mission(s)) for s in ("mariner-9", "mars-2", "mars-3"))
    figure = str(flightpath.figure(flights, "race", w=ru))
    root = svg_of(figure, "flightpath")
    desc = root.find(SVG + "desc").text
    assert desc.endswith("Порядок прибытия: «Маринер-9», Марс-2, Марс-3. В таблице после рисунка те же цифры.")
    assert root.find(SVG + "title").text == "«Маринер-9», Марс-2 и Марс-3: перелёты с Земли к Марсу"
    texts = {e.text for e in root.iter(SVG + "text")}
    assert {
        "188 дней, прибытие 2 дек. 1971 г.",
        "Земля в дни запусков, 19–30 мая 1971 г.",
        "траектория: Марс-2",
    } <= texts
    ticks = sorted((float(e.get("x")), e.text) for e in root.iter(SVG + "text") if e.get("class") == "tick")
    assert ticks[0][1] == "июнь 1971" and "авг." in [t for _, t in ticks]
    spans = [(x - len(t) * flightpath.CHAR / 2, x + len(t) * flightpath.CHAR / 2) for x, t in ticks]
    assert all(right < left for (_, right), (left, _) in zip(spans, spans[1:], strict=False))  # no label on another
    rows = [e for e in root.iter(SVG + "text") if (e.text or "").startswith("192 дня")]
    assert float(rows[0].get("x")) + len(rows[0].text) * flightpath.CHAR <= flightpath.SIZE[0]  # inside the picture


def test_the_launch_window_geometry_in_russian():
    html = str(flightpath.window_figure(russian_site(), russian()))
    root = svg_of(html, "windows-geometry")
    assert root.find(SVG + "title").text.startswith("Земля и Марс в момент первого старта в каждом окне запуска")
    assert "Окно 1971 года: Марс на 33° впереди Земли" in root.find(SVG + "desc").text
    assert "по переходной орбите Гомана" in html and "нужно опережение около 44°" in html
    assert '<a href="#window-1971-05">Окно 1971 года</a>' in html and '<td class="num">32,8°</td>' in html
    assert not ENGLISH.findall(words_of(html).replace("J2000", "").replace("DE421", ""))
