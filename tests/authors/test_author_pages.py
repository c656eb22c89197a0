"""Author pages: one person, however the archive spells the name."""

import pytest

from authors.models import Author, AuthorAlias
from tests.factories import main_text, make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def medjid():
    author = make_author(name_en="Faik Medjid", name_ru="Фаик Меджид")
    AuthorAlias.objects.create(author=author, name="Faik Medzhid")
    return author


def test_author_page_lists_their_stories_in_the_page_language(client, medjid):
    make_article(language="en", headline="English story", authors=[medjid])
    make_article(language="ru", headline="Русская заметка", authors=[medjid])
    make_article(language="en", headline="Someone else's")
    en = main_text(client.get("/en/authors/faik-medjid/"))
    assert "Faik Medjid" in en and "English story" in en
    assert "Русская заметка" not in en and "Someone else&#x27;s" not in en
    assert "Фаик Меджид" in client.get("/ru/authors/faik-medjid/").text


def test_an_alias_leads_to_the_same_author_page(client, medjid):
    response = client.get("/en/authors/faik-medzhid/")
    assert response.status_code == 301
    assert response["Location"] == "/en/authors/faik-medjid/"
    assert (
        client.get("/ru/authors/faik-medzhid/")["Location"]
        == "/ru/authors/faik-medjid/"
    )


def test_authors_are_matched_by_any_name_or_alias(medjid):
    for name in ["Faik Medjid", "faik  medzhid", "Фаик Меджид"]:
        assert list(Author.objects.matching(name)) == [medjid]


def test_author_slug_is_latin_and_unique():
    first = make_author(name_en="", name_ru="Руслан Алиев")
    second = make_author(name_en="Ruslan Aliev", name_ru="Руслан Алиев")
    assert first.slug == "ruslan-aliev"
    assert second.slug == "ruslan-aliev-2"


def test_unknown_author_is_not_found(client):
    assert client.get("/en/authors/nobody/").status_code == 404
