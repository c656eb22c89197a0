"""The queue's tests put tasks on a real queue: the database's, or Redis's."""

import os

import django_rq
import pytest
import redis
from django.core.management import call_command

from background import queue

DATABASE = {"default": {"BACKEND": queue.DATABASE_BACKEND, "QUEUES": ["default"]}}
REDIS = {"default": {"BACKEND": queue.RQ_BACKEND, "QUEUES": ["default"]}}


def redis_url() -> str:
    """A database of its own on the local Redis for each test process, emptied
    before and after each test."""
    worker_number = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:])
    return f"redis://127.0.0.1:6379/{10 + worker_number}"


def run_database_worker(monkeypatch):
    # The worker closes connections between tasks; the test's transaction must live.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections",
        lambda: None,
    )
    return lambda: call_command("work", batch=True, verbosity=0)


@pytest.fixture(params=["database", "redis"])
def worker(request, settings, monkeypatch, django_capture_on_commit_callbacks):
    """Runs what the queue holds, as `manage.py work` does, until it is empty."""
    if request.param == "database":
        settings.TASKS = DATABASE
        yield run_database_worker(monkeypatch)
        return
    settings.TASKS = REDIS
    settings.RQ_QUEUES = {"default": {"URL": redis_url()}}
    rq_queue = django_rq.get_queue("default")
    try:
        rq_queue.connection.flushdb()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI starts it)")

    def run():
        # In this process (no fork): the test's database transaction is the
        # worker's, so the tasks a task queues after its commit are run here.
        for _round in range(50):
            with django_capture_on_commit_callbacks(execute=True) as queued:
                django_rq.get_worker(
                    "default", worker_class="rq.SimpleWorker", job_class=queue.RQ_JOB
                ).work(burst=True, with_scheduler=True)
            waiting = rq_queue.count + rq_queue.scheduled_job_registry.count
            if not queued and not waiting:
                return
        raise AssertionError("the queue never emptied")

    yield run
    rq_queue.connection.flushdb()


@pytest.fixture
def database_worker(settings, monkeypatch):
    settings.TASKS = DATABASE
    return run_database_worker(monkeypatch)
