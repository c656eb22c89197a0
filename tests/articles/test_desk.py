"""The editors' queue's picture of the last 30 days, drawn on the server."""

import re
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


def waiting_rows(client) -> dict[str, str]:
    page = client.get("/admin/", headers={"accept-language": "en"}).text
    return dict(
        re.findall(r'<li><a href="[^"]*">([^<]+)</a>: <strong>([^<]+)</strong>', page)
    )


def test_the_first_admin_page_shows_each_person_what_waits_for_them(client, make_staff):
    correspondent, editor = make_staff("Correspondent"), make_staff("Editor")
    make_article(status=Article.Status.RETURNED, created_by=correspondent)
    make_article(status=Article.Status.DRAFT, created_by=correspondent)
    make_article(status=Article.Status.SUBMITTED, created_by=correspondent)
    make_article(status=Article.Status.RETURNED, created_by=editor)
    client.force_login(correspondent)
    assert waiting_rows(client) == {
        "My proposed changes awaiting an editor": "0",
        "Returned to me": "1",
        "My drafts": "1",
    }
    mine = client.get("/admin/articles/article/?filed_by=me").text
    assert mine.count('class="field-headline"') == 3
    client.force_login(editor)
    rows = waiting_rows(client)
    assert rows["Awaiting my approval"] == "1"
    assert rows["Returned to me"] == "1"
    assert rows["Stale translations"] == "0"
    assert rows["Proposed changes to approve"] == "0"
    assert rows["Register mentions to review"] == "0"


def test_legal_sees_the_mentions_to_review(client, make_staff, memorial):
    make_article(headline="«Мемориал» обжалует", language="ru")
    client.force_login(make_staff("Legal"))
    assert waiting_rows(client) == {"Register mentions to review": "1"}


def test_each_person_can_turn_their_e_mail_off(client, make_staff):
    editor = make_staff("Editor")
    client.force_login(editor)
    page = client.get("/admin/notifications/", headers={"accept-language": "en"})
    assert page.status_code == 200 and 'name="notify_by_email"' in page.text
    response = client.post(
        "/admin/notifications/", {"email": "editor@example.org"}, follow=True
    )
    assert response.status_code == 200
    editor.refresh_from_db()
    assert editor.notify_by_email is False and editor.email == "editor@example.org"


def test_notification_settings_are_for_staff_only(client):
    response = client.get("/admin/notifications/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_queue_shows_how_long_each_story_waited_counts_and_the_picture(
    client, make_staff
):
    editor = make_staff("Editor")
    older = make_article(status=Article.Status.SUBMITTED, headline="Waiting longest")
    newer = make_article(status=Article.Status.SUBMITTED, headline="Just sent")
    for story, hours in ((older, 5), (newer, 1)):
        ArticleEvent.objects.create(
            article=story,
            action="submit",
            actor=editor,
            at=timezone.now() - timedelta(hours=hours),
        )
    client.force_login(editor)
    page = client.get(
        "/admin/articles/article/queue/", headers={"accept-language": "en"}
    ).text
    assert page.index("Waiting longest") < page.index("Just sent")
    assert "waiting 5\xa0hours" in page
    assert 'English <span class="queue-count">(2)</span>' in page
    assert "<svg" in page and "Stories published per day" in page
