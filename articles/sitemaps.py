"""Sitemaps: one section per language (Django splits them at 50,000 URLs), and the
Google News sitemap of the last 48 hours."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from articles.models import Article
from newsroom.i18n import agency_name

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap


class ArticleSitemap(Sitemap):
    limit = 50_000
    changefreq = "never"

    def __init__(self, language: str):
        self.language = language

    def items(self):
        return (
            Article.objects.published()
            .filter(language=self.language)
            .newest_first()
            .only("pk", "slug", "language", "updated_at", "published_at")
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # One aggregate, not a walk through every article as Django's default does.
        return self.items().order_by().aggregate(latest=Max("updated_at"))["latest"]


def sitemaps(languages) -> dict[str, Sitemap]:
    return {f"articles-{code}": ArticleSitemap(code) for code, _name in languages}


@require_GET
def news_sitemap(request):
    """Stories of the last 48 hours, with publication name and language."""
    articles = (
        Article.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .newest_first()
        .only("pk", "slug", "language", "headline", "published_at")[:NEWS_LIMIT]
    )
    entries = [
        {
            "url": request.build_absolute_uri(article.get_absolute_url()),
            "name": agency_name(article.language),
            "language": article.language,
            "published_at": article.published_at,
            "title": article.headline,
        }
        for article in articles
    ]
    return render(
        request,
        "articles/news_sitemap.xml",
        {"entries": entries},
        content_type="application/xml",
    )


@require_GET
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
