"""Share cards: the 1200 x 630 PNG a social network shows for a page, with its title and kind.

Drawn with Pillow in DejaVu Sans (shipped in documentary/fonts/, Bitstream Vera licence; it covers
Latin, Cyrillic and Greek), on the site's light colours read from its stylesheet. The same title, kind
and colours give the same bytes on any machine: Pillow's basic text layout (no system shaping library)
and PNG without timestamps. `render_card` is also what an EPUB cover can use.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path

from PIL import Image, ImageChops, ImageColor, ImageDraw, ImageFont

from .cache import store
from .i18n import english
from .parallel import cores, map_slices

FONTS = Path(__file__).resolve().parent / "fonts"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
REGULAR = FONTS / "DejaVuSans.ttf"
SIZE = (1200, 630)
VERSION = "documentary cards 2"
TITLE_SIZES = (72, 62, 54, 46)  # the largest that fits in MAX_LINES lines
MAX_LINES = 4


@dataclass(frozen=True)
class Palette:
    background: str = "#f7f3ec"
    surface: str = "#efe8dc"
    text: str = "#1d1a16"
    muted: str = "#5d544a"
    accent: str = "#9c2f1b"
    rule: str = "#d8cebf"


DEFAULT_PALETTE = Palette()
_VARIABLES = {  # Palette field -> the stylesheet's custom property
    "background": "bg",
    "surface": "surface",
    "text": "text",
    "muted": "muted",
    "accent": "link",
    "rule": "rule",
}


def palette(css: str) -> Palette:
    """The light colours of the site's stylesheet (`--bg: light-dark(#f7f3ec, #17140f)`), defaults for any missing."""
    found = {}
    for name, variable in _VARIABLES.items():
        match = re.search(rf"--{variable}:\s*(?:light-dark\(\s*)?(#[0-9a-fA-F]{{3,8}})\b", css)
        if match:
            found[name] = match.group(1).lower()
    return Palette(**found)


@dataclass(frozen=True)
class Card:
    title: str
    kicker: str  # the kind of page in the page's language (card.kind.*): Chapter, Глава...
    site: str
    colours: Palette = Palette()
    words: tuple[str, str] | None = None  # the page's card.alt and card.alt_site; None: the generator's English

    @cached_property  # asked for every page's card at every build and rebuild: hashed once per card
    def key(self) -> str:
        digest = hashlib.sha256(f"{VERSION}\0{self.title}\0{self.kicker}\0{self.site}\0{self.colours}".encode())
        digest.update(_code_and_fonts())
        return digest.hexdigest()[:20]

    @property
    def name(self) -> str:
        return f"img/cards/{self.key}.png"

    @property
    def alt(self) -> str:
        """og:image:alt: what the card says, without saying a word twice, in the page's language."""
        kind_title, on_site = self.words or (english().messages["card.alt"], english().messages["card.alt_site"])
        text = self.title if self.kicker == self.title else str(kind_title).format(kind=self.kicker, title=self.title)
        return text if self.title == self.site or not self.site else str(on_site).format(text=text, site=self.site)

    def render(self) -> bytes:
        return render_card(self.title, self.kicker, SIZE, self.site, self.colours)


def render_card(
    title: str, kicker: str, size: tuple[int, int] = SIZE, site: str = "", colours: Palette = Palette()
) -> bytes:
    """A PNG of `title` under `kicker`, with `site` at the foot; fits any size of roughly 2:1 to 1:1.5."""
    box = _Box(size)
    image = _frame(size, site).copy()
    kicker_font = _font(BOLD, round(30 * box.unit))
    _band(
        image,
        ACCENT,
        box.kicker,
        lambda draw, top: draw.text((box.margin, box.kicker_y - top), kicker.upper(), font=kicker_font, fill=255),
    )
    lines, font = _fit(title, box.width - 2 * box.margin, box.foot_top - round(150 * box.unit), box.unit)

    def title_lines(draw: ImageDraw.ImageDraw, top: int) -> None:
        for number, line in enumerate(lines):
            y = box.title_y + number * round(font.size * 1.18)
            draw.text((box.margin, y - top), line, font=font, fill=255)

    # only the rows the lines take (each line's box is its size x 1.18, the descenders inside it)
    rows = (box.title[0], min(box.title[1], box.title_y + len(lines) * round(font.size * 1.18) + 1))
    _band(image, TEXT, rows, title_lines)
    image.putpalette(_shades(colours.background, (colours.accent, colours.text, colours.rule, colours.muted)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=3)  # 40% of zlib's default time for a file 40% bigger (~14 KB)
    return buffer.getvalue()


# A card is its background and four inks that never overlap, each drawn with antialiased edges. It is
# drawn as palette indices (0 the background, then LEVELS shades of each ink; LEVELS shades cannot be told
# from 255 at this size), so its PNG has a third of the bytes to compress; and what every card of a site
# shares (the band, the rule, the dot and the site's name) is drawn once, so a card only draws its kicker
# and title into the bands between. A card costs about 5 CPU-ms instead of 27 (the share cards were
# four fifths of a cold build's CPU time at 1,100 pages).
LEVELS = 15
ACCENT, TEXT, RULE, MUTED = range(4)  # the inks, in palette order


@dataclass(frozen=True)
class _Box:
    """Where everything goes on a card of this size."""

    size: tuple[int, int]

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def unit(self) -> float:  # type and margins scale with the card
        return min(self.size[0] / SIZE[0], self.size[1] / SIZE[1])

    @property
    def margin(self) -> int:
        return round(80 * self.unit)

    @property
    def band(self) -> int:
        return round(14 * self.unit)

    @property
    def kicker_y(self) -> int:
        return round(78 * self.unit)

    @property
    def title_y(self) -> int:
        return round(140 * self.unit)

    @property
    def foot_top(self) -> int:
        return self.size[1] - round(110 * self.unit)

    @property
    def kicker(self) -> tuple[int, int]:  # rows from below the band to the title
        return self.band + 1, self.title_y

    @property
    def title(self) -> tuple[int, int]:  # rows from the title to just above the rule
        return self.title_y, self.foot_top - max(1, round(2 * self.unit))


@cache
def _frame(size: tuple[int, int], site: str) -> Image.Image:
    """What every card of a site shares, as palette indices: the accent band, the rule, the dot and the name."""
    box = _Box(size)
    width, unit = size[0], box.unit
    image = Image.new("L", size, 0)
    _band(image, ACCENT, (0, size[1]), lambda draw, top: draw.rectangle((0, 0, width, box.band), fill=255))
    rule = (box.margin, box.foot_top, width - box.margin, box.foot_top)
    _band(image, RULE, (0, size[1]), lambda draw, top: draw.line(rule, fill=255, width=max(1, round(2 * unit))))
    radius = round(22 * unit)
    x, y = box.margin + radius, box.foot_top + round(55 * unit)
    dot = (x - radius, y - radius, x + radius, y + radius)
    _band(image, ACCENT, (box.foot_top, size[1]), lambda draw, top: draw.ellipse(_shifted(dot, top), fill=255))
    site_at = (box.margin + 2 * radius + round(20 * unit), y)
    site_font = _font(REGULAR, round(32 * unit))
    _band(
        image,
        MUTED,
        (box.foot_top, size[1]),
        lambda draw, top: draw.text((site_at[0], site_at[1] - top), site, font=site_font, fill=255, anchor="lm"),
    )
    return image


def _shifted(shape: tuple[int, int, int, int], top: int) -> tuple[int, int, int, int]:
    return shape[0], shape[1] - top, shape[2], shape[3] - top


def _band(image: Image.Image, ink: int, rows: tuple[int, int], draw) -> None:
    """Draw one ink's shapes into rows top..bottom of `image` (palette indices), over what is there.

    `draw(draw, top)` draws with y measured from `top`, in coverage (255 = the ink)."""
    top, bottom = rows
    mask = Image.new("L", (image.width, bottom - top), 0)
    draw(ImageDraw.Draw(mask), top)
    shaded = mask.point(_levels(ink))
    box = (0, top, image.width, bottom)
    image.paste(ImageChops.lighter(image.crop(box), shaded), box)


@cache
def _levels(number: int) -> list[int]:
    """Mask value -> palette index for ink `number`: nothing stays 0 (the background)."""
    first = 1 + number * LEVELS
    steps = [round(value * LEVELS / 255) for value in range(256)]
    return [first + step - 1 if step else 0 for step in steps]


@cache
def _shades(background: str, colours: tuple[str, ...]) -> list[int]:
    back = ImageColor.getrgb(background)
    flat = list(back)
    for colour in colours:
        ink = ImageColor.getrgb(colour)
        for level in range(1, LEVELS + 1):
            flat += [round(b + (i - b) * level / LEVELS) for b, i in zip(back, ink, strict=True)]
    return flat


def _fit(title: str, width: int, height: int, unit: float) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest title size whose wrapped lines fit; at the smallest, the last line ends in an ellipsis."""
    for points in TITLE_SIZES:
        font = _font(BOLD, round(points * unit))
        lines = wrap(title, font, width)
        if len(lines) <= MAX_LINES and len(lines) * font.size * 1.18 <= height:
            return lines, font
    lines = wrap(title, font, width)[:MAX_LINES]
    while lines and font.getlength(lines[-1] + "…") > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] = lines[-1].rstrip() + "…"
    return lines, font


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy line breaking at spaces; a word longer than a line is cut where it must be."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:
            cut = max(1, next(i for i in range(len(word), 0, -1) if font.getlength(word[:i]) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    return lines + [line] if line else lines


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@cache
def _code_and_fonts() -> bytes:
    """A card changes when this drawing code or a font changes; its name must change with it."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for font in (BOLD, REGULAR):
        digest.update(font.read_bytes())
    return digest.digest()


def produce(shown: Sequence[Card], folder: Path, workers: int = 0) -> dict[str, Path]:
    """Draw the cards the folder lacks (on every core), drop the ones no page shows any more, and name
    every card's file by output name, for the write stage."""
    wanted = {card.name.removeprefix("img/cards/"): card for card in shown}
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.png"):
        if stale.name not in wanted:
            stale.unlink(missing_ok=True)
    todo = [card for name, card in wanted.items() if not (folder / name).is_file()]
    count = min(workers or cores(), len(todo)) or 1
    map_slices(partial(_draw_slice, folder), todo, count if len(todo) >= MIN_PARALLEL else 1)
    return {card.name: folder / name for name, card in wanted.items()}


MIN_PARALLEL = 8  # a card takes 10-30 ms; fewer than this are drawn faster than a worker starts


def _draw_slice(folder: Path, todo: Sequence[Card]) -> None:
    for card in todo:
        store(folder / card.name.removeprefix("img/cards/"), card.render())
