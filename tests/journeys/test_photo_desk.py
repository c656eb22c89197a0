"""The photo desk in Chromium: a focal point set by a click, a photo put into the body
from the editor's photo button, the card image cut around the point, and the
Content Credentials of the files readers get."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from photos.models import Photo
from photos.rendering import make_renditions
from tests.factories import make_article, make_photo
from tests.journeys.conftest import click_closing, log_in
from tests.photos.test_focal_point import marked_photo, shows_mark

pytestmark = pytest.mark.django_db(transaction=True)


def test_focal_point_photo_button_card_and_credentials(
    page, live_server, newsroom, media_root, c2pa_trusted
):
    # A wide photo whose subject stands at the right edge; the centre is empty.
    lead = marked_photo((3000, 1000), (0.5, 0.5))
    Photo.objects.filter(pk=lead.pk).update(caption_en="Subject at the right")
    inline = make_photo(caption_en="Bridge over the Terek", caption_ru="Мост")
    make_renditions(inline)
    story = make_article(
        language="en",
        headline="Water rises in the valley",
        lead_photo=lead,
        status=Article.Status.SUBMITTED,
    )
    log_in(page, live_server, "editor")

    # The focal point: a click where the subject is (the mark follows), then save.
    page.goto(f"{live_server.url}/admin/photos/photo/{lead.pk}/change/")
    preview = page.locator(".focal-point img")
    box = preview.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.92, box["y"] + box["height"] * 0.5)
    expect(page.locator("#id_focal_x")).to_have_value(re.compile(r"^0\.9[12]\d$"))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    lead.refresh_from_db()
    assert lead.focal_x == pytest.approx(0.92, abs=0.01)

    # The photo button: the chooser's window, a click on a photo, and it is in.
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.click(".field-body .ProseMirror >> visible=true")
    page.keyboard.press("End")
    with page.expect_popup() as opened:
        page.click(".field-body .photo-button")
    chooser = opened.value
    chooser.fill("#id_q", "Terek")
    chooser.click("button[type=submit]")
    click_closing(chooser, f"[data-photo-id='{inline.pk}']")
    expect(page.locator(".field-body .ProseMirror >> visible=true")).to_contain_text(
        f"[photo:{inline.pk}]"
    )
    page.click("button[value=publish]")
    expect(page.locator(".messagelist")).to_contain_text("approved and published")
    story.refresh_from_db()
    assert f"[photo:{inline.pk}]" in story.body

    # The reader: the card is the crop around the point; the credentials hold.
    page.context.clear_cookies()
    page.goto(live_server.url + story.get_absolute_url())
    card = page.locator("meta[property='og:image']").get_attribute("content")
    social = lead.cropped("social")
    assert card.endswith(social.file.url) and shows_mark(social.file.path)
    assert page.request.get(card).ok
    expect(page.locator("figure figcaption")).to_have_count(2)
    expect(page.locator("figure").nth(1)).to_contain_text("Bridge over the Terek")
    page.locator("figure").nth(1).get_by_role(
        "link", name="Content Credentials"
    ).click()
    expect(page.locator("h1")).to_have_text("Content Credentials")
    expect(page.locator(".credentials__state")).to_contain_text(
        "signed by a certificate this site trusts"
    )
    expect(page.locator(".credentials__facts")).to_contain_text("Highland Herald")
