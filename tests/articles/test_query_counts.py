"""Invariant 4: each public page runs the same few queries at any archive size."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Byline, Correction
from articles.tags import tag_names
from photos.rendering import WIDTHS
from tests.factories import make_author, make_photo, make_region

pytestmark = pytest.mark.django_db

# page -> queries, with nothing kept; every page has the sidebar (latest news,
# calendar month) and the legal labels in force. A list reads its stories' ids, then
# the stories whose card is not kept (all of them here).
BUDGETS = {
    "home": 5,
    "news": 5,
    "news-deep": 5,
    # the story with its bylines, tags, corrections, register mentions, versions in
    # other languages and lead photo (articles/parts.py), the body photo and its
    # renditions, the related stories' tag ids first (ids_if_few), then the related
    # stories by tag and by region in one statement (articles/related.py)
    "article": 8,
    "day": 5,
    "month": 4,
    "year": 4,
    # the tag or author, its stories' ids (ArticleQuerySet.among), the page
    "tag": 7,
    "region": 6,
    "author": 7,
}


def build_archive(size: int) -> dict:
    region, author, other = make_region(slug="north"), make_author(), make_author()
    start = timezone.now() - timedelta(days=3)
    articles = Article.objects.bulk_create(
        Article(
            language="en",
            headline=f"Story {n}",
            slug=f"story-{n}",
            lead="Lead.",
            body="<p>Body.</p>",
            region=region,
            status=Article.Status.PUBLISHED,
            published_at=start + timedelta(minutes=n),
        )
        for n in range(size)
    )
    for article in articles:
        tag_names(article, ["courts", "elections"])
    Byline.objects.bulk_create(
        Byline(article=article, author=person, position=position)
        for article in articles
        for position, person in enumerate([author, other])
    )
    target = articles[size // 2]
    Correction.objects.create(article=target, text="Updated.")
    # A lead photo and a body photo whose renditions were made at an earlier view.
    lead, inline = make_photo(), make_photo()
    for photo in (lead, inline):
        for width in WIDTHS:
            for image_format in ("JPEG", "WEBP"):
                photo.rendition(width, image_format)
        photo.crops()
    target.lead_photo = lead
    target.body += f"<p>[photo:{inline.pk}]</p>"
    target.save()
    Article.objects.create(
        language="ru",
        headline="Перевод",
        status=Article.Status.PUBLISHED,
        published_at=target.published_at,
        translation_of=target,
    )
    day = timezone.localtime(target.published_at)
    return {
        "home": "/en/",
        "news": "/en/news/",
        "news-deep": f"/en/news/?before={int(articles[5].published_at.timestamp() * 1e6)}.{articles[5].pk}",
        "article": target.get_absolute_url(),
        "day": f"/en/archive/{day:%Y/%m/%d}/",
        "month": f"/en/archive/{day:%Y/%m}/",
        "year": f"/en/archive/{day:%Y}/",
        "tag": "/en/tags/courts/",
        "region": "/en/regions/north/",
        "author": f"/en/authors/{author.slug}/",
    }


@pytest.mark.parametrize("size", [10, 200])
@pytest.mark.parametrize("page_name", BUDGETS)
def test_public_page_query_count_does_not_grow_with_the_archive(
    client, django_assert_num_queries, page_name, size
):
    urls = build_archive(size)
    with django_assert_num_queries(BUDGETS[page_name]):
        response = client.get(urls[page_name])
    assert response.status_code == 200
