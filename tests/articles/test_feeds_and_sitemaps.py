"""Feeds, sitemaps and structured data, read as feed readers and crawlers read them."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from photos.models import Photographer
from tests.disclaimers.conftest import LABEL_2022
from tests.factories import make_article, make_author, make_photo, make_region, moscow

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def story(labels):
    photographer = Photographer.objects.create(
        name_en="Aziz Karimov", name_ru="Азиз Каримов"
    )
    photo = make_photo(credit_form="photo_by_for_agency", photographer=photographer)
    return make_article(
        language="en",
        headline="Court postpones hearing",
        region=make_region(slug="north"),
        tags=["courts"],
        authors=[make_author(name_en="Faik Medjid", name_ru="Фаик Меджид")],
        lead_photo=photo,
    )


FEEDS = [
    "/en/feeds/rss/",
    "/en/feeds/atom/",
    "/en/feeds/tags/courts/rss/",
    "/en/feeds/regions/north/atom/",
    "/en/feeds/authors/faik-medjid/rss/",
]


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_parse_cleanly_and_carry_label_credit_and_authors(client, story, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.title == "Court postpones hearing"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    html = entry.get("content", [{}])[0].get("value") or entry.summary
    assert html.index(LABEL_2022.split("«")[0]) < html.index(
        "Photo by Aziz Karimov for Highland Herald"
    )
    assert "Faik Medjid" in entry.author
    assert 'src="http://testserver/media/' in html  # images reachable from a reader


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(hours=2)},
    ],
)
def test_unpublished_stories_stay_out_of_feeds_and_sitemaps(client, labels, state):
    make_article(language="en", headline="Not yet", **state)
    for url in [
        "/en/feeds/rss/",
        "/en/feeds/atom/",
        f"/sitemap-articles-en-{timezone.localdate():%Y-%m}.xml",
        "/news-sitemap.xml",
    ]:
        assert "Not yet" not in client.get(url).text, url
        assert "/news/" not in client.get(url).text, url


def test_every_page_links_its_feeds(client, story):
    text = client.get("/en/tags/courts/").text
    assert (
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="/en/feeds/tags/courts/rss/">'
        in text
    )
    assert 'type="application/atom+xml" title="Atom" href="/en/feeds/atom/"' in text


def test_sitemap_index_lists_each_month_in_each_language_since_the_first_story(
    client, story
):
    today = timezone.localdate()
    two_months_ago = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    make_article(
        language="ru",
        headline="Русская новость",
        published_at=moscow(two_months_ago.year, two_months_ago.month, 15, 12, 0),
    )
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = [
        node.findtext(f"{SITEMAP}loc") for node in index.findall(f"{SITEMAP}sitemap")
    ]
    months = [today, (today.replace(day=1) - timedelta(days=1)), two_months_ago]
    assert locations == [
        f"http://testserver/sitemap-articles-{language}-{month:%Y-%m}.xml"
        for month in months
        for language in ("ru", "en")
    ]
    urlset = ET.fromstring(
        client.get(f"/sitemap-articles-en-{today:%Y-%m}.xml").content
    )
    assert urlset.tag == f"{SITEMAP}urlset"
    [url] = urlset.findall(f"{SITEMAP}url")
    assert (
        url.findtext(f"{SITEMAP}loc") == f"http://testserver{story.get_absolute_url()}"
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", url.findtext(f"{SITEMAP}lastmod"))


def test_month_sitemap_holds_that_months_stories_in_its_language_only(
    client, django_assert_num_queries
):
    march = make_article(language="en", published_at=moscow(2024, 3, 31, 23, 59))
    make_article(language="en", published_at=moscow(2024, 4, 1, 0, 0))
    make_article(language="ru", published_at=moscow(2024, 3, 10, 12, 0))

    with django_assert_num_queries(1):
        urlset = ET.fromstring(client.get("/sitemap-articles-en-2024-03.xml").content)
    assert [node.text for node in urlset.iter(f"{SITEMAP}loc")] == [
        f"http://testserver{march.get_absolute_url()}"
    ]


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-articles-de-2024-03.xml",
        "/sitemap-articles-en-2024-13.xml",
        "/sitemap-articles-en-0000-01.xml",
        "/sitemap-articles-en-2024-3.xml",  # one address per month: 2024-03
        "/sitemap-articles-en-99999999999999999999-01.xml",
        f"/sitemap-articles-en-{timezone.localdate().year + 1}-01.xml",
    ],
)
def test_impossible_sitemap_months_are_not_found(client, address):
    assert client.get(address).status_code == 404


def test_news_sitemap_lists_the_last_48_hours_with_publication_and_language(
    client, labels
):
    fresh = make_article(
        language="ru",
        headline="Свежая новость",
        published_at=timezone.now() - timedelta(hours=1),
    )
    make_article(
        language="en", headline="Old news", published_at=moscow(2020, 1, 1, 10, 0)
    )
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    [url] = root.findall(f"{SITEMAP}url")
    assert (
        url.findtext(f"{SITEMAP}loc") == f"http://testserver{fresh.get_absolute_url()}"
    )
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Горный вестник"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "ru"
    assert news.findtext(f"{NEWS}title") == "Свежая новость"
    assert re.match(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", news.findtext(f"{NEWS}publication_date")
    )


def test_robots_txt_names_the_sitemaps(client):
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text


def test_article_page_has_canonical_hreflang_opengraph_and_json_ld(client, story):
    original = make_article(language="ru", headline="Оригинал")
    story.translation_of = original
    story.save()
    text = client.get(story.get_absolute_url()).text
    url = f"http://testserver{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in text
    assert (
        f'hreflang="ru" href="http://testserver{original.get_absolute_url()}"' in text
    )
    assert f'<meta property="og:url" content="{url}">' in text
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/renditions/[^"]+\.jpg">',
        text,
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in text
    data = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>', text, re.S
        ).group(1)
    )
    assert data["@type"] == "NewsArticle"
    for required in (
        "headline",
        "datePublished",
        "dateModified",
        "author",
        "image",
        "publisher",
        "inLanguage",
    ):
        assert data[required], required
    assert data["author"] == [{"@type": "Person", "name": "Faik Medjid"}]
    assert data["inLanguage"] == "en"


def test_json_ld_cannot_break_out_of_its_script(client, labels):
    article = make_article(headline="</script><script>alert(1)</script>")
    text = client.get(article.get_absolute_url()).text
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', text, re.S
    ).group(1)
    assert "<" not in block
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script>"


def test_feeds_cost_a_fixed_number_of_queries(
    client, labels, django_assert_max_num_queries
):
    author, region = make_author(), make_region()
    for number in range(25):
        make_article(
            language="en",
            authors=[author],
            region=region,
            tags=["x"],
            lead_photo=make_photo() if number % 5 == 0 else None,
        )
    client.get("/en/feeds/rss/")  # the first view makes any missing renditions
    with django_assert_max_num_queries(10):
        client.get("/en/feeds/rss/")
