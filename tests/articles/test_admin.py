"""The admin as the newsroom uses it: each role sees what it may work on."""

import pytest

from articles.models import Article
from tests.factories import article_form_data, make_article, make_author, make_region

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def add_form_data(**overrides):
    return article_form_data(tags="суды", **overrides)


def test_correspondent_files_a_story_that_is_recorded_as_theirs(client, make_staff):
    author = make_author()
    correspondent = make_staff("Correspondent")
    client.force_login(correspondent)
    response = client.post(
        "/admin/articles/article/add/",
        add_form_data(
            **{
                "bylines-TOTAL_FORMS": "1",
                "bylines-0-author": str(author.pk),
                "bylines-0-position": "0",
            }
        ),
    )
    assert response.status_code == 302, (
        response.context["errors"] if response.context else ""
    )
    article = Article.objects.get()
    assert article.created_by == correspondent
    assert list(article.authors.all()) == [author]
    assert [tag.name for tag in article.tags.all()] == ["суды"]


def test_status_changes_only_through_the_workflow_buttons(client, make_staff):
    client.force_login(make_staff("Correspondent"))
    form = client.get("/admin/articles/article/add/").text
    assert 'name="status"' not in form
    response = client.post(
        "/admin/articles/article/add/", add_form_data(status="published")
    )
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


def test_correspondent_sees_only_their_own_stories(client, make_staff):
    me = make_staff("Correspondent", "me")
    mine = make_article(headline="My story", created_by=me)
    theirs = make_article(
        headline="Their story", created_by=make_staff("Correspondent", "other")
    )
    client.force_login(me)
    listing = client.get(CHANGELIST).text
    assert "My story" in listing and "Their story" not in listing
    assert client.get(f"{CHANGELIST}{mine.pk}/change/").status_code == 200
    assert client.get(f"{CHANGELIST}{theirs.pk}/change/").status_code == 302


def test_editor_sees_every_story_and_may_publish(client, make_staff):
    story = make_article(
        headline="Someone's story",
        created_by=make_staff("Correspondent"),
        status=Article.Status.SUBMITTED,
    )
    client.force_login(make_staff("Editor"))
    assert "Someone&#x27;s story" in client.get(CHANGELIST).text
    page = client.get(f"{CHANGELIST}{story.pk}/change/").text
    assert 'name="_step" value="publish"' in page


def test_legal_reads_but_cannot_add_or_change_articles(client, make_staff):
    article = make_article()
    client.force_login(make_staff("Legal"))
    assert client.get(CHANGELIST).status_code == 200
    assert client.get("/admin/articles/article/add/").status_code == 403
    response = client.post(f"{CHANGELIST}{article.pk}/change/", add_form_data())
    assert response.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "?q=court",
        "?status__exact=published",
        "?language__exact=en",
        "?published_at__year=2025",
        "?o=-4",
    ],
)
def test_changelist_search_filters_and_date_hierarchy_work(admin_client, query):
    region = make_region()
    make_article(headline="Court story", region=region, authors=[make_author()])
    response = admin_client.get(CHANGELIST + query)
    assert response.status_code == 200
    assert (
        admin_client.get(f"{CHANGELIST}?region__id__exact={region.pk}").status_code
        == 200
    )


def test_a_correspondent_cannot_change_a_published_story_only_propose(
    client, make_staff
):
    correspondent = make_staff("Correspondent")
    article = make_article(created_by=correspondent, headline="As published")
    client.force_login(correspondent)
    url = f"{CHANGELIST}{article.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    client.post(url, article_form_data(article, headline="Rewritten", status="draft"))
    article.refresh_from_db()
    assert (article.status, article.headline) == (
        Article.Status.PUBLISHED,
        "As published",
    )
    assert article.proposals.get().headline == "Rewritten"  # for an editor to approve


def test_publishing_without_a_time_publishes_now(client, make_staff):
    story = make_article(status=Article.Status.SUBMITTED)
    client.force_login(make_staff("Editor"))
    response = client.post(f"{CHANGELIST}{story.pk}/workflow/publish/")
    assert response.status_code == 302
    assert Article.objects.published().get() == story


def test_body_is_written_in_the_rich_text_editor_and_sanitised(client, make_staff):
    client.force_login(make_staff("Correspondent"))
    form = client.get("/admin/articles/article/add/").text
    assert "django_prose_editor" in form  # the editor's script and styles
    client.post(
        "/admin/articles/article/add/",
        add_form_data(
            body="<p>Ok <strong>bold</strong><script>alert(1)</script></p><img src=x onerror=alert(1)>"
        ),
    )
    body = Article.objects.get().body
    assert "<strong>bold</strong>" in body
    assert "script" not in body and "onerror" not in body


def test_a_scheduled_story_says_scheduled_for_its_time_in_the_list_and_its_page(
    client, make_staff
):
    from datetime import timedelta

    from django.utils import timezone

    story = make_article(
        headline="Tomorrow's story", published_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(make_staff("Editor"))
    english = {"accept-language": "en"}
    listing = client.get("/admin/articles/article/", headers=english).text
    page = client.get(f"/admin/articles/article/{story.pk}/change/", headers=english)
    assert "scheduled for" in listing
    assert "Workflow: scheduled for" in page.text


def test_the_read_only_view_renders_the_text_and_hides_the_version(client, make_staff):
    story = make_article(body="<p>First <strong>paragraph</strong>.</p>")
    client.force_login(make_staff("Legal"))
    page = client.get(
        f"/admin/articles/article/{story.pk}/change/", headers={"accept-language": "en"}
    ).text
    assert "<p>First <strong>paragraph</strong>.</p>" in page
    assert "&lt;p&gt;" not in page
    assert "field-version" not in page
