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
from functools import cache, partial
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .parallel import cores, map_slices

FONTS = Path(__file__).resolve().parent / "fonts"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
REGULAR = FONTS / "DejaVuSans.ttf"
SIZE = (1200, 630)
VERSION = "documentary cards 1"
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
    kicker: str  # the kind of page: Chapter, Mission, Timeline...
    site: str
    colours: Palette = Palette()

    @property
    def key(self) -> str:
        digest = hashlib.sha256(f"{VERSION}\0{self.title}\0{self.kicker}\0{self.site}\0{self.colours}".encode())
        digest.update(_code_and_fonts())
        return digest.hexdigest()[:20]

    @property
    def name(self) -> str:
        return f"img/cards/{self.key}.png"

    @property
    def alt(self) -> str:
        """og:image:alt: what the card says, without saying a word twice."""
        text = self.title if self.kicker == self.title else f"{self.kicker}: {self.title}"
        return text if self.title == self.site or not self.site else f"{text}, on {self.site}"

    def render(self) -> bytes:
        return render_card(self.title, self.kicker, SIZE, self.site, self.colours)


def render_card(
    title: str, kicker: str, size: tuple[int, int] = SIZE, site: str = "", colours: Palette = Palette()
) -> bytes:
    """A PNG of `title` under `kicker`, with `site` at the foot; fits any size of roughly 2:1 to 1:1.5."""
    width, height = size
    unit = min(width / SIZE[0], height / SIZE[1])  # scale type and margins with the card
    margin = round(80 * unit)
    image = Image.new("RGB", size, colours.background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, round(14 * unit)), fill=colours.accent)
    kicker_font = _font(BOLD, round(30 * unit))
    draw.text((margin, round(78 * unit)), kicker.upper(), font=kicker_font, fill=colours.accent)
    foot_top = height - round(110 * unit)
    lines, font = _fit(title, width - 2 * margin, foot_top - round(150 * unit), unit)
    y = round(140 * unit)
    for line in lines:
        draw.text((margin, y), line, font=font, fill=colours.text)
        y += round(font.size * 1.18)
    draw.line((margin, foot_top, width - margin, foot_top), fill=colours.rule, width=max(1, round(2 * unit)))
    radius = round(22 * unit)
    centre = (margin + radius, foot_top + round(55 * unit))
    draw.ellipse((centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius), fill=colours.accent)
    site_font = _font(REGULAR, round(32 * unit))
    site_at = (margin + 2 * radius + round(20 * unit), centre[1])
    draw.text(site_at, site, font=site_font, fill=colours.muted, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


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
        target = folder / card.name.removeprefix("img/cards/")
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(card.render())
        temporary.replace(target)
