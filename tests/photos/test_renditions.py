"""Renditions are made once, even when two requests ask for the same one together."""

import io
import threading

import pytest
from django.db import connection
from PIL import Image

from photos.images import CleanImage
from photos.models import Rendition
from tests.factories import make_photo
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_requests_make_one_rendition(media_root):
    photo = make_photo()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def ask():
        try:
            barrier.wait()
            results.append(photo.rendition(640, "WEBP").pk)
        except Exception as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Rendition.objects.filter(photo=photo, width=640, format="WEBP").count() == 1
    webp_files = list((media_root / "renditions").glob("*.webp"))
    assert len(webp_files) == 1  # the loser's file was removed


def test_rendition_keeps_the_aspect_ratio_and_format():
    photo = make_photo(size=(1600, 1000))
    rendition = photo.rendition(320, "JPEG")
    assert (rendition.width, rendition.height) == (320, 200)
    assert rendition.file.name.endswith(".jpg")
    assert photo.rendition(320, "JPEG").pk == rendition.pk


@pytest.mark.parametrize(
    "image_format, decoded", [("JPEG", (2000, 1334)), ("PNG", (4000, 2667))]
)
def test_a_large_jpeg_is_decoded_at_the_smallest_scale_its_renditions_need(
    image_format, decoded
):
    """Decoding a 4000-pixel photo whole took most of its renditions' time; a JPEG
    decodes at a half, a quarter or an eighth of its size for far less."""
    from photos.images import decoded_for, with_renditions

    content = photo_bytes(image_format, size=(4000, 2667), exif=False)
    with Image.open(io.BytesIO(content)) as image:
        assert decoded_for(image, 1280, 853).size == decoded
    clean = with_renditions(CleanImage(content, "jpg", 4000, 2667))
    assert {size[0] for size in clean.renditions} == {320, 640, 960, 1280}
    widest = clean.renditions[1280, "JPEG"]
    assert (widest.width, widest.height) == (1280, 853)
