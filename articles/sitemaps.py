"""Sitemaps: an index of month sections (one per language and month), and the
Google News sitemap of the last 48 hours.

Sections by month, not by count: each is a range of the listing index, as cheap
twenty years back as today, and an old month's section never changes, so crawlers
need not fetch it again. A month of an agency's stories is far below the 50,000
URLs a sitemap may hold.
"""

from datetime import date, timedelta

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from articles.calendar import add_months, local_midnight
from articles.models import Article
from articles.rendering import headline, with_register_names
from articles.validation import EARLIEST_PUBLICATION
from newsroom.i18n import agency_name

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap
SECTION_LIMIT = 50_000  # the sitemap protocol's limit per file
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@require_GET
def sitemap_index(request):
    """Every month from the first published story's to this one, in each language."""
    first = (
        Article.objects.published()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    months = []
    if first is not None:
        month = timezone.localdate().replace(day=1)
        oldest = timezone.localdate(first).replace(day=1)
        while month >= oldest:
            months.append(month)
            month = add_months(month, -1)
    sections = [
        request.build_absolute_uri(
            reverse(
                "sitemap-month",
                kwargs={
                    "language": language,
                    "year": f"{month.year:04}",
                    "month": f"{month.month:02}",
                },
            )
        )
        for month in months
        for language in LANGUAGES
    ]
    return render(
        request,
        "articles/sitemap_index.xml",
        {"sections": sections},
        content_type="application/xml",
    )


@require_GET
def sitemap_month(request, language: str, year: str, month: str):
    """A language's stories published in one month, newest first."""
    year, month = int(year), int(month)
    # Before the archive's first year no story exists (and year 1 would overflow).
    if (
        language not in LANGUAGES
        or not 1 <= month <= 12
        or year < EARLIEST_PUBLICATION.year
    ):
        raise Http404("No such sitemap")
    start = date(year, month, 1)
    if start > timezone.localdate():
        raise Http404("No such sitemap")
    articles = (
        Article.objects.published()
        .filter(
            language=language,
            published_at__gte=local_midnight(start),
            published_at__lt=local_midnight(add_months(start, 1)),
        )
        .newest_first()
        .only("pk", "slug", "language", "updated_at")[:SECTION_LIMIT]
    )
    entries = [
        (request.build_absolute_uri(article.get_absolute_url()), article.updated_at)
        for article in articles
    ]
    return render(
        request,
        "articles/sitemap.xml",
        {"entries": entries},
        content_type="application/xml",
    )


@require_GET
def news_sitemap(request):
    """Stories of the last 48 hours, with publication name and language."""
    articles = with_register_names(
        Article.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .newest_first()
        .only("pk", "slug", "language", "headline", "published_at")
    )[:NEWS_LIMIT]
    entries = [
        {
            "url": request.build_absolute_uri(article.get_absolute_url()),
            "name": agency_name(article.language),
            "language": article.language,
            "published_at": article.published_at,
            "title": headline(article),
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
