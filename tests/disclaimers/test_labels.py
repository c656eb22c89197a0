"""Invariant 2: the label in force stands on every public rendering, under the headline."""

import html
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from disclaimers.models import Disclaimer
from tests.disclaimers.conftest import LABEL_2020, LABEL_2022
from tests.factories import main_text, make_article, make_author, make_region, moscow

pytestmark = pytest.mark.django_db

LABEL_ELEMENT = re.compile(r'<p class="legal-label" lang="ru">([^<]*)</p>')


def label_texts(response) -> list[str]:
    return [
        html.unescape(text) for text in LABEL_ELEMENT.findall(response.content.decode())
    ]


def follows_the_headline(text: str) -> bool:
    """The label is the first element after the page's <h1>."""
    after_h1 = text[text.index("</h1>") + len("</h1>") :].lstrip()
    return after_h1.startswith('<p class="legal-label" lang="ru">')


@pytest.fixture(params=["ru", "en"])
def language(request):
    return request.param


@pytest.fixture(params=["2005", "today"])
def article(request, language, labels):
    published_at = (
        moscow(2005, 6, 1, 9, 57) if request.param == "2005" else timezone.now()
    )
    return make_article(
        language=language,
        published_at=published_at,
        region=make_region(slug="north"),
        authors=[make_author(name_en="Ann Lee", name_ru="Анна Ли")],
        tags=["courts"],
    )


def public_surfaces(article):
    day = timezone.localtime(article.published_at)
    lang = article.language
    author = article.authors.get()
    return [
        article.get_absolute_url(),
        article.get_absolute_url() + "print/",
        f"/{lang}/",
        f"/{lang}/news/",
        f"/{lang}/archive/{day:%Y}/",
        f"/{lang}/archive/{day:%Y/%m}/",
        f"/{lang}/archive/{day:%Y/%m/%d}/",
        f"/{lang}/tags/courts/",
        f"/{lang}/regions/north/",
        f"/{lang}/authors/{author.slug}/",
    ]


def test_label_in_force_stands_under_the_headline_on_every_surface(client, article):
    for url in public_surfaces(article):
        response = client.get(url)
        assert response.status_code == 200, url
        assert label_texts(response) == [LABEL_2022], url
        assert follows_the_headline(response.content.decode()), url


def test_old_article_shows_todays_wording_not_the_one_of_its_day(client, labels):
    article = make_article(published_at=moscow(2021, 1, 23, 9, 57))
    texts = label_texts(client.get(article.get_absolute_url()))
    assert texts == [LABEL_2022]
    assert LABEL_2020 not in texts


def test_label_comes_before_lead_and_body_on_the_article_page(client, labels):
    article = make_article(lead="The lead.", body="<p>The body.</p>")
    text = main_text(client.get(article.get_absolute_url()))
    label = text.index('class="legal-label"')
    assert text.index("<h1") < label < text.index("The lead.") < text.index("The body.")


def test_label_is_in_russian_on_english_pages(client, labels):
    response = client.get(make_article(language="en").get_absolute_url())
    assert (
        '<p class="legal-label" lang="ru">НАСТОЯЩИЙ МАТЕРИАЛ'
        in response.content.decode()
    )


def test_label_text_is_the_exact_wording_with_plain_spaces(client, labels):
    text = client.get(make_article().get_absolute_url()).content.decode()
    element = LABEL_ELEMENT.search(text).group(1)
    assert "&nbsp;" not in element and "\xa0" not in element
    assert html.unescape(element) == LABEL_2022


def test_a_label_limited_to_russian_pages_stays_off_english_ones(client, labels):
    Disclaimer.objects.create(
        text="ТОЛЬКО ДЛЯ РУССКИХ СТРАНИЦ",
        locales=["ru"],
        effective_from=date(2023, 1, 1),
    )
    assert "ТОЛЬКО ДЛЯ РУССКИХ СТРАНИЦ" in label_texts(client.get("/ru/"))
    assert "ТОЛЬКО ДЛЯ РУССКИХ СТРАНИЦ" not in label_texts(client.get("/en/"))


def test_a_new_version_replaces_the_old_one_on_its_first_day(client, labels):
    _old, new = labels
    today = timezone.localdate()
    new.effective_to = today - timedelta(days=1)
    new.save()
    Disclaimer.objects.create(text="ВЕРСИЯ С СЕГОДНЯШНЕГО ДНЯ", effective_from=today)
    assert label_texts(client.get("/en/")) == ["ВЕРСИЯ С СЕГОДНЯШНЕГО ДНЯ"]


def test_admin_shows_which_version_stood_on_a_date(admin_client, labels):
    url = "/admin/disclaimers/disclaimer/?in_force_on="
    on_2021 = admin_client.get(url + "2021-06-01").content.decode()
    assert LABEL_2020[:40] in on_2021 and LABEL_2022[:40] not in on_2021
    on_2023 = admin_client.get(url + "2023-06-01").content.decode()
    assert LABEL_2022[:40] in on_2023 and LABEL_2020[:40] not in on_2023
    assert admin_client.get(url + "not-a-date").status_code == 200


def test_no_template_shows_an_article_text_except_through_the_renderer():
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR, "templates")
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        # Only the renderer's output (material.body) may be shown, never article.body.
        if re.search(r"(?<!material)\.body\b", path.read_text())
    ]
    assert offenders == []


def templates_writing(marker: str) -> list[str]:
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR, "templates")
    return sorted(
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file() and marker in path.read_text()
    )


def test_label_footnote_and_byline_markup_is_written_in_one_template():
    for marker in ('class="legal-label"', 'class="footnote"', 'class="byline"'):
        assert templates_writing(marker) == ["articles/material.html"], marker
    # The original-publication note too, and photo credits in photos' one figure.
    assert templates_writing("originally published") == ["articles/material.html"]
    assert templates_writing("photo__credit") == ["photos/_figure.html"]


def test_label_fragment_is_the_same_on_every_surface_byte_for_byte(
    client, labels, language
):
    import feedparser

    article = make_article(language=language, tags=["courts"])
    fragments = {
        url: LABEL_ELEMENT.search(client.get(url).content.decode()).group(0)
        for url in [
            article.get_absolute_url(),
            article.get_absolute_url() + "print/",
            f"/{language}/",
            f"/{language}/tags/courts/",
            f"/{language}/search/?q=story",
        ]
    }
    for feed in ("rss", "atom"):
        [entry] = feedparser.parse(
            client.get(f"/{language}/feeds/{feed}/").content
        ).entries
        markup = entry.get("content", [{}])[0].get("value") or entry.summary
        fragments[feed] = LABEL_ELEMENT.search(markup).group(0)
    [item] = client.get("/api/ninjs/").json()["items"]
    fragments["ninjs"] = LABEL_ELEMENT.search(item["bodies"][0]["value"]).group(0)
    assert set(fragments.values()) == {
        f'<p class="legal-label" lang="ru">{html.escape(LABEL_2022, quote=False)}</p>'
    }, fragments


def test_syndicated_items_follow_the_page_order_with_note_and_byline(client, labels):
    """Feeds and the partner feed carry one material: labels, lead, body, the
    original's note, byline, footnotes, in the page's order."""
    import feedparser

    original = make_article(language="ru", headline="Оригинал")
    translation = make_article(
        language="en",
        lead="The lead.",
        body="<p>The body.</p>",
        source="our correspondent",
        translation_of=original,
        authors=[make_author(name_en="Ann Lee", name_ru="Анна Ли")],
    )
    [entry] = feedparser.parse(client.get("/en/feeds/rss/").content).entries
    [item] = [
        item
        for item in client.get("/api/ninjs/").json()["items"]
        if item["language"] == "en"
    ]
    for markup in (entry.summary, item["bodies"][0]["value"]):
        order = [
            markup.index(part)
            for part in (
                'class="legal-label"',
                "The lead.",
                "The body.",
                "originally published on the Russian page",
                f'href="http://testserver{original.get_absolute_url()}"',
                "Ann Lee",
                "Source: our correspondent",
            )
        ]
        assert order == sorted(order), markup
    assert translation.get_absolute_url() in entry.link
