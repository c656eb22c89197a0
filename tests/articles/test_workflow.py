"""The newsroom's day: who may do what, through the admin, and what it leaves behind."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent, StaleEdit
from disclaimers.models import Disclaimer
from tests.factories import (
    article_form_data,
    main_text,
    make_article,
    make_author,
    make_photo,
    make_region,
    translate_text,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"
ROLES = ["Correspondent", "Translator", "Editor", "Legal"]


def step(client, article, action, **data):
    return client.post(f"{ADMIN}{article.pk}/workflow/{action}/", data)


# Each action is done through the admin; `done` says, from the database, whether it
# took effect. The expected matrix is the newsroom's rulebook.
def create(client, user, other):
    client.post(f"{ADMIN}add/", article_form_data(headline="Создано"))
    return Article.objects.filter(headline="Создано").exists()


def edit_own(client, user, other):
    story = make_article(status=Article.Status.DRAFT, created_by=user)
    client.post(
        f"{ADMIN}{story.pk}/change/", article_form_data(story, headline="Изменено")
    )
    return Article.objects.get(pk=story.pk).headline == "Изменено"


def edit_others(client, user, other):
    story = make_article(status=Article.Status.DRAFT, created_by=other)
    client.post(
        f"{ADMIN}{story.pk}/change/", article_form_data(story, headline="Изменено")
    )
    return Article.objects.get(pk=story.pk).headline == "Изменено"


def submit(client, user, other):
    story = make_article(status=Article.Status.DRAFT, created_by=user)
    step(client, story, "submit")
    return Article.objects.get(pk=story.pk).status == Article.Status.SUBMITTED


def approve_translation(client, user, other):
    original = make_article(language="ru")
    story = make_article(
        language="en",
        status=Article.Status.SUBMITTED,
        translation_of=original,
        created_by=other,
    )
    step(client, story, "publish")
    return Article.objects.get(pk=story.pk).approved_by_id == user.pk


def publish(client, user, other):
    story = make_article(status=Article.Status.SUBMITTED, created_by=user)
    step(client, story, "publish")
    return Article.objects.published().filter(pk=story.pk).exists()


def schedule(client, user, other):
    story = make_article(status=Article.Status.SUBMITTED, created_by=user)
    later = timezone.localtime() + timedelta(days=1)
    step(client, story, "schedule", at=later.strftime("%Y-%m-%dT%H:%M"))
    return Article.objects.scheduled().filter(pk=story.pk).exists()


def withdraw(client, user, other):
    story = make_article(created_by=user)
    step(client, story, "withdraw")
    return Article.objects.get(pk=story.pk).status == Article.Status.WITHDRAWN


def translate(client, user, other):
    original = make_article(language="ru", created_by=other)
    step(client, original, "translate")
    return original.translations.exists()


def edit_labels(client, user, other):
    label = Disclaimer.objects.create(text="СТАРЫЙ ТЕКСТ", effective_from="2022-12-01")
    client.post(
        f"/admin/disclaimers/disclaimer/{label.pk}/change/",
        {
            "text": "НОВЫЙ ТЕКСТ",
            "locales": ["ru", "en"],
            "effective_from": "2022-12-01",
            "placement": "after_headline",
            "emphasis": "double_size",
        },
    )
    return Disclaimer.objects.get(pk=label.pk).text == "НОВЫЙ ТЕКСТ"


MATRIX = {
    create: {"Correspondent", "Translator", "Editor"},
    edit_own: {"Correspondent", "Translator", "Editor"},
    edit_others: {"Editor"},
    submit: {"Correspondent", "Translator", "Editor"},
    approve_translation: {"Editor"},
    publish: {"Editor"},
    schedule: {"Editor"},
    withdraw: {"Editor"},
    translate: {"Translator", "Editor"},
    edit_labels: {"Legal"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", MATRIX, ids=lambda action: action.__name__)
def test_permission_matrix(client, make_staff, role, action):
    user = make_staff(role)
    other = make_staff("Correspondent", "someone-else")
    client.force_login(user)
    assert action(client, user, other) == (role in MATRIX[action])


def test_admin_shows_each_role_only_its_buttons(client, make_staff):
    correspondent = make_staff("Correspondent")
    draft = make_article(status=Article.Status.DRAFT, created_by=correspondent)
    client.force_login(correspondent)
    page = client.get(f"{ADMIN}{draft.pk}/change/").text
    assert 'name="_step" value="submit"' in page
    assert 'value="publish"' not in page and 'value="withdraw"' not in page
    editor = make_staff("Editor")
    client.force_login(editor)
    page = client.get(f"{ADMIN}{make_article().pk}/change/").text
    assert 'name="_step" value="withdraw"' in page and "/workflow/translate/" in page


def test_a_translation_is_published_only_with_an_editors_approval(make_staff):
    translator, editor = make_staff("Translator"), make_staff("Editor")
    original = make_article(language="ru")
    translation = translate_text(workflow.translate(original, translator))
    workflow.submit(translation, translator)
    with pytest.raises(PermissionDenied):
        workflow.publish(translation, translator)
    translation.refresh_from_db()
    assert translation.status == Article.Status.SUBMITTED
    assert not Article.objects.published().filter(pk=translation.pk).exists()
    workflow.publish(translation, editor)
    translation.refresh_from_db()
    assert (translation.approved_by, translation.status) == (
        editor,
        Article.Status.PUBLISHED,
    )
    assert [event.action for event in translation.events.all()] == [
        "publish",
        "submit",
        "translate",
    ]
    assert translation.events.first().actor == editor


def test_translating_carries_photos_tags_region_and_authors(make_staff):
    author, region, photo = make_author(), make_region(), make_photo()
    original = make_article(
        language="ru", tags=["суды"], region=region, authors=[author], lead_photo=photo
    )
    draft = workflow.translate(original, make_staff("Translator"))
    assert (draft.language, draft.status, draft.translation_of) == (
        "en",
        "draft",
        original,
    )
    assert draft.headline == original.headline  # to translate
    assert list(draft.authors.all()) == [author]
    assert [tag.name for tag in draft.tags.all()] == ["суды"]
    assert (draft.region, draft.lead_photo) == (region, photo)
    assert workflow.translate(original, make_staff("Editor")) == draft  # no second copy


def test_translation_notes_when_and_where_the_original_appeared(client):
    original = make_article(
        language="ru", published_at=datetime(2025, 1, 25, 1, 39, tzinfo=UTC)
    )
    translation = make_article(language="en", translation_of=original)
    text = " ".join(main_text(client.get(translation.get_absolute_url())).split())
    assert (
        "This article was originally published on the Russian page of Highland Herald "
        "on January 25, 2025 at 04:39 am MSK. To access the full text of the article, "
        f'<a href="{original.get_absolute_url()}" hreflang="ru">click here</a>.'
    ) in text


def test_russian_translation_of_an_english_original_says_so_in_russian(client):
    original = make_article(
        language="en", published_at=datetime(2025, 1, 25, 18, 5, tzinfo=UTC)
    )
    translation = make_article(language="ru", translation_of=original)
    text = " ".join(main_text(client.get(translation.get_absolute_url())).split())
    assert "впервые опубликована на английской странице" in text
    assert "25 января 2025 года в 21:05 мск" in text
    assert f'href="{original.get_absolute_url()}"' in text


def test_unpublished_original_is_not_linked(client):
    original = make_article(
        language="ru", status=Article.Status.WITHDRAWN, published_at=timezone.now()
    )
    translation = make_article(language="en", translation_of=original)
    assert "originally published" not in client.get(translation.get_absolute_url()).text


def test_editing_an_original_flags_its_approved_translations_stale(client, make_staff):
    editor = make_staff("Editor")
    original = make_article(language="ru", body="<p>Первая версия.</p>")
    translation = translate_text(workflow.translate(original, editor))
    workflow.publish(translation, editor)
    assert not Article.objects.stale_translations().exists()
    original.refresh_from_db()
    original.body = "<p>Исправленная версия.</p>"
    original.save()
    assert list(Article.objects.stale_translations()) == [translation]
    client.force_login(editor)
    queue = client.get(f"{ADMIN}queue/", headers={"accept-language": "en"}).text
    stale_section = queue[queue.index("Stale translations") : queue.index("Scheduled")]
    assert translation.headline in stale_section
    page = client.get(
        f"{ADMIN}{translation.pk}/change/", headers={"accept-language": "en"}
    ).text
    assert "The original was edited after this translation was approved" in page
    assert "Первая" in page and "Исправленная" in page  # the diff, before and after


def test_stale_translation_approved_before_the_originals_first_revision_shows_changes(
    client, make_staff
):
    editor = make_staff("Editor")
    original = make_article(language="ru", body="<p>Архивный текст.</p>")
    long_ago = timezone.now() - timedelta(days=400)
    translation = make_article(
        language="en", translation_of=original, approved_at=long_ago, approved_by=editor
    )
    Article.objects.filter(pk=original.pk).update(text_changed_at=long_ago)
    original.refresh_from_db()
    original.body = "<p>Новый текст.</p>"
    original.save()
    client.force_login(editor)
    page = client.get(f"{ADMIN}{translation.pk}/change/").text
    assert "Архивный" in page and "Новый" in page


def test_status_changes_alone_do_not_make_translations_stale(make_staff):
    editor = make_staff("Editor")
    original = make_article(language="ru")
    translation = translate_text(workflow.translate(original, editor))
    workflow.publish(translation, editor)
    original.refresh_from_db()
    workflow.withdraw(original, editor, translations=workflow.KEEP_TRANSLATIONS)
    assert not Article.objects.stale_translations().exists()


def test_queue_lists_awaiting_and_scheduled_per_language(client, make_staff):
    make_article(
        language="en", headline="Waiting story", status=Article.Status.SUBMITTED
    )
    make_article(
        language="ru",
        headline="Запланировано",
        published_at=timezone.now() + timedelta(hours=5),
    )
    client.force_login(make_staff("Editor"))
    queue = client.get(f"{ADMIN}queue/", headers={"accept-language": "en"}).text
    assert (
        queue.index("Awaiting approval")
        < queue.index("Waiting story")
        < queue.index("Stale translations")
    )
    assert queue.index("Scheduled") < queue.index("Запланировано")


def test_two_concurrent_edits_never_silently_overwrite(client, make_staff):
    editor, other_editor = make_staff("Editor"), make_staff("Editor", "second-editor")
    story = make_article(status=Article.Status.DRAFT, headline="Original headline")
    opened_version = story.version
    # Both open the story; the other editor saves first.
    client.force_login(other_editor)
    client.post(
        f"{ADMIN}{story.pk}/change/",
        article_form_data(story, headline="First save wins"),
    )
    client.force_login(editor)
    response = client.post(
        f"{ADMIN}{story.pk}/change/",
        article_form_data(
            story, headline="My careful rewrite", version=str(opened_version)
        ),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "Someone else saved this story after you opened it" in response.text
    assert 'value="My careful rewrite"' in response.text  # nothing lost from the form
    assert Article.objects.get(pk=story.pk).headline == "First save wins"


def test_a_save_that_loses_the_race_after_validation_is_refused_with_a_message(
    client, make_staff, monkeypatch
):
    story = make_article(status=Article.Status.DRAFT, headline="Before")
    Article.objects.filter(pk=story.pk).update(
        version=story.version + 1
    )  # saved meanwhile
    monkeypatch.setattr(Article, "clean", lambda self: None)  # passed its check first
    client.force_login(make_staff("Editor"))
    response = client.post(
        f"{ADMIN}{story.pk}/change/",
        article_form_data(story, headline="Lost race"),
        headers={"accept-language": "en"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Someone else saved this story after you opened it" in response.text
    assert Article.objects.get(pk=story.pk).headline == "Before"


def test_a_stale_model_save_is_refused():
    story = make_article()
    first, second = Article.objects.get(pk=story.pk), Article.objects.get(pk=story.pk)
    first.headline = "First"
    first.save()
    second.headline = "Second"
    with pytest.raises(StaleEdit):
        second.save()
    assert Article.objects.get(pk=story.pk).headline == "First"


def test_every_save_keeps_a_revision_and_restoring_brings_back_the_exact_text(
    client, make_staff
):
    editor = make_staff("Editor")
    story = make_article(
        headline="Version one", body="<p>Exact text, with «quotes» — and dashes.</p>"
    )
    first_revision = story.history.earliest()
    story.headline, story.body = "Version two", "<p>Rewritten.</p>"
    story.save()
    assert story.history.count() == 2
    client.force_login(editor)
    compare = client.get(
        f"{ADMIN}{story.pk}/revisions/",
        {"from": first_revision.history_id, "to": story.history.latest().history_id},
    ).text
    assert "Version one" in compare and "Rewritten." in compare
    client.post(f"{ADMIN}{story.pk}/revisions/", {"restore": first_revision.history_id})
    story.refresh_from_db()
    assert (story.headline, story.body) == (
        first_revision.headline,
        first_revision.body,
    )
    assert story.history.count() == 3
    assert story.events.get().action == ArticleEvent.Action.RESTORE


def test_return_to_author_needs_a_comment_and_lets_them_edit_again(client, make_staff):
    correspondent, editor = make_staff("Correspondent"), make_staff("Editor")
    story = make_article(status=Article.Status.SUBMITTED, created_by=correspondent)
    client.force_login(editor)
    step(client, story, "return", comment="")
    assert Article.objects.get(pk=story.pk).status == Article.Status.SUBMITTED
    step(client, story, "return", comment="Add the court's reply.")
    story.refresh_from_db()
    assert story.status == Article.Status.RETURNED
    assert story.events.get(action="return").comment == "Add the court's reply."
    client.force_login(correspondent)
    assert (
        edit_own.__name__
        and client.post(
            f"{ADMIN}{story.pk}/change/", article_form_data(story, headline="Дополнено")
        ).status_code
        == 302
    )


def test_withdrawn_story_leaves_the_site_but_stays_restorable(client, make_staff):
    editor = make_staff("Editor")
    story = make_article()
    workflow.withdraw(story, editor, "Legal request")
    # Gone, with the notice and the record readers keep (record/).
    assert client.get(story.get_absolute_url()).status_code == 410
    assert Article.objects.filter(pk=story.pk).exists()
    workflow.publish(story, editor)
    assert client.get(story.get_absolute_url()).status_code == 200


def test_nobody_in_the_newsroom_can_delete_a_story(client, make_staff):
    story = make_article()
    client.force_login(make_staff("Editor"))
    assert client.post(f"{ADMIN}{story.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()


def test_a_malformed_schedule_time_is_refused_with_a_message(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED)
    client.force_login(make_staff("Editor"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = step(client, story, "schedule", at="next tuesday")
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).status == Article.Status.SUBMITTED
    assert re.search(
        "Give the date",
        client.get(response["Location"], headers={"accept-language": "en"}).text,
    )


def test_diff_keeps_angle_brackets_in_headline_and_entities_in_body():
    from articles.diff import text_diff

    old = Article(headline="Rates <5%", lead="a", body="<p>Smith &amp; Sons</p>")
    new = Article(headline="Rates <6%", lead="a", body="<p>Smith &amp; Daughters</p>")

    changes = {name: table for name, _label, table in text_diff(old, new)}

    # difflib escapes once and writes spaces as &nbsp;.
    assert "Rates&nbsp;&lt;" in changes["headline"]
    assert "Smith&nbsp;&amp;" in changes["body"]
    assert "&amp;amp;" not in changes["body"]
