"""Raster images as bytes in, bytes out: read a header, plan the published sizes, encode them.

Pure functions (no paths, no disk): `inspect` reads only what the header says, so a build can write
every `width` and `height` before any pixel is decoded; `plan` names the published files after the
content hash; `encode` decodes once, applies the EXIF orientation, drops every piece of metadata
(EXIF with its GPS and camera fields, XMP, comments, colour profiles after converting to sRGB) and
writes each width as WebP plus the source's own format as the fallback. Never upscales.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

WIDTHS = (480, 960, 1600)
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 100_000_000  # a 10,000 x 10,000 photograph; more is a decompression bomb, not a picture
VERSION = b"documentary images 1\n"  # change it when encoding changes: every name changes with it
WEBP_QUALITY = 80
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Format:
    name: str  # Pillow's name
    ext: str
    mime: str


FORMATS = {
    "JPEG": Format("JPEG", "jpg", "image/jpeg"),
    "PNG": Format("PNG", "png", "image/png"),
    "WEBP": Format("WEBP", "webp", "image/webp"),
}
WEBP = FORMATS["WEBP"]
SUPPORTED = "JPEG, PNG or WebP"
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


class ImageProblem(ValueError):
    """The bytes are not an image this generator can publish; the message is for the author."""


@dataclass(frozen=True)
class Info:
    """What the header says, with the EXIF orientation already applied to the size."""

    format: str
    width: int
    height: int


@dataclass(frozen=True)
class Variant:
    name: str  # relative to the output root, e.g. img/3f2a…-960.webp
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class Picture:
    """One source image as published: its WebP widths and the same widths in its own format."""

    digest: str
    width: int  # of the largest variant: the aspect ratio the browser reserves
    height: int
    webp: tuple[Variant, ...]
    fallback: tuple[Variant, ...]  # empty when the source is WebP itself

    @property
    def variants(self) -> tuple[Variant, ...]:
        return self.webp + self.fallback

    @property
    def default(self) -> Variant:
        """The `src` of the `<img>`: the middle width of the fallback (or WebP) set."""
        chosen = self.fallback or self.webp
        return chosen[(len(chosen) - 1) // 2]


def digest(data: bytes) -> str:
    """Names every published file of an image: the same bytes give the same names, in any build."""
    return hashlib.sha256(VERSION + data).hexdigest()[:20]


def inspect(data: bytes) -> Info:
    """Format and oriented size from the header; raises ImageProblem for anything unpublishable."""
    if len(data) > MAX_BYTES:
        raise ImageProblem(too_big(len(data)))
    try:
        with _opened(data) as image:
            fmt = _format(image)
            if fmt not in FORMATS:
                raise ImageProblem(f"is {_format_name(fmt)}, which is not supported; use {SUPPORTED}")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageProblem(f"is {width} x {height} pixels; the limit is {MAX_PIXELS // 1_000_000} megapixels")
            orientation = image.getexif().get(0x0112, 1)
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageProblem(f"is not a readable image ({_reason(exc)})") from None
    if orientation in _ROTATED:
        width, height = height, width
    return Info(fmt, width, height)


def too_big(size: int) -> str:
    return f"is {size / 1024 / 1024:.1f} MB; the limit is 20 MB: make it smaller before adding it"


def widths(width: int) -> tuple[int, ...]:
    """The published widths: every standard width below the source's, and the source's own up to the
    largest standard one. Never upscaled."""
    largest = min(width, WIDTHS[-1])
    return tuple(w for w in WIDTHS if w < largest) + (largest,)


def plan(key: str, info: Info) -> Picture:
    """Every published file of one image, with its exact size (`encode` makes exactly these)."""
    fmt = FORMATS[info.format]
    sizes = [(w, max(1, round(info.height * w / info.width))) for w in widths(info.width)]
    webp = tuple(Variant(f"img/{key}-{w}.webp", w, h, WEBP.mime) for w, h in sizes)
    fallback = () if fmt is WEBP else tuple(Variant(f"img/{key}-{w}.{fmt.ext}", w, h, fmt.mime) for w, h in sizes)
    largest = webp[-1]
    return Picture(key, largest.width, largest.height, webp, fallback)


def encode(data: bytes, picture: Picture) -> dict[str, bytes]:
    """Every variant of `picture` as bytes, without metadata; raises ImageProblem if decoding fails."""
    try:
        with _opened(data) as image:
            fmt = _format(image)
            largest = picture.webp[-1]
            if fmt == "JPEG":  # decode at a reduced scale when even the largest width is much smaller
                image.draft("RGB", _unrotated(image, largest.width, largest.height))
            pixels = _srgb(ImageOps.exif_transpose(image))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageProblem(f"is damaged and cannot be decoded ({_reason(exc)})") from None
    fallback_format = FORMATS.get(fmt, WEBP)
    out = {}
    for webp, other in zip(picture.webp, picture.fallback or (None,) * len(picture.webp), strict=True):
        resized = pixels if pixels.size == (webp.width, webp.height) else _resize(pixels, webp.width, webp.height)
        resized.info = {}  # resize copies info (exif, icc_profile, xmp, comments): publish none of it
        out[webp.name] = _save(resized, WEBP)
        if other is not None:
            out[other.name] = _save(resized, fallback_format)
    return out


def _opened(data: bytes) -> Image.Image:
    with warnings.catch_warnings():  # MAX_PIXELS is checked here, with a message for the author
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def _format(image: Image.Image) -> str:
    """Cameras write several frames into some JPEGs (MPO); the first frame is the photograph."""
    return "JPEG" if image.format == "MPO" else image.format or "unknown"


def _unrotated(image: Image.Image, width: int, height: int) -> tuple[int, int]:
    """The decoded size to ask for, before the orientation turns it."""
    return (height, width) if image.getexif().get(0x0112, 1) in _ROTATED else (width, height)


def _srgb(image: Image.Image) -> Image.Image:
    """Plain RGB(A) or L pixels; a colour profile is applied, not shipped."""
    profile = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "L"):
        has_alpha = image.mode in ("LA", "PA", "RGBa", "La") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    if profile and image.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: show the pixels as they are
    return image


def _resize(image: Image.Image, width: int, height: int) -> Image.Image:
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _save(image: Image.Image, fmt: Format) -> bytes:
    buffer = io.BytesIO()
    if fmt.name == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    elif fmt.name == "JPEG":
        rgb = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        rgb.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def _format_name(fmt: str) -> str:
    article = "an" if fmt[:1] in "AEIOU" else "a"
    return f"{article} {fmt} image"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "not a file format Pillow recognises"
    return str(exc).strip() or type(exc).__name__
