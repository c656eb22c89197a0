"""A full disk or an unwritable media folder: a clear message, and no photo half-stored.

The disk is made to fail with unittest.mock (the tests run as root, so permissions
cannot refuse a write): either partway through writing a file, as a full disk does,
or at once, as a folder the server may not write to does.
"""

import errno
import html
import logging
import os
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from background.models import FailedTask
from photos.models import Photo, PhotoNotStored, Rendition
from tests.factories import make_photo
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/photos/photo/add/"
# The article form's "+" beside the lead photo opens the same form in a popup.
POPUP_URL = ADD_URL + "?_to_field=id&_popup=1"


class HalfWritten:
    """A file whose write stores half the bytes, then fails as a full disk does."""

    def __init__(self, file, code: int):
        self.file, self.code = file, code

    def write(self, data):
        self.file.write(data[: len(data) // 2])
        raise OSError(self.code, os.strerror(self.code))

    def close(self):
        self.file.close()


@contextmanager
def disk_full(after_files: int = 0):
    """The disk fills up while writing the file after the first `after_files`."""
    real_fdopen, opened = os.fdopen, []

    def fdopen(fd, *args, **kwargs):
        file = real_fdopen(fd, *args, **kwargs)
        opened.append(fd)
        return HalfWritten(file, errno.ENOSPC) if len(opened) > after_files else file

    with mock.patch("django.core.files.storage.filesystem.os.fdopen", fdopen):
        yield


@contextmanager
def folder_not_writable():
    refused = PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    with mock.patch.object(default_storage, "save", side_effect=refused):
        yield


def stored_files(media_root) -> dict:
    return {
        path.relative_to(media_root).as_posix(): path.read_bytes()
        for path in media_root.rglob("*")
        if path.is_file()
    }


def upload_data(**fields) -> dict:
    return {
        # Small: four renditions (320 and 640 wide, WebP and JPEG), quickly made.
        "image": SimpleUploadedFile("protest.jpg", photo_bytes(size=(700, 450))),
        "caption_ru": "Задержание активистов",
        "caption_en": "Police detaining activists",
        "credit_form": "photo_agency",
        "credit_text": "Highland Herald",
        **fields,
    }


@pytest.fixture
def staff(client, make_staff):
    client.force_login(make_staff("Correspondent"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_an_upload_stores_the_original_and_its_renditions(staff, media_root):
    # The baseline for the failures below: how many files one upload writes.
    assert staff.post(ADD_URL, upload_data()).status_code == 302
    photo = Photo.objects.get()
    files = stored_files(media_root)
    assert photo.image.name in files
    # The original, 2 widths x 2 formats and the 3 crops for cards.
    assert len(files) == 1 + photo.renditions.count() == 8


FAILURES = {
    "disk full at the original": (lambda: disk_full(0), "the server's disk is full"),
    "folder not writable": (
        folder_not_writable,
        "the server may not write to its media folder",
    ),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_upload_says_why_and_leaves_no_photo_and_no_file(
    staff, media_root, caplog, failure
):
    failing, reason = FAILURES[failure]
    with caplog.at_level(logging.ERROR, logger="photos"), failing():
        response = staff.post(ADD_URL, upload_data())
    assert response.status_code == 302 and response["Location"] == ADD_URL
    page = html.unescape(staff.get(response["Location"]).text)
    assert f"The photo was not saved: {reason}. Nothing was stored" in page
    assert not Photo.objects.exists() and not Rendition.objects.exists()
    assert stored_files(media_root) == {}
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert os.strerror(errno.ENOSPC if "disk" in failure else errno.EACCES) in (
        caplog.text
    )


def test_a_failed_upload_from_the_article_forms_popup_says_why_and_can_be_retried(
    staff, media_root
):
    popup = {"_popup": "1", "_to_field": "id"}  # the popup form's hidden fields
    with disk_full():
        response = staff.post(POPUP_URL, upload_data(**popup))
    assert response["Location"] == POPUP_URL  # still the popup
    page = html.unescape(staff.get(POPUP_URL).text)
    assert "The photo was not saved: the server's disk is full." in page
    assert not Photo.objects.exists() and stored_files(media_root) == {}
    # Once there is room again, the same upload goes through.
    assert staff.post(POPUP_URL, upload_data(**popup)).status_code == 200
    assert Photo.objects.count() == 1 and len(stored_files(media_root)) == 8


def test_a_disk_full_at_the_renditions_keeps_the_upload_and_the_failure(
    staff, media_root, monkeypatch
):
    """Renditions are the worker's: the upload stands, resizing fails, is kept as a
    failed task, and the photo stays "being resized" (no story goes out with it)."""
    monkeypatch.setattr("background.queue.backoff", lambda attempt: timedelta(0))
    with disk_full(1):
        response = staff.post(ADD_URL, upload_data())
    assert response.status_code == 302 and response["Location"] != ADD_URL
    photo = Photo.objects.get()
    assert photo.resizing_since is not None
    assert os.strerror(errno.ENOSPC) in FailedTask.objects.get().error


@pytest.mark.parametrize("after_files", [0])
def test_a_failed_replacement_keeps_the_photo_as_it_was(staff, media_root, after_files):
    photo = make_photo(size=(1600, 1000))
    photo.rendition(640, "JPEG")
    before = Photo.objects.filter(pk=photo.pk).values().get()
    renditions = list(photo.renditions.values_list("pk", "file"))
    files = stored_files(media_root)
    with disk_full(after_files):
        response = staff.post(
            f"/admin/photos/photo/{photo.pk}/change/",
            upload_data(image=SimpleUploadedFile("new.png", photo_bytes("PNG"))),
        )
    assert response.status_code == 302
    assert Photo.objects.filter(pk=photo.pk).values().get() == before
    assert list(photo.renditions.values_list("pk", "file")) == renditions
    assert stored_files(media_root) == files


def test_a_replaced_image_gets_renditions_of_its_own(staff, media_root):
    photo = make_photo(size=(1600, 1000))
    old = photo.rendition(640, "JPEG").file.name
    response = staff.post(
        f"/admin/photos/photo/{photo.pk}/change/",
        upload_data(
            image=SimpleUploadedFile("tall.jpg", photo_bytes(size=(800, 1200)))
        ),
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (800, 1200)
    rendition = photo.rendition(640, "JPEG")
    assert rendition.file.name != old and rendition.height == 960


def test_a_rendition_the_disk_cannot_hold_leaves_no_file_or_row(media_root):
    photo = make_photo()
    files = stored_files(media_root)
    with disk_full(), pytest.raises(PhotoNotStored) as refused:
        photo.rendition(640, "WEBP")
    assert refused.value.errno == errno.ENOSPC
    assert not photo.renditions.exists()
    assert stored_files(media_root) == files
