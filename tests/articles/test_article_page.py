"""An article page: canonical URL, dateline, byline, corrections, related stories."""

import pytest

from articles.models import Correction
from tests.factories import make_article, make_author, make_region, moscow

pytestmark = pytest.mark.django_db


def test_article_page_shows_the_story_with_its_dateline_in_the_page_language(client):
    en = make_article(
        language="en",
        headline="Rights report",
        published_at=moscow(2025, 1, 27, 21, 59),
    )
    ru = make_article(
        language="ru", headline="Доклад", published_at=moscow(2025, 1, 27, 21, 59)
    )
    assert "27 January 2025, 21:59" in client.get(en.get_absolute_url()).text
    assert "27 января 2025, 21:59" in client.get(ru.get_absolute_url()).text


@pytest.mark.parametrize("suffix", ["", "wrong-slug/", "another-story/"])
def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(
    client, suffix
):
    article = make_article(headline="Court postpones hearing")
    response = client.get(f"/en/news/{article.pk}/{suffix}")
    assert response.status_code == 301
    assert response["Location"] == f"/en/news/{article.pk}/court-postpones-hearing/"
    assert client.get(response["Location"]).status_code == 200


def test_russian_headline_gets_a_readable_latin_slug(client):
    article = make_article(
        language="ru", headline="Суд отложил слушания по делу активистов"
    )
    assert article.get_absolute_url() == (
        f"/ru/news/{article.pk}/sud-otlozhil-slushaniia-po-delu-aktivistov/"
    )


def test_unknown_article_is_not_found(client):
    assert client.get("/en/news/999999/anything/").status_code == 404
    assert client.get("/en/news/99999999999999999999999/x/").status_code == 404


def test_byline_lists_authors_in_order_with_links_and_the_source(client):
    first = make_author(name_en="Faris Medjid", name_ru="Фарис Меджид")
    second = make_author(name_en="Vera Orlova", name_ru="Вера Орлова")
    article = make_article(authors=[first, second], source="our correspondent")
    text = client.get(article.get_absolute_url()).text
    byline = text[text.index('<p class="byline">') :]
    assert byline.index("Faris Medjid") < byline.index("Vera Orlova")
    assert f'href="/en/authors/{first.slug}/"' in byline
    assert "Authors:" in byline
    assert "Source: our correspondent" in " ".join(byline.split())


def test_byline_uses_the_authors_name_in_the_page_language(client):
    author = make_author(name_en="Faris Medjid", name_ru="Фарис Меджид")
    article = make_article(language="ru", authors=[author])
    assert "Фарис Меджид" in client.get(article.get_absolute_url()).text


def test_corrections_and_updates_appear_dated_at_the_end(client):
    article = make_article(body="<p>The body.</p>")
    Correction.objects.create(
        article=article,
        kind=Correction.Kind.CORRECTION,
        text="An earlier version misspelt the judge's name.",
        noted_at=moscow(2025, 2, 1, 10, 15),
    )
    text = client.get(article.get_absolute_url()).text
    assert "An earlier version misspelt the judge&#x27;s name." in text
    assert "1 February 2025, 10:15" in text
    assert text.index("The body.") < text.index("An earlier version")


def test_related_stories_share_a_tag_or_the_region_and_the_language(client):
    region = make_region()
    article = make_article(tags=["courts"], region=region)
    by_tag = make_article(headline="Same tag", tags=["courts"])
    by_region = make_article(headline="Same region", region=region)
    make_article(headline="Unrelated", tags=["sport"])
    make_article(headline="Other language", language="ru", tags=["courts"])
    text = client.get(article.get_absolute_url()).text
    start = text.index('id="related-title"')
    related = text[start : text.index("</section>", start)]
    assert by_tag.headline in related and by_region.headline in related
    assert "Unrelated" not in related and "Other language" not in related


def test_body_html_is_sanitised_when_saved():
    article = make_article(
        body='<p onclick="steal()">Text<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'
    )
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "onerror" not in article.body
    assert "<p>Text</p>" in article.body


def test_tag_pages_keep_cyrillic_slugs(client):
    article = make_article(language="ru", tags=["выборы"])
    tag = article.tags.get()
    assert tag.slug_ru == "выборы"
    response = client.get("/ru/tags/выборы/")
    assert response.status_code == 200
    assert article.headline in response.text
