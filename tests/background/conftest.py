"""The queue's tests put tasks on a real queue: the database's, or Redis's."""

import os

import django_rq
import pytest
import redis

from background import queue
from tests.conftest import DATABASE_QUEUE, database_worker_for

REDIS = {"default": {"BACKEND": queue.RQ_BACKEND, "QUEUES": ["default"]}}


def redis_url() -> str:
    """A database of its own on the local Redis for each test process, emptied
    before and after each test."""
    worker_number = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:])
    return f"redis://127.0.0.1:6379/{10 + worker_number}"


@pytest.fixture(params=["database", "redis"])
def worker(request, settings, monkeypatch, django_capture_on_commit_callbacks):
    """Runs what the queue holds, as `manage.py work` does, until it is empty."""
    if request.param == "database":
        settings.TASKS = DATABASE_QUEUE
        yield database_worker_for(monkeypatch)
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
