"""Keyset pages over newest-first article lists: no OFFSET and no COUNT, at any depth.

A page is addressed by the (published_at, id) of the item next to it, so a reader
deep in a twenty-year archive costs the database what the first page costs.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    at: datetime  # the time the list is ordered by: published_at, or wire_at
    pk: int

    def __str__(self):
        return f"{(self.at - EPOCH) // MICROSECOND}.{self.pk}"

    @classmethod
    def parse(cls, value: str | None) -> "Cursor | None":
        """The cursor in a query string, or None for anything malformed."""
        try:
            micros, pk = (value or "").split(".")
            at = EPOCH + int(micros) * MICROSECOND
            return cls(at, int(pk)) if 0 < int(pk) < 2**63 else None
        except (ValueError, OverflowError, OSError):
            return None

    @classmethod
    def of(cls, article) -> "Cursor":
        return cls(article.published_at, article.pk)


@dataclass
class KeysetPage:
    items: list
    newer: Cursor | None  # "?after=" for the page of newer stories, if any
    older: Cursor | None  # "?before=" for the page of older stories, if any


def keyset_page(
    queryset: QuerySet, *, before: str | None, after: str | None, size: int
) -> KeysetPage:
    """One page of `queryset`, newest first, older than `before` or newer than `after`."""
    newest_first = queryset.order_by("-published_at", "-pk")
    if cursor := Cursor.parse(before):
        # The redundant `lte` bounds the index range scan; the OR alone would not.
        rows = list(
            newest_first.filter(published_at__lte=cursor.at).filter(
                Q(published_at__lt=cursor.at) | Q(pk__lt=cursor.pk)
            )[: size + 1]
        )
        items = rows[:size]
        older = Cursor.of(items[-1]) if len(rows) > size else None
        return KeysetPage(items, Cursor.of(items[0]) if items else None, older)
    if cursor := Cursor.parse(after):
        rows = list(
            queryset.order_by("published_at", "pk")
            .filter(published_at__gte=cursor.at)
            .filter(Q(published_at__gt=cursor.at) | Q(pk__gt=cursor.pk))[: size + 1]
        )
        if len(rows) > size:
            items = rows[:size][::-1]
            return KeysetPage(items, Cursor.of(items[0]), Cursor.of(items[-1]))
        # Reached the newest stories: that is simply the first page.
    rows = list(newest_first[: size + 1])
    items = rows[:size]
    return KeysetPage(items, None, Cursor.of(items[-1]) if len(rows) > size else None)


def oldest_first_page(
    queryset: QuerySet, field: str, *, after: str | None, size: int
) -> tuple[list, Cursor | None]:
    """One page of `queryset` in the order of the time `field` (then id), oldest
    first, after `after`; and the cursor of the next page, if any."""
    rows = queryset.order_by(field, "pk")
    if cursor := Cursor.parse(after):
        rows = rows.filter(**{f"{field}__gte": cursor.at}).filter(
            Q(**{f"{field}__gt": cursor.at}) | Q(pk__gt=cursor.pk)
        )
    rows = list(rows[: size + 1])
    items = rows[:size]
    last = items[-1] if len(rows) > size else None
    return items, Cursor(getattr(last, field), last.pk) if last else None
