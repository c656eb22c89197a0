"""A register change re-scans the archive in the worker, in chunks, once."""

from datetime import date, timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.queue import ABANDONED_AFTER, requeue_abandoned
from disclaimers.models import DesignatedEntity, Mention, RegisterScan
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(monkeypatch):
    """50 stories, every fifth naming «Льва Пономарёва»; chunks of 7 stories."""
    monkeypatch.setattr("disclaimers.services.RESCAN_CHUNK", 7)
    return [
        make_article(
            language="ru",
            body=(
                "<p>Суд не пустил Льва Пономарёва на заседание.</p>"
                if number % 5 == 0
                else f"<p>Текст новости {number}.</p>"
            ),
        )
        for number in range(50)
    ]


def register_entry(admin_client) -> DesignatedEntity:
    response = admin_client.post(
        "/admin/disclaimers/designatedentity/add/",
        {
            "kind": "foreign_agent",
            "names_ru": "Лев Пономарёв",
            "names_en": "Lev Ponomarev",
            "footnote_ru": "*Внесён Минюстом РФ в реестр иностранных агентов",
            "footnote_en": "*Included in the register of foreign agents",
            "listed_on": date(2022, 5, 6).isoformat(),
        },
    )
    assert response.status_code == 302
    return DesignatedEntity.objects.get(names_ru="Лев Пономарёв")


def test_the_request_returns_and_the_worker_footnotes_every_story(
    archive, admin_client, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entity = register_entry(admin_client)
    # The save answered before any story was read.
    assert not Mention.objects.filter(entity=entity).exists()
    assert entity.scan.scanned == 0 and entity.scan.finished_at is None

    worker()

    entity.scan.refresh_from_db()
    named = {story.pk for number, story in enumerate(archive) if number % 5 == 0}
    assert set(entity.mentions.values_list("article_id", flat=True)) == named
    assert entity.scan.finished_at is not None
    assert (entity.scan.scanned, entity.scan.found) == (10, 10)
    assert entity.scan.total == 10


def test_two_changes_in_a_row_run_one_scan(
    archive, admin_client, database_worker, django_capture_on_commit_callbacks
):
    entity = register_entry(admin_client)
    entity.footnote_en = "*In the register of foreign agents since 2022"
    entity.save()

    database_worker()

    scan = RegisterScan.objects.get(entity=entity)
    assert scan.generation == 2
    assert scan.scanned == 10  # one scan's worth of reading, not two
    # The first change's chunk found the scan moved on and did nothing.
    assert entity.mentions.count() == 10


def test_a_worker_killed_mid_scan_leaves_work_that_is_finished_once(
    archive, admin_client, database_worker
):
    entity = register_entry(admin_client)
    # A worker took the first chunk and died: the row says "running", for ever.
    task_row = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    task_row.claim("a-worker-that-died")
    DBTaskResult.objects.filter(pk=task_row.pk).update(
        started_at=timezone.now() - ABANDONED_AFTER - timedelta(minutes=1)
    )
    database_worker()
    assert not entity.mentions.exists()  # nobody runs a task another worker holds

    assert requeue_abandoned() == 1
    database_worker()

    scan = RegisterScan.objects.get(entity=entity)
    assert scan.finished_at is not None
    assert (scan.scanned, entity.mentions.count()) == (10, 10)


def test_legal_sees_the_rescan_on_the_register_page(
    archive, admin_client, database_worker
):
    entity = register_entry(admin_client)
    change = f"/admin/disclaimers/designatedentity/{entity.pk}/change/"
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "waiting for the worker since" in admin_client.get(change, **english).text

    import disclaimers.services

    scan = RegisterScan.objects.get(entity=entity)
    disclaimers.services.rescan_chunk(entity.pk, scan.generation, 0, 0, queued=False)
    page = admin_client.get(change, **english).text
    assert "7 of 10 stories read, 7 mentions found, about" in page

    DBTaskResult.objects.all().delete()
    scan.refresh_from_db()
    disclaimers.services.rescan_chunk(
        entity.pk, scan.generation, scan.source, scan.after_pk, queued=False
    )
    listed = admin_client.get("/admin/disclaimers/designatedentity/", **english).text
    assert "10 stories read, 10 mentions" in listed
