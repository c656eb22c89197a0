"""A failing task is retried with backoff, then kept as failed, and can be retried."""

from datetime import timedelta

import pytest

from background.models import FailedTask
from background.queue import backoff
from tests.background import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    tasks.calls.clear()
    # Retries wait 5 s, 20 s, 80 s... in production; here they are due at once.
    monkeypatch.setattr("background.queue.backoff", lambda attempt: timedelta(0))


def test_backoff_grows():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [5, 20, 80]


def test_a_failing_task_is_tried_three_times_then_shown_as_failed(worker, admin_client):
    tasks.always_fails.enqueue("delivery 1")
    worker()

    assert tasks.calls == ["delivery 1"] * 3
    failed = FailedTask.objects.get()
    assert failed.task_path == "tests.background.tasks.always_fails"
    assert failed.args == ["delivery 1"]
    assert failed.attempts == 3
    assert "503" in failed.error and "RuntimeError" in failed.traceback

    listed = admin_client.get("/admin/background/failedtask/")
    assert "503" in listed.text

    retried = admin_client.post(
        "/admin/background/failedtask/",
        {"action": "retry_selected", "_selected_action": [failed.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "1 task is back on the queue." in retried.text
    worker()
    assert tasks.calls == ["delivery 1"] * 6  # three attempts again
    assert FailedTask.objects.count() == 2
    failed.refresh_from_db()
    assert failed.retried_at is not None
