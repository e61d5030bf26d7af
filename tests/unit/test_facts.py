"""facts.py: fact paths that prose may print, and counts over missions."""

from documentary.dates import PartialDate
from documentary.facts import count, filter_problem, path_problem, value
from documentary.models import Mission

BASE = {
    "program": "soviet",
    "type": ["orbiter", "lander"],
    "launch": {"date": "1971-05-28", "vehicle": "Proton-K/D", "site": "Baikonur"},
    "outcome": "partial",
    "summary": "s",
}


def mission(**changes) -> Mission:
    return Mission.model_validate({"name": "Mars 3", **BASE, **changes})


def test_fact_values():
    m = mission(events=[{"id": "landing", "date": "1971-12-02", "title": "Lands"}])
    assert value(m, "launch.date") == PartialDate(1971, 5, 28)
    assert value(m, "events.landing.title") == "Lands"
    assert value(m, "name") == "Mars 3"


def test_unknown_fact_path_lists_the_known_ones():
    problem = path_problem(mission(), "launch.dat")
    assert problem.startswith("unknown fact path 'launch.dat' for Mars 3; known paths: name, name_ru")


def test_a_fact_without_a_value_is_a_problem():
    assert path_problem(mission(), "launch.time") == "Mars 3 has no value for 'launch.time'"


def test_counts_combine_filters():
    missions = [
        mission(),
        mission(program="usa", outcome="success", launch={**BASE["launch"], "date": "1964-11-28"}),
        mission(program="russia", outcome="failure", type=["lander"]),
    ]
    assert count(missions, "program=soviet,russia") == 2
    assert count(missions, "outcome=success") == 1
    assert count(missions, "type=lander from=1965") == 2
    assert count(missions, "to=1970") == 1
    assert count(missions, "") == 3


def test_bad_filters_are_explained():
    assert filter_problem("program=mars") == (
        "count filter program= takes soviet, russia, usa, europe, china, india, japan, uae"
    )
    assert filter_problem("colour=red").startswith("unknown count filter 'colour'")
    assert filter_problem("from=soon") == "count filter 'from' needs a year, e.g. from=1973"
    assert filter_problem("program=usa outcome=failure") is None


def test_coordinates_keep_their_precision_and_hemisphere():
    from documentary.facts import coordinate

    assert coordinate(175.4785, "E", "W") == "175.4785° E"
    assert coordinate(-45.0, "N", "S") == "45° S"
    assert coordinate(-158.25, "E", "W") == "158.25° W"
