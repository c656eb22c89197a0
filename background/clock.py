"""What the worker does on the clock: periodic tasks, enqueued at their interval.

The queue engines run what is enqueued; neither the database's nor RQ's repeats a
task by itself. The worker (`manage.py work`) runs this clock beside the engine's
own loop. Several workers each run a clock: periodic tasks are written to be run
any number of times (the go-live announcement fires each event once whoever finds
it), so more clocks cost a few idle runs, never a duplicate effect.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)

# (seconds, task): each app adds its own (AppConfig.ready).
PERIODIC: list[tuple[float, object]] = []


def every(seconds: float, periodic_task) -> None:
    if all(entry[1] is not periodic_task for entry in PERIODIC):
        PERIODIC.append((seconds, periodic_task))


def run(stop: threading.Event, tick: float = 0.5) -> None:
    """Enqueue each periodic task every `seconds` until `stop` is set. A task still
    waiting on the queue is not enqueued again (a stopped worker does not pile up
    copies of the same periodic work)."""
    from django.db import close_old_connections

    due = dict.fromkeys((entry[1] for entry in PERIODIC), 0.0)
    waiting = {}
    while not stop.is_set():
        now = time.monotonic()
        for seconds, periodic_task in PERIODIC:
            if now < due[periodic_task]:
                continue
            due[periodic_task] = now + seconds
            try:
                if still_waiting(waiting.get(periodic_task)):
                    continue
                waiting[periodic_task] = periodic_task.enqueue()
            except Exception:  # the queue down for a moment: the next tick retries
                logger.exception("could not enqueue %s", periodic_task.module_path)
            finally:
                close_old_connections()
        stop.wait(tick)


def still_waiting(result) -> bool:
    """Whether the last run asked for is still queued or running. A result the
    queue no longer knows (pruned, Redis restarted) is not waited for."""
    if result is None:
        return False
    try:
        result.refresh()
    except Exception:
        return False
    return not result.is_finished
