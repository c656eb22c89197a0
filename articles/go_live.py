"""Events when what readers see of a story changes: it went live, was withdrawn or
was corrected (articles.models.GoLive).

`published()` stays the one publication rule: a scheduled story appears by itself
at its time, worker or not. The event is what follows, once, within seconds:

- a workflow step records its event in its own transaction (publish now, withdraw,
  a correction added to a live story);
- a scheduled story's time passing is found by `find_due`, a periodic task on the
  worker's clock (every GO_LIVE_SWEEP_SECONDS), so no event is missed after a
  restart (it looks back GO_LIVE_LOOKBACK);
- `announce` sends `story_went_live` and marks the event announced in one
  transaction; the receivers queue their own work (a CDN purge, the author's mail,
  settings.GO_LIVE_HOOKS such as a sitemap ping), each retried on its own.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.utils import timezone

from articles.models import Article, ArticleEvent, GoLive
from background.queue import enqueue_with

# sender=GoLive, event=the GoLive being announced. Receivers run inside the
# announcement's transaction: they queue work (enqueue_with), they do not do it.
story_went_live = Signal()

LOOKBACK = timedelta(days=7)


def record(article: Article, kind: str, at=None, by_schedule: bool = False) -> None:
    """The change to `article` happened (in the caller's transaction); its
    announcement is queued with it. Recorded twice, it is announced once."""
    from articles import tasks

    try:
        with transaction.atomic():
            event = GoLive.objects.create(
                article=article,
                kind=kind,
                at=at or timezone.now(),
                by_schedule=by_schedule,
            )
    except IntegrityError:  # another worker's sweep found it first
        return
    enqueue_with(tasks.announce, event.pk)


def find_due() -> int:
    """Scheduled stories whose time has come and whose going live is not recorded:
    record it. Returns how many."""
    now = timezone.now()
    announced = GoLive.objects.filter(
        article=OuterRef("pk"),
        kind=GoLive.Kind.PUBLISHED,
        at__gte=OuterRef("published_at"),
    )
    scheduled = ArticleEvent.objects.filter(
        article=OuterRef("pk"), action=ArticleEvent.Action.SCHEDULE
    )
    due = (
        Article.objects.published()
        .filter(published_at__gt=now - LOOKBACK)
        .filter(Exists(scheduled))
        .exclude(Exists(announced))
        .only("pk", "published_at")
    )
    found = 0
    for article in due:
        with transaction.atomic():
            record(article, GoLive.Kind.PUBLISHED, article.published_at, True)
        found += 1
    return found


def announce(event_id: int) -> bool:
    """Tell everyone listening that the event happened, once."""
    with transaction.atomic():
        event = (
            GoLive.objects.select_for_update()
            .select_related("article")
            .filter(pk=event_id, announced_at__isnull=True)
            .first()
        )
        if event is None:  # announced already (a task run twice)
            return False
        story_went_live.send(GoLive, event=event)
        event.announced_at = timezone.now()
        event.save(update_fields=["announced_at"])
    return True


def run_hooks(sender, event: GoLive, **kwargs) -> None:
    """settings.GO_LIVE_HOOKS: functions of an event id, each its own task."""
    from articles import tasks

    for path in settings.GO_LIVE_HOOKS:
        enqueue_with(tasks.run_hook, path, event.pk)


def correction_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    """A correction or update added to a live story changes what readers see."""
    if created and not raw and instance.article.is_live:
        record(instance.article, GoLive.Kind.CORRECTED, instance.noted_at)
