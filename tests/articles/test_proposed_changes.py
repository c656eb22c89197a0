"""Changes to a published story wait for an editor; stale translations are put right."""

import pytest

from articles import workflow
from articles.models import Article, ProposedChange
from tests.factories import article_form_data, make_article, translate_text

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def published(make_staff):
    author = make_staff("Correspondent")
    story = make_article(
        created_by=author, headline="Dam opens", lead="The dam opened today."
    )
    return author, story


def propose(client, story, **changes):
    return client.post(
        f"{ADMIN}{story.pk}/change/",
        article_form_data(story, **changes),
        headers=ENGLISH,
    )


def live_page(client, story) -> str:
    client.logout()
    return client.get(story.get_absolute_url(), follow=True).text


def test_the_author_proposes_a_change_and_readers_keep_the_live_text(client, published):
    author, story = published
    client.force_login(author)
    response = propose(client, story, lead="The dam opened this morning.")
    assert response.status_code == 302
    change = ProposedChange.objects.get()
    assert (change.lead, change.status, change.proposed_by) == (
        "The dam opened this morning.",
        "pending",
        author,
    )
    story.refresh_from_db()
    assert story.lead == "The dam opened today."
    assert story.events.first().action == "propose"
    assert "The dam opened today." in live_page(client, story)


def test_the_author_goes_on_editing_the_proposal_not_a_second_one(client, published):
    author, story = published
    client.force_login(author)
    propose(client, story, lead="First try.")
    form = client.get(f"{ADMIN}{story.pk}/change/", headers=ENGLISH).text
    assert "First try." in form  # the form holds the proposal
    story.refresh_from_db()
    propose(client, story, lead="Second try.")
    assert list(ProposedChange.objects.values_list("lead", flat=True)) == [
        "Second try."
    ]


def test_a_proposal_changes_only_the_text(client, published, make_staff):
    author, story = published
    client.force_login(author)
    propose(client, story, lead="New lead.", slug="another-address", language="ru")
    story.refresh_from_db()
    assert (story.slug, story.language) == ("dam-opens", "en")


def test_the_editor_sees_the_difference_and_approves_it_live(
    client, published, make_staff
):
    author, story = published
    client.force_login(author)
    propose(client, story, lead="The dam opened this morning.")
    editor = make_staff("Editor")
    client.force_login(editor)
    page = client.get(f"{ADMIN}{story.pk}/change/", headers=ENGLISH).text
    assert "awaits an editor" in page and 'class="diff"' in page
    assert f"{ADMIN}{story.pk}/workflow/approve_change/" in page
    client.post(f"{ADMIN}{story.pk}/workflow/approve_change/")
    story.refresh_from_db()
    assert story.lead == "The dam opened this morning."
    assert ProposedChange.objects.get().status == "approved"
    assert story.events.first().action == "approve_change"
    assert "The dam opened this morning." in live_page(client, story)


def test_a_rejected_change_never_goes_live(client, published, make_staff):
    author, story = published
    client.force_login(author)
    propose(client, story, lead="Unverified claim.")
    client.force_login(make_staff("Editor"))
    client.post(f"{ADMIN}{story.pk}/workflow/reject_change/", {"comment": "Source?"})
    story.refresh_from_db()
    assert story.lead == "The dam opened today."
    assert ProposedChange.objects.get().status == "rejected"
    assert story.events.first().comment == "Source?"


def test_another_correspondent_cannot_propose_changes_to_the_story(
    client, published, make_staff
):
    _author, story = published
    client.force_login(make_staff("Correspondent", "someone-else"))
    response = propose(client, story, lead="Mine now.")
    assert response.status_code in (302, 403)
    assert not ProposedChange.objects.exists()


def test_approving_an_update_of_a_stale_translation_clears_the_flag(client, make_staff):
    translator, editor = make_staff("Translator"), make_staff("Editor")
    original = make_article(language="ru", body="<p>Первая версия.</p>")
    translation = translate_text(workflow.translate(original, translator))
    workflow.publish(translation, editor)
    original.refresh_from_db()
    original.body = "<p>Исправленная версия.</p>"
    original.save()
    translation.refresh_from_db()
    assert translation.is_stale
    client.force_login(translator)
    propose(client, translation, body="<p>The corrected version.</p>")
    assert Article.objects.get(pk=translation.pk).is_stale  # until approved
    client.force_login(editor)
    client.post(f"{ADMIN}{translation.pk}/workflow/approve_change/")
    translation.refresh_from_db()
    assert not translation.is_stale
    assert translation.body == "<p>The corrected version.</p>"


def test_an_editor_marks_a_stale_translation_up_to_date(client, make_staff):
    editor = make_staff("Editor")
    original = make_article(language="ru")
    translation = translate_text(workflow.translate(original, editor))
    workflow.publish(translation, editor)
    original.refresh_from_db()
    original.lead = "Уточнённая вводка."
    original.save()
    client.force_login(editor)
    page = client.get(f"{ADMIN}{translation.pk}/change/", headers=ENGLISH).text
    assert f"{ADMIN}{translation.pk}/workflow/mark_current/" in page
    client.post(f"{ADMIN}{translation.pk}/workflow/mark_current/")
    translation.refresh_from_db()
    assert not translation.is_stale
    assert translation.events.first().action == "mark_current"
