"""Events when what readers see of a story changes: it went live, was withdrawn or
was corrected (articles.models.GoLive).

`published()` stays the one publication rule: a scheduled story appears by itself
at its time, worker or not. The event is what follows, once, within seconds:

- a workflow step records its event in its own transaction (publish now, withdraw,
  a correction added to a live story, a story sent to partners under embargo);
- scheduling records the event for its time; `sweep`, a periodic task on the
  worker's clock (every GO_LIVE_SWEEP_SECONDS), queues the events whose time has
  come, and those whose announcement was lost, so none is missed after a restart;
  `find_due` (every minute) catches stories scheduled without one (an import);
- `announce` sends `story_went_live` and marks the event announced in one
  transaction; the receivers queue their own work (a CDN purge, the author's mail,
  the partners' pushes, settings.GO_LIVE_HOOKS such as a sitemap ping), each
  retried on its own.

Partners are told of an event (articles/wire.py) when it is recorded, or, for a
scheduled one, when it is announced.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone

from articles import wire
from articles.models import Article, ArticleEvent, GoLive
from background.queue import enqueue_with

# sender=GoLive, event=the GoLive being announced. Receivers run inside the
# announcement's transaction: they queue work (enqueue_with), they do not do it.
story_went_live = Signal()
# sender=GoLive, event=the GoLive whose change readers (or partners) now get: sent
# once per event, in its transaction, when it is recorded (a step taken now) or when
# its time comes (a scheduled one, as it is announced). The publication record
# (record/) writes its entry here.
event_happened = Signal()

LOOKBACK = timedelta(days=7)
# An event not announced this long after its time had its announcement lost.
LOST_AFTER = timedelta(seconds=30)


def record(article: Article, kind: str, at=None, by_schedule: bool = False) -> None:
    """The change to `article` (in the caller's transaction); its announcement is
    queued with it, or, for a story scheduled for later, left for the sweep to find
    when its time comes. Recorded twice, it is announced once."""
    from articles import tasks

    at = at or timezone.now()
    try:
        with transaction.atomic():
            event = GoLive.objects.create(
                article=article, kind=kind, at=at, by_schedule=by_schedule
            )
            if not by_schedule:
                happened(event)
    except IntegrityError:  # recorded already (another worker's sweep)
        return
    if at <= timezone.now():
        enqueue_with(tasks.announce, event.pk)


def happened(event: GoLive) -> None:
    wire.tell(event)
    event_happened.send(GoLive, event=event)


def sweep() -> int:
    """Every few seconds: the events whose time has come and that are not announced
    (a scheduled story's, or one whose queued announcement was lost) are queued.
    Cheap at any archive size: an index holds only the unannounced events."""
    from articles import tasks

    now = timezone.now()
    due = GoLive.objects.filter(announced_at__isnull=True).filter(
        Q(by_schedule=True, at__lte=now) | Q(at__lte=now - LOST_AFTER)
    )
    events = list(due.values_list("pk", flat=True)[:500])
    for event_id in events:
        tasks.announce.enqueue(event_id)
    return len(events)


def find_due() -> int:
    """Every minute: scheduled stories whose time has come with no event recorded
    (scheduled by an import, or before events were kept): record it. Returns how
    many."""
    now = timezone.now()
    announced = GoLive.objects.filter(
        article=OuterRef("pk"),
        kind=GoLive.Kind.PUBLISHED,
        at__gte=OuterRef("published_at"),
    )
    # Published by a step (scheduling, an import) taken before its time came.
    scheduled = ArticleEvent.objects.filter(
        article=OuterRef("pk"),
        action__in=[ArticleEvent.Action.SCHEDULE, ArticleEvent.Action.IMPORT],
        at__lt=OuterRef("published_at"),
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
            GoLive.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(pk=event_id, announced_at__isnull=True)
            .first()
        )
        if event is None:  # announced already (a task run twice)
            return False
        if not still_true(event):  # rescheduled or withdrawn before its time
            event.delete()
            return False
        if event.by_schedule:  # readers and partners get it now
            happened(event)
        story_went_live.send(GoLive, event=event)
        event.announced_at = timezone.now()
        event.save(update_fields=["announced_at"])
    return True


def still_true(event: GoLive) -> bool:
    """A scheduled go-live stands only if the story is live, at that time."""
    if event.kind != GoLive.Kind.PUBLISHED or not event.by_schedule:
        return True
    return event.article.is_live and event.article.published_at == event.at


def run_hooks(sender, event: GoLive, **kwargs) -> None:
    """settings.GO_LIVE_HOOKS: functions of an event id, each its own task."""
    from articles import tasks

    if not event.public:
        return
    for path in settings.GO_LIVE_HOOKS:
        enqueue_with(tasks.run_hook, path, event.pk)


def correction_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    """A correction or update added to a live story changes what readers see, and
    what partners have of a story sent to them under embargo."""
    if created and not raw and instance.article.partners_had:
        record(instance.article, GoLive.Kind.CORRECTED, instance.noted_at)
