"""E-mail to the people a step concerns, sent after the step commits."""

import pytest

from articles import workflow
from articles.models import Article
from tests.factories import make_article, translate_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_staff):
    people = {
        role: make_staff(role, username=role.lower())
        for role in ("Correspondent", "Editor", "Translator")
    }
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save()
    return people


def step(callbacks, function, *args):
    with callbacks(execute=True):
        return function(*args)


def test_editors_hear_of_a_submission(
    desk, mailoutbox, django_capture_on_commit_callbacks
):
    story = make_article(status=Article.Status.DRAFT, created_by=desk["Correspondent"])
    step(
        django_capture_on_commit_callbacks,
        workflow.submit,
        story,
        desk["Correspondent"],
    )
    [mail] = mailoutbox
    assert mail.to == ["editor@example.org"]
    assert story.headline in mail.subject
    assert f"/admin/articles/article/{story.pk}/change/" in mail.body


def test_the_author_hears_of_a_return_with_its_comment_and_of_the_publication(
    desk, mailoutbox, django_capture_on_commit_callbacks
):
    story = make_article(
        status=Article.Status.SUBMITTED, created_by=desk["Correspondent"]
    )
    step(
        django_capture_on_commit_callbacks,
        workflow.return_to_author,
        story,
        desk["Editor"],
        "Name the second witness.",
    )
    assert [mail.to for mail in mailoutbox] == [["correspondent@example.org"]]
    assert "Name the second witness." in mailoutbox[0].body
    story.refresh_from_db()
    story.status = Article.Status.SUBMITTED
    story.save()
    step(django_capture_on_commit_callbacks, workflow.publish, story, desk["Editor"])
    assert [mail.to for mail in mailoutbox][-1] == ["correspondent@example.org"]


def test_the_translator_hears_once_when_the_original_changes(
    desk, mailoutbox, django_capture_on_commit_callbacks
):
    original = make_article(language="ru", headline="Оригинал")
    translation = step(
        django_capture_on_commit_callbacks,
        workflow.translate,
        original,
        desk["Translator"],
    )
    translate_text(translation)
    step(
        django_capture_on_commit_callbacks,
        workflow.publish,
        translation,
        desk["Editor"],
    )
    mailoutbox.clear()
    for headline in ("Оригинал, исправлено", "Оригинал, исправлено дважды"):
        original.refresh_from_db()
        original.headline = headline
        with django_capture_on_commit_callbacks(execute=True):
            original.save()
    assert [mail.to for mail in mailoutbox] == [["translator@example.org"]]


def test_nobody_is_mailed_who_turned_it_off(
    desk, mailoutbox, django_capture_on_commit_callbacks
):
    desk["Editor"].notify_by_email = False
    desk["Editor"].save()
    story = make_article(status=Article.Status.DRAFT, created_by=desk["Correspondent"])
    step(
        django_capture_on_commit_callbacks,
        workflow.submit,
        story,
        desk["Correspondent"],
    )
    assert mailoutbox == []


def test_a_step_that_rolls_back_mails_nobody(desk, mailoutbox):
    story = make_article(status=Article.Status.DRAFT, created_by=desk["Correspondent"])
    workflow.submit(
        story, desk["Correspondent"]
    )  # the test's transaction never commits
    assert mailoutbox == []
