"""i18n.py: UI strings parsed and checked on text; plural forms, placeholders, dates and coordinates."""

import datetime as dt
from pathlib import Path

from markupsafe import Markup

from documentary.dates import PartialDate
from documentary.i18n import compare, parse_strings, read_strings
from documentary.load import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
DATES = "date.day: d MMMM y\ndate.month: MMMM y\ndate.year: y\n"
RU_DATES = "date.day: \"d MMMM y 'г.'\"\ndate.month: \"LLLL y 'г.'\"\ndate.year: \"y 'г.'\"\n"


def strings(text: str, language: str = "en", path: str = "i18n/en.yaml"):
    found, problems = parse_strings(path, text, language)
    return found, [p.format() for p in problems]


def test_plain_and_plural_messages():
    en, problems = strings(DATES + 'hello: "Hi, {name}"\nwords: {one: "{n} word", other: "{n} words"}\n')
    assert problems == []
    assert en("hello", name="Ann") == "Hi, Ann"
    assert en("words", 1) == "1 word"
    assert en("words", 1300) == "1,300 words"


def test_russian_plural_forms_are_chosen_by_cldr_rules():
    text = RU_DATES + "m: {one: '{n} миссия', few: '{n} миссии', many: '{n} миссий', other: '{n} миссии'}\n"
    ru, problems = strings(text, "ru", "i18n/ru.yaml")
    assert problems == []
    assert [ru("m", n) for n in (1, 3, 30, 21)] == ["1 миссия", "3 миссии", "30 миссий", "21 миссия"]


def test_a_plural_message_missing_a_form_of_its_language_is_an_error_at_its_line():
    _, problems = strings(RU_DATES + "m: {one: '{n} миссия', other: '{n} миссии'}\n", "ru", "i18n/ru.yaml")
    assert problems == ["i18n/ru.yaml:4:4: error: message 'm': needs the plural forms one, few, many, other for ru; "
                        "missing few, many"]  # fmt: skip


def test_a_form_the_language_does_not_have_is_an_error():
    _, problems = strings(DATES + "m: {one: a, few: b, other: c}\n")
    assert problems == ["i18n/en.yaml:4:4: error: message 'm': 'few' is not a plural form of en; use one, other"]


def test_a_broken_placeholder_is_an_error():
    _, problems = strings(DATES + 'x: "a {b"\n')
    assert problems[0].startswith("i18n/en.yaml:4:4: error: message 'x': bad placeholder")


def test_markup_arguments_stay_markup_and_text_is_escaped():
    en, _ = strings(DATES + 'acc: "Accessed {date} & more."\n')
    result = en("acc", date=Markup("<time>x</time>"))
    assert result == "Accessed <time>x</time> &amp; more." and isinstance(result, Markup)


def test_time_tags_and_coordinates_per_language():
    ru, _ = strings(RU_DATES + "coord.north: с. ш.\ncoord.south: ю. ш.\ncoord.east: в. д.\ncoord.west: з. д.\n", "ru")
    assert ru.time_tag(PartialDate(1971, 12, 2), "13:50") == (
        '<time datetime="1971-12-02T13:50Z">2 декабря 1971 г., 13:50&nbsp;UTC</time>'
    )
    assert ru.lat(-45.25) == "45,25° ю. ш." and ru.lon(158.0) == "158° в. д."


def test_another_language_must_have_the_same_keys_and_placeholders():
    en, _ = strings(DATES + 'a: "A {x}"\nb: B\n')
    text = RU_DATES + 'a: "А {y}"\nc: В\n'
    ru, _ = strings(text, "ru", "i18n/ru.yaml")
    doc, _ = parse_yaml("i18n/ru.yaml", text)
    assert [p.format() for p in compare(en, "i18n/en.yaml", ru, doc)] == [
        "i18n/ru.yaml:1:1: error: missing message 'b' (it is in i18n/en.yaml)",
        "i18n/ru.yaml:4:4: error: message 'a' must use the placeholders {x}",
        "i18n/ru.yaml:5:1: error: unknown message 'c' (not in i18n/en.yaml)",
    ]


def test_the_projects_english_and_russian_files_agree():
    found, problems = read_strings(ROOT / "templates", ("en", "ru"))
    assert problems == ()
    assert found["ru"]("outcome.partial") == "Частичный успех"
    assert found["ru"]("home.attempts", 19) == "советских и российских попыток"


def test_short_dates_axis_months_and_fixed_decimals_per_language():
    patterns = "date.short: \"d MMM y 'г.'\"\ndate.axis_month: LLL\ndate.axis_month_year: LLL y\n"
    ru, problems = strings(RU_DATES + patterns, "ru")
    assert problems == []
    assert ru.short_date(PartialDate(1971, 11, 14)) == "14 нояб. 1971 г."
    assert ru.short_date(PartialDate(1965, 5)) == "май 1965 г."  # a month alone is the month's own pattern
    assert ru.axis_month(dt.date(1971, 6, 1)) == "июнь" and ru.axis_month(dt.date(1971, 6, 1), True) == "июнь 1971"
    assert ru.fixed(1.526, 2) == "1,53"
    en, _ = strings(DATES + 'date.short: "d MMM y"\n')
    assert en.short_date(PartialDate(1971, 11, 14)) == "14 Nov 1971" and en.fixed(1.526, 2) == "1.53"


def test_a_label_date_pattern_babel_cannot_read_is_an_error_at_its_line():
    _, problems = strings(DATES + 'date.short: "d MMM y ZZZZZZZ"\n')
    assert problems == [
        "i18n/en.yaml:4:13: error: message 'date.short': not a Babel date pattern (Invalid length for field: 'ZZZZZZZ')"
    ]
