"""A save that crashes halfway leaves the story exactly as it was: no half-written edit.

The crash is a patched step raising after the article's row is written (its register
mentions are checked in post_save) and before or after its tags, bylines and the
admin's change log; the database must then hold the previous state, field for field.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.admin import ArticleAdmin
from articles.models import Article, Byline, Correction
from disclaimers.models import Mention
from tests.factories import make_article, make_author, names_of_tags

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


class Crash(Exception):
    """A fault in the middle of a save: a bug, a dropped connection, a killed worker."""


def crash(*args, **kwargs):
    raise Crash


def stored(pk: int) -> dict:
    """Everything the database holds about a story, read afresh."""
    article = Article.objects.get(pk=pk)
    return {
        "row": Article.objects.filter(pk=pk).values().get(),
        "tags": names_of_tags(article),
        "bylines": list(article.bylines.values_list("author_id", "position")),
        "corrections": list(article.corrections.values_list("kind", "text")),
        "mentions": list(
            article.mentions.values_list("entity", "matched_text", "status")
        ),
        "revisions": list(article.history.values_list("history_id", flat=True)),
        "events": list(article.events.values_list("action", "comment")),
        "translations": list(article.translations.values_list("pk", flat=True)),
        "articles": Article.objects.count(),
    }


@pytest.fixture
def story(memorial):
    """A published story with tags, two authors, a correction, a register mention
    and an earlier revision."""
    story = make_article(
        language="ru",
        headline="Суд над «Мемориалом»",
        tags=["суды", "выборы"],
        authors=[make_author(), make_author()],
    )
    Correction.objects.create(article=story, text="Уточнена дата.")
    story.lead = "Исправленный лид."
    story.save()
    assert story.mentions.exists() and story.history.count() == 2
    return story


def edit(story: Article) -> dict:
    """The admin form as an editor sends it: every part of the story changed."""
    bylines = list(story.bylines.all())
    correction = story.corrections.get()
    mention = story.mentions.get()
    data = {
        "language": story.language,
        "headline": "Суд над правозащитниками",
        "lead": "Новый лид.",
        "body": "<p>Новый текст.</p>",
        "tags": "суды, апелляция",
        "source": "",
        "slug": story.slug,
        "version": str(story.version),
        # The first author stays, the second is removed, a third is added.
        "bylines-TOTAL_FORMS": "3",
        "bylines-INITIAL_FORMS": "2",
        "bylines-2-author": str(make_author().pk),
        "bylines-2-position": "2",
        "corrections-TOTAL_FORMS": "1",
        "corrections-INITIAL_FORMS": "1",
        "corrections-0-id": str(correction.pk),
        "corrections-0-article": str(story.pk),
        "corrections-0-kind": "correction",
        "corrections-0-noted_at_0": "27.01.2025",
        "corrections-0-noted_at_1": "12:00:00",
        "corrections-0-text": "Уточнено название суда.",
        "mentions-TOTAL_FORMS": "1",
        "mentions-INITIAL_FORMS": "1",
        "mentions-0-id": str(mention.pk),
        "mentions-0-article": str(story.pk),
        "mentions-0-status": "dismissed",
    }
    for index, byline in enumerate(bylines):
        data |= {
            f"bylines-{index}-id": str(byline.pk),
            f"bylines-{index}-article": str(story.pk),
            f"bylines-{index}-author": str(byline.author_id),
            f"bylines-{index}-position": str(byline.position),
        }
    data["bylines-1-DELETE"] = "on"
    return data


@pytest.fixture
def editor(client, make_staff):
    editor = make_staff("Editor")
    client.force_login(editor)
    return editor


def test_the_edit_used_below_saves_every_part_when_nothing_fails(client, editor, story):
    before = stored(story.pk)
    response = client.post(f"{ADMIN}{story.pk}/change/", edit(story))
    assert response.status_code == 302, response.context["errors"]
    after = stored(story.pk)
    for part in ("tags", "bylines", "corrections", "mentions", "revisions"):
        assert after[part] != before[part], part
    assert after["row"]["headline"] == "Суд над правозащитниками"
    assert after["row"]["version"] == before["row"]["version"] + 1


def crash_in_bylines(admin, request, form, formset, change):
    if formset.model is Byline:
        raise Crash
    return SAVE_FORMSET(admin, request, form, formset, change)


SAVE_FORMSET = ArticleAdmin.save_formset

# Where the admin's save breaks: each leaves more of the edit written before it.
ADMIN_CRASHES = {
    # In post_save, right after the article's row (tags and bylines still to come).
    "after the row": ("disclaimers.signals.update_mentions", crash),
    # The tags are written, the bylines not yet.
    "between tags and bylines": (
        "articles.admin.ArticleAdmin.save_formset",
        crash_in_bylines,
    ),
    # Everything is written; only the admin's change log is left.
    "at the change log": ("articles.admin.ArticleAdmin.log_change", crash),
}


@pytest.mark.parametrize("point", ADMIN_CRASHES)
def test_a_crash_in_the_admins_save_leaves_the_story_as_it_was(
    client, editor, story, monkeypatch, point
):
    before = stored(story.pk)
    target, failure = ADMIN_CRASHES[point]
    monkeypatch.setattr(target, failure)
    with pytest.raises(Crash):
        client.post(f"{ADMIN}{story.pk}/change/", edit(story))
    assert stored(story.pk) == before
    # And the story is not stuck: the same form, sent again, saves.
    monkeypatch.undo()
    assert client.post(f"{ADMIN}{story.pk}/change/", edit(story)).status_code == 302


def test_a_crash_while_filing_a_new_story_leaves_nothing(
    client, editor, monkeypatch, memorial
):
    monkeypatch.setattr("articles.admin.ArticleAdmin.save_formset", crash_in_bylines)
    data = {
        "language": "ru",
        "headline": "О «Мемориале»",
        "lead": "",
        "body": "<p>Текст.</p>",
        "tags": "суды",
        "source": "",
        "slug": "",
        "version": "1",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-0-author": str(make_author().pk),
        "bylines-0-position": "0",
    }
    for inline in ("corrections", "mentions"):
        data[f"{inline}-TOTAL_FORMS"] = data[f"{inline}-INITIAL_FORMS"] = "0"
    with pytest.raises(Crash):
        client.post(f"{ADMIN}add/", data)
    assert not Article.objects.exists()
    assert not Article.history.exists()
    assert not Byline.objects.exists() and not Mention.objects.exists()


def tomorrow():
    return timezone.now() + timedelta(days=1)


# Each step from the state it starts in.
STEPS = {
    "submit": (Article.Status.DRAFT, lambda story, user: workflow.submit(story, user)),
    "publish": (
        Article.Status.SUBMITTED,
        lambda story, user: workflow.publish(story, user),
    ),
    "schedule": (
        Article.Status.SUBMITTED,
        lambda story, user: workflow.schedule(story, user, tomorrow()),
    ),
    "return": (
        Article.Status.SUBMITTED,
        lambda story, user: workflow.return_to_author(story, user, "Добавьте ответ."),
    ),
    "withdraw": (
        Article.Status.PUBLISHED,
        lambda story, user: workflow.withdraw(story, user, "Решение суда"),
    ),
    "translate": (
        Article.Status.PUBLISHED,
        lambda story, user: workflow.translate(story, user),
    ),
    "restore": (
        Article.Status.PUBLISHED,
        lambda story, user: workflow.restore(story, user, story.history.last()),
    ),
}

# After the row is written (mentions, in post_save); after everything but the record.
STEP_CRASHES = {
    "after the row": ("disclaimers.signals.update_mentions", crash),
    "at the record": ("articles.workflow.ArticleEvent.objects.create", crash),
}


@pytest.mark.parametrize("point", STEP_CRASHES)
@pytest.mark.parametrize("name", STEPS)
def test_a_crash_in_a_workflow_step_leaves_the_story_as_it_was(
    editor, story, monkeypatch, name, point
):
    status, step = STEPS[name]
    Article.objects.filter(pk=story.pk).update(status=status)
    story.refresh_from_db()
    before = stored(story.pk)
    target, failure = STEP_CRASHES[point]
    monkeypatch.setattr(target, failure)
    with pytest.raises(Crash):
        step(story, editor)
    assert stored(story.pk) == before
    monkeypatch.undo()
    # Nothing is left half-done: the step, taken again on a fresh copy, goes through.
    step(Article.objects.get(pk=story.pk), editor)
    assert stored(story.pk) != before
