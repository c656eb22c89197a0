"""Photos in an archive import: a bad or huge one fails its own line, and the
published stories' photos keep their credits."""

import io
import threading
from contextlib import suppress

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from archive.models import LegacyId
from articles.models import Article
from photos.models import Photo
from tests.archive.test_import_export import credited_photo, line
from tests.archive.test_import_export import write as write_lines
from tests.factories import make_photo
from tests.photos.images import bomb_bytes, photo_bytes

pytestmark = pytest.mark.django_db


def run(path) -> str:
    """The command's report, in English."""
    err = io.StringIO()
    with (
        suppress(CommandError),
        translation.override("en"),
    ):  # CommandError: a line failed
        call_command("import_articles", path, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def folder(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "9001.jpg").write_bytes(photo_bytes())
    (photos / "tall.jpg").write_bytes(photo_bytes(size=(1080, 20000), exif=False))
    (photos / "bomb.png").write_bytes(bomb_bytes())
    return tmp_path


def test_a_tall_screenshot_imports_with_its_renditions(folder):
    errors = run(write_lines(folder, line(photo=credited_photo("photos/tall.jpg"))))
    assert errors == ""
    photo = Article.objects.get().lead_photo
    assert (photo.width, photo.height) == (1080, 20000)
    assert photo.renditions.count() == 4  # 320 and 540 wide, JPEG and WebP


def test_a_huge_image_fails_its_own_line_and_the_run_goes_on(folder, media_root):
    errors = run(
        write_lines(
            folder,
            line(id="1", photo=credited_photo()),
            line(id="2", photo=credited_photo("photos/bomb.png")),
            line(id="3"),
        )
    )
    assert "line 2: unreadable photo 'photos/bomb.png' (" in errors  # and why
    assert sorted(LegacyId.objects.values_list("legacy_id", flat=True)) == ["1", "3"]
    photo = Photo.objects.get()
    stored = {p.name for p in media_root.rglob("*") if p.is_file()}
    assert stored == {
        photo.image.name.rsplit("/", 1)[-1],
        *(r.file.name.rsplit("/", 1)[-1] for r in photo.renditions.all()),
    }


def test_a_photo_whose_renditions_fail_fails_its_own_line(
    folder, media_root, monkeypatch
):
    from photos import images

    real = images.shrunk

    def fails_for_tall(image, width, height):
        if image.height > 5000:  # the tall screenshot, whatever the scale decoded
            raise MemoryError
        return real(image, width, height)

    monkeypatch.setattr(images, "shrunk", fails_for_tall)
    errors = run(
        write_lines(
            folder,
            line(id="1", photo=credited_photo("photos/tall.jpg")),
            line(id="2", photo=credited_photo()),
        )
    )
    assert "line 1: unreadable photo 'photos/tall.jpg' (The image could not be " in (
        errors
    )
    assert list(LegacyId.objects.values_list("legacy_id", flat=True)) == ["2"]
    assert Photo.objects.get().width == 1600
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 9


def test_an_import_line_cannot_empty_the_credit_of_a_published_storys_photo(folder):
    original = line(id="1", photo=credited_photo())
    # Its translation, a draft sharing the same image, with no credit.
    draft = line(
        id="1",
        language="ru",
        headline="Прорыв дамбы",
        status="draft",
        translation_of="1",
        photo={"file": "photos/9001.jpg", "caption": "Дамба"},
    )
    errors = run(write_lines(folder, original, draft))
    assert "line 2: credit_form: " in errors and "credit cannot be empty" in errors, (
        errors
    )
    assert Article.objects.get().lead_photo.credit("en").startswith("Photo by Nino")


def test_photos_are_read_on_the_photo_threads_ahead_of_the_line_written(
    folder, monkeypatch
):
    """Renditions are most of a photo line's time: the lines to come have their
    photos read on every core while the database stores the current one."""
    from archive import importer

    events = []
    read = importer.Importer.read_photo_file
    write = importer.Importer.write

    def reading(self, number, relative):
        events.append(("read", number, threading.current_thread().name))
        return read(self, number, relative)

    def writing(self, record, cleans, written):
        events.append(("write", record.number, threading.current_thread().name))
        return write(self, record, cleans, written)

    monkeypatch.setattr(importer.Importer, "read_photo_file", reading)
    monkeypatch.setattr(importer.Importer, "write", writing)
    monkeypatch.setattr(importer, "PHOTO_THREADS", 2)
    monkeypatch.setattr(importer, "PHOTOS_AHEAD", 2)
    shared = {**credited_photo(), "key": "0b0e8a52-8d3c-4a53-9a55-1f3e8e0c2a11"}
    lines = [line(id=str(number), photo=shared) for number in range(1, 5)]
    assert run(write_lines(folder, *lines)) == ""

    readers = {name for kind, _number, name in events if kind == "read"}
    assert readers and all(name.startswith("import-photos") for name in readers)
    # The next line's photo was being read before the first line was written, and
    # no more than PHOTOS_AHEAD lines past it: line 4's reading started after line
    # 1 stored the photo, so its key was known and the file not read again.
    reads = [number for kind, number, _name in events if kind == "read"]
    first_write = next(i for i, event in enumerate(events) if event[0] == "write")
    read_before = {number for kind, number, _ in events[:first_write] if kind == "read"}
    assert {1, 2} <= read_before
    assert sorted(reads) == [1, 2, 3]
    # Four lines, one photo: the copies read ahead were found by their key.
    assert Photo.objects.count() == 1
    assert Article.objects.filter(lead_photo__isnull=False).count() == 4


def test_a_photo_deleted_after_its_line_was_read_ahead_is_read_again(
    folder, monkeypatch
):
    """Its key was known when the lines ahead were read, so its file was not; an
    editor deleted the photo before the line was written: the line reads it then."""
    from archive import importer

    key = "5d1c0e3a-2b7f-4c1e-9a0d-6f2b8e4c7a19"
    make_photo(key=key)
    write = importer.Importer.write

    def deleted_meanwhile(self, record, cleans, written):
        Photo.objects.filter(key=key).delete()
        return write(self, record, cleans, written)

    monkeypatch.setattr(importer.Importer, "write", deleted_meanwhile)
    errors = run(write_lines(folder, line(photo={**credited_photo(), "key": key})))
    assert errors == ""
    photo = Article.objects.get().lead_photo
    assert str(photo.key) == key and photo.renditions.count() == 8


@pytest.mark.parametrize(
    "language, reason",
    [("en", "The image has too many pixels"), ("ru", "В изображении слишком много")],
)
def test_a_photo_read_ahead_is_refused_in_the_imports_language(
    folder, language, reason
):
    path = write_lines(folder, line(photo=credited_photo("photos/bomb.png")))
    err = io.StringIO()
    with suppress(CommandError), translation.override(language):
        call_command("import_articles", path, stdout=io.StringIO(), stderr=err)
    assert f"unreadable photo 'photos/bomb.png' ({reason}" in err.getvalue()
