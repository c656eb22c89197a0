"""The background worker: the queue's own worker and the newsroom's clock."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from background import clock
from background.queue import RQ_JOB, on_the_database_queue


class Command(BaseCommand):
    help = (
        "Run background tasks: the database queue's worker (django-tasks-db) or an RQ "
        "worker (TASK_QUEUE=redis), with the clock that enqueues periodic tasks. Run "
        "as many as the work needs, on any machine that reaches the queue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run what is queued now, then exit (no clock).",
        )

    def handle(self, *args, batch: bool, verbosity: int, **options):
        stop = threading.Event()
        if not batch:
            threading.Thread(
                target=clock.run, args=(stop,), name="clock", daemon=True
            ).start()
        try:
            if on_the_database_queue():
                call_command(
                    "db_worker",
                    queue_name="*",
                    interval=0.5,
                    batch=batch,
                    startup_delay=not batch,
                    reload=False,
                    # A line per task only when asked (-v 2): the clock's tasks
                    # run every few seconds.
                    verbosity=max(0, verbosity - 1),
                )
            else:
                call_command(
                    "rqworker",
                    "default",
                    job_class=RQ_JOB,
                    # No fork per job: this process also runs the clock's thread.
                    worker_class="rq.SimpleWorker",
                    burst=batch,
                    with_scheduler=not batch,
                )
        finally:
            stop.set()
