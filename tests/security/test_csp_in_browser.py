"""In Chromium, the enforced Content Security Policy blocks nothing the site needs:
public pages and the admin's article form (body editor, autocomplete) work and no
violation is reported."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_article, make_photo, make_region
from tests.security.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Collects the document's violation reports; Playwright runs it before page scripts.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
        `at ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation it reports gathered in `page.violations`."""
    page.violations = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and page.violations.append(message.text)
        ),
    )
    return page


def reported(page) -> list[str]:
    """Violations so far: console messages, and this document's events."""
    return page.violations + page.evaluate("window.__violations")


@pytest.fixture
def story(labels):
    photo = make_photo(alt_en="A dam")
    return make_article(
        headline="The dam opens",
        lead="Water reaches the valley.",
        body=f"<p>The dam opened today.</p><p>[photo:{photo.pk}]</p>",
        lead_photo=photo,
    )


def test_public_pages_report_no_violation(watched, live_server, story):
    page = watched
    for path in ["/en/", story.get_absolute_url(), "/en/search/?q=dam"]:
        page.goto(live_server.url + path)
        expect(page.locator("h1").first).to_be_visible()
        assert reported(page) == [], path
    page.fill("#site-search-q", "valley")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=valley")
    assert reported(page) == []


def test_the_admin_article_form_works_without_violations(
    watched, live_server, story, editor
):
    page = watched
    make_region(slug="north-valley", name_en="North Valley", name_ru="Северная долина")
    log_in(page, live_server, "editor")
    assert reported(page) == []

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.select_option("#id_language", "en")
    page.fill("#id_headline", "Bridge reopens")
    page.click(".field-body .ProseMirror >> visible=true")
    page.keyboard.type("Traffic crosses again.")
    page.keyboard.press("Control+b")
    page.keyboard.type(" Bold words.")
    page.click(".field-region .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "North")
    page.wait_for_selector(".select2-results__option--highlighted")
    page.keyboard.press("Enter")
    assert reported(page) == []
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    assert reported(page) == []

    added = Article.objects.get(headline="Bridge reopens")
    assert "<strong>" in added.body and "Traffic crosses again." in added.body
    assert added.region.slug == "north-valley"

    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.click(".field-body .ProseMirror >> visible=true")
    page.keyboard.press("Control+End")
    page.keyboard.type(" Edited in the browser.")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    assert reported(page) == []
    story.refresh_from_db()
    assert "Edited in the browser." in story.body


def test_the_admin_pages_staff_use_report_no_violation(
    watched, live_server, story, editor, labels
):
    """(django-simple-history's history pages carry one style attribute, blocked and
    harmless: the paginator keeps its top border.)"""
    page = watched
    story.headline = "The dam opens at noon"
    story.save()
    log_in(page, live_server, "editor")
    for path in [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/queue/",
        f"/admin/articles/article/{story.pk}/revisions/",
        f"/admin/articles/article/{story.pk}/history/",
        "/admin/photos/photo/",
        "/admin/photos/photo/add/",
        f"/admin/photos/photo/{story.lead_photo_id}/change/",
        f"/admin/disclaimers/disclaimer/{labels[1].pk}/change/",
        "/admin/disclaimers/mention/",
        "/admin/authors/author/add/",
        "/admin/password_change/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert reported(page) == [], path
