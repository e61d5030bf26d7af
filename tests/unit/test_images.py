"""documentary.images on in-memory pictures: header, widths, names, orientation, and no metadata published."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from documentary import images

GPS = 0x8825
ORIENTATION = 0x0112


def picture_bytes(size=(1200, 800), fmt="JPEG", mode="RGB", exif: Image.Exif | None = None, **options) -> bytes:
    image = Image.new(mode, size, (200, 90, 40) if mode.startswith("RGB") else 128)
    if mode == "RGB":  # a marker in the top-left corner shows which way up the picture is
        image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"exif": exif} if exif is not None else {}), **options)
    return buffer.getvalue()


def with_gps_and_orientation(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SecretCam"
    exif[0x0110] = "Model 7"
    exif[GPS] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    return exif


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_inspect_reads_the_format_and_the_oriented_size():
    assert images.inspect(picture_bytes((1200, 800))) == images.Info("JPEG", 1200, 800)
    rotated = picture_bytes((1200, 800), exif=with_gps_and_orientation(6))
    assert images.inspect(rotated) == images.Info("JPEG", 800, 1200)
    assert images.inspect(picture_bytes((30, 20), "PNG")) == images.Info("PNG", 30, 20)
    assert images.inspect(picture_bytes((30, 20), "WEBP")) == images.Info("WEBP", 30, 20)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"plain text, not a picture", "is not a readable image (not a file format Pillow recognises)"),
        (picture_bytes((10, 10), "GIF", mode="P"), "is a GIF image, which is not supported; use JPEG, PNG or WebP"),
        (picture_bytes((10, 10), "BMP"), "is a BMP image, which is not supported; use JPEG, PNG or WebP"),
        (b"\x00" * (images.MAX_BYTES + 1), "is 20.0 MB; the limit is 20 MB: make it smaller before adding it"),
    ],
)
def test_inspect_refuses_what_cannot_be_published(data, message):
    with pytest.raises(images.ImageProblem) as problem:
        images.inspect(data)
    assert str(problem.value) == message


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (300, (300,)),
        (480, (480,)),
        (481, (480, 481)),
        (1000, (480, 960, 1000)),
        (1600, (480, 960, 1600)),
        (4000, (480, 960, 1600)),
    ],
)
def test_widths_never_upscale(width, expected):
    assert images.widths(width) == expected


def test_plan_names_each_file_after_the_content_and_keeps_the_aspect_ratio():
    data = picture_bytes((1000, 600))
    key = images.digest(data)
    plan = images.plan(key, images.inspect(data))
    assert [v.name for v in plan.webp] == [f"img/{key}-480.webp", f"img/{key}-960.webp", f"img/{key}-1000.webp"]
    assert [v.name for v in plan.fallback] == [f"img/{key}-480.jpg", f"img/{key}-960.jpg", f"img/{key}-1000.jpg"]
    assert [(v.width, v.height) for v in plan.webp] == [(480, 288), (960, 576), (1000, 600)]
    assert (plan.width, plan.height, plan.default.name) == (1000, 600, f"img/{key}-960.jpg")
    assert images.digest(data + b"x") != key


def test_a_webp_source_has_no_fallback():
    data = picture_bytes((700, 350), "WEBP")
    plan = images.plan(images.digest(data), images.inspect(data))
    assert plan.fallback == () and [v.width for v in plan.webp] == [480, 700]


def test_encode_makes_exactly_the_planned_files():
    data = picture_bytes((1000, 600))
    plan = images.plan(images.digest(data), images.inspect(data))
    encoded = images.encode(data, plan)
    assert sorted(encoded) == sorted(v.name for v in plan.variants)
    for variant in plan.variants:
        image = opened(encoded[variant.name])
        assert image.size == (variant.width, variant.height)
        assert Image.MIME[image.format] == variant.mime


def test_encoding_applies_the_orientation_and_publishes_no_metadata():
    data = picture_bytes((1200, 800), exif=with_gps_and_orientation(6), quality=90)
    assert b"SecretCam" in data  # the source does carry it
    plan = images.plan(images.digest(data), images.inspect(data))
    for name, blob in images.encode(data, plan).items():
        image = opened(blob)
        assert image.width < image.height, name  # turned upright: portrait
        assert not image.getexif(), name
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info), name
        assert b"SecretCam" not in blob and b"Exif" not in blob, name
        # the blue marker was top-left in the stored pixels; turned 90 degrees clockwise it is top-right
        rgb = image.convert("RGB")
        assert rgb.getpixel((image.width - 3, 3))[2] > 150 and rgb.getpixel((3, 3))[2] < 150, name


def test_a_colour_profile_is_applied_not_shipped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # any valid profile
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for icc in (profile, srgb):
        data = picture_bytes((500, 300), icc_profile=icc)
        plan = images.plan(images.digest(data), images.inspect(data))
        for blob in images.encode(data, plan).values():
            assert "icc_profile" not in opened(blob).info


def test_png_with_transparency_keeps_it():
    image = Image.new("RGBA", (600, 300), (200, 90, 40, 255))
    image.paste((0, 0, 0, 0), (0, 0, 300, 300))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = buffer.getvalue()
    plan = images.plan(images.digest(data), images.inspect(data))
    encoded = images.encode(data, plan)
    assert {opened(encoded[v.name]).mode for v in plan.variants} == {"RGBA"}
    assert [v.mime for v in plan.fallback] == ["image/png", "image/png"]


def test_a_damaged_file_fails_when_decoded():
    data = picture_bytes((800, 600), quality=95)
    header_only = data[: len(data) // 3]
    plan = images.plan(images.digest(header_only), images.inspect(header_only))  # the header is intact
    with pytest.raises(images.ImageProblem, match="^is damaged and cannot be decoded"):
        images.encode(header_only, plan)


def test_encoding_is_deterministic():
    data = picture_bytes((1100, 700), exif=with_gps_and_orientation(3))
    plan = images.plan(images.digest(data), images.inspect(data))
    assert images.encode(data, plan) == images.encode(data, plan)
