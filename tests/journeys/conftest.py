"""Browser journeys: Debian's Chromium drives the real site on a live server."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Error as PlaywrightError

from tests.factories import make_author, make_region

PASSWORD = "correct-horse-battery-9"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-results")) / "screenshots"
WIDTHS = {
    "desktop": {"width": 1280, "height": 900},
    "mobile": {"width": 390, "height": 844},
}


@pytest.fixture
def newsroom(transactional_db, django_user_model, labels, settings):
    """Staff in each role, with passwords, and the lists a story is filed against."""
    # Changes commit here, so the page cache runs as in production: a reader must
    # see each publication at once.
    settings.PAGE_CACHE_SECONDS = 600
    people = {}
    for role in ("Correspondent", "Translator", "Editor"):
        user = django_user_model.objects.create_user(
            username=role.lower(), password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        people[role.lower()] = user
    make_region(slug="north-valley", name_en="North Valley", name_ru="Северная долина")
    people["author"] = make_author(
        name_en="Faris Medjid", name_ru="Фарис Меджид", user=people["correspondent"]
    )
    return people


@pytest.fixture
def browser_context_args(browser_context_args):
    # The admin speaks the browser's language; the journeys read it in English.
    return {**browser_context_args, "locale": "en-GB", "bypass_csp": True}


def log_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def click_closing(window, selector: str) -> None:
    """Click what closes its own window (a chooser): the window may close before the
    browser has answered the click, which is the click's success, not a failure."""
    with window.expect_event("close"):
        try:
            window.click(selector)
        except PlaywrightError:
            if not window.is_closed():
                raise


def pick(page, field: str, text: str) -> None:
    """Choose a value in one of the admin's autocomplete (select2) fields."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.wait_for_selector(".select2-results__option--highlighted")
    page.keyboard.press("Enter")


def screenshot(page, name: str) -> None:
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["desktop"])


# `DOCS_SCREENSHOTS=docs/screenshots` refreshes the README's pictures from the journeys.
DOCS = os.environ.get("DOCS_SCREENSHOTS")


def docs_screenshot(page, name: str, full_page: bool = False) -> None:
    """A desktop picture for the README: in the artifacts, and in DOCS if set."""
    page.set_viewport_size(WIDTHS["desktop"])
    folders = [ARTIFACTS, *([Path(DOCS)] if DOCS else [])]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def axe_violations(page) -> list[dict]:
    """Serious and critical accessibility violations axe-core finds on the page."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm install); CI installs it")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:3],
        }
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
