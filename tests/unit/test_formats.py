"""formats.py: dates with their precision, numbers and plural categories, per language, from Babel."""

import datetime as dt

from documentary.dates import PartialDate
from documentary.formats import DatePatterns, Formats, known_language

EN = Formats("en", DatePatterns("d MMMM y", "MMMM y", "y"))
RU = Formats("ru", DatePatterns("d MMMM y 'г.'", "LLLL y 'г.'", "y 'г.'"))


def test_english_dates_read_as_before():
    assert EN.date(PartialDate(1971, 5, 28)) == "28 May 1971"
    assert EN.date(PartialDate(1972, 8)) == "August 1972"
    assert EN.date(PartialDate(1960)) == "1960"


def test_russian_dates_use_the_genitive_with_a_day_and_the_nominative_without():
    assert RU.date(PartialDate(1971, 5, 28)) == "28 мая 1971 г."
    assert RU.date(PartialDate(1971, 5)) == "май 1971 г."
    assert RU.date(PartialDate(1960)) == "1960 г."
    assert RU.month(dt.date(1973, 7, 21)) == "июль 1973 г."


def test_numbers_are_grouped_for_the_language():
    assert EN.number(1300) == "1,300"
    assert RU.number(1300) == "1\xa0300"
    assert RU.decimal("45.5") == "45,5"
    assert EN.decimal("45.5") == "45.5"


def test_plural_categories_follow_cldr():
    assert [RU.plural(n) for n in (1, 2, 5, 11, 21, 22, 25)] == ["one", "few", "many", "many", "one", "few", "many"]
    assert [EN.plural(n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert RU.plural_categories == {"one", "few", "many", "other"}


def test_only_languages_babel_knows_are_accepted():
    assert known_language("ru") and known_language("en")
    assert not known_language("xx")
