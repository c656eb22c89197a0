"""An author's names: English pages never print a Cyrillic byline."""

import pytest

from authors.models import Author
from newsroom.text import alphabet, latin_name
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "russian, latin",
    [
        ("Руслан Алиев", "Ruslan Aliev"),
        ("Юлия Яковлева", "Yuliya Yakovleva"),
        ("Сергей Щукин-Жуков", "Sergey Shchukin-Zhukov"),
        ("Пётр Ильич", "Pyotr Ilich"),
        ("ЖУК", "ZHUK"),
        ("Nino Beridze", "Nino Beridze"),
    ],
)
def test_russian_names_in_latin_letters(russian, latin):
    assert latin_name(russian) == latin


@pytest.mark.parametrize(
    "name, language",
    [("Руслан Алиев", "ru"), ("Ruslan Aliev", "en"), ("R2-D2", "en"), ("007", None)],
)
def test_a_name_is_told_by_its_alphabet(name, language):
    assert alphabet(name) == language


def test_an_author_known_only_in_russian_gets_a_latin_byline(client):
    author = make_author(name_ru="Руслан Алиев", name_en="")
    make_article(language="en", headline="Dam holds", authors=[author])

    author.refresh_from_db()
    assert (author.name_en, author.name_en_transliterated) == ("Ruslan Aliev", True)
    page = client.get(make_article(language="en", authors=[author]).get_absolute_url())
    assert "Ruslan Aliev" in page.text and "Руслан Алиев" not in page.text


def test_the_transliteration_follows_the_russian_name_until_a_person_writes_one():
    author = make_author(name_ru="Руслан Алиев", name_en="")
    author.name_ru = "Руслан Алиев-Дагестанский"
    author.save()
    assert author.name_en == "Ruslan Aliev-Dagestanskiy"

    author.give_english_name("Ruslan Aliyev")
    author.save()
    author.name_ru = "Руслан Алиев"
    author.save()
    assert (author.name_en, author.name_en_transliterated) == ("Ruslan Aliyev", False)


def test_the_admin_marks_the_transliteration_and_a_written_name_replaces_it(
    admin_client,
):
    author = make_author(name_ru="Фаик Меджид", name_en="")
    changelist = admin_client.get("/admin/authors/author/").text
    assert "Faik Medzhid" in changelist

    admin_client.post(
        f"/admin/authors/author/{author.pk}/change/",
        {
            "name_ru": "Фаик Меджид",
            "name_en": "Faik Medjid",
            "slug": author.slug,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    author.refresh_from_db()
    assert (author.name_en, author.name_en_transliterated) == ("Faik Medjid", False)

    admin_client.post(
        f"/admin/authors/author/{author.pk}/change/",
        {
            "name_ru": "Фаик Меджид",
            "name_en": "",
            "slug": author.slug,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    author.refresh_from_db()
    assert (author.name_en, author.name_en_transliterated) == ("Faik Medzhid", True)
    assert Author.objects.count() == 1
