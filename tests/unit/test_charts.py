"""charts.py: accessible inline SVG drawn from the mission data."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from markupsafe import Markup

from documentary import charts
from tests.conftest import ROOT

from .sitekit import content, linked, mission_yaml

SVG = "{http://www.w3.org/2000/svg}"


def mission(name: str, date: str, program: str = "soviet", outcome: str = "success", site: str = "") -> str:
    text = mission_yaml(name, date, program, extra=site)
    return text.replace("outcome: success", f"outcome: {outcome}")


def make_site(missions: dict[str, str]):
    site, problems = linked(content(missions))
    assert [p for p in problems if p.severity == "error"] == []
    return site


def fleet():
    return make_site(
        {
            "mars-2": mission(
                "Mars 2",
                "1971-05-19",
                outcome="partial",
                site="landing_site: {lat: -45, lon: 47, name: Impact, kind: impact}\nunconfirmed: [landing_site]\n",
            ),
            "mars-3": mission(
                "Mars 3 <lander>", "1971-05-28", outcome="partial", site="landing_site: {lat: -45, lon: -158, name: P}"
            ),
            "mars-4": mission("Mars 4", "1973-07-21", outcome="failure"),
            "viking-1": mission(
                "Viking 1", "1975-08-20", "usa", site="landing_site: {lat: 22.3, lon: -47.9, name: Chryse}\n"
            ),
            "schiaparelli": mission(
                "Schiaparelli", "2016-03-14", "europe", "failure", "landing_site: {name: Meridiani, kind: impact}\n"
            ),
        }
    )


def parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))


def classes(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if name in (e.get("class") or "").split()]


def assert_accessible(svg: Markup) -> ET.Element:
    """role="img", named by its own <title> and <desc>; no style attribute (the CSP forbids them), no links."""
    root = parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(SVG + "title").get("id") == title_id and root.find(SVG + "title").text
    assert root.find(SVG + "desc").get("id") == desc_id and root.find(SVG + "desc").text
    assert "style=" not in svg and "<a " not in svg and "href" not in svg
    return root


def test_every_picture_is_well_formed_and_accessible():
    site = fleet()
    for svg in (
        charts.mars_map(site),
        charts.mission_map(site.mission("mars-3")),
        charts.window_chart(site),
        charts.timeline_overview(site),
    ):
        assert isinstance(svg, Markup)
        assert_accessible(svg)


def test_the_map_is_east_longitude_from_minus_180_to_180_with_north_up():
    plot = charts.MAP_PLOT
    assert charts.map_point(0, -180) == (plot.x, plot.y + plot.h / 2)
    assert charts.map_point(0, 180) == (plot.x + plot.w, plot.y + plot.h / 2)
    assert charts.map_point(90, 0) == (plot.x + plot.w / 2, plot.y)
    x, y = charts.map_point(-45, -158)  # Mars 3: south and west of the centre
    assert x < plot.x + plot.w / 2 and y > plot.y + plot.h / 2


def test_the_map_marks_every_located_site_and_only_those():
    site = fleet()
    root = assert_accessible(charts.mars_map(site))
    assert [m.slug for m in charts.located_sites(site)] == ["mars-2", "mars-3", "viking-1"]
    marks = [e for e in root.iter(SVG + "path") if "site" in (e.get("class") or "").split()]
    assert len(marks) == 3 + 3  # three sites and the three legend marks
    assert len(classes(root, "path", "site-impact")) == 1 + 1
    assert len(classes(root, "path", "site-presumed")) == 0 + 1  # only the legend's
    labels = [e.text for e in classes(root, "text", "site-label")]
    assert labels == ["Mars 2 (approx.)", "Mars 3 <lander>", "Viking 1"]
    assert "Schiaparelli" not in charts.mars_map(site)
    assert "Mars 3 &lt;lander&gt;" in charts.mars_map(site)  # names are escaped


def test_a_missions_own_map_shows_its_site_or_nothing():
    site = fleet()
    root = assert_accessible(charts.mission_map(site.mission("viking-1")))
    assert [e.text for e in classes(root, "text", "site-label")] == ["Viking 1"]
    assert "Chryse" in root.find(SVG + "desc").text and "47.9° W" in root.find(SVG + "desc").text
    assert charts.mission_map(site.mission("schiaparelli")) == Markup("")
    assert charts.mission_map(site.mission("mars-4")) == Markup("")


def test_labels_avoid_each_other_and_stay_on_the_map():
    taken = [charts.Box(300, 100, 80, 17)]
    box, anchor = charts.place_label(290, 108, 80, taken, 8)  # right is taken: goes left
    assert anchor == "end" and not box.overlaps(taken[0]) and box.inside(charts.MAP_PLOT)
    edge = charts.MAP_PLOT.x + charts.MAP_PLOT.w - 5
    box, anchor = charts.place_label(edge, 200, 60, [], 8)  # at the east edge the label goes left
    assert anchor == "end" and box.inside(charts.MAP_PLOT)


def test_window_counts_split_soviet_and_russian_from_everyone_else():
    rows = charts.window_counts(fleet())
    by_year = {r.year: r for r in rows}
    assert by_year[1971].soviet == {"success": 0, "partial": 2, "failure": 0}
    assert by_year[1971].other == {"success": 0, "partial": 0, "failure": 0}
    assert by_year[1975].other == {"success": 1, "partial": 0, "failure": 0}
    assert by_year[2016].other["failure"] == 1


def test_the_window_chart_draws_one_block_per_mission_coded_by_fill():
    site = fleet()
    root = assert_accessible(charts.window_chart(site))
    outlines = classes(root, "rect", "outline")
    assert len(outlines) == len(site.missions) + 3  # plus the legend's three blocks
    fills = classes(root, "rect", "solid")
    half = [r for r in fills if float(r.get("width")) < float(charts.BAR_WIDTH)]
    assert len(half) == 2 + 2  # Mars 2 and Mars 3 are partial; the legend has one half and one full block
    years = [e.text for e in classes(root, "text", "tick")]
    assert years == ["1971", "1973", "1975", "2016"]


def test_the_overview_has_one_mark_per_mission_shaped_by_outcome():
    site = fleet()
    root = assert_accessible(charts.timeline_overview(site))
    rings = classes(root, "circle", "outline")
    solids = classes(root, "circle", "solid")
    halves = classes(root, "path", "solid")
    # 5 missions + 3 legend marks: success = solid circle, partial = half path + ring, failure = ring only
    assert len(solids) == 1 + 1
    assert len(halves) == 2 + 1
    assert len(rings) == (2 + 2) + 2
    decades = [e.text for e in classes(root, "text", "tick")]
    assert decades == ["1970", "1980", "1990", "2000", "2010"]
    assert re.search(r"from 1970 to 2017", root.find(SVG + "desc").text)


def test_pictures_are_byte_identical_from_one_build_to_the_next():
    """Two interpreters with different string hashing (so any set or dict order that leaks would show)."""
    code = (
        "import hashlib; from documentary import charts; from tests.unit.test_charts import fleet; "
        "print(hashlib.sha256((charts.mars_map(fleet()) + charts.window_chart(fleet())).encode()).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_an_empty_site_draws_nothing_rather_than_failing():
    site = make_site({})
    assert charts.timeline_overview(site) == Markup("")
    assert charts.located_sites(site) == ()
    assert_accessible(charts.mars_map(site))


def test_a_presumed_landing_point_is_drawn_open_and_named_as_such():
    site = make_site(
        {
            "mars-6": mission(
                "Mars 6",
                "1973-08-05",
                outcome="failure",
                site="landing_site: {lat: -23.9, lon: -19.42, name: Presumed, kind: presumed}\n",
            )
        }
    )
    root = assert_accessible(charts.mars_map(site))
    assert len(classes(root, "path", "site-presumed")) == 1 + 1  # the site and the legend's mark
    assert len(classes(root, "path", "site-impact")) == 0 + 1
    assert "0 landing sites (triangles), 1 presumed landing point (open triangles) and 0 impact sites" in str(
        charts.mars_map(site)
    )
    assert "marking the presumed landing point, Presumed," in str(charts.mission_map(site.mission("mars-6")))
