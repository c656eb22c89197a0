"""The mirror's background work: a refresh after changes, and one on the clock."""

from django.conf import settings
from django.core.cache import caches

from background.queue import background_task
from mirror import build
from mirror.signals import PENDING_KEY


@background_task(attempts=3)
def refresh_mirror() -> dict | None:
    """Bring MIRROR_DIR up to date (an incremental run, in the worker's own
    process). Changes made from now on queue the next refresh; while another
    build runs (a person's build_mirror), this one fails and the queue tries it
    again later, instead of holding a worker for the whole of it."""
    if not settings.MIRROR_DIR:
        return None
    caches["shared"].delete(PENDING_KEY)
    report = build.build_mirror(settings.MIRROR_DIR, wait=False, jobs=1)
    return report.figures()


# On the worker's clock: what no event announces (a lost task, midnight's new
# month pages) is caught within the interval. attempts=1: the next tick retries.
@background_task(attempts=1)
def refresh_mirror_on_the_clock() -> dict | None:
    return refresh_mirror.call() if settings.MIRROR_DIR else None
