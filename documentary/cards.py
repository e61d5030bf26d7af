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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

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


_VARIABLES = {"background": "bg", "surface": "surface", "text": "text", "muted": "muted", "accent": "link", "rule": "rule"}


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
    draw.text((margin + 2 * radius + round(20 * unit), centre[1]), site, font=site_font, fill=colours.muted, anchor="lm")
    buffer = io.BytesIO()
    # 64 colours hold the flat fills and the antialiased type: half the bytes, and faster to compress
    image.quantize(64, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG")
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


def load_cache(folder: Path) -> dict[str, bytes]:
    """Cards drawn by earlier builds, by output name; an unreadable folder is an empty cache."""
    try:
        return {f"img/cards/{p.name}": p.read_bytes() for p in sorted(folder.glob("*.png"))}
    except OSError:
        return {}


def save_cache(folder: Path, outputs: dict[str, bytes], known: dict[str, bytes]) -> None:
    """Keep exactly the cards of this build; never raise (a cache that can't be written costs time only)."""
    wanted = {name.removeprefix("img/cards/"): data for name, data in outputs.items() if name.startswith("img/cards/")}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in wanted.items():
            if f"img/cards/{name}" not in known:
                (folder / f".{name}.tmp").write_bytes(data)
                (folder / f".{name}.tmp").replace(folder / name)
        for stale in folder.glob("*.png"):
            if stale.name not in wanted:
                stale.unlink()
    except OSError:
        pass
