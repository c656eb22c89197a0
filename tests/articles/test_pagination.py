"""Keyset pages walk the whole archive, both ways, with no duplicates and no gaps."""

import re

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, moscow

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a rel="(next|prev)" href="\?(before|after)=([0-9.]+)"')
ITEM = re.compile(r'<h3 class="story__headline"><a href="/en/news/(\d+)/')


def page(client, query=""):
    response = client.get(f"/en/news/{query}")
    assert response.status_code == 200
    links = {rel: f"?{key}={value}" for rel, key, value in LINK.findall(response.text)}
    return [int(pk) for pk in ITEM.findall(response.text)], links


@pytest.fixture
def archive(settings):
    """23 stories, many sharing a timestamp, as a busy news day produces."""
    settings.NEWSROOM_PAGE_SIZE = 5
    moments = [moscow(2024, 3, 14, 18, 5)] * 7 + [moscow(2024, 3, 14, 12, 0)] * 6
    moments += [moscow(2023, 1, day, 9, 30) for day in range(1, 11)]
    for moment in moments:
        make_article(published_at=moment)
    return list(Article.objects.newest_first().values_list("pk", flat=True))


def test_walking_older_pages_visits_every_story_once_in_order(client, archive):
    seen, query = [], ""
    while True:
        items, links = page(client, query)
        seen += items
        if "next" not in links:
            break
        query = links["next"]
    assert seen == archive


def test_walking_back_to_newer_pages_returns_the_same_pages(client, archive):
    pages, query = [], ""
    while True:
        items, links = page(client, query)
        pages.append(items)
        if "next" not in links:
            break
        query = links["next"]
    back = [pages[-1]]
    while "prev" in links:
        items, links = page(client, links["prev"])
        back.append(items)
    assert back[::-1] == pages


def test_first_page_has_no_newer_link_and_links_the_next_in_head(client, archive):
    response = client.get("/en/news/")
    assert 'rel="prev"' not in response.text
    assert '<link rel="next" href="?before=' in response.text


@pytest.mark.parametrize(
    "query",
    [
        "?before=abc",
        "?after=1.2.3",
        "?before=" + "9" * 5000 + ".1",
        "?before=-99999999999999999999.1",
        "?before=1700000000000000.-5",
        "?after=%27%20OR%201=1--",
        "?before=1700000000000000.99999999999999999999999",
    ],
)
def test_malformed_cursor_shows_the_first_page(client, archive, query):
    items, _links = page(client, query)
    assert items == archive[:5]


def test_cursor_past_the_end_shows_an_empty_page(client, archive):
    response = client.get("/en/news/?before=1.1")
    assert response.status_code == 200
    assert "No news here yet." in response.text


def test_page_size_is_bounded_whatever_the_archive(client, archive):
    make_article(published_at=timezone.now())
    items, _links = page(client)
    assert len(items) == 5


@pytest.mark.parametrize(
    "sparse_limit", [100, 2], ids=["few: by id", "many: index walk"]
)
def test_author_and_tag_lists_are_the_same_whichever_plan_serves_them(
    client, monkeypatch, sparse_limit
):
    from articles import models
    from tests.factories import make_author

    monkeypatch.setattr(models, "SPARSE_LISTING", sparse_limit)
    author = make_author()
    theirs = [
        make_article(authors=[author], tags=["courts"], headline=f"Theirs {n}")
        for n in range(5)
    ]
    make_article(tags=["sport"], headline="Someone else's")
    make_article(language="ru", authors=[author], tags=["courts"], headline="Их")
    newest_first = [story.headline for story in theirs]  # made newest first

    for address in (author.get_absolute_url(), "/en/tags/courts/"):
        listed = re.findall(
            r'story__headline"><a href="[^"]+">([^<]+)<', client.get(address).text
        )
        assert listed == newest_first


def test_related_stories_are_the_four_newest_before_the_story_each_once(client):
    from datetime import timedelta

    from tests.factories import make_region

    region = make_region()
    moment = timezone.now() - timedelta(days=1)
    article = make_article(tags=["courts"], region=region, published_at=moment)
    make_article(
        headline="Later", tags=["courts"], published_at=moment + timedelta(hours=1)
    )
    make_article(
        headline="Just before",
        tags=["courts"],
        published_at=moment - timedelta(seconds=1),
    )
    for n in range(6):
        # By tag and region, by tag only, by region only, in turn; newest first.
        make_article(
            headline=f"Older {n}",
            tags=["courts"] if n % 3 != 2 else [],
            region=region if n % 3 != 1 else None,
            published_at=moment - timedelta(hours=n + 1),
        )

    text = client.get(article.get_absolute_url()).text
    start = text.index('id="related-title"')
    related = re.findall(
        r'href="[^"]+">((?:Older|Just|Later)[^<]*)<',
        text[start : text.index("</section>", start)],
    )
    assert related == ["Just before", "Older 0", "Older 1", "Older 2"]
