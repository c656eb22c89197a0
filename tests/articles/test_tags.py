"""Tags in both languages: a name and slug per language on one tag."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from articles import workflow
from articles.models import Article, Tag
from articles.tags import check_tags_named, tag_names, tags_missing_a_name
from tests.factories import (
    article_form_data,
    main_text,
    make_article,
    make_tag,
    names_of_tags,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def elections():
    return make_tag(name_ru="Выборы", name_en="Elections")


def test_tag_page_in_each_language_lives_at_that_languages_slug(client, elections):
    ru = make_article(language="ru", headline="Новость о выборах", tags=["выборы"])
    en = make_article(headline="Election news", tags=["elections"])

    english = client.get("/en/tags/elections/")
    russian = client.get("/ru/tags/выборы/")

    assert english.status_code == russian.status_code == 200
    assert "Election news" in main_text(english)
    assert '<h1 class="page-title">Elections</h1>' in main_text(english)
    assert "Новость о выборах" in main_text(russian)
    assert "Election news" not in main_text(russian)
    assert [*ru.tags.all(), *en.tags.all()] == [elections, elections]


def test_other_languages_slug_redirects_permanently_to_the_pages_own(client, elections):
    response = client.get("/en/tags/выборы/")
    assert response.status_code == 301
    assert response["Location"] == "/en/tags/elections/"


def test_changed_slug_redirects_permanently_to_the_new_one(client, elections):
    elections.slug_en = "votes"
    elections.save()

    response = client.get("/en/tags/elections/")

    assert response.status_code == 301
    assert response["Location"] == "/en/tags/votes/"


def test_tag_without_an_english_name_has_no_english_page_and_no_english_feed(client):
    make_article(language="ru", tags=["Наводнения"])
    tag = Tag.objects.get()
    assert (tag.name_en, tag.slug_ru) == ("", "наводнения")

    assert client.get("/ru/tags/наводнения/").status_code == 200
    assert client.get("/en/tags/наводнения/").status_code == 404
    assert client.get("/en/feeds/tags/наводнения/rss/").status_code == 404


def test_english_page_never_shows_a_russian_tag_name(client, elections):
    original = make_article(language="ru", tags=["выборы", "паводок"])
    english = make_article(translation_of=original)
    english.tags.set(original.tags.all())

    text = main_text(client.get(english.get_absolute_url()))

    assert 'href="/en/tags/elections/" rel="tag">Elections</a>' in text
    assert "паводок" not in text and "Выборы" not in text


def test_typed_name_matches_a_tag_by_either_languages_name_in_any_case(elections):
    russian = make_article(language="ru")
    english = make_article()

    tag_names(russian, ["ВЫБОРЫ"])
    tag_names(english, ["выборы", "ELECTIONS"])

    assert list(russian.tags.all()) == list(english.tags.all()) == [elections]
    assert Tag.objects.count() == 1


def test_a_new_name_makes_a_tag_named_in_the_storys_language_only():
    story = make_article(language="ru")
    tag_names(story, ["Паводок"])

    tag = story.tags.get()
    assert (tag.name_ru, tag.name_en, tag.slug_ru, tag.slug_en) == (
        "Паводок",
        "",
        "паводок",
        "",
    )


def test_translation_carries_its_originals_tags_in_its_own_language(
    elections, make_staff
):
    original = make_article(language="ru", tags=["выборы", "паводок"])
    translator = make_staff("Translator")

    draft = workflow.translate(original, translator)

    assert set(draft.tags.all()) == set(original.tags.all())
    assert [tag.own_name("en") for tag in draft.tags_shown()] == ["Elections"]
    assert [tag.name_ru for tag in tags_missing_a_name(draft)] == ["паводок"]


def test_tag_without_a_name_in_the_storys_language_is_refused_by_name(elections):
    story = make_article(status=Article.Status.DRAFT)
    story.tags.set([elections, make_tag(name_ru="Паводок")])

    with pytest.raises(ValidationError) as refusal, translation.override("en"):
        check_tags_named(story)

    assert refusal.value.error_dict["tags"][0].code == "tag_without_name"
    assert refusal.value.messages == ["the tag “Паводок” has no English name"]
    check_tags_named(story, names=["Elections"])  # as edited: named, passes


def test_translations_form_shows_its_tags_in_its_language_and_flags_the_unnamed(
    admin_client, elections
):
    original = make_article(language="ru", tags=["выборы", "паводок"])
    draft = workflow.translate(original, admin_user(admin_client))

    page = admin_client.get(f"/admin/articles/article/{draft.pk}/change/")

    field = page.context["adminform"].form["tags"]
    assert field.value() == "Elections, паводок ="
    assert "паводок" in str(field.help_text)


def test_translator_gives_a_tag_its_name_in_the_form(admin_client, elections):
    original = make_article(language="ru", tags=["выборы", "паводок"])
    draft = workflow.translate(original, admin_user(admin_client))

    response = admin_client.post(
        f"/admin/articles/article/{draft.pk}/change/",
        article_form_data(
            draft,
            headline="Floods",
            lead="Lead.",
            body="<p>Text.</p>",
            tags="Elections, паводок = Floods",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert names_of_tags(draft) == ["Elections", "Floods"]
    assert Tag.objects.get(name_ru="паводок").slug_en == "floods"
    assert tags_missing_a_name(draft) == []


def test_form_refuses_a_given_name_that_another_tag_has(admin_client, elections):
    story = make_article(status=Article.Status.DRAFT, tags=["Floods"])
    make_tag(name_ru="Паводок")

    response = admin_client.post(
        f"/admin/articles/article/{story.pk}/change/",
        article_form_data(story, headline="Floods", tags="Паводок = Floods"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["tags"]
    assert [error.code for error in errors] == ["duplicate_name"]
    assert names_of_tags(story) == ["Floods"]


def test_tag_admin_lists_tags_without_an_english_name(admin_client, elections):
    make_tag(name_ru="Паводок")

    listed = admin_client.get("/admin/articles/tag/", {"unnamed_in": "en"})

    assert [tag.name_ru for tag in listed.context["cl"].result_list] == ["Паводок"]


def test_editor_gives_a_tag_its_english_name_in_the_tag_admin(client, make_staff):
    tag = make_tag(name_ru="Паводок")
    client.force_login(make_staff("Editor"))

    response = client.post(
        f"/admin/articles/tag/{tag.pk}/change/",
        {"name_ru": "Паводок", "name_en": "Floods", "slug_ru": "паводок"},
    )

    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name_en, tag.slug_en) == ("Floods", "floods")


def test_feed_categories_ninjs_subjects_and_search_use_the_items_language(
    client, elections
):
    make_article(
        headline="Turnout falls",
        lead="Turnout falls.",
        tags=["elections"],
    )
    make_article(headline="Other turnout", lead="Turnout.")
    make_tag(name_ru="Паводок").articles.add(
        Article.objects.get(headline="Other turnout")
    )

    rss = client.get("/en/feeds/rss/").content.decode()
    items = client.get("/api/ninjs/", {"language": "en"}).json()["items"]
    found = client.get("/en/search/", {"q": "turnout", "tag": "elections"})

    assert "<category>Elections</category>" in rss and "Паводок" not in rss
    subjects = [item.get("subjects") for item in items]
    assert [
        {
            "name": "Elections",
            "literal": "elections",
            "uri": "http://testserver/en/tags/elections/",
        }
    ] in subjects
    assert None in subjects  # the story whose only tag has no English name
    assert [story.headline for story in found.context["results"].articles] == [
        "Turnout falls"
    ]


def admin_user(admin_client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")
