"""A headline that names a register entry carries its asterisk wherever it is shown."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest
from django.utils import timezone

from disclaimers.models import Mention
from tests.factories import main_text, make_article, make_author, make_region

pytestmark = pytest.mark.django_db

NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
STARRED = "Memorial* appeals the ruling"


@pytest.fixture
def story(labels, memorial):
    return make_article(
        language="en",
        headline="Memorial appeals the ruling",
        body="<p>The court heard Memorial again.</p>",
        region=make_region(slug="north"),
        tags=["courts"],
        authors=[make_author(name_en="Faik Medjid", name_ru="Фаик Меджид")],
    )


def story_headlines(text: str) -> list[str]:
    return re.findall(r'<h3 class="story__headline"><a [^>]*>([^<]*)</a></h3>', text)


def sidebar_headlines(text: str) -> list[str]:
    section = text[text.index('<section class="latest-news"') :]
    section = section[: section.index("</section>")]
    return [
        headline.strip()
        for headline in re.findall(
            r'<a href="/[^"]*/news/\d+/[^"]*">([^<]*)</a>', section
        )
    ]


def list_pages(article) -> list[str]:
    day = timezone.localtime(article.published_at)
    return [
        "/en/",
        "/en/news/",
        f"/en/archive/{day:%Y/%m/%d}/",
        "/en/tags/courts/",
        "/en/regions/north/",
        f"/en/authors/{article.authors.get().slug}/",
    ]


def test_headline_in_every_story_list_carries_the_asterisk(client, story):
    for url in list_pages(story):
        text = main_text(client.get(url))
        assert story_headlines(text) == [STARRED], url


def test_latest_news_sidebar_headline_carries_the_asterisk(client, story):
    other = make_article(language="en", headline="Roads reopen")
    assert client.get(other.get_absolute_url()).status_code == 200
    for url in ["/en/", other.get_absolute_url()]:
        text = client.get(url).content.decode()
        assert STARRED in sidebar_headlines(text), url


def test_search_result_headline_carries_the_asterisk(client, story):
    text = main_text(client.get("/en/search/", {"q": "appeals"}))
    assert story_headlines(text) == [STARRED]


def test_related_story_headline_carries_the_asterisk(client, story):
    later = make_article(
        language="en",
        headline="Hearing set",
        region=story.region,
        published_at=timezone.now(),
    )
    text = client.get(later.get_absolute_url()).content.decode()
    related = text[text.index('<section class="related"') :]
    assert f">{STARRED}</a>" in related


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_item_title_carries_the_asterisk_as_a_character(client, story, kind):
    for url in [f"/en/feeds/{kind}/", f"/en/feeds/tags/courts/{kind}/"]:
        [entry] = feedparser.parse(client.get(url).content).entries
        assert entry.title == STARRED, url


def test_partner_feed_headline_carries_the_asterisk(client, story):
    [item] = client.get("/api/ninjs/").json()["items"]
    assert item["headlines"] == [{"value": STARRED}]


def test_news_sitemap_title_carries_the_asterisk(client, story):
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert [node.text for node in root.iter(f"{NEWS}title")] == [STARRED]


def test_article_title_opengraph_twitter_and_json_ld_carry_the_asterisk(client, story):
    text = client.get(story.get_absolute_url()).content.decode()
    assert f"<title>{STARRED} — Highland Herald</title>" in text
    assert f'<meta property="og:title" content="{STARRED}">' in text
    assert f'<meta name="twitter:title" content="{STARRED}">' in text
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', text).group(1)
    )
    assert data["headline"] == STARRED
    print_page = client.get(story.get_absolute_url() + "print/").content.decode()
    assert f"<title>{STARRED} — Highland Herald</title>" in print_page


def test_russian_headline_gets_the_asterisk_after_the_closing_quote(client, memorial):
    article = make_article(language="ru", headline="«Мемориал» обжалует решение")
    page = main_text(client.get(article.get_absolute_url()))
    assert '<h1 class="article__headline">«Мемориал»* обжалует решение</h1>' in page
    assert story_headlines(main_text(client.get("/ru/news/"))) == [
        "«Мемориал»* обжалует решение"
    ]
    [entry] = feedparser.parse(client.get("/ru/feeds/rss/").content).entries
    assert entry.title == "«Мемориал»* обжалует решение"


def test_list_headline_is_the_one_the_story_page_shows(client, memorial):
    """Lists star headlines from the register names; the page from its mentions."""
    article = make_article(
        language="ru",
        headline="Суд над «Мемориалом»: «Мемориал» и Memorial's lawyers",
    )
    page = main_text(client.get(article.get_absolute_url()))
    h1 = re.search(r'<h1 class="article__headline">([^<]*)</h1>', page).group(1)
    assert h1.count("*") == 1
    assert story_headlines(main_text(client.get("/ru/"))) == [h1]


def test_a_dismissed_mention_leaves_the_headline_unstarred_everywhere(client, story):
    Mention.objects.filter(article=story).update(status=Mention.Status.DISMISSED)
    plain = "Memorial appeals the ruling"
    assert story_headlines(main_text(client.get("/en/news/"))) == [plain]
    assert plain in sidebar_headlines(client.get("/en/news/").content.decode())
    [entry] = feedparser.parse(client.get("/en/feeds/rss/").content).entries
    assert entry.title == plain
    assert f"<title>{plain} — " in client.get(story.get_absolute_url()).text


def test_an_entry_removed_from_the_register_no_longer_stars_list_headlines(
    client, story, memorial
):
    memorial.delisted_on = date(2024, 1, 1)
    memorial.save()
    assert story_headlines(main_text(client.get("/en/news/"))) == [
        "Memorial appeals the ruling"
    ]


@pytest.mark.parametrize("url", ["/en/", "/en/news/", "/en/tags/courts/"])
def test_starring_list_headlines_costs_no_query_per_story(
    client, labels, memorial, django_assert_num_queries, url
):
    region = make_region(slug="north")
    for number in range(12):
        make_article(
            language="en",
            headline=f"Memorial statement {number}",
            region=region,
            tags=["courts"],
        )
    with django_assert_num_queries({"/en/tags/courts/": 7}.get(url, 5)):
        text = client.get(url).content.decode()
    assert len(story_headlines(text)) == 12
    assert all("Memorial*" in headline for headline in story_headlines(text))
    assert all("Memorial*" in headline for headline in sidebar_headlines(text))


def test_no_public_template_shows_a_headline_without_its_asterisks():
    """Headlines go through {{ article|headline }} or the material, never raw."""
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR, "templates")
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file()
        and "admin" not in path.relative_to(templates).parts
        and re.search(r"(?<!material)\.headline\b", path.read_text())
    ]
    assert offenders == []


def test_each_register_entry_in_a_list_headline_gets_its_own_asterisk(client, memorial):
    from disclaimers.models import DesignatedEntity

    DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.UNDESIRABLE,
        names_ru="Открытый берег",
        names_en="Open Shore\nOpen Shore Foundation",
        footnote_ru="*Нежелательная организация",
        footnote_en="*An undesirable organisation",
        listed_on=date(2023, 1, 1),
    )
    article = make_article(
        language="en", headline="Memorial and Open Shore sue; Memorial wins"
    )
    expected = "Memorial* and Open Shore* sue; Memorial wins"
    assert story_headlines(main_text(client.get("/en/news/"))) == [expected]
    assert f'<h1 class="article__headline">{expected}</h1>' in main_text(
        client.get(article.get_absolute_url())
    )
