"""The body editor's photo chooser: search with small thumbnails, and an upload that
asks for the credit and alt text before the photo goes into the story."""

import html
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from photos.models import Photo, Photographer
from photos.rendering import make_renditions
from tests.factories import make_article, make_photo
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db

CHOOSER = "/admin/photos/photo/choose/"


@pytest.fixture
def desk(client, make_staff):
    client.force_login(make_staff("Correspondent"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def photos(media_root):
    nina = Photographer.objects.create(name_en="Nina Beridze", name_ru="Нина Беридзе")
    flood = make_photo(
        caption_en="Flooded street in Makhachkala",
        credit_form=Photo.Credit.PHOTO_BY_FOR_AGENCY,
        photographer=nina,
        size=(3000, 2000),
    )
    market = make_photo(caption_en="Market day")
    Photo.objects.filter(pk=market.pk).update(
        uploaded_at=timezone.now() - timedelta(days=40)
    )
    for photo in (flood, market):
        make_renditions(photo)
    return flood, market


def chosen_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-photo-id="(\d+)"', page)]


def test_the_chooser_finds_photos_by_caption_photographer_or_day(desk, photos):
    flood, market = photos
    assert chosen_ids(desk.get(CHOOSER).text) == [flood.pk, market.pk]
    assert chosen_ids(desk.get(CHOOSER, {"q": "makhachkala"}).text) == [flood.pk]
    assert chosen_ids(desk.get(CHOOSER, {"q": "Beridze"}).text) == [flood.pk]
    day = timezone.localdate(Photo.objects.get(pk=market.pk).uploaded_at)
    assert chosen_ids(desk.get(CHOOSER, {"date": day.isoformat()}).text) == [market.pk]
    # Each photo's credit, in the story's language.
    page = desk.get(CHOOSER, {"q": "Beridze", "language": "en"}).text
    assert "Photo by Nina Beridze for Highland Herald" in page
    page = desk.get(CHOOSER, {"q": "Beridze", "language": "ru"}).text
    assert "Фото Нины Беридзе для «Горного вестника»" in html.unescape(page)


def test_a_day_that_is_no_date_is_said_and_lists_nothing(desk, photos):
    response = desk.get(CHOOSER, {"date": "2026-02-31"})
    assert response.status_code == 200
    assert response.context["search"].errors["date"]
    assert chosen_ids(response.text) == []


def test_the_chooser_shows_small_renditions_never_originals(desk, photos):
    flood, _market = photos
    page = desk.get(CHOOSER).text
    sources = re.findall(r'<img src="(/media/[^"]+)"', page)
    assert len(sources) == 2 and flood.image.url not in page
    assert all("/renditions/" in source and "-320-" in source for source in sources)


def test_a_photo_chosen_in_the_body_renders_with_its_credit(client, photos):
    """What the chooser inserts, a [photo:ID] paragraph, is a figure on the page."""
    flood, _market = photos
    story = make_article(
        language="en", body=f"<p>Water rose.</p><p>[photo:{flood.pk}]</p>"
    )
    page = client.get(story.get_absolute_url(), headers={"accept-language": "en"})
    text = page.text
    assert "<figure" in text and "Photo by Nina Beridze for Highland Herald" in text
    assert "[photo:" not in text


def upload(desk, language: str, **fields):
    data = {
        "image": SimpleUploadedFile("new.jpg", photo_bytes("JPEG")),
        "caption_en": "Bridge reopens",
        **fields,
    }
    return desk.post(f"/admin/photos/photo/add/?_chooser=1&language={language}", data)


def test_an_upload_from_the_editor_asks_for_credit_and_alt_text_first(desk, media_root):
    response = upload(desk, "ru")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "credit_form" in errors and "alt_ru" in errors
    # "Photo by X" without X is no credit either.
    response = upload(desk, "ru", credit_form="photo_by_for_agency", alt_ru="Мост")
    assert "Give the photo's credit in full" in html.unescape(response.text)
    assert not Photo.objects.exists()


def test_an_upload_from_the_editor_goes_back_to_the_story(desk, media_root):
    response = upload(
        desk,
        "en",
        credit_form="photo_agency",
        credit_text="Caucasus Photo",
        alt_en="The bridge over the river, open again",
    )
    photo = Photo.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{CHOOSER}?chosen={photo.pk}&language=en"
    handed = desk.get(response["Location"]).text
    assert f'data-photo-chosen="{photo.pk}"' in handed
    assert "js/photo-chooser.js" in handed


def test_the_article_form_loads_the_photo_button(desk):
    page = desk.get("/admin/articles/article/add/").text
    assert "js/body-editor-photo.js" in page
