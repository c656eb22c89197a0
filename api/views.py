"""The partner feed: articles as ninjs 2.1 items, in pages: the newest, or the changes
since a moment."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from api.models import Partner
from api.ninjs import feed_articles, feed_changes, feed_items
from articles.pagination import Cursor, keyset_page, oldest_first_page

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class BadParameter(ValueError):
    """A query parameter the feed cannot honour; the message tells the partner why."""


@dataclass(frozen=True)
class FeedQuery:
    language: str | None
    since: datetime | None
    cursor: str | None
    limit: int

    @classmethod
    def parse(cls, params: QueryDict) -> "FeedQuery":
        """The feed's parameters; an empty one counts as absent."""
        languages = [code for code, _name in settings.LANGUAGES]
        language = params.get("language") or None
        if language is not None and language not in languages:
            raise BadParameter(f"language must be one of: {', '.join(languages)}")
        cursor = params.get("cursor") or None
        if cursor is not None and Cursor.parse(cursor) is None:
            raise BadParameter("cursor must be a value taken from a page's `next` URL")
        return cls(
            language,
            parse_since(params.get("since")),
            cursor,
            parse_limit(params.get("limit")),
        )


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            raise ValueError(value)
        if timezone.is_naive(moment):
            # No offset given: the site's own time, as on its pages (Moscow).
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadParameter(
            "since must be an ISO 8601 date-time such as 2025-01-27T21:59:00+03:00 "
            "(write + as %2B in a URL; without an offset it is Moscow time)"
        ) from None


def parse_limit(value: str | None) -> int:
    if not value:
        return PAGE_SIZE
    if (
        not value.isascii()
        or not value.isdigit()
        # Thousands of digits would make int() itself raise.
        or len(value) > len(str(MAX_PAGE_SIZE))
        or not 0 < int(value) <= MAX_PAGE_SIZE
    ):
        raise BadParameter(f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}")
    return int(value)


def json_response(data: dict, status: int = 200) -> HttpResponse:
    # Cyrillic as itself: half the feed is Russian, and \u escapes triple its size.
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        status=status,
    )


@require_safe
def ninjs_feed(request: HttpRequest) -> HttpResponse:
    """GET /api/ninjs/?language=&since=&cursor=&limit= -> {"items": [...], "next": ...}

    Without `since`: the published stories, newest first. With it: the changes
    partners were told of at or after it (publications, corrections, withdrawals,
    embargoed stories), oldest first, each story as it stands, once.
    """
    partner, refusal = partner_of(request)
    if refusal is not None:
        return refusal
    try:
        query = FeedQuery.parse(request.GET)
    except BadParameter as error:
        return json_response({"error": str(error)}, status=400)
    if query.since:
        articles = feed_changes(partner).filter(wire_moment__gte=query.since)
    else:
        articles = feed_articles(partner)
    if partner is not None:
        articles = articles.filter(language__in=partner.languages)
        if regions := list(partner.regions.values_list("pk", flat=True)):
            articles = articles.filter(region__in=regions)
    if query.language:
        articles = articles.filter(language=query.language)
    if query.since:
        items, following = oldest_first_page(
            articles, "wire_moment", after=query.cursor, size=query.limit
        )
    else:
        page = keyset_page(articles, before=query.cursor, after=None, size=query.limit)
        items, following = page.items, page.older
    next_url = None
    if following:
        params = request.GET.copy()
        params["cursor"] = str(following)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    root = request.build_absolute_uri("/").rstrip("/")
    response = json_response({"items": feed_items(items, root), "next": next_url})
    # A keyed answer is one partner's selection, embargoed stories included: no
    # shared cache may keep it, nor give the open answer for a keyed request.
    patch_vary_headers(response, ["Authorization", "X-Api-Key"])
    if partner is not None:
        patch_cache_control(response, private=True)
    return response


def partner_key(request: HttpRequest) -> str:
    bearer = request.headers.get("Authorization", "")
    if bearer.lower().startswith("bearer "):
        return bearer[7:].strip()
    return request.headers.get("X-Api-Key", "").strip()


def partner_of(request: HttpRequest) -> tuple[Partner | None, HttpResponse | None]:
    """The partner a request's key names (its request counted), or the 401 a
    missing, unknown or revoked key gets. Without a key: nobody, unless the feed
    is keyed (PARTNER_FEED_REQUIRES_KEY)."""
    key = partner_key(request)
    if key:
        partner = Partner.holding(key)
        if partner is None:
            return None, unauthorized(
                "This key is unknown or revoked. Ask the agency for a new one."
            )
        partner.count_request()
        return partner, None
    if settings.PARTNER_FEED_REQUIRES_KEY:
        return None, unauthorized(
            "This feed needs a partner key, sent as 'Authorization: Bearer <key>'."
        )
    return None, None


def unauthorized(message: str) -> HttpResponse:
    response = json_response({"error": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="partner feed"'
    return response
