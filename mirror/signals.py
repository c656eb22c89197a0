"""When the mirror is refreshed: after each change readers see, once it commits.

Every receiver asks for a refresh (request_refresh); one is queued unless one is
queued already and has not started, so a burst of events (an editor's morning, a
register re-scan going through the archive) makes one or two refreshes, never a
queue of them. Nothing happens while MIRROR_DIR is unset.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

# Set while a refresh is queued and not started; it lapses by itself if the queued
# task is lost, so the next change queues one again.
PENDING_KEY = "mirror:refresh-pending"
PENDING_SECONDS = 15 * 60


def request_refresh() -> None:
    if settings.MIRROR_DIR:
        transaction.on_commit(queue_refresh, robust=True)


def queue_refresh() -> None:
    from mirror import tasks

    if caches["shared"].add(PENDING_KEY, True, timeout=PENDING_SECONDS):
        tasks.refresh_mirror.enqueue()


def event_happened(sender, event, **kwargs) -> None:
    """A story went live, was corrected or withdrawn (articles/go_live.py)."""
    if event.public:
        request_refresh()


def story_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """An edit to a live story with no workflow step."""
    if not raw and instance.is_live:
        request_refresh()


def labels_changed(sender, raw: bool = False, **kwargs) -> None:
    """A label version, a register entry or a story's mentions changed."""
    if not raw:
        request_refresh()
