"""Russian needs the genitive: «Фото Нины Беридзе для «Горного вестника»»."""

import feedparser
import pytest
from django.test import override_settings

from authors.models import Author
from newsroom.i18n import agency_name_genitive
from newsroom.russian import genitive
from photos.models import Photo, Photographer
from tests.factories import main_text, make_article, make_photo

pytestmark = pytest.mark.django_db

CREDIT = "Фото Нины Беридзе для «Горного вестника»"


@pytest.mark.parametrize(
    "name, declined",
    [
        ("Нина Беридзе", "Нины Беридзе"),
        ("Руслан Алиев", "Руслана Алиева"),
        ("Лев Пономарёв", "Льва Пономарёва"),
        ("Юлия Яковлева", "Юлии Яковлевой"),
        ("Саид Царнаев", "Саида Царнаева"),
        ("John Smith", "John Smith"),
    ],
)
def test_a_persons_name_in_the_genitive(name, declined):
    assert genitive(name, person=True) == declined


def test_the_agency_name_in_the_genitive_is_declined_or_configured():
    assert agency_name_genitive("ru") == "Горного вестника"
    assert agency_name_genitive("en") == "Highland Herald"
    with override_settings(NEWSROOM_AGENCY_NAME_RU_GENITIVE="Горного Вестника"):
        assert agency_name_genitive("ru") == "Горного Вестника"


@pytest.fixture
def story():
    nina = Photographer.objects.create(name_ru="Нина Беридзе", name_en="Nina Beridze")
    photo = make_photo(
        credit_form=Photo.Credit.PHOTO_BY_FOR_AGENCY,
        photographer=nina,
        credit_text="",
        alt_ru="Плотина",
    )
    return make_article(language="ru", lead_photo=photo)


def test_the_credit_is_declined_on_the_page_the_feed_and_the_print_view(client, story):
    assert CREDIT in main_text(client.get(story.get_absolute_url()))
    assert CREDIT in client.get(story.get_absolute_url() + "print/").content.decode()
    feed = feedparser.parse(client.get("/ru/feeds/rss/").content)
    assert feed.feed.description == "Последние новости «Горного вестника»"
    assert CREDIT in feed.entries[0].description
    assert "Photo by Nina Beridze for Highland Herald" in story.lead_photo.credit("en")


def test_a_persons_genitive_is_suggested_and_kept_when_corrected(admin_client):
    nino = Photographer.objects.create(name_ru="Нино Беридзе")
    assert nino.name_ru_genitive == "Нино Беридзе"  # indeclinable: as written
    nino.name_ru_genitive = "Нино Беридзе"
    nino.save()
    author = Author.objects.create(name_ru="Руслан Алиев")
    assert author.name_ru_genitive == "Руслана Алиева"

    admin_client.post(
        f"/admin/photos/photographer/{nino.pk}/change/",
        {
            "name_ru": "Нина Беридзе",
            "name_en": "",
            "name_ru_genitive": "Нино Беридзе",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    nino.refresh_from_db()
    assert nino.name_ru_genitive == "Нины Беридзе"  # renamed: suggested anew
