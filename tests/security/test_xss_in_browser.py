"""In Chromium, a published story full of script payloads runs none of them, on its
public pages or in the admin's change form."""

import pytest

from tests.security.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    # The Content Security Policy would stop a payload that escaped escaping; turn it
    # off here so this test proves the escaping itself.
    return {**browser_context_args, "bypass_csp": True}


def ran_a_payload(page) -> bool:
    page.wait_for_load_state("networkidle")
    # Hovering and clicking give handler payloads (onmouseover, onclick) their chance.
    for element in page.locator("main a, main b, .field-body .ProseMirror b").all()[
        :20
    ]:
        if element.is_visible():
            element.hover()
    return page.evaluate("window.__xss !== undefined")


def test_no_payload_runs_on_the_public_pages(page, live_server, hostile_story):
    article = hostile_story
    tag = article.tags.first()
    for path in [
        article.get_absolute_url(),
        article.get_absolute_url() + "print/",
        "/en/",
        "/en/search/?q=window",
        f"/en/tags/{tag.slug}/",
        article.authors.get().get_absolute_url(),
        article.region.get_absolute_url(),
    ]:
        page.goto(live_server.url + path)
        assert not ran_a_payload(page), path
    page.goto(live_server.url + article.get_absolute_url())
    assert "<script>window.__xss=1</script>" in page.locator("h1").inner_text()


def test_no_payload_runs_in_the_admin_change_form(
    page, live_server, hostile_story, editor
):
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/{hostile_story.pk}/change/")
    page.wait_for_selector(".field-body .ProseMirror >> visible=true")
    assert not ran_a_payload(page)
    assert page.input_value("#id_headline") == hostile_story.headline
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert not ran_a_payload(page)
