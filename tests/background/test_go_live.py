"""When what readers see of a story changes, an event fires once, by the worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles import go_live, workflow
from articles.models import Article, ArticleEvent, Correction, GoLive
from tests.factories import make_article

pytestmark = pytest.mark.django_db

heard: list[tuple[int, str]] = []


def remember(event_id: int) -> None:
    """A GO_LIVE_HOOKS entry: what a sitemap ping would be."""
    event = GoLive.objects.get(pk=event_id)
    heard.append((event.article_id, event.kind))


@pytest.fixture(autouse=True)
def hooks(settings):
    heard.clear()
    settings.GO_LIVE_HOOKS = ["tests.background.test_go_live.remember"]


@pytest.fixture
def desk(make_staff):
    correspondent = make_staff("Correspondent")
    correspondent.email = "correspondent@example.org"
    correspondent.save()
    return correspondent, make_staff("Editor")


def submitted(correspondent) -> Article:
    return make_article(
        status=Article.Status.SUBMITTED, created_by=correspondent, published_at=None
    )


def test_publishing_now_fires_one_event_through_the_worker(
    desk, worker, django_capture_on_commit_callbacks
):
    correspondent, editor = desk
    story = submitted(correspondent)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(story, editor)
    event = GoLive.objects.get(article=story)
    assert event.kind == GoLive.Kind.PUBLISHED and event.announced_at is None
    assert heard == []  # nothing happens in the request but the queueing

    worker()
    worker()  # a second run finds nothing more to do

    event.refresh_from_db()
    assert event.announced_at is not None
    assert heard == [(story.pk, GoLive.Kind.PUBLISHED)]


def pass_time(story: Article, seconds: int = 1) -> None:
    """The scheduled time comes: the story's time and its waiting event, moved to
    just now (as if the clock had run on)."""
    moment = timezone.now() - timedelta(seconds=seconds)
    Article.objects.filter(pk=story.pk).update(published_at=moment)
    GoLive.objects.filter(article=story).update(at=moment)
    ArticleEvent.objects.filter(article=story).update(at=moment - timedelta(hours=1))


def test_a_scheduled_story_appears_by_itself_and_its_event_fires_once(
    desk, worker, django_capture_on_commit_callbacks
):
    correspondent, editor = desk
    story = submitted(correspondent)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.schedule(story, editor, timezone.now() + timedelta(hours=1))
    assert go_live.sweep() == 0  # not yet
    assert not Article.objects.published().filter(pk=story.pk).exists()

    # Its time comes: readers see it with no worker at all (the one rule)...
    pass_time(story)
    assert Article.objects.published().filter(pk=story.pk).exists()
    # ...and the worker's clock finds it; two clocks, or one after a restart, may
    # queue it twice: it is announced once.
    with django_capture_on_commit_callbacks(execute=True):
        assert go_live.sweep() == 1
        assert go_live.sweep() == 1
    worker()
    assert go_live.sweep() == 0

    event = GoLive.objects.get(article=story)
    assert event.by_schedule and event.announced_at is not None
    assert heard == [(story.pk, GoLive.Kind.PUBLISHED)]
    # The author heard of the scheduling (the step) and of the going live.
    scheduled, live = mail.outbox
    assert live.to == ["correspondent@example.org"]
    assert live.subject != scheduled.subject and story.headline in live.subject


def test_a_rescheduled_story_fires_at_its_new_time_only(
    desk, worker, django_capture_on_commit_callbacks
):
    correspondent, editor = desk
    story = submitted(correspondent)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.schedule(story, editor, timezone.now() + timedelta(hours=1))
        story.status = Article.Status.SUBMITTED
        story.save()
        workflow.schedule(story, editor, timezone.now() + timedelta(hours=2))
    first, _second = GoLive.objects.filter(article=story).order_by("at")
    # The first time comes and goes: the story is not live then.
    GoLive.objects.filter(pk=first.pk).update(at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        go_live.sweep()
    worker()
    assert heard == [] and not GoLive.objects.filter(pk=first.pk).exists()


def test_a_story_scheduled_with_no_event_recorded_is_found(
    desk, worker, django_capture_on_commit_callbacks
):
    """Scheduled before events were kept (or by an import): the minute's check
    records its event, once."""
    correspondent, editor = desk
    story = submitted(correspondent)
    workflow.schedule(story, editor, timezone.now() + timedelta(hours=1))
    GoLive.objects.all().delete()
    pass_time(story)
    with django_capture_on_commit_callbacks(execute=True):
        assert go_live.find_due() == 1
        assert go_live.find_due() == 0
    worker()
    assert heard == [(story.pk, GoLive.Kind.PUBLISHED)]


def test_withdrawal_and_correction_fire_their_events(
    desk, worker, django_capture_on_commit_callbacks
):
    correspondent, editor = desk
    story = make_article(created_by=correspondent)
    with django_capture_on_commit_callbacks(execute=True):
        Correction.objects.create(article=story, text="The court's name is corrected.")
        workflow.withdraw(story, editor, "The source withdrew the claim.")
    worker()
    assert sorted(heard) == sorted(
        [(story.pk, GoLive.Kind.CORRECTED), (story.pk, GoLive.Kind.WITHDRAWN)]
    )
