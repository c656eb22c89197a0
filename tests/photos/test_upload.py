"""Uploading photos: sound images only, and never with the photographer's location."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import workflow
from articles.models import Article
from background.models import FailedTask
from background.queue import retry
from photos.models import Photo
from tests.factories import main_text, make_article
from tests.photos.images import (
    PDF,
    SERIAL,
    SVG,
    bomb_bytes,
    mpo_bytes,
    photo_bytes,
    png_with_location_text,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/photos/photo/add/"


def upload(client, content: bytes, name: str, **fields):
    data = {
        "image": SimpleUploadedFile(name, content),
        "caption_ru": "Задержание активистов",
        "caption_en": "Police detaining activists",
        "credit_form": "photo_agency",
        "credit_text": "Highland Herald",
        **fields,
    }
    return client.post(ADD_URL, data)


def stored_files(media_root):
    return (
        [path for path in media_root.rglob("*") if path.is_file()]
        if media_root.exists()
        else []
    )


@pytest.fixture
def staff(client, make_staff):
    client.force_login(make_staff("Correspondent"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin follows the browser
    return client


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gps.jpg", photo_bytes("JPEG")),
        ("gps.webp", photo_bytes("WEBP")),
        ("gps.png", photo_bytes("PNG")),
        ("gps.avif", photo_bytes("AVIF")),
        ("text.png", png_with_location_text()),
    ],
)
def test_no_stored_file_keeps_gps_or_camera_metadata(staff, media_root, name, content):
    response = upload(staff, content, name)
    assert response.status_code == 302, (
        response.context["errors"] if response.context else ""
    )
    photo = Photo.objects.get()
    photo.rendition(640, "WEBP")
    photo.rendition(640, "JPEG")
    files = stored_files(media_root)
    assert len(files) >= 3  # the original and its renditions, all made at upload
    for path in files:
        raw = path.read_bytes()
        assert SERIAL.encode() not in raw and b"Canon" not in raw, path
        assert (
            b"Exif" not in raw and b"Location" not in raw and b"43.0252" not in raw
        ), path
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not image.info.get("exif"), path


def test_exif_orientation_is_applied_before_it_is_stripped(staff):
    # Orientation 6: the camera was turned; the stored image must stand upright.
    upload(staff, photo_bytes("JPEG", size=(1600, 1000), orientation=6), "turned.jpg")
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (1000, 1600)


def test_stored_name_does_not_repeat_the_uploaded_name(staff):
    upload(staff, photo_bytes(), "Makhachkala-protest-Lenin-street.jpg")
    assert "Makhachkala" not in Photo.objects.get().image.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.png", bomb_bytes(), "too many pixels"),
        ("cut.jpg", photo_bytes()[:3000], "damaged"),
        ("drawing.svg", SVG, "not a readable image"),
        ("report.jpg", PDF, "not a readable image"),
        ("empty.jpg", b"", "empty"),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a readable image"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_leave_nothing(
    staff, media_root, name, content, message
):
    response = upload(staff, content, name)
    assert response.status_code == 200
    errors = " ".join(
        re.sub("<[^>]+>", " ", str(response.context["adminform"].form.errors)).split()
    )
    assert message in errors, errors
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_gif_is_refused_by_format(staff):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, "GIF")
    response = upload(staff, buffer.getvalue(), "a.gif")
    assert "GIF images are not accepted" in str(
        response.context["adminform"].form.errors
    )


def test_oversized_file_is_refused(staff, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 10_000
    response = upload(staff, photo_bytes(), "big.jpg")
    assert "too large" in str(response.context["adminform"].form.errors)
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    ("size", "largest"),
    [
        ((1080, 20000), (540, 10000)),  # a scrolling screenshot: height capped
        ((12000, 900), (1280, 96)),  # a panorama: width capped
    ],
)
def test_tall_and_panoramic_images_upload_with_renditions_that_fit(
    staff, client, media_root, size, largest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the worker's part
        response = upload(staff, photo_bytes("JPEG", size=size, exif=False), "long.jpg")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == size
    renditions = list(photo.renditions.filter(crop="").order_by("format", "width"))
    assert renditions and max(r.height for r in renditions) <= 10000
    assert max((r.width, r.height) for r in renditions) == largest
    for rendition in renditions:
        with Image.open(rendition.file.path) as image:
            assert image.size == (rendition.width, rendition.height)
    # The photo shows on a story's page.
    story = make_article(lead_photo=photo)
    client.logout()
    text = main_text(client.get(story.get_absolute_url()))
    assert f'{largest[0]}w"' in text and "<figure" in text


def test_a_multi_picture_jpeg_is_accepted_as_its_first_picture_in_jpeg(staff):
    response = upload(staff, mpo_bytes(), "phone.jpg")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".jpg")
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
        assert image.getpixel((10, 10))[0] > 150  # the first picture (red)


def test_an_upload_answers_at_once_and_the_worker_resizes_it(
    staff, database_worker, make_staff, monkeypatch
):
    """Renditions are the worker's: a photo whose resizing keeps failing is kept
    with the failure in the admin, and no story may be published with it."""
    from photos import images

    response = upload(staff, photo_bytes(), "ok.jpg")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.resizing_since and not photo.renditions.exists()  # nobody waited
    story = make_article(lead_photo=photo, status=Article.Status.SUBMITTED)

    def broken(*args, **kwargs):
        raise ValueError("encoding error 5")

    encoded = images.encoded
    monkeypatch.setattr(images, "encoded", broken)
    monkeypatch.setattr("background.queue.backoff", lambda attempt: timedelta(0))
    database_worker()
    failed = FailedTask.objects.get()
    assert failed.task_path == "photos.tasks.make_renditions"
    assert "encoding error 5" in failed.error
    with pytest.raises(ValidationError, match="still being resized"):
        workflow.publish(story, make_staff("Editor"))

    monkeypatch.setattr(images, "encoded", encoded)  # the cause fixed
    retry(failed)
    database_worker()
    photo.refresh_from_db()
    assert photo.resizing_since is None and photo.renditions.exists()
    workflow.publish(story, make_staff("Editor", "second-editor"))
