"""The queue's own housekeeping, on the worker's clock."""

from django.utils.module_loading import import_string

from background import queue
from background.queue import background_task


# On the clock, the next tick is the retry: attempts=1.
@background_task(attempts=1)
def requeue_abandoned() -> int:
    """Put back on the queue what a dead worker left running (queue.py)."""
    return queue.requeue_abandoned()


@background_task()
def call_hook(path: str) -> None:
    """A function named in settings (PAGE_CACHE_PURGE: a CDN purge), off the
    request that caused it, retried while it fails."""
    import_string(path)()


@background_task(attempts=1)
def prune_finished() -> int:
    """Forget finished tasks after a day (queue.py)."""
    return queue.prune_finished()
