"""Renditions are made once, even when two requests ask for the same one together."""

import threading

import pytest
from django.db import connection

from photos.models import Rendition
from tests.factories import make_photo

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
