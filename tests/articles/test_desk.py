"""The editors' queue's picture of the last 30 days, drawn on the server."""

from collections import Counter
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from articles.desk import publishing_picture, with_waiting_since
from articles.models import Article, ArticleEvent
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_picture_counts_stories_published_each_day(make_staff):
    now = timezone.now()
    moments = [now - timedelta(days=days, minutes=1) for days in (0, 0, 0, 2, 40)]
    for moment in moments:
        make_article(published_at=moment)
    make_article(status=Article.Status.DRAFT)
    picture = publishing_picture(Article.objects.all())
    expected = Counter(timezone.localdate(moment) for moment in moments)
    assert {bar.day: bar.published for bar in picture.bars if bar.published} == {
        day: count for day, count in expected.items() if day >= picture.first_day
    }
    assert picture.published == 4 and picture.most == 3
    tallest = max(picture.bars, key=lambda bar: bar.height)
    assert tallest.height == picture.baseline  # the busiest day fills the height


def test_the_median_time_runs_from_the_last_submission_to_the_approval(make_staff):
    editor = make_staff("Editor")
    now = timezone.now()
    for hours in (1, 3, 8):
        story = make_article(published_at=now - timedelta(minutes=5))
        ArticleEvent.objects.create(
            article=story,
            action="submit",
            actor=editor,
            at=now - timedelta(hours=hours),
        )
        ArticleEvent.objects.create(
            article=story, action="publish", actor=editor, at=now
        )
    assert publishing_picture(Article.objects.all()).median_hours == 3.0


def test_the_picture_is_an_svg_with_a_name_and_no_script():
    make_article()
    markup = render_to_string(
        "admin/articles/article/publishing_picture.html",
        {"picture": publishing_picture(Article.objects.all())},
    )
    assert markup.count("<rect ") == 30
    assert 'role="img"' in markup and "<title id=" in markup
    assert "<script" not in markup and "style=" not in markup


def test_waiting_since_is_the_last_submission(make_staff):
    editor = make_staff("Editor")
    story = make_article(status=Article.Status.SUBMITTED)
    earlier, later = (
        timezone.now() - timedelta(hours=5),
        timezone.now() - timedelta(hours=1),
    )
    for at in (earlier, later):
        ArticleEvent.objects.create(article=story, action="submit", actor=editor, at=at)
    assert (
        with_waiting_since(Article.objects.filter(pk=story.pk)).get().waiting_since
        == later
    )
