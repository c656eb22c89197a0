"""Invariant 1: nothing unpublished reaches readers, by any route."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_region

pytestmark = pytest.mark.django_db

HIDDEN_HEADLINE = "Secret story that must not leak"


def public_pages(article, region, author):
    # A story scheduled past midnight (Moscow) belongs to a day the archive has not
    # reached (a 404): today's page is the one it must not leak onto.
    now = timezone.now()
    day = timezone.localtime(min(article.published_at or now, now))
    return [
        "/en/",
        "/en/news/",
        f"/en/archive/{day:%Y}/",
        f"/en/archive/{day:%Y/%m}/",
        f"/en/archive/{day:%Y/%m/%d}/",
        "/en/tags/leak/",
        f"/en/regions/{region.slug}/",
        f"/en/authors/{author.slug}/",
    ]


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.SUBMITTED},
        {"status": Article.Status.RETURNED},
        {
            "status": Article.Status.WITHDRAWN,
            "published_at": timezone.now() - timedelta(days=1),
        },
        {
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() + timedelta(hours=1),
        },
    ],
    ids=["draft", "submitted", "returned", "withdrawn", "scheduled"],
)
def test_unpublished_article_is_invisible_everywhere(client, state):
    region, author = make_region(), make_author()
    make_article(
        headline="Visible neighbour", region=region, tags=["leak"], authors=[author]
    )
    hidden = make_article(
        headline=HIDDEN_HEADLINE,
        region=region,
        tags=["leak"],
        authors=[author],
        **state,
    )
    for url in public_pages(hidden, region, author):
        response = client.get(url)
        assert response.status_code == 200, url
        assert HIDDEN_HEADLINE not in response.text, url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_scheduled_article_appears_by_itself_when_its_time_comes(client):
    article = make_article(
        headline="Scheduled story", published_at=timezone.now() + timedelta(seconds=1)
    )
    assert "Scheduled story" not in client.get("/en/").text
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert "Scheduled story" in client.get("/en/").text
    assert client.get(article.get_absolute_url()).status_code == 200


def test_future_article_leaves_no_link_in_the_calendar(client):
    tomorrow = timezone.localtime() + timedelta(days=1)
    make_article(published_at=tomorrow)
    response = client.get("/en/")
    assert f"/en/archive/{tomorrow:%Y/%m/%d}/" not in response.text


def test_article_is_shown_only_in_its_own_language(client):
    article = make_article(language="ru", headline="Только по-русски")
    assert "Только по-русски" in client.get("/ru/").text
    assert "Только по-русски" not in client.get("/en/").text
    # The article keeps its language: the other prefix redirects to it.
    response = client.get(article.get_absolute_url().replace("/ru/", "/en/", 1))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
