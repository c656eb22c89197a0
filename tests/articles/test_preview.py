"""Preview: any story in any state, as readers will see it, for staff who may read it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from articles.models import Article, Correction
from articles.preview import preview_url
from photos.rendering import WIDTHS
from tests.disclaimers.conftest import LABEL_2022
from tests.factories import make_article, make_author, make_photo, moscow

pytestmark = pytest.mark.django_db

FOOTNOTE_EN = (
    "*Included by the Russian Ministry of Justice into the register of foreign agents"
)


@pytest.fixture
def correspondent(make_staff):
    return make_staff("Correspondent")


@pytest.fixture
def editor(make_staff):
    return make_staff("Editor")


def draft_by(user, **fields):
    fields.setdefault("status", Article.Status.DRAFT)
    return make_article(created_by=user, **fields)


def test_preview_of_a_draft_shows_the_label_photo_credit_and_footnotes(
    client, correspondent, labels, memorial
):
    photo = make_photo(credit_text="Valley Pictures")
    story = draft_by(
        correspondent,
        headline="Memorial reports on the valley",
        body="<p>The report by Memorial was read aloud.</p>",
        lead_photo=photo,
        source="our correspondent",
        authors=[make_author(name_en="Vera Orlova")],
    )
    client.force_login(correspondent)

    response = client.get(preview_url(story))

    assert response.status_code == 200
    text = response.text
    headline = text.index('class="article__headline"')
    assert text.index(f'<p class="legal-label" lang="ru">{LABEL_2022}</p>') > headline
    assert "Photo: Valley Pictures" in text
    assert "Memorial* reports on the valley" in text
    assert f'<p class="footnote"><small>{FOOTNOTE_EN}</small></p>' in text
    assert "Vera Orlova" in text and "Source: our correspondent" in text


def test_preview_is_marked_not_published_in_a_banner_in_the_page_language(
    client, correspondent
):
    english = draft_by(correspondent, language="en")
    russian = draft_by(correspondent, language="ru", headline="Черновик")
    client.force_login(correspondent)

    text = client.get(preview_url(english)).text
    banner = text[
        text.index('class="preview-banner"') : text.index(
            "</div>", text.index('class="preview-banner"')
        )
    ]
    assert "Preview: not published" in banner
    assert "draft" in banner
    assert text.index('class="preview-banner"') < text.index("article__headline")

    russian_text = client.get(preview_url(russian)).text
    assert "Предпросмотр: не опубликовано" in russian_text
    assert "черновик" in russian_text


def test_preview_lives_at_a_stable_address_in_the_storys_language(
    client, correspondent
):
    story = draft_by(correspondent, language="ru", headline="Черновик")
    client.force_login(correspondent)

    assert preview_url(story) == f"/ru/news/preview/{story.pk}/"
    wrong_language = client.get(f"/en/news/preview/{story.pk}/")
    assert wrong_language.status_code == 302
    assert wrong_language["Location"] == f"/ru/news/preview/{story.pk}/"


def test_a_story_whose_slug_is_preview_keeps_its_public_page(client):
    story = make_article(headline="Preview")
    assert story.get_absolute_url() == f"/en/news/{story.pk}/preview/"
    assert client.get(story.get_absolute_url()).status_code == 200


def test_anonymous_reader_is_sent_to_the_admin_login(client, correspondent):
    story = draft_by(correspondent)

    response = client.get(preview_url(story))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert story.headline not in response.text


def test_anonymous_reader_gets_the_same_answer_for_a_story_that_does_not_exist(
    client,
):
    response = client.get("/en/news/preview/999999/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_correspondent_cannot_preview_another_correspondents_draft(
    client, correspondent, make_staff
):
    colleague = make_staff("Correspondent", username="colleague")
    story = draft_by(colleague)
    client.force_login(correspondent)

    assert client.get(preview_url(story)).status_code == 404


def test_editor_previews_a_correspondents_draft(client, correspondent, editor):
    story = draft_by(correspondent)
    client.force_login(editor)

    assert client.get(preview_url(story)).status_code == 200


def test_staff_without_a_newsroom_role_cannot_preview(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", is_staff=True)
    story = draft_by(nobody)
    client.force_login(nobody)

    assert client.get(preview_url(story)).status_code == 404


def test_signed_in_reader_who_is_not_staff_is_sent_to_the_admin_login(
    client, django_user_model
):
    reader = django_user_model.objects.create_user("reader")
    story = draft_by(reader)
    client.force_login(reader)

    response = client.get(preview_url(story))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize(
    "status, published_at, banner, status_text",
    [
        (Article.Status.SUBMITTED, None, "Preview: not published", "submitted"),
        (Article.Status.RETURNED, None, "Preview: not published", "returned to author"),
        (
            Article.Status.PUBLISHED,
            moscow(2031, 3, 1, 9, 30),
            "Preview: not published",
            "scheduled for 1 March 2031, 09:30",
        ),
        (
            Article.Status.WITHDRAWN,
            moscow(2025, 1, 27, 21, 59),
            "Preview: not published",
            "withdrawn",
        ),
        (
            Article.Status.PUBLISHED,
            moscow(2025, 1, 27, 21, 59),
            "Preview",
            "published",
        ),
    ],
)
def test_every_state_previews_with_its_status(
    client, editor, status, published_at, banner, status_text
):
    story = make_article(
        headline="The state of things", status=status, published_at=published_at
    )
    client.force_login(editor)

    text = client.get(preview_url(story)).text

    start = text.index('class="preview-banner"')
    shown = " ".join(text[start : text.index("</div>", start)].split())
    assert f"<strong>{banner}</strong>" in shown
    assert status_text in shown
    assert "The state of things" in text


def test_preview_of_a_translation_carries_the_original_publication_note(client, editor):
    original = make_article(
        language="ru", headline="Оригинал", published_at=moscow(2025, 1, 25, 4, 39)
    )
    translation = make_article(
        language="en",
        status=Article.Status.DRAFT,
        translation_of=original,
        headline="The translation",
    )
    client.force_login(editor)

    text = client.get(preview_url(translation)).text

    assert "originally published on the Russian page" in text
    assert f'href="{original.get_absolute_url()}"' in text


def test_preview_shows_corrections(client, editor):
    story = make_article(status=Article.Status.WITHDRAWN)
    Correction.objects.create(article=story, text="The date was wrong.")
    client.force_login(editor)

    assert "The date was wrong." in client.get(preview_url(story)).text


def test_preview_is_never_cached_and_never_indexed(client, correspondent):
    story = draft_by(correspondent)
    client.force_login(correspondent)

    response = client.get(preview_url(story))

    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_page_cache_never_stores_a_preview(client, correspondent, page_cache_on):
    story = draft_by(correspondent, headline="Secret draft")
    staff = client
    staff.force_login(correspondent)

    reader = Client()

    seen = staff.get(preview_url(story))
    again = staff.get(preview_url(story))
    anonymous = reader.get(preview_url(story))
    anonymous_again = reader.get(preview_url(story))

    assert seen.status_code == again.status_code == 200
    assert "X-Cache" not in seen and "X-Cache" not in again
    for response in (anonymous, anonymous_again):
        assert response.status_code == 302
        assert response.get("X-Cache") != "HIT"
        assert "Secret draft" not in response.text


def test_preview_does_not_leak_into_lists_the_sidebar_or_feeds(
    client, correspondent, page_cache_on
):
    make_article(headline="Public story")
    story = draft_by(correspondent, headline="Secret draft")

    staff = Client()
    staff.force_login(correspondent)
    assert staff.get(preview_url(story)).status_code == 200

    for address in ["/en/", "/en/news/", "/en/feeds/rss/", "/en/search/?q=Secret"]:
        page = client.get(address)
        assert page.status_code == 200, address
        assert "Secret draft" not in page.text, address
    sidebar = staff.get(preview_url(story)).text
    latest = sidebar[sidebar.index('class="sidebar"') :]
    assert "Public story" in latest and "Secret draft" not in latest


def test_public_address_of_an_unpublished_story_leads_staff_to_the_preview(
    client, correspondent
):
    story = draft_by(correspondent)
    client.force_login(correspondent)

    for address in [story.get_absolute_url(), f"/en/news/{story.pk}/"]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"] == preview_url(story)
        assert "no-store" in response["Cache-Control"]


def test_public_address_of_an_unpublished_story_is_not_found_for_others(
    client, correspondent, make_staff
):
    story = draft_by(make_staff("Correspondent", username="colleague"))
    assert client.get(story.get_absolute_url()).status_code == 404
    client.force_login(correspondent)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_admin_view_on_site_of_a_draft_opens_its_preview(client, correspondent):
    story = draft_by(correspondent)
    client.force_login(correspondent)
    content_type = ContentType.objects.get_for_model(Article)

    response = client.get(
        reverse("admin:view_on_site", args=[content_type.pk, story.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == preview_url(story)
    assert response.status_code == 200
    assert "Preview: not published" in response.text


# The article page's 8 (tests/articles/test_query_counts.py) less its body photo's
# two (this story has a lead photo only, read with the story), the session, the
# user and their permissions (their own, their groups'), whether they may preview
# it (accounts/roles.py) and whether readers see it now (Article.objects.published(),
# the one rule).
PREVIEW_BUDGET = 12


@pytest.mark.parametrize("size", [10, 200])
def test_preview_query_count_does_not_grow_with_the_archive(
    client, editor, django_assert_num_queries, size
):
    from tests.articles.test_query_counts import build_archive

    build_archive(size)
    photo = make_photo()
    for width in WIDTHS:
        for image_format in ("JPEG", "WEBP"):
            photo.rendition(width, image_format)  # made at an earlier view
    story = make_article(
        status=Article.Status.DRAFT,
        tags=["courts"],
        region=Article.objects.exclude(region=None).first().region,
        lead_photo=photo,
    )
    client.force_login(editor)
    with django_assert_num_queries(PREVIEW_BUDGET):
        assert client.get(preview_url(story)).status_code == 200


def test_the_story_page_in_the_admin_links_its_preview_and_view_on_site_leads_there(
    client, make_staff
):
    from articles.preview import preview_url

    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(make_staff("Editor"))
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").text
    assert f'href="{preview_url(draft)}"' in page
    assert page.count(preview_url(draft)) >= 2  # the button and "View on site"
