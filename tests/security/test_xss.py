"""Script written into any field by a newsroom account never runs on any surface.

Each surface is rendered with a story whose every field holds the payloads; its HTML
must hold no executable markup (handlers, inline scripts, script URLs, svg/iframe),
and the payload must show up there escaped, which proves the field was rendered.
"""

import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from django.utils.html import escape

from articles import workflow
from articles.models import Article
from tests.factories import make_article, translate_text
from tests.security.conftest import PAYLOAD, SCRIPT, executable_markup

pytestmark = pytest.mark.django_db


def assert_safe(response, *texts):
    assert response.status_code == 200
    html = response.content.decode()
    assert executable_markup(html) == []
    for text in texts:
        assert escape(text) in html, text


def test_article_page_shows_every_field_escaped(client, hostile_story):
    article = hostile_story
    response = client.get(article.get_absolute_url())
    assert_safe(
        response,
        article.headline,
        article.lead,
        article.source,
        article.lead_photo.caption_en,
        article.lead_photo.alt_en,
        article.authors.get().name_en,
        article.region.name_en,
        article.corrections.get().text,
        *(tag.name for tag in article.tags.all()),
    )


def test_article_body_keeps_no_script_handler_or_script_link(client, hostile_story):
    html = client.get(hostile_story.get_absolute_url()).content.decode()
    body = html[html.index('class="article__body') :]
    assert "<script" not in body.split("</main>")[0]
    assert "javascript:" not in body.lower().split("</main>")[0]
    assert ">link</a>" in body  # the link's text stays, without its script URL


def test_print_view_is_escaped(client, hostile_story):
    response = client.get(hostile_story.get_absolute_url() + "print/")
    assert_safe(response, hostile_story.headline, hostile_story.lead)


@pytest.mark.parametrize("path", ["/en/", "/en/news/"])
def test_listings_are_escaped(client, hostile_story, path):
    assert_safe(client.get(path), hostile_story.headline)


def test_tag_author_and_region_pages_are_escaped(client, hostile_story):
    for tag in hostile_story.tags.all():
        assert_safe(client.get(f"/en/tags/{tag.slug}/"), tag.name)
    author = hostile_story.authors.get()
    assert_safe(client.get(author.get_absolute_url()), author.name_en)
    region = hostile_story.region
    assert_safe(client.get(region.get_absolute_url()), region.name_en)


def test_day_archive_is_escaped(client, hostile_story):
    day = timezone.localtime(hostile_story.published_at)
    response = client.get(f"/en/archive/{day:%Y/%m/%d}/")
    assert_safe(response, hostile_story.headline)


@pytest.mark.parametrize("words", ["Lead", "window", "script img"])
def test_search_results_and_snippets_are_escaped(client, hostile_story, words):
    response = client.get("/en/search/", {"q": words})
    assert_safe(response, hostile_story.headline, SCRIPT)


@pytest.mark.parametrize(
    "path",
    ["/en/feeds/rss/", "/en/feeds/atom/", "/en/feeds/regions/hostile-region/rss/"],
)
def test_feeds_carry_the_story_as_safe_html(client, hostile_story, path):
    response = client.get(path)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    # RSS <description>, Atom <summary>: the item's HTML, which feed readers render.
    html = "".join(
        element.text or ""
        for element in feed.iter()
        if element.tag.split("}")[-1] in {"description", "summary", "content"}
    )
    assert executable_markup(html) == []
    assert escape(hostile_story.lead) in html
    titles = [element.text for element in feed.iter() if element.tag.endswith("title")]
    assert hostile_story.headline in titles  # plain text, XML-escaped by the feed


def test_sitemaps_stay_well_formed(client, hostile_story):
    month = timezone.localdate(hostile_story.published_at)
    for path in [
        "/sitemap.xml",
        f"/sitemap-articles-en-{month:%Y-%m}.xml",
        "/news-sitemap.xml",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        ET.fromstring(response.content)  # a payload never breaks the XML
    news = ET.fromstring(client.get("/news-sitemap.xml").content)
    titles = [element.text for element in news.iter() if element.tag.endswith("title")]
    assert hostile_story.headline in titles


def test_partner_feed_bodies_are_safe_html(client, hostile_story):
    response = client.get("/api/ninjs/")
    assert response.status_code == 200
    item = json.loads(response.content)["items"][0]
    html = next(b["value"] for b in item["bodies"] if b["contenttype"] == "text/html")
    assert executable_markup(html) == []
    assert escape(hostile_story.lead) in html
    assert item["headlines"][0]["value"] == hostile_story.headline


@pytest.fixture
def editor_client(client, make_staff):
    client.force_login(make_staff("Editor"))
    return client


def test_admin_changelist_and_change_form_are_escaped(editor_client, hostile_story):
    article = hostile_story
    assert_safe(editor_client.get("/admin/articles/article/"), article.headline)
    response = editor_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert_safe(
        response, article.headline, article.lead, article.corrections.get().text
    )
    photo = article.lead_photo
    response = editor_client.get(f"/admin/photos/photo/{photo.pk}/change/")
    assert_safe(response, photo.caption_en, photo.alt_en)
    assert_safe(
        editor_client.get("/admin/authors/author/"), article.authors.get().name_en
    )
    assert_safe(editor_client.get("/admin/articles/region/"), article.region.name_en)


def test_editors_queue_is_escaped(editor_client, labels):
    submitted = make_article(
        headline=f"Waiting {PAYLOAD}", status=Article.Status.SUBMITTED
    )
    response = editor_client.get("/admin/articles/article/queue/")
    assert_safe(response, submitted.headline)


def test_revisions_and_their_comparison_are_escaped(editor_client, hostile_story):
    article = hostile_story
    article.headline = f"Changed {PAYLOAD}"
    article.body = f"<p>New {SCRIPT} text</p>"
    article.save()
    older, newer = article.history.order_by("history_id")[:2]
    url = f"/admin/articles/article/{article.pk}/revisions/"
    assert_safe(editor_client.get(url), article.headline)
    response = editor_client.get(
        url, {"from": older.history_id, "to": newer.history_id}
    )
    assert_safe(response, "Changed", "<script>")  # the diff shows the text escaped


def test_stale_translation_diff_is_escaped(editor_client, make_staff, hostile_story):
    editor = make_staff("Editor", username="chief")
    original = hostile_story
    translation = translate_text(workflow.translate(original, editor))
    translation.tags.clear()  # the original's are English
    workflow.publish(translation, editor)
    original.lead = f"Edited {PAYLOAD}"
    original.save()
    response = editor_client.get(f"/admin/articles/article/{translation.pk}/change/")
    assert_safe(response)
    assert 'class="diff"' in response.content.decode()  # the changes are shown


def test_the_checker_finds_what_it_looks_for():
    """The assertions above could only pass vacuously if the checker saw nothing."""
    hostile = [
        SCRIPT,
        '<img src=x onerror="x()">',
        "<svg onload=x()>",
        '<a href=" javascript:x()">a</a>',
        '<a href="JAVA&#83;CRIPT:x()">a</a>',
        '<meta http-equiv="refresh" content="0;url=javascript:x()">',
    ]
    for markup in hostile:
        assert executable_markup(markup), markup
    safe = '<script type="application/ld+json">{"a": "&lt;"}</script><a href="/x">x</a>'
    assert executable_markup(safe) == []
