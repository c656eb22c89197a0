"""The print view carries everything the article page carries, and fits a phone."""

import pytest

from articles.models import Article, Correction
from tests.disclaimers.conftest import LABEL_2022
from tests.factories import make_article, make_author, make_photo, moscow

pytestmark = pytest.mark.django_db

FOOTNOTE_EN = (
    "*Included by the Russian Ministry of Justice into the register of foreign agents"
)


def print_page(client, article) -> str:
    response = client.get(article.get_absolute_url() + "print/")
    assert response.status_code == 200
    return " ".join(response.text.split())


def test_print_view_fits_a_phone_screen(client):
    text = print_page(client, make_article())
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    )


def test_print_view_carries_the_byline_with_every_author(client):
    first = make_author(name_en="Faris Medjid")
    second = make_author(name_en="Vera Orlova")
    text = print_page(client, make_article(authors=[first, second]))
    byline = text[text.index('<p class="byline">') :]
    assert "Authors:" in byline
    assert byline.index("Faris Medjid") < byline.index("Vera Orlova")


def test_print_view_carries_the_source_line(client):
    text = print_page(client, make_article(source="our correspondent"))
    assert "Source: our correspondent" in text


def test_print_view_of_a_translation_carries_the_original_publication_note(client):
    original = make_article(language="ru", published_at=moscow(2025, 1, 25, 4, 39))
    translation = make_article(language="en", translation_of=original)
    text = print_page(client, translation)
    assert (
        "This article was originally published on the Russian page of Highland "
        "Herald on January 25, 2025 at 04:39 am MSK." in text
    )
    assert f'href="{original.get_absolute_url()}"' in text


def test_print_view_carries_corrections_and_updates(client):
    article = make_article(body="<p>The body.</p>")
    Correction.objects.create(
        article=article,
        kind=Correction.Kind.UPDATE,
        text="The court set a new date.",
        noted_at=moscow(2025, 2, 1, 10, 15),
    )
    text = print_page(client, article)
    assert "The court set a new date." in text
    assert "1 February 2025, 10:15" in text
    assert text.index("The body.") < text.index("The court set a new date.")


def test_print_view_carries_the_label_in_force_under_the_headline(client, labels):
    text = print_page(client, make_article(headline="Court hearing"))
    label = text.index(f'<p class="legal-label" lang="ru">{LABEL_2022}</p>')
    assert text.index("Court hearing</h1>") < label
    assert label < text.index('class="article__lead"')


def test_print_view_carries_the_register_asterisks_and_footnotes(client, memorial):
    text = print_page(client, make_article(body="<p>Memorial published a report.</p>"))
    assert "Memorial* published a report." in text
    assert f'<p class="footnote"><small>{FOOTNOTE_EN}</small></p>' in text


def test_print_view_carries_the_lead_photo_with_its_credit(client):
    photo = make_photo(credit_text="Valley Pictures")
    text = print_page(client, make_article(lead_photo=photo))
    assert "Photo: Valley Pictures" in text


def test_print_view_shows_the_parts_in_the_article_pages_order(client, memorial):
    original = make_article(language="ru")
    article = make_article(
        translation_of=original,
        body="<p>Memorial spoke.</p>",
        authors=[make_author(name_en="Vera Orlova")],
    )
    Correction.objects.create(article=article, text="Corrected.")
    text = print_page(client, article)
    order = [
        "Memorial* spoke.",
        "Corrected.",
        'class="original-note"',
        'class="byline"',
        'class="footnote"',
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_print_view_of_an_unpublished_story_is_not_found(client):
    article = make_article(status=Article.Status.DRAFT)
    assert client.get(f"/en/news/{article.pk}/{article.slug}/print/").status_code == 404
