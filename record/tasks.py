"""The record's background work: the daily signed head, and the entries a label or
register change makes for the stories it touches."""

from datetime import datetime, time

from django.utils import timezone

from articles.models import Article
from background.queue import background_task, enqueue_with
from record import chain, signing
from record.models import Entry


# On the worker's clock (the next tick is the retry: attempts=1).
@background_task(attempts=1)
def sign_daily_head() -> bool:
    """Once a day: the head signed; and if the labels in force changed at midnight
    (a dated label version began or ended), every live story recorded again, as of
    midnight."""
    if chain.labels_moved():
        midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        enqueue_with(record_live_stories, Entry.Event.LABELS, 0, midnight.isoformat())
    return signing.sign_today() is not None


@background_task()
def record_live_stories(event: str, after_pk: int = 0, at: str | None = None) -> None:
    """Every live story whose material changed, a chunk per task, in id order; the
    entries dated `at` (ISO 8601), when the change took force (default: now)."""
    if after_pk == 0:
        at = at or timezone.now().isoformat()
        chain.labels_recorded()  # a sweep is under way: the daily check waits
    following = chain.record_stories(
        Article.objects.published(),
        event,
        after_pk,
        at=datetime.fromisoformat(at),
    )
    if following is not None:
        enqueue_with(record_live_stories, event, following, at)


@background_task()
def record_mentioning(entity_id: int) -> None:
    mentioning = Article.objects.published().filter(mentions__entity_id=entity_id)
    record_all(mentioning, Entry.Event.LABELS)


@background_task()
def record_stories(article_ids: list[int], event: str) -> None:
    record_all(Article.objects.published().filter(pk__in=article_ids), event)


@background_task()
def record_showing_photo(photo_id: int) -> None:
    """A photo's caption, credit, alt text or file changed: the live stories that
    show it (as lead photo, or placed in the body)."""
    record_all(Article.objects.published().showing(photo_id), Entry.Event.UPDATED)


@background_task()
def record_by_author(author_id: int) -> None:
    """An author's name changed: the live stories that carry their byline."""
    record_all(
        Article.objects.published().filter(bylines__author_id=author_id),
        Entry.Event.UPDATED,
    )


def record_all(stories, event: str) -> None:
    at, following = timezone.now(), 0
    while following is not None:
        following = chain.record_stories(stories, event, following, at=at)
