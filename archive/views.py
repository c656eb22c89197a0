"""Permanent redirects from the legacy archive's addresses to the articles' pages."""

from django.db.models import F
from django.http import Http404, HttpResponsePermanentRedirect

from archive.jsonl import LANGUAGES
from archive.models import LegacyId
from articles.models import Article


def legacy_redirect(request, legacy_id: str, language: str | None = None):
    """301 to the imported article; 404 for an unknown or unpublished one.

    Without a language the old id may name a story in each language; the original
    (not a translation) wins, as the old site showed it at that address.
    """
    if "\x00" in legacy_id:
        # No stored id has one (the import refuses it), and PostgreSQL would not
        # even take it in a query.
        raise Http404("No such article in the archive.")
    found = LegacyId.objects.filter(
        # Every language named, so the (language, legacy_id) index serves it.
        language__in=[language] if language else LANGUAGES,
        legacy_id=legacy_id,
        article__in=Article.objects.published(),
    ).select_related("article")
    legacy = found.order_by(
        F("article__translation_of").asc(nulls_first=True), "article__pk"
    ).first()
    if legacy is None:
        raise Http404("No such article in the archive.")
    return HttpResponsePermanentRedirect(legacy.article.get_absolute_url())
