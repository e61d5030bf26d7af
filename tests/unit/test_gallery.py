"""The gallery stage: references followed to files, problems at their positions, credits, cache, encoding."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from documentary import gallery, images
from tests.unit.sitekit import chapter_md, content, linked, mission_yaml

CREDIT = "credit: Test\nlicence: CC0\nsource: https://example.org/p\n"


def jpeg(size=(900, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 90, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def site_dir(tmp_path, monkeypatch):
    """Content files whose display paths (content/...) are real files under the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content" / "chapters" / "images").mkdir(parents=True)
    (tmp_path / "content" / "missions" / "images").mkdir(parents=True)
    return tmp_path


def built(chapter_body: str, mission_extra: str = ""):
    site, problems = linked(
        content(
            {"mars-3": mission_yaml("Mars 3", extra=mission_extra)},
            {"01-one": chapter_md("One", chapter_body + "\n\n[[mars-3]] [@src]\n")},
        ),
    )
    assert problems == []
    return site


def test_resolve_is_relative_to_the_naming_file_or_the_content_root():
    root, chapter = Path("/site/content"), "/site/content/chapters/01-a.md"
    assert gallery.resolve(root, chapter, "images/x.jpg") == root / "chapters/images/x.jpg"
    assert gallery.resolve(root, chapter, "/shared/x.jpg") == root / "shared/x.jpg"
    assert gallery.resolve(root, chapter, "../missions/y%20z.jpg") == root / "missions/y z.jpg"
    assert (
        gallery.resolve(root, "/site/content/missions/a.yaml", "y%20z.jpg", encoded=False)
        == root / "missions/y%20z.jpg"
    )
    assert gallery.resolve(root, chapter, "../../etc/passwd").startswith("is outside")
    assert gallery.resolve(root, chapter, "https://e.org/x.jpg").startswith("is on another site")
    assert gallery.resolve(root, chapter, "//e.org/x.jpg").startswith("is on another site")


def test_gather_finds_every_picture_with_its_credit_and_pages(site_dir):
    (site_dir / "content/chapters/images/a.jpg").write_bytes(jpeg())
    (site_dir / "content/chapters/images/a.jpg.yaml").write_text(CREDIT)
    (site_dir / "content/missions/images/m.jpg").write_bytes(jpeg((500, 500)))
    block = "image: {file: images/m.jpg, alt: The probe, credit: Lab, licence: CC BY 4.0}\n"
    site = built('![A dune](images/a.jpg "Dusk")', block)
    found, problems = gallery.gather(site, Path("content"), gallery.ImageCache())
    assert problems == []
    assert [p.file for p in found.photos] == ["content/chapters/images/a.jpg", "content/missions/images/m.jpg"]
    dune, probe = found.photos
    assert (dune.alt, dune.caption, dune.credit.credit, dune.credit.source) == (
        "A dune",
        "Dusk",
        "Test",
        "https://example.org/p",
    )
    assert [link.url for link in dune.pages] == ["chapters/one/"]
    assert (probe.credit.credit, probe.credit.licence, probe.picture.width) == ("Lab", "CC BY 4.0", 500)
    assert found.for_file("content/chapters/01-one.md")["images/a.jpg"] is dune
    assert found.for_file("content/missions/mars-3.yaml")["images/m.jpg"] is probe


def test_every_reference_to_a_missing_file_is_an_error_at_its_position(site_dir):
    site = built("Text first.\n\nA ![pad](images/gone.jpg) and\nagain ![pad](images/gone.jpg).")
    _, problems = gallery.gather(site, Path("content"), gallery.ImageCache())
    message = "error: image 'images/gone.jpg' not found: there is no file content/chapters/images/gone.jpg"
    assert [p.format() for p in problems] == [
        f"content/chapters/01-one.md:7:3: {message}",
        f"content/chapters/01-one.md:8:7: {message}",
    ]


def test_a_file_over_20_mb_is_refused_before_it_is_read(site_dir):
    huge = site_dir / "content/chapters/images/huge.jpg"
    with huge.open("wb") as out:
        out.truncate(images.MAX_BYTES + 1)  # sparse: no 20 MB written to the disk
    site = built("![a huge picture](images/huge.jpg)")
    _, problems = gallery.gather(site, Path("content"), gallery.ImageCache())
    assert [p.format() for p in problems] == [
        "content/chapters/01-one.md:5:1: error: image 'images/huge.jpg' is 20.0 MB;"
        " the limit is 20 MB: make it smaller before adding it"
    ]


def test_a_folder_named_like_a_picture_is_an_error_not_a_crash(site_dir):
    (site_dir / "content/chapters/images/album.jpg").mkdir()
    site = built("![an album](images/album.jpg)")
    _, problems = gallery.gather(site, Path("content"), gallery.ImageCache())
    assert [p.message for p in problems] == [
        "image 'images/album.jpg' is a folder, not an image file: content/chapters/images/album.jpg"
    ]


def test_the_cache_remembers_headers_and_holds_the_encoded_files(site_dir, monkeypatch):
    source = site_dir / "content/chapters/images/a.jpg"
    source.write_bytes(jpeg())
    (site_dir / "content/chapters/images/a.jpg.yaml").write_text(CREDIT)
    site = built("![A dune](images/a.jpg)")
    cache = gallery.ImageCache.open(site_dir / "cache")
    found, _ = gallery.gather(site, Path("content"), cache)
    files, problems = gallery.produce(found, cache, workers=2)
    assert problems == []
    assert sorted(files) == sorted(v.name for v in found.photos[0].picture.variants)
    assert all(path.is_file() and path.parent == site_dir / "cache" for path in files.values())
    cache.save()
    stamps = {path: path.stat().st_mtime_ns for path in files.values()}

    def unwanted(*args):
        raise AssertionError("a rebuild with the cache read a picture")

    monkeypatch.setattr(images, "inspect", unwanted)
    monkeypatch.setattr(images, "encode", unwanted)
    again = gallery.ImageCache.open(site_dir / "cache")
    found_again, _ = gallery.gather(site, Path("content"), again)
    assert found_again.photos[0].picture == found.photos[0].picture
    files_again, _ = gallery.produce(found_again, again)
    assert files_again == files and {p: p.stat().st_mtime_ns for p in files_again.values()} == stamps


def test_a_changed_file_gets_new_names(site_dir):
    source = site_dir / "content/chapters/images/a.jpg"
    source.write_bytes(jpeg())
    site = built("![A dune](images/a.jpg)")
    cache = gallery.ImageCache.open(site_dir / "cache")
    before, _ = gallery.gather(site, Path("content"), cache)
    cache.save()
    source.write_bytes(jpeg((901, 600)))
    after, _ = gallery.gather(site, Path("content"), gallery.ImageCache.open(site_dir / "cache"))
    assert before.photos[0].picture.digest != after.photos[0].picture.digest
    assert after.photos[0].picture.width == 901


def test_a_file_damaged_past_its_header_fails_at_every_reference(site_dir):
    data = jpeg((800, 600))
    (site_dir / "content/chapters/images/cut.jpg").write_bytes(data[: len(data) // 2])
    site = built("![cut](images/cut.jpg)")
    cache = gallery.ImageCache.open(site_dir / "cache")
    found, problems = gallery.gather(site, Path("content"), cache)
    assert [p.severity for p in problems] == ["warning"]  # no credit file; the header reads fine
    files, problems = gallery.produce(found, cache)
    assert files == {}
    assert len(problems) == 1 and str(problems[0].source) == "content/chapters/01-one.md:5:1"
    assert problems[0].message.startswith("image 'images/cut.jpg' is damaged and cannot be decoded (")
