"""The three journeys, as people make them: correspondent, editor and translator, reader."""

import re

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from photos.models import Photo
from tests.journeys.conftest import axe_violations, log_in, pick, screenshot
from tests.photos.images import SERIAL, photo_bytes

pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE_RU = "Суд отложил рассмотрение дела заключенных активистов"
BODY_RU = "Защита заключенных настаивает на открытом процессе."
HEADLINE_EN = "Court postpones the case of detained activists"


def file_a_story(page, live_server, tmp_path) -> Article:
    """Journey 1: a correspondent files a Russian story with a photo and submits it."""
    log_in(page, live_server, "correspondent")
    picture = tmp_path / "IMG_0042.jpg"
    picture.write_bytes(photo_bytes())
    page.goto(f"{live_server.url}/admin/photos/photo/add/")
    page.set_input_files("#id_image", str(picture))
    page.fill("#id_caption_ru", "У здания районного суда")
    page.fill("#id_caption_en", "Outside the district court")
    page.fill("#id_alt_ru", "Люди у входа в здание суда")
    page.fill("#id_alt_en", "People at the court entrance")
    page.select_option("#id_credit_form", "photo_agency")
    page.fill("#id_credit_text", "Highland Herald")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.select_option("#id_language", "ru")
    page.fill("#id_headline", HEADLINE_RU)
    page.fill("#id_lead", "Заседание перенесли на две недели.")
    page.click(".field-body .ProseMirror >> visible=true")
    page.keyboard.type(BODY_RU)
    pick(page, "lead_photo", "district")
    pick(page, "region", "North")
    page.fill("#id_tags", "суды, права человека")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert page.locator("[action$='/workflow/publish/']").count() == 0
    page.click("button[value=submit]")
    expect(page.locator(".messagelist")).to_contain_text("Saved, then: submitted")
    assert page.get_by_role("button", name=re.compile("publish", re.I)).count() == 0
    return Article.objects.get(headline=HEADLINE_RU)


def test_journey_one_correspondent_files_and_submits(
    page, live_server, newsroom, tmp_path
):
    story = file_a_story(page, live_server, tmp_path)
    assert story.status == Article.Status.SUBMITTED
    assert story.created_by == newsroom["correspondent"]
    assert list(story.authors.all()) == [newsroom["author"]]  # their own byline
    assert sorted(tag.name for tag in story.tags.all()) == ["права человека", "суды"]
    assert story.region.slug == "north-valley"
    photo = Photo.objects.get()
    assert story.lead_photo == photo
    with photo.image.open("rb") as stored:
        assert SERIAL.encode() not in stored.read()


def publish_and_translate(page, live_server, story) -> Article:
    """Journey 2: the editor publishes; a translator translates; the editor approves."""
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/queue/")
    page.click(f"text={HEADLINE_RU}")
    page.click("button[value=publish]")
    expect(page.locator(".messagelist")).to_contain_text(
        "Saved, then: approved and published"
    )

    log_in(page, live_server, "translator")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.click("button[value=translate]")
    expect(page.locator("#id_headline")).to_have_value(HEADLINE_RU)
    page.fill("#id_headline", HEADLINE_EN)
    page.fill("#id_lead", "The hearing was moved by two weeks.")
    # Focused, not clicked: the editor sets its caret a moment after a click,
    # which would undo the keys pressed next.
    page.locator(".field-body .ProseMirror >> visible=true").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(
        "The defence of the detained activists insists on an open trial."
    )
    # The original's tags have no English names yet: the translator gives them.
    page.fill("#id_tags", "суды = courts, права человека = human rights")
    page.click("input[name=_continue]")
    page.click("button[value=submit]")
    expect(page.locator(".messagelist")).to_contain_text("Saved, then: submitted")

    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/queue/")
    page.click(f"text={HEADLINE_EN}")
    page.click("button[value=publish]")
    expect(page.locator(".messagelist")).to_contain_text(
        "Saved, then: approved and published"
    )
    return Article.objects.get(headline=HEADLINE_EN)


def test_journey_two_editor_publishes_and_approves_a_translation(
    page, live_server, newsroom, tmp_path
):
    story = file_a_story(page, live_server, tmp_path)
    translation = publish_and_translate(page, live_server, story)
    story.refresh_from_db()
    assert story.status == translation.status == Article.Status.PUBLISHED
    assert translation.approved_by == newsroom["editor"]

    page.goto(live_server.url + translation.get_absolute_url())
    note = page.locator(".original-note")
    expect(note).to_contain_text("originally published on the Russian page of")
    expect(note).to_contain_text("MSK")
    assert note.locator("a").get_attribute("href") == story.get_absolute_url()
    page.goto(live_server.url + story.get_absolute_url())
    switch = page.locator(".language-switch a[hreflang=en]")
    assert switch.get_attribute("href") == translation.get_absolute_url()
    alternate = page.locator("link[rel=alternate][hreflang=en]")
    assert alternate.get_attribute("href").endswith(translation.get_absolute_url())


def test_journey_three_reader_finds_the_story(page, live_server, newsroom, tmp_path):
    story = file_a_story(page, live_server, tmp_path)
    translation = publish_and_translate(page, live_server, story)
    page.context.clear_cookies()

    page.goto(f"{live_server.url}/en/")
    today = timezone.localdate()
    page.click(f".calendar a[href='/en/archive/{today:%Y/%m/%d}/']")
    expect(page.locator("h1")).to_contain_text("News of")
    page.click(f"text={HEADLINE_EN}")
    page.wait_for_url(f"**{translation.get_absolute_url()}")
    expect(page.locator(".photo__credit")).to_have_text("Photo: Highland Herald")
    sizes = page.evaluate(
        """() => [
            parseFloat(getComputedStyle(document.querySelector('.legal-label')).fontSize),
            parseFloat(getComputedStyle(document.querySelector('.article__body p')).fontSize),
            document.querySelector('h1').getBoundingClientRect().bottom
              <= document.querySelector('.legal-label').getBoundingClientRect().top,
        ]"""
    )
    assert sizes[0] >= 2 * sizes[1] and sizes[2], sizes

    page.click(".language-switch a[hreflang=ru]")
    page.wait_for_url(f"**{story.get_absolute_url()}")
    # PostgreSQL finds the inflected form; SQLite's plain search needs the word as written.
    word = "заключенные" if connection.vendor == "postgresql" else "заключенных"
    page.fill("#site-search-q", word)
    page.keyboard.press("Enter")
    expect(page.locator(".story-list")).to_contain_text(HEADLINE_RU)
    expect(page.locator(".story-list mark").first).to_be_visible()


def test_public_pages_have_no_serious_accessibility_violations(
    page, live_server, newsroom, tmp_path
):
    story = file_a_story(page, live_server, tmp_path)
    publish_and_translate(page, live_server, story)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    admin_form = axe_violations(page)  # reported, not failed: Django's own markup
    page.context.clear_cookies()
    today = timezone.localdate()
    pages = {
        "home": "/en/",
        "article": story.get_absolute_url(),
        "day-archive": f"/ru/archive/{today:%Y/%m/%d}/",
        "search": "/ru/search/?q=суд",
    }
    found = {}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        screenshot(page, name)
        found[name] = axe_violations(page)
    assert found == {name: [] for name in pages}, (found, admin_form)


def test_keyboard_reaches_the_language_switch_calendar_and_search(
    page, live_server, newsroom
):
    page.goto(f"{live_server.url}/en/")
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.closest('.language-switch') ? 'switch' : '',"
            " e.closest('.calendar') ? 'calendar' : '', e.id] }"
        )
        reached.update(filter(None, focused))
    assert {"switch", "calendar", "site-search-q"} <= reached, reached
