"""The print view and the preview as a phone draws them: nothing wider than 390 px."""

import pytest
from django.test import Client

from articles.models import Article, Correction
from articles.preview import preview_url
from tests.factories import make_article, make_author, make_photo

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
WIDEST = "() => document.documentElement.scrollWidth"


def long_story(**fields) -> Article:
    """Everything a page carries, at its longest: the words a phone must wrap."""
    article = make_article(
        headline="Верховный суд рассмотрит жалобу правозащитников " * 3,
        slug="a" * 100,
        lead="A lead paragraph. " * 10,
        body="<p>" + "Body text of the story. " * 60 + "</p>",
        source="our correspondent in the northern highlands",
        lead_photo=make_photo(size=(1600, 1000), credit_text="Valley Pictures"),
        authors=[make_author(name_en="Konstantin Konstantinopolsky-Vasilyev")],
        **fields,
    )
    Correction.objects.create(article=article, text="An earlier version erred. " * 5)
    return article


@pytest.mark.parametrize("media", ["screen", "print"])
def test_print_view_does_not_overflow_a_phone(page, live_server, labels, media):
    article = long_story()
    page.set_viewport_size(PHONE)
    page.emulate_media(media=media)
    page.goto(live_server.url + article.get_absolute_url() + "print/")
    assert page.evaluate(WIDEST) <= PHONE["width"]


def test_preview_banner_does_not_overflow_a_phone(
    page, live_server, labels, make_staff
):
    editor = make_staff("Editor")
    article = long_story(status=Article.Status.DRAFT)
    staff = Client()
    staff.force_login(editor)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": staff.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + preview_url(article))
    assert page.locator(".preview-banner").is_visible()
    assert page.evaluate(WIDEST) <= PHONE["width"]
