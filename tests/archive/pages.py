"""Every public URL group, for tests that check no stored value can break a page."""

import re

from django.utils import timezone

from archive.models import LegacyId
from articles.models import Article, Region, Tag
from authors.models import Author

LANGUAGES = ("en", "ru")


def public_urls() -> list[str]:
    """Each public page the stored stories, tags, regions and authors make."""
    urls = ["/sitemap.xml", "/news-sitemap.xml", "/api/ninjs/", "/api/ninjs/?limit=1"]
    for language in LANGUAGES:
        prefix = f"/{language}"
        today = timezone.localdate()
        urls += [
            f"{prefix}/",
            f"{prefix}/news/",
            f"{prefix}/search/?q=story",
            f"{prefix}/feeds/rss/",
            f"{prefix}/feeds/atom/",
            f"{prefix}/archive/{today:%Y}/",
            f"{prefix}/archive/{today:%Y/%m}/",
            f"{prefix}/archive/{today:%Y/%m/%d}/",
            f"/api/ninjs/?language={language}",
        ]
    for article in Article.objects.all():
        url = article.get_absolute_url()
        urls += [url, url + "print/", f"/{article.language}/news/{article.pk}/"]
        if article.published_at:
            day = timezone.localdate(article.published_at)
            urls += [
                f"/{article.language}/archive/{day:%Y}/",
                f"/{article.language}/archive/{day:%Y/%m}/",
                f"/{article.language}/archive/{day:%Y/%m/%d}/",
                f"/sitemap-articles-{article.language}-{day:%Y-%m}.xml",
            ]
        urls.append(f"/{article.language}/search/?q={article.headline[:20]}")
    subjects = [
        ("tags", Tag.objects.values_list("slug_en", flat=True)),
        ("regions", Region.objects.values_list("slug", flat=True)),
        ("authors", Author.objects.values_list("slug", flat=True)),
    ]
    for kind, slugs in subjects:
        for slug in slugs:
            # One language each: the same list, filtered by the prefix's language.
            urls += [f"/en/{kind}/{slug}/", f"/ru/feeds/{kind}/{slug}/rss/"]
    for legacy_id in LegacyId.objects.values_list("legacy_id", flat=True):
        urls.append(f"/articles/{legacy_id}/")
    return list(dict.fromkeys(urls))


def assert_no_server_error(client, urls: list[str]) -> None:
    """Every URL answers without a server error; the sitemap's sections too."""
    sections = re.findall(
        r"<loc>https?://[^/]+(/sitemap-articles-[^<]+)</loc>",
        client.get("/sitemap.xml").text,
    )
    for url in [*urls, *sections]:
        status = client.get(url).status_code
        assert status < 500, f"{url} answered {status}"
