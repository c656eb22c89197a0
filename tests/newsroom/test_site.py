"""The public site's frame: languages, the age mark, the agency's name, the admin."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "expected"), [("en-GB,en;q=0.9", "/en/"), ("ru", "/ru/")]
)
def test_root_redirects_to_the_readers_language(client, accept, expected):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_root_defaults_to_russian(client):
    assert client.get("/")["Location"] == "/ru/"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_shows_the_age_mark(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert '<span class="age-mark"' in response.text
    assert ">18+</span>" in response.text


def test_header_names_the_agency_in_the_page_language(client, settings):
    settings.NEWSROOM_AGENCY_NAME = {"ru": "Вестник Гор", "en": "Mountain Courier"}
    assert "Вестник Гор" in client.get("/ru/").text
    assert "Mountain Courier" in client.get("/en/").text


def test_interface_is_translated(client):
    assert "Последние новости" in client.get("/ru/").text
    assert "Latest news" in client.get("/en/").text


def test_language_switch_keeps_the_page(client):
    response = client.get("/en/news/")
    assert '<a href="/ru/news/" hreflang="ru"' in response.text
    assert '<html lang="en">' in response.text


def test_language_switch_on_an_article_leads_to_its_translation(client):
    original = make_article(language="ru", headline="Оригинал")
    translation = make_article(
        language="en", headline="Translation", translation_of=original
    )
    response = client.get(translation.get_absolute_url())
    assert f'<a href="{original.get_absolute_url()}" hreflang="ru"' in response.text
    assert (
        f'hreflang="ru" href="http://testserver{original.get_absolute_url()}"'
        in response.text
    )


def test_language_switch_on_an_untranslated_article_leads_home(client):
    article = make_article(language="en")
    response = client.get(article.get_absolute_url())
    assert '<a href="/ru/" hreflang="ru"' in response.text
    assert 'rel="alternate" hreflang="ru"' not in response.text


def test_admin_is_titled_for_the_agency(admin_client, settings):
    settings.NEWSROOM_AGENCY_NAME = {"ru": "Вестник Гор", "en": "Mountain Courier"}
    response = admin_client.get("/admin/", headers={"accept-language": "en"})
    assert "Mountain Courier newsroom" in response.text
