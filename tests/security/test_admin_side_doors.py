"""The admin's side doors (history, revert, mentions, choices, autocomplete, bulk
actions) obey the same role table as the change form."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from articles.models import Article, Tag
from disclaimers.models import Disclaimer, Mention
from tests.factories import article_form_data, make_article, make_photo, names_of_tags

pytestmark = pytest.mark.django_db

SECRET = "Unpublished scoop about the governor"


def label_form(label, **changes) -> dict:
    return {
        "text": label.text,
        "locales": label.locales,
        "effective_from": label.effective_from.isoformat(),
        "effective_to": label.effective_to.isoformat() if label.effective_to else "",
        "placement": label.placement,
        "emphasis": label.emphasis,
        **changes,
    }


def entity_form(entity, **changes) -> dict:
    return {
        "kind": entity.kind,
        "names_ru": entity.names_ru,
        "names_en": entity.names_en,
        "footnote_ru": entity.footnote_ru,
        "footnote_en": entity.footnote_en,
        "listed_on": entity.listed_on.isoformat(),
        "delisted_on": "",
        **changes,
    }


def history_form_url(obj) -> str:
    meta = obj._meta
    version = obj.history.latest()
    return (
        f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/history/"
        f"{version.history_id}/"
    )


@pytest.fixture
def someone_elses_draft(make_staff):
    return make_article(
        headline=SECRET,
        status=Article.Status.SUBMITTED,
        created_by=make_staff("Correspondent", "other-correspondent"),
    )


# 1. Labels and the register through the history form


@pytest.mark.parametrize("role", ["Correspondent", "Translator", "Editor"])
def test_no_newsroom_role_but_legal_rewrites_a_label_through_history(
    client, make_staff, labels, role
):
    label = labels[1]
    client.force_login(make_staff(role))
    response = client.post(
        history_form_url(label), label_form(label, text="ПОДМЕНЁННЫЙ ТЕКСТ")
    )
    assert response.status_code == 403
    label.refresh_from_db()
    assert label.text != "ПОДМЕНЁННЫЙ ТЕКСТ"


def test_editor_cannot_delist_a_register_entry_through_history(
    client, make_staff, memorial
):
    client.force_login(make_staff("Editor"))
    response = client.post(
        history_form_url(memorial), entity_form(memorial, delisted_on="2024-01-01")
    )
    assert response.status_code == 403
    memorial.refresh_from_db()
    assert memorial.delisted_on is None


def test_editor_reads_an_old_label_version_without_inputs_or_a_revert_button(
    client, make_staff, labels
):
    label = labels[1]
    client.force_login(make_staff("Editor"))
    response = client.get(history_form_url(label))
    assert response.status_code == 200
    page = response.content.decode()
    assert label.text in page
    assert 'name="text"' not in page and 'name="_save"' not in page


def test_legal_reverts_a_label_to_an_older_version(client, make_staff, labels):
    label = labels[1]
    original_text = label.text
    label.text = "ОШИБОЧНАЯ РЕДАКЦИЯ"
    label.save()
    first = label.history.earliest()
    client.force_login(make_staff("Legal"))
    url = f"/admin/disclaimers/disclaimer/{label.pk}/history/{first.history_id}/"
    assert 'name="_save"' in client.get(url).content.decode()
    response = client.post(url, label_form(label, text=original_text))
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.text == original_text


def test_history_of_another_objects_version_is_not_found(client, make_staff, labels):
    old, new = labels
    client.force_login(make_staff("Legal"))
    version = old.history.latest()
    url = f"/admin/disclaimers/disclaimer/{new.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 404
    assert Disclaimer.objects.get(pk=new.pk).text == new.text


# 2. Other people's unpublished headlines


def test_correspondent_does_not_see_other_peoples_stories_among_register_mentions(
    client, make_staff, memorial, someone_elses_draft
):
    me = make_staff("Correspondent")
    mine = make_article(headline="My own story", created_by=me)
    for article in (mine, someone_elses_draft):
        Mention.objects.create(
            article=article, entity=memorial, matched_text="Мемориал"
        )
    client.force_login(me)

    listed = client.get("/admin/disclaimers/mention/").content.decode()
    searched = client.get("/admin/disclaimers/mention/?q=governor").content.decode()
    assert "My own story" in listed
    assert SECRET not in listed and SECRET not in searched
    theirs = someone_elses_draft.mentions.get()
    assert client.get(
        f"/admin/disclaimers/mention/{theirs.pk}/change/"
    ).status_code in (
        302,
        404,
    )


def test_correspondent_cannot_link_a_story_they_may_not_see_as_original(
    client, make_staff, someone_elses_draft
):
    me = make_staff("Correspondent")
    mine = make_article(
        headline="Моя заметка", status=Article.Status.DRAFT, created_by=me
    )
    client.force_login(me)
    response = client.post(
        f"/admin/articles/article/{mine.pk}/change/",
        article_form_data(
            mine, headline="Моя заметка", translation_of=str(someone_elses_draft.pk)
        ),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors.as_data()["translation_of"][0].code == "invalid_choice"
    assert SECRET not in response.content.decode()
    mine.refresh_from_db()
    assert mine.translation_of_id is None


def test_correspondent_who_filed_a_new_story_with_a_hidden_original_saves_nothing(
    client, make_staff, someone_elses_draft
):
    client.force_login(make_staff("Correspondent"))
    before = Article.objects.count()
    response = client.post(
        "/admin/articles/article/add/",
        article_form_data(translation_of=str(someone_elses_draft.pk)),
    )
    assert response.status_code == 200
    assert "translation_of" in response.context["adminform"].form.errors
    assert Article.objects.count() == before


def autocomplete(client, field_name, term):
    return client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": field_name,
            "term": term,
        },
    )


def test_translation_of_autocomplete_offers_a_correspondent_only_their_own_stories(
    client, make_staff, someone_elses_draft
):
    me = make_staff("Correspondent")
    make_article(headline="My scoop about the governor", created_by=me)
    client.force_login(me)
    response = autocomplete(client, "translation_of", "governor")
    assert response.status_code == 200
    found = [item["text"] for item in response.json()["results"]]
    assert found == ["My scoop about the governor"]


def test_translators_find_every_story_to_link_as_original(
    client, make_staff, someone_elses_draft
):
    client.force_login(make_staff("Translator"))
    response = autocomplete(client, "translation_of", "governor")
    assert [item["text"] for item in response.json()["results"]] == [SECRET]


def test_lead_photo_autocomplete_serves_the_roles_that_may_see_photos(
    client, make_staff
):
    make_photo(size=(300, 200), caption_en="Flood in the valley")
    client.force_login(make_staff("Correspondent"))
    assert len(autocomplete(client, "lead_photo", "valley").json()["results"]) == 1
    client.force_login(make_staff("Legal"))
    assert autocomplete(client, "lead_photo", "valley").status_code == 403


def test_autocomplete_with_a_nul_in_the_term_answers_normally(client, make_staff):
    client.force_login(make_staff("Editor"))
    assert autocomplete(client, "translation_of", "a\x00b").status_code == 200


# 4. Bulk actions


def offered_actions(response) -> list[str]:
    form = response.context["action_form"]  # None when no action is offered
    return [name for name, _label in form.fields["action"].choices] if form else []


def tag_actions(client) -> list[str]:
    return offered_actions(client.get("/admin/articles/tag/"))


@pytest.mark.parametrize("role", ["Correspondent", "Translator", "Editor"])
def test_no_role_merges_tags_through_a_page_that_skips_permissions(
    client, make_staff, role
):
    story = make_article(tags=["flood"])
    client.force_login(make_staff(role))
    assert "render_tag_form" not in tag_actions(client)

    # taggit's own admin and its merge page are not installed.
    assert client.get("/admin/taggit/tag/").status_code in (302, 404)
    response = client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "x"})
    assert response.status_code in (302, 404)
    assert names_of_tags(story) == ["flood"]
    assert not Tag.objects.matching("x").exists()


@pytest.mark.parametrize("role", ["Correspondent", "Translator", "Editor", "Legal"])
def test_newsroom_roles_are_offered_no_bulk_delete_of_stories_photos_or_labels(
    client, make_staff, labels, role
):
    client.force_login(make_staff(role))
    offered = {}
    for url in (
        "/admin/articles/article/",
        "/admin/photos/photo/",
        "/admin/disclaimers/disclaimer/",
    ):
        response = client.get(url)
        if response.status_code == 200:
            offered[url] = offered_actions(response)
    assert offered  # every role lists at least one of them
    assert [url for url, names in offered.items() if "delete_selected" in names] == []


@pytest.mark.parametrize("role", ["Legal", "Editor"])
def test_a_label_version_is_never_deleted_by_the_newsroom(
    client, make_staff, labels, role
):
    label = labels[0]
    client.force_login(make_staff(role))
    url = f"/admin/disclaimers/disclaimer/{label.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        "/admin/disclaimers/disclaimer/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [label.pk], "post": "yes"},
    )
    assert Disclaimer.objects.filter(pk=label.pk).exists()


def test_view_on_site_redirect_names_no_colleagues_draft(client, make_staff):
    from django.contrib.contenttypes.models import ContentType

    from tests.factories import make_article

    owner = make_staff("Correspondent", "owner")
    draft = make_article(status=Article.Status.DRAFT, created_by=owner)
    article_type = ContentType.objects.get_for_model(Article).pk
    url = f"/admin/r/{article_type}/{draft.pk}/"
    client.force_login(make_staff("Correspondent", "colleague"))
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 302
