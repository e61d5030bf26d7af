"""Share cards: size, colours from the stylesheet, wrapping, Cyrillic, names and identical bytes."""

from __future__ import annotations

import io

from PIL import Image, ImageFont

from documentary import cards
from tests.conftest import ROOT


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def test_a_card_is_a_1200_by_630_png_on_the_sites_background():
    data = cards.render_card("Mars 3", "Mission", site="Red Planet, Red Star")
    assert data.startswith(b"\x89PNG")
    image = opened(data)
    assert image.size == (1200, 630)
    assert image.getpixel((600, 620)) == (0xF7, 0xF3, 0xEC)  # --bg
    assert image.getpixel((600, 5)) == (0x9C, 0x2F, 0x1B)  # the accent band: --link


def test_the_palette_is_read_from_the_stylesheet():
    palette = cards.palette((ROOT / "static" / "css" / "site.css").read_text())
    assert palette == cards.Palette("#f7f3ec", "#efe8dc", "#1d1a16", "#5d544a", "#9c2f1b", "#d8cebf")
    changed = cards.palette(":root { --bg: light-dark(#112233, #000); --link: #abcdef; }")
    assert (changed.background, changed.accent, changed.text) == ("#112233", "#abcdef", cards.Palette().text)
    image = opened(cards.render_card("T", "Page", colours=changed))
    assert image.getpixel((600, 620)) == (0x11, 0x22, 0x33)


def test_long_titles_wrap_within_the_margins():
    font = ImageFont.truetype(str(cards.BOLD), 72)
    lines = cards.wrap("Mars 2 and 3: the M-69 failures, Kosmos 419, and the race with Mariner 9", font, 1040)
    assert len(lines) > 1 and all(font.getlength(line) <= 1040 for line in lines)
    assert " ".join(lines) == "Mars 2 and 3: the M-69 failures, Kosmos 419, and the race with Mariner 9"
    assert all(font.getlength(part) <= 300 for part in cards.wrap("Antidisestablishmentarianism" * 3, font, 300))


def ink_columns(image: Image.Image, top: int, bottom: int) -> list[int]:
    """The x of every column holding title ink (the text colour) between two heights."""
    text = (0x1D, 0x1A, 0x16)
    return [x for x in range(image.width) if any(image.getpixel((x, y)) == text for y in range(top, bottom, 3))]


def test_an_overlong_title_stays_on_the_card():
    image = opened(cards.render_card("Very long words " * 40, "Chapter"))
    columns = ink_columns(image, 130, 500)
    assert columns and min(columns) >= 80 and max(columns) <= 1120
    assert ink_columns(image, 505, 630) == []  # nothing runs into the foot


def test_cyrillic_is_drawn_not_boxes():
    """A font without Cyrillic draws every letter as the same .notdef box; DejaVu draws each letter."""
    font = ImageFont.truetype(str(cards.BOLD), 60)
    box = bytes(font.getmask("\U000e0fff"))  # a code point no font has: drawn as the .notdef box
    letters = [bytes(font.getmask(letter)) for letter in "ЖЯЛДБЮЩ"]
    assert box not in letters and len(set(letters)) == len(letters)


def test_cards_are_byte_identical_and_named_after_what_they_show():
    first = cards.Card("Mars 3", "Mission", "Site")
    assert first.render() == cards.Card("Mars 3", "Mission", "Site").render()
    assert first.name == cards.Card("Mars 3", "Mission", "Site").name
    assert first.name.startswith("img/cards/") and first.name.endswith(".png")
    others = {cards.Card("Mars 2", "Mission", "Site").name, cards.Card("Mars 3", "Chapter", "Site").name}
    others.add(cards.Card("Mars 3", "Mission", "Site", cards.Palette(background="#000000")).name)
    assert first.name not in others and len(others) == 3


def test_the_alt_text_says_what_the_card_shows():
    assert cards.Card("Mars 3", "Mission", "Red Planet").alt == "Mission: Mars 3, on Red Planet"
    assert cards.Card("Timeline", "Timeline", "Red Planet").alt == "Timeline, on Red Planet"
    assert cards.Card("Red Planet", "Documentary", "Red Planet").alt == "Documentary: Red Planet"


def test_the_alt_text_is_in_the_pages_language_and_leaves_the_picture_alone():
    words = ("{kind}: {title}", "{text}, на сайте «{site}»")  # card.alt and card.alt_site in ru.yaml
    card = cards.Card("Марс-3", "Миссия", "Красная планета", words=words)
    assert card.alt == "Миссия: Марс-3, на сайте «Красная планета»"
    assert cards.Card("Хронология", "Хронология", "Красная планета", words=words).alt == (
        "Хронология, на сайте «Красная планета»"
    )
    assert card.name == cards.Card("Марс-3", "Миссия", "Красная планета").name  # the same picture, the same file


def test_a_cover_can_be_any_size():
    image = opened(cards.render_card("Red Planet, Red Star", "The Soviet Mars program", size=(1600, 2400)))
    assert image.size == (1600, 2400)


def test_produce_draws_what_the_folder_lacks_and_drops_what_no_page_shows(tmp_path):
    old, kept, new = cards.Card("Old", "Page", "S"), cards.Card("Kept", "Page", "S"), cards.Card("New", "Page", "S")
    for card in (old, kept):
        (tmp_path / card.name.removeprefix("img/cards/")).write_bytes(b"drawn before")
    files = cards.produce([kept, new], tmp_path)
    assert files == {c.name: tmp_path / c.name.removeprefix("img/cards/") for c in (kept, new)}
    assert files[kept.name].read_bytes() == b"drawn before"  # not drawn again
    assert files[new.name].read_bytes() == new.render()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files.values())
