"""Every workflow button saves the form first; translations never go out early."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import article_form_data, make_article, translate_text

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"
ENGLISH = {"accept-language": "en"}


def press(client, story, step, **changes):
    """Post the story's form with `changes`, by the button of `step`."""
    extra = {
        f"_step_{name}": changes.pop(name)
        for name in ("at", "comment", "translations", "embargo")
        if name in changes
    }
    data = {**article_form_data(story, **changes), "_step": step, **extra}
    return client.post(f"{ADMIN}{story.pk}/change/", data, headers=ENGLISH)


def test_edit_then_submit_keeps_the_edit(client, make_staff):
    author = make_staff("Correspondent")
    story = make_article(status=Article.Status.RETURNED, created_by=author)
    client.force_login(author)
    response = press(client, story, "submit", lead="A better lead.")
    assert response.status_code == 302, response.context["errors"]
    story.refresh_from_db()
    assert (story.status, story.lead) == (Article.Status.SUBMITTED, "A better lead.")
    assert story.history.first().lead == "A better lead."  # saved as a revision


def test_edit_then_approve_publishes_the_edit(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED)
    client.force_login(make_staff("Editor"))
    press(client, story, "publish", lead="The lead as approved.")
    client.logout()
    page = client.get(story.get_absolute_url(), follow=True)
    assert page.status_code == 200 and "The lead as approved." in page.text


def test_return_to_the_author_keeps_the_editors_edit(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED)
    client.force_login(make_staff("Editor"))
    press(client, story, "return", headline="Sharper headline", comment="Check it.")
    story.refresh_from_db()
    assert (story.status, story.headline) == (
        Article.Status.RETURNED,
        "Sharper headline",
    )


def test_a_refused_step_says_why_keeps_the_text_and_saves_nothing(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED, headline="Before")
    client.force_login(make_staff("Editor"))
    response = press(
        client,
        story,
        "publish",
        headline="After",
        body="<p>Fine.</p><p>Этот абзац забыли перевести на английский.</p>",
    )
    assert response.status_code == 200  # the form again
    assert "paragraph 2 is in Russian" in response.text
    assert 'value="After"' in response.text
    story.refresh_from_db()
    assert (story.headline, story.status) == ("Before", Article.Status.SUBMITTED)


def test_a_stale_form_runs_no_step(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED, headline="Before")
    opened = Article.objects.get(pk=story.pk)
    story.headline = "Saved meanwhile"
    story.save()
    client.force_login(make_staff("Editor"))
    response = press(client, opened, "publish", headline="Mine")
    assert response.status_code == 200
    assert "Someone else saved this story" in response.text
    story.refresh_from_db()
    assert (story.headline, story.status) == ("Saved meanwhile", "submitted")


def test_a_schedule_without_a_time_is_refused_in_the_form(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED)
    client.force_login(make_staff("Editor"))
    response = press(client, story, "schedule", lead="Edited", at="")
    assert response.status_code == 200
    assert "Give the date and time to publish at." in response.text


def test_an_editor_schedules_with_an_embargo_for_partners(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED)
    client.force_login(make_staff("Editor"))
    at = timezone.localtime() + timedelta(hours=2)
    page = client.get(f"{ADMIN}{story.pk}/change/", headers=ENGLISH).text
    assert 'name="_step_embargo"' in page
    assert "Send to partners now, embargoed until then" in page
    response = press(client, story, "schedule", at=f"{at:%Y-%m-%dT%H:%M}", embargo="on")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.embargoed and story.published_at > timezone.now()
    assert story.wire_version == 1  # partners have it now
    listing = client.get(ADMIN, headers=ENGLISH).text
    assert "sent to partners under embargo" in listing


def test_the_author_recalls_a_submission_until_an_editor_acts(client, make_staff):
    author = make_staff("Correspondent")
    story = make_article(status=Article.Status.SUBMITTED, created_by=author)
    client.force_login(author)
    page = client.get(f"{ADMIN}{story.pk}/change/", headers=ENGLISH).text
    assert f"{ADMIN}{story.pk}/workflow/recall/" in page
    client.post(f"{ADMIN}{story.pk}/workflow/recall/")
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT
    assert story.events.first().action == "recall"
    workflow.submit(story, author)
    workflow.return_to_author(story, make_staff("Editor"), "Too short.")
    client.post(f"{ADMIN}{story.pk}/workflow/recall/")
    story.refresh_from_db()
    assert story.status == Article.Status.RETURNED  # the editor had acted


def test_a_returned_story_shows_its_comment_at_the_top(client, make_staff):
    author = make_staff("Correspondent")
    story = make_article(status=Article.Status.SUBMITTED, created_by=author)
    workflow.return_to_author(story, make_staff("Editor"), "Name the second witness.")
    client.force_login(author)
    page = client.get(f"{ADMIN}{story.pk}/change/", headers=ENGLISH).text
    top = page[: page.index("<fieldset")]
    assert "Returned to you by" in top and "Name the second witness." in top


# Translations ---------------------------------------------------------------------


def translation_of(original, editor):
    return translate_text(workflow.translate(original, editor))


def test_approving_a_translation_of_a_scheduled_original_schedules_it_with_it(
    client, make_staff
):
    editor = make_staff("Editor")
    original = make_article(language="ru")
    later = timezone.now() + timedelta(days=2)
    Article.objects.filter(pk=original.pk).update(published_at=later)
    original.refresh_from_db()
    translation = translation_of(original, editor)
    workflow.publish(translation, editor)  # "approve and publish now"
    translation.refresh_from_db()
    assert translation.published_at == later
    assert translation.events.first().action == "schedule"
    assert not Article.objects.published().filter(pk=translation.pk).exists()
    assert translation.headline not in client.get("/en/").text
    assert translation.headline not in client.get("/en/feeds/latest/").text
    assert translation.headline not in client.get("/api/ninjs/?language=en").text
    assert client.get(translation.get_absolute_url()).status_code == 404


def test_a_translation_scheduled_before_its_original_waits_for_it(make_staff):
    editor = make_staff("Editor")
    original = make_article(language="ru")
    later = timezone.now() + timedelta(days=2)
    Article.objects.filter(pk=original.pk).update(published_at=later)
    original.refresh_from_db()
    translation = translation_of(original, editor)
    workflow.schedule(translation, editor, timezone.now() + timedelta(hours=1))
    translation.refresh_from_db()
    assert translation.published_at == later


def test_a_translation_of_an_unpublished_original_cannot_be_published(make_staff):
    editor = make_staff("Editor")
    original = make_article(language="ru")
    translation = translation_of(original, editor)
    workflow.withdraw(original, editor)
    with pytest.raises(workflow.ValidationError, match="original"):
        workflow.publish(translation, editor)


def test_untranslated_text_cannot_be_submitted(make_staff):
    translator = make_staff("Translator")
    original = make_article(language="ru", source="наш корреспондент")
    draft = workflow.translate(original, translator)  # the Russian text, copied
    with pytest.raises(workflow.ValidationError) as refused:
        workflow.submit(draft, translator)
    assert {"headline", "lead", "body", "source"} <= set(refused.value.error_dict)


@pytest.mark.parametrize("choice", ["withdraw", "keep"])
def test_withdrawing_an_original_asks_what_becomes_of_its_translations(
    client, make_staff, choice
):
    editor = make_staff("Editor")
    original = make_article(language="ru")
    translation = translation_of(original, editor)
    workflow.publish(translation, editor)
    client.force_login(editor)
    page = client.get(f"{ADMIN}{original.pk}/change/", headers=ENGLISH).text
    assert 'name="_step_translations"' in page
    refused = press(client, original, "withdraw")
    assert refused.status_code == 200 and "published translations" in refused.text
    press(client, original, "withdraw", translations=choice)
    translation.refresh_from_db()
    expected = "withdrawn" if choice == "withdraw" else "published"
    assert translation.status == expected


def test_the_translator_sees_the_original_rendered_beside_the_form(client, make_staff):
    translator = make_staff("Translator")
    original = make_article(
        language="ru", body="<p>Первый <strong>абзац</strong> оригинала.</p>"
    )
    draft = workflow.translate(original, translator)
    client.force_login(translator)
    page = client.get(f"{ADMIN}{draft.pk}/change/", headers=ENGLISH).text
    aside = page[page.index('<aside class="translating__original') :]
    aside = aside[: aside.index("</aside>")]
    assert 'lang="ru"' in aside
    assert "<p>Первый <strong>абзац</strong> оригинала.</p>" in aside
