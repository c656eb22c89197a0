"""The partner feed, read as a partner's ingest reads it: valid ninjs 2.1, legally whole."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from api.ninjs import iso
from articles.models import Article
from photos.models import Photographer
from tests.disclaimers.conftest import LABEL_2020, LABEL_2022
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_region,
    make_tag,
    moscow,
)

pytestmark = pytest.mark.django_db

URL = "/api/ninjs/"
LABEL_HTML = f'<p class="legal-label" lang="ru">{LABEL_2022}</p>'


def feed(client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def walk(client, **params) -> list[dict]:
    """Every item, following `next` to the end."""
    page = feed(client, **params)
    items = page["items"]
    while page["next"]:
        page = feed(
            client,
            **{k: v[0] for k, v in parse_qs(urlsplit(page["next"]).query).items()},
        )
        items += page["items"]
    return items


def by_language(items: list[dict]) -> dict[str, dict]:
    return {item["language"]: item for item in items}


def html_body(item: dict) -> str:
    [body] = [b["value"] for b in item["bodies"] if b["contenttype"] == "text/html"]
    return body


def text_body(item: dict) -> str:
    [body] = [b["value"] for b in item["bodies"] if b["contenttype"] == "text/plain"]
    return body


@pytest.fixture
def photographer():
    return Photographer.objects.create(name_en="Aziz Karimov", name_ru="Азиз Каримов")


@pytest.fixture
def story(labels, memorial, photographer):
    """A Russian original mentioning a register entry, with photos, and its translation."""
    lead = make_photo(credit_form="photo_by_for_agency", photographer=photographer)
    inside = make_photo(caption_en="Court building", caption_ru="Здание суда")
    author = make_author(name_en="Faik Medjid", name_ru="Фаик Меджид")
    region = make_region(slug="north", name_en="North", name_ru="Север")
    make_tag(name_ru="суды", name_en="courts")
    original = make_article(
        language="ru",
        headline="«Мемориал» обжалует решение суда",
        lead="Суд отложил заседание.",
        body=f"<p>Юристы «Мемориала» подали жалобу.</p><p>[photo:{inside.pk}]</p>",
        source="наш корреспондент",
        region=region,
        tags=["суды"],
        authors=[author],
        lead_photo=lead,
    )
    translation = make_article(
        language="en",
        headline="Memorial appeals the ruling",
        lead="The court postponed the hearing.",
        body=f"<p>Memorial lawyers filed an appeal.</p><p>[photo:{inside.pk}]</p>",
        region=region,
        tags=["courts"],
        authors=[author],
        lead_photo=lead,
        translation_of=original,
    )
    return original, translation


def test_every_item_on_a_page_validates_against_the_ninjs_2_1_schema(
    client, story, ninjs_validator
):
    make_article(language="en", headline="A bare story", lead="", body="<p>x</p>")
    items = feed(client)["items"]
    assert len(items) == 3
    for item in items:
        errors = [error.message for error in ninjs_validator.iter_errors(item)]
        assert errors == [], item["uri"]
        assert item["type"] == "text"
    en = by_language(items[:2])["en"]
    assert en["headlines"] == [{"value": "Memorial* appeals the ruling"}]
    assert en["by"] == "Faik Medjid"
    assert en["subjects"][0]["name"] == "courts"
    assert en["places"][0]["name"] == "North"
    assert by_language(items[:2])["ru"]["places"][0]["name"] == "Север"
    assert en["copyrightholder"] == "Highland Herald"
    assert "Highland Herald" in en["copyrightnotice"]
    assert en["version"] == "1"


def test_the_validator_really_checks_formats_and_unknown_fields(ninjs_validator):
    """Guards the test above: jsonschema skips formats whose checker is not installed."""
    assert not ninjs_validator.is_valid({"uri": "not a uri"})
    assert not ninjs_validator.is_valid(
        {"uri": "https://x.test/1", "firstcreated": "soon"}
    )
    assert not ninjs_validator.is_valid({"uri": "https://x.test/1", "headline": "x"})
    assert not ninjs_validator.is_valid(
        {"uri": "https://x.test/1", "associations": [{"uri": "https://x.test/2"}]}
    )


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.SUBMITTED},
        {"status": Article.Status.RETURNED},
        # Never live: not even its withdrawal is news to partners.
        {"status": Article.Status.WITHDRAWN, "published_at": None},
        {"published_at": timezone.now() + timedelta(hours=2)},
        # Sent to partners under embargo: keyed partners only (tests/api/test_wire.py).
        {"published_at": timezone.now() + timedelta(hours=2), "embargoed": True},
    ],
)
def test_unpublished_stories_never_appear(client, labels, state):
    make_article(language="ru", headline="Не для печати", **state)
    visible = make_article(language="ru", headline="Опубликовано")
    for params in [{}, {"language": "ru"}, {"since": "2000-01-01T00:00:00Z"}]:
        items = walk(client, **params)
        assert [item["uri"] for item in items] == [
            f"http://testserver{visible.get_absolute_url()}"
        ]
    assert "Не для печати" not in client.get(URL).content.decode()


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("published_at", [moscow(2005, 3, 1, 10, 0), None])
def test_label_in_force_opens_every_html_and_text_body(
    client, labels, language, published_at
):
    fields = {"published_at": published_at} if published_at else {}
    make_article(language=language, headline="Headline", lead="Lead.", **fields)
    [item] = feed(client, language=language)["items"]
    html = html_body(item)
    assert html.startswith(LABEL_HTML)
    assert html.index(LABEL_HTML) < html.index("Lead.")
    assert LABEL_2020 not in html  # the wording in force today, not at publication
    assert text_body(item).startswith(LABEL_2022)


def test_register_mention_has_its_asterisk_and_footnote_as_on_the_site(client, story):
    ru = by_language(feed(client)["items"])["ru"]
    assert ru["headlines"] == [{"value": "«Мемориал»* обжалует решение суда"}]
    html = html_body(ru)
    assert html.index(LABEL_HTML) < html.index("Суд отложил заседание.")
    assert html.index("Суд отложил заседание.") < html.index("Юристы")
    assert html.rstrip().endswith(
        '<p class="footnote"><small>*Внесён Минюстом РФ в реестр иностранных агентов'
        "</small></p>"
    )


def test_photo_credit_is_the_association_by_and_copyright_notice(client, story):
    items = by_language(feed(client)["items"])
    lead, inside = items["en"]["associations"]
    assert lead["name"] == "featureimage"
    assert lead["type"] == "picture"
    assert (
        lead["by"]
        == lead["copyrightnotice"]
        == "Photo by Aziz Karimov for Highland Herald"
    )
    assert lead["headlines"] == [{"value": "Photo caption"}]
    assert inside["name"] == "image1"
    assert inside["by"] == inside["copyrightnotice"] == "Photo: Highland Herald"
    assert inside["headlines"] == [{"value": "Court building"}]
    ru_lead = items["ru"]["associations"][0]
    assert ru_lead["by"] == story[0].lead_photo.credit("ru")
    assert ru_lead["by"] == "Фото Азиза Каримова для «Горного вестника»"
    assert ru_lead["uri"] == lead["uri"]  # one picture, one identity
    for rendition in lead["renditions"]:
        assert rendition["href"].startswith("http://testserver/media/renditions/")
    assert {r["contenttype"] for r in lead["renditions"]} == {
        "image/jpeg",
        "image/webp",
    }
    # The body photo stays in place in the HTML, reachable from elsewhere.
    html = html_body(items["en"])
    assert 'src="http://testserver/media/' in html
    assert "Photo: Highland Herald" in html


def test_translations_are_linked_both_ways_published_only(client, story):
    original, translation = story
    other = make_article(language="ru", headline="Ещё одна новость")
    make_article(
        language="en",
        headline="Draft version",
        translation_of=other,
        status=Article.Status.DRAFT,
    )
    everything = feed(client)["items"]
    [other_item] = [
        i for i in everything if i["headlines"][0]["value"] == other.headline
    ]
    assert "altids" not in other_item  # its translation is only a draft
    items = by_language(item for item in everything if item is not other_item)
    assert items["ru"]["altids"] == [
        {
            "role": "translation",
            "value": f"http://testserver{translation.get_absolute_url()}",
        }
    ]
    assert items["en"]["altids"] == [
        {"role": "original", "value": f"http://testserver{original.get_absolute_url()}"}
    ]


def test_cursor_walks_every_item_once_when_timestamps_are_shared(client, labels):
    moments = [moscow(2024, 3, 14, 18, 5)] * 7 + [moscow(2024, 3, 14, 12, 0)] * 6
    moments += [moscow(2023, 1, day, 9, 30) for day in range(1, 11)]
    for number, moment in enumerate(moments):
        make_article(language=["ru", "en"][number % 2], published_at=moment)
    expected = [
        f"http://testserver{article.get_absolute_url()}"
        for article in Article.objects.newest_first()
    ]
    pages = []
    page = feed(client, limit=4)
    while True:
        pages.append([item["uri"] for item in page["items"]])
        if not page["next"]:
            break
        assert page["next"].startswith("http://testserver/api/ninjs/?")
        page = client.get(page["next"]).json()
    assert [len(items) for items in pages] == [4, 4, 4, 4, 4, 3]
    assert [uri for items in pages for uri in items] == expected


def test_since_lists_what_partners_were_told_at_or_after_it_oldest_first(
    client, labels
):
    old = make_article(published_at=moscow(2025, 1, 27, 21, 58))
    at = make_article(published_at=moscow(2025, 1, 27, 21, 59))
    new = make_article(published_at=moscow(2025, 1, 28, 9, 0))
    expected = [at.headline, new.headline]
    for since in [
        "2025-01-27T21:59:00+03:00",
        "2025-01-27T18:59:00Z",
        "2025-01-27T21:59",
    ]:
        items = feed(client, since=since)["items"]
        assert [item["headlines"][0]["value"] for item in items] == expected, since
    assert old.headline in [i["headlines"][0]["value"] for i in feed(client)["items"]]
    # A partner resumes from the last versioncreated it holds (that item again).
    *_, last = feed(client, since="2025-01-01T00:00:00Z")["items"]
    assert last["versioncreated"] == last["firstcreated"]  # never changed since
    assert len(feed(client, since=last["versioncreated"])["items"]) == 1
    assert feed(client, since="2100-01-01T00:00:00Z") == {"items": [], "next": None}


def test_changes_since_come_in_pages_oldest_first(client, labels):
    moments = [moscow(2025, 3, 1, 9, minute) for minute in range(7)]
    for moment in reversed(moments):
        make_article(published_at=moment)
    pages, page = [], feed(client, since="2025-03-01T09:00:00+03:00", limit=3)
    while True:
        pages.append([item["firstcreated"] for item in page["items"]])
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert [len(items) for items in pages] == [3, 3, 1]
    assert [moment for items in pages for moment in items] == [
        iso(moment) for moment in moments
    ]


def test_language_filter_and_both_languages_by_default(client, labels):
    make_article(language="ru", headline="По-русски")
    make_article(language="en", headline="In English")
    assert {i["language"] for i in feed(client, language="ru")["items"]} == {"ru"}
    assert {i["language"] for i in feed(client, language="en")["items"]} == {"en"}
    assert {i["language"] for i in feed(client)["items"]} == {"ru", "en"}


@pytest.mark.parametrize(
    "params",
    [
        {"language": "de"},
        {"language": "RU"},
        {"since": "yesterday"},
        {"since": "2025-13-01T00:00:00Z"},
        {"since": "2025-01-27T21:59:00 03:00"},  # an unencoded +
        {"since": "9999-12-31T23:59:59-12:00"},
        {"cursor": "abc"},
        {"cursor": "1.0"},
        {"cursor": "99999999999999999999999.5"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"limit": "²"},
    ],
)
def test_malformed_parameters_give_400_with_a_json_message(client, labels, params):
    make_article()
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert next(iter(params)) in response.json()["error"]


def test_cyrillic_is_unescaped_in_the_raw_response(client, labels):
    make_article(language="ru", headline="Суд отложил заседание", tags=["суды"])
    response = client.get(URL, {"language": "ru"})
    assert "Суд отложил заседание".encode() in response.content
    assert b"\\u04" not in response.content
    json.loads(response.content.decode("utf-8"))


@pytest.mark.parametrize("count", [5, 40])
def test_query_count_is_the_same_for_a_short_and_a_long_page(
    client, labels, memorial, photographer, django_assert_num_queries, count
):
    photos = [
        make_photo(),
        make_photo(credit_form="photo_by_for_agency", photographer=photographer),
    ]
    authors = [make_author(), make_author()]
    regions = [make_region(), make_region()]
    for number in range(count):
        original = make_article(
            language="ru",
            body=f"<p>Мемориал.</p><p>[photo:{photos[1].pk}]</p>",
            authors=authors,
            tags=["суды", f"tag{number}"],
            region=regions[number % 2],
            lead_photo=photos[0],
        )
        if number % 2:
            make_article(
                language="en",
                translation_of=original,
                authors=authors[:1],
                lead_photo=photos[1],
            )
    Article.objects.filter(pk=original.pk).update(  # as the withdraw step leaves it
        status=Article.Status.WITHDRAWN, wire_at=timezone.now(), wire_version=2
    )
    feed(client, limit=100)  # the photos' first readers make their renditions
    # The list's stories, then their items' (rendered: the page cache is off).
    with django_assert_num_queries(11):
        items = feed(client, limit=100)["items"]
    assert len(items) == count + count // 2 - 1
    # The changes since a moment, kill notices (and their reasons) among them.
    with django_assert_num_queries(12):
        items = feed(client, limit=100, since="2000-01-01T00:00:00Z")["items"]
    assert len(items) == count + count // 2
    assert [item["pubstatus"] for item in items].count("canceled") == 1
