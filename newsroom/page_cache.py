"""The full-page cache for anonymous readers, refreshed the moment content changes.

Every cached page is filed under the site's *generation*: the moment its content
last changed. Any save or delete of a story, photo, author, tag, label or register
entry starts a new generation once its transaction commits, so no page cached
before it is served again: no withdrawn story, no stale label. A generation also
ends by itself when a scheduled story's time comes and at midnight (the calendar's
"today", labels that start or end on a date).

The generation is kept in the "shared" cache (Redis, or files on the host), which
every process reads, at most GENERATION_CHECK_SECONDS apart. Pages are kept in each
process's own memory (the "default" cache): a page never changes within its
generation, so no process needs another's copy, and a hit costs no round trip.

Readers with a session (staff) always get fresh pages, marked private. Pages carry
an ETag, Last-Modified (the generation) and Cache-Control, so browsers revalidate
with a 304 and a CDN in front may keep a page for PAGE_CACHE_SHARED_SECONDS.
"""

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import http_date
from django.utils.module_loading import import_string

from newsroom.replica import public_read

STATE_KEY = "page-cache:state"
STALE_IF_ERROR_SECONDS = 24 * 3600
# How often a process reads the shared generation: another process's change is on
# its pages this long after, at most (the target is a second).
GENERATION_CHECK_SECONDS = 0.25
# The apps whose rows appear on public pages.
CONTENT_APPS = {"articles", "authors", "photos", "disclaimers"}


def shared():
    """The cache every process of the site reads: the generation must be one."""
    return caches["shared"]


class _LastSeen:
    """The state as this process last read it, and when (time.monotonic)."""

    state: tuple | None = None
    at: float = 0.0


def generation() -> float:
    """The current generation, starting a new one when the last has run out.

    Read from the shared cache at most every GENERATION_CHECK_SECONDS, so a change
    made by another process is seen that much later at most.
    """
    now = time.time()
    state = _LastSeen.state
    if ended(state, now) or time.monotonic() - _LastSeen.at >= GENERATION_CHECK_SECONDS:
        state = shared().get(STATE_KEY)
        if ended(state, now):
            state = (now, next_change(now))
            shared().set(STATE_KEY, state, timeout=None)
        _LastSeen.state, _LastSeen.at = state, time.monotonic()
    return state[0]


def ended(state: tuple | None, now: float) -> bool:
    """No generation yet, or the one in `state` has reached its natural end."""
    return state is None or (state[1] is not None and now >= state[1])


# The apps above this one (a scheduled story in articles/) say when their content
# next changes by itself: each registers a function returning that moment, or None.
next_change_sources: list[Callable[[], datetime | None]] = []


def add_next_change_source(source: Callable[[], datetime | None]) -> None:
    """Have `source` asked when the site next changes with no one saving anything."""
    if source not in next_change_sources:
        next_change_sources.append(source)


def next_change(now: float) -> float:
    """When pages change with no one saving anything: a scheduled story, midnight."""
    moment = datetime.fromtimestamp(now, tz=timezone.get_current_timezone())
    midnight = timezone.make_aware(
        datetime.combine(moment.date() + timedelta(days=1), datetime.min.time())
    )
    moments = [midnight, *(source() for source in next_change_sources)]
    return min(filter(None, moments)).timestamp()


def lifetime() -> int:
    """Seconds a page may be kept: no longer than the generation lasts."""
    state = _LastSeen.state
    until_change = state[1] - time.time() if state and state[1] else None
    return max(1, int(min(filter(None, [settings.PAGE_CACHE_SECONDS, until_change]))))


def fragment(name: str, render: Callable[[], str]) -> str:
    """A piece of page many pages share (the sidebar), kept for the generation.

    After a change every page is rendered afresh; the shared pieces only once. Kept
    only when the page cache is on: with it off, every render is complete.
    """
    if settings.PAGE_CACHE_SECONDS <= 0:
        return render()
    key = f"fragment:{generation()}:{name}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, lifetime())
    return html


def content_changed(**kwargs) -> None:
    """Start a new generation once the change is committed (and readers can see it)."""
    transaction.on_commit(new_generation)


def new_generation() -> None:
    shared().delete(STATE_KEY)
    _LastSeen.state = None
    if settings.PAGE_CACHE_PURGE:
        import_string(settings.PAGE_CACHE_PURGE)()


def content_receiver(sender, **kwargs) -> None:
    if sender._meta.app_label in CONTENT_APPS:
        content_changed()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_receiver, dispatch_uid="page_cache.content_changed")


class PageCacheMiddleware:
    """Serves anonymous GETs of public pages from the cache, and fills it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies_to(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A staff member's page must not be kept by a shared cache.
                patch_cache_control(response, private=True)
            return response
        with public_read():
            return self.serve(request)

    def serve(self, request):
        current = generation()
        key = self.key(request, current)
        response = cache.get(key)
        if response is not None:
            response["X-Cache"] = "HIT"
            return response
        response = self.get_response(request)
        if self.may_keep(request, response):
            self.stamp(response, current)
            cache.set(key, response, lifetime())
            response["X-Cache"] = "MISS"
        return response

    def applies_to(self, request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(reverse("admin:index"))
        )

    def key(self, request, current: float) -> str:
        # The language counts for addresses without a prefix (the partner feed,
        # sitemaps): LocaleMiddleware, before this one, chose it from the headers.
        address = f"{request.LANGUAGE_CODE}:{request.build_absolute_uri()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        return f"page:{current}:{digest}"

    def may_keep(self, request, response) -> bool:
        """A complete, public, anonymous page: no cookie set, no 'do not cache'."""
        control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in control
            and "no-store" not in control
        )

    def stamp(self, response, current: float) -> None:
        set_response_etag(response)
        response["Last-Modified"] = http_date(current)
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
            # While the site answers errors (a database restart), a CDN may go on
            # serving the copy it has.
            stale_if_error=STALE_IF_ERROR_SECONDS,
        )
