"""When the publication record writes an entry (record/chain.py: note)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from articles.models import Article, GoLive
from background.queue import enqueue_with
from record.models import Entry, Head

# What each change readers see is recorded as.
EVENTS = {
    GoLive.Kind.PUBLISHED: Entry.Event.PUBLISHED,
    GoLive.Kind.CORRECTED: Entry.Event.CORRECTED,
    GoLive.Kind.WITHDRAWN: Entry.Event.WITHDRAWN,
}


def event_happened(sender, event: GoLive, **kwargs) -> None:
    """A change readers see (not one for partners only: an embargo)."""
    from record import chain

    if event.kind not in EVENTS or not event.public:
        return
    kind = EVENTS[event.kind]
    if event.by_schedule and event.kind == GoLive.Kind.PUBLISHED:
        kind = Entry.Event.WENT_LIVE
    chain.note(event.article, kind, at=event.at)


# Off while the archive import runs: it records what it brought in at its end.
_recording_edits = ContextVar("recording_edits", default=True)


@contextmanager
def edits_not_recorded():
    token = _recording_edits.set(False)
    try:
        yield
    finally:
        _recording_edits.reset(token)


def story_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    """An edit to a live story (no step taken): recorded once committed, if it
    changed what readers get; a step's own entry, written first, leaves nothing."""
    from record import chain

    if raw or not instance.is_live or not _recording_edits.get():
        return

    def note():
        # A step taken with this save recorded the story already, as saved.
        if getattr(instance, "recorded_as_of", None) != instance.version:
            chain.note(instance, Entry.Event.UPDATED)

    transaction.on_commit(note, robust=True)


def labels_changed(sender, instance=None, raw: bool = False, **kwargs) -> None:
    """A label version added, changed or removed: every live story is recorded
    again, by the worker, a chunk at a time (those whose material changed). Lost
    with a queue that is down, it is done by the next daily check (labels_moved)."""
    from record import tasks

    if not raw:
        # Appends from now on read the labels afresh (record/chain.py: todays_labels).
        Head.objects.filter(pk=1).update(labels_today={})
        # Once committed: a change saves several versions (one ends as another
        # begins), and only the state they leave is what readers get.
        transaction.on_commit(
            lambda: tasks.record_live_stories.enqueue(Entry.Event.LABELS), robust=True
        )


def entity_saved(sender, instance=None, raw: bool = False, **kwargs) -> None:
    """A register entry changed (its footnote, its names): the stories that mention
    it are recorded again; those the re-scan finds or loses follow (mentions)."""
    from record import tasks

    if not raw and instance.pk:
        entity_id = instance.pk
        transaction.on_commit(
            lambda: tasks.record_mentioning.enqueue(entity_id), robust=True
        )


def mentions_changed(sender, article_ids: list[int], **kwargs) -> None:
    from record import tasks

    enqueue_with(tasks.record_stories, list(article_ids), Entry.Event.LABELS)


def photo_saved(sender, instance=None, created: bool = False, raw: bool = False, **kw):
    """A photo changed (not a new one: no story shows it yet)."""
    from record import tasks

    if not raw and not created:
        photo_id = instance.pk
        transaction.on_commit(
            lambda: tasks.record_showing_photo.enqueue(photo_id), robust=True
        )


def author_saved(sender, instance=None, created: bool = False, raw: bool = False, **kw):
    from record import tasks

    if not raw and not created:
        author_id = instance.pk
        transaction.on_commit(
            lambda: tasks.record_by_author.enqueue(author_id), robust=True
        )
