"""The demo content that `make run` loads."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article, ProposedChange
from authors.models import Author

pytestmark = pytest.mark.django_db


def test_demo_content_loads_once_however_often_it_runs(client):
    call_command("load_demo", stdout=io.StringIO())
    counts = (Article.objects.count(), Author.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Article.objects.count(), Author.objects.count()) == counts
    assert Article.objects.published().filter(language="ru").count() >= 12
    assert Article.objects.published().filter(language="en").count() >= 10
    assert Article.objects.filter(translation_of__isnull=False).count() >= 8
    for language in ("ru", "en"):
        assert client.get(f"/{language}/").status_code == 200


def test_demo_has_a_scheduled_story_readers_cannot_see_yet(client):
    call_command("load_demo", stdout=io.StringIO())
    scheduled = Article.objects.scheduled().get()
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.headline not in client.get("/ru/").text


def test_demo_shows_a_newsroom_day_in_progress():
    call_command("load_demo", stdout=io.StringIO())
    assert Article.objects.filter(status=Article.Status.SUBMITTED).exists()
    assert Article.objects.filter(status=Article.Status.RETURNED).exists()
    assert Article.objects.filter(
        status=Article.Status.DRAFT, translation_of__isnull=False
    ).exists()
    assert Article.objects.stale_translations().count() == 1
    assert ProposedChange.objects.filter(status="pending").count() == 1
