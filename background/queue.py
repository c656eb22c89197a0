"""Work after the click, on Django's tasks framework (django.tasks).

    @background_task()
    def make_renditions(photo_id: int) -> None: ...

    enqueue_with(make_renditions, photo.pk)

The queue is an existing engine, chosen by settings (TASK_QUEUE): the database's
(django-tasks-db, the embedded default, its worker started by `make run`) or Redis's
(django-tasks-rq, RQ workers on as many machines as needed). What is ours is only
what both lack:

- retries: a task that raises is enqueued again after 5 s, 20 s, 80 s, ... up to its
  `attempts`; the last failure is kept as a FailedTask, shown in the admin with its
  error, where "Retry" puts it back on the queue;
- enqueue_with(): on the database's queue the task is written in the same
  transaction as the change that asked for it (both or neither); on Redis's, once
  the change has committed;
- abandoned work: a task left "running" by a worker that died is put back on the
  queue (requeue_abandoned, run by the worker's clock, background/clock.py).

Every task must be safe to run twice: a task killed halfway runs again.
"""

import functools
import logging
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# A task whose worker has not finished it in this long is taken to be abandoned.
# The newsroom's tasks are short (long work goes in chunks, each its own task).
ABANDONED_AFTER = timedelta(minutes=15)
CUT_SHORT = ["builtins.SystemExit", "builtins.KeyboardInterrupt"]
KEEP_FINISHED = timedelta(days=1)


def backoff(attempt: int) -> timedelta:
    """How long the `attempt`th failure waits before the next try."""
    return timedelta(seconds=5 * 4 ** (attempt - 1))


def background_task(*, attempts: int = 5, priority: int = 0):
    """Make `function` a task of the queue, retried with backoff (see above).

    Retries carry their number in the `attempt` keyword; the function never sees it.
    """

    def decorate(function):
        @functools.wraps(function)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception as error:
                if attempt < attempts and queued.get_backend().supports_defer:
                    logger.warning(
                        "%s failed (attempt %d of %d), retried in %s: %r",
                        queued.module_path,
                        attempt,
                        attempts,
                        backoff(attempt),
                        error,
                    )
                    queued.using(run_after=timezone.now() + backoff(attempt)).enqueue(
                        *args, attempt=attempt + 1, **kwargs
                    )
                    return None
                record_failure(queued.module_path, args, kwargs, attempt, error)
                raise

        queued = task(priority=priority)(run)
        return queued

    return decorate


def record_failure(path: str, args, kwargs, attempts: int, error: Exception) -> None:
    from background.models import FailedTask

    FailedTask.objects.create(
        task_path=path,
        args=list(args),
        kwargs=kwargs,
        attempts=attempts,
        error=repr(error)[:2000],
        traceback="".join(traceback.format_exception(error))[-20_000:],
    )


def sees_the_transaction(task_to_run) -> bool:
    """Whether the task's backend sees the change being made before it commits:
    the database's queue (the task row is written in the same transaction) and the
    immediate backend (which runs the task here and now, as the tests do)."""
    backend = settings.TASKS[task_to_run.backend]["BACKEND"]
    return backend in (DATABASE_BACKEND, IMMEDIATE_BACKEND)


def enqueue_with(task_to_run, *args, **kwargs) -> None:
    """Queue `task_to_run` for the change being made: in its transaction on the
    database's queue, after its commit on Redis's (outside a transaction: now)."""
    in_transaction = transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block
    if sees_the_transaction(task_to_run) or not in_transaction:
        task_to_run.enqueue(*args, **kwargs)
    else:
        # A queue down after the commit must not turn a saved change into an
        # error page; the sweeps (go-lives, re-scans, resizes) queue it again.
        transaction.on_commit(lambda: task_to_run.enqueue(*args, **kwargs), robust=True)


def retry(failed) -> None:
    """Put a FailedTask back on the queue, attempts counted afresh."""
    import_string(failed.task_path).enqueue(*failed.args, **failed.kwargs)
    failed.retried_at = timezone.now()
    failed.save(update_fields=["retried_at"])


DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
IMMEDIATE_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"
RQ_JOB = "django_tasks_rq.Job"  # what RQ's workers must run the backend's jobs as


def on_the_database_queue() -> bool:
    """Whether the tasks go on the site's database (TASK_QUEUE), not on Redis."""
    return settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND


def requeue_abandoned() -> int:
    """Put back on the database's queue the tasks a dead worker left running."""
    if not on_the_database_queue():
        return 0
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running_too_long = Q(
        status=TaskResultStatus.RUNNING,
        started_at__lt=timezone.now() - ABANDONED_AFTER,
    )
    # A worker stopped hard (a second Ctrl+C) marks its task failed with SystemExit.
    cut_short = Q(status=TaskResultStatus.FAILED, exception_class_path__in=CUT_SHORT)
    return DBTaskResult.objects.filter(running_too_long | cut_short).update(
        status=TaskResultStatus.READY, started_at=None, finished_at=None
    )


def prune_finished() -> int:
    """Forget the database queue's finished tasks after a day (failures for good
    are kept as FailedTask)."""
    if not on_the_database_queue():
        return 0
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=timezone.now() - KEEP_FINISHED,
    ).exclude(exception_class_path__in=CUT_SHORT)
    return finished.delete()[0]
