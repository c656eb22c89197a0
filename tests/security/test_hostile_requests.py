"""Hostile query strings and paths: normal pages, clean 400s or 404s, never a 500."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "' OR 1=1 --",
    "'; DROP TABLE articles_article; --",
    "%",
    "%%_%",
    "\x00",
    "a\x00b",
    "\\",
    '"',
    "-",
    '-"',
    "or or or",
    "!(&|):*<>",
    "\ud7ff\ue000\uffff",
    "٣٤٥",
    "9" * 5000,
    "x" * 100_000,
]


@pytest.fixture
def stories(labels):
    return [make_article(headline=f"Story {n}") for n in range(3)]


@pytest.fixture
def raise_server_errors(client):
    """A 500 fails the test with its traceback instead of becoming a response."""
    client.raise_request_exception = True
    return client


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_search_gives_a_normal_page_whatever_the_query(
    raise_server_errors, stories, value
):
    client = raise_server_errors
    for field in ["q", "order", "date_from", "date_to", "region", "tag", "page"]:
        response = client.get("/en/search/", {"q": "Story", field: value})
        assert response.status_code == 200, field


@pytest.mark.parametrize(
    "day", ["0001-01-01", "9999-12-31", "1-1-1", "2024-02-30", "+2024-01-01"]
)
def test_search_takes_any_date_range(raise_server_errors, stories, day):
    for field in ["date_from", "date_to"]:
        response = raise_server_errors.get("/en/search/", {"q": "Story", field: day})
        assert response.status_code == 200, field


@pytest.mark.parametrize(
    "value", [*HOSTILE_VALUES, "1.1", "-5.3", "99999999999999999999.1"]
)
def test_listing_cursors_give_a_normal_page(raise_server_errors, stories, value):
    for path in ["/en/", "/en/news/"]:
        for cursor in ["before", "after"]:
            response = raise_server_errors.get(path, {cursor: value})
            assert response.status_code == 200


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_partner_feed_refuses_bad_parameters_with_400(
    raise_server_errors, stories, value
):
    for parameter in ["language", "since", "cursor", "limit"]:
        response = raise_server_errors.get("/api/ninjs/", {parameter: value})
        assert response.status_code in (200, 400), parameter
        if response.status_code == 400:
            assert "error" in response.json()


def test_partner_feed_ignores_unknown_parameters(raise_server_errors, stories):
    response = raise_server_errors.get("/api/ninjs/", {"q": "' OR 1=1 --"})
    assert response.status_code == 200


def test_too_many_query_parameters_are_a_clean_400(client, stories):
    query = "&".join(f"f{n}=1" for n in range(5000))
    for path in ["/en/search/", "/en/news/", "/api/ninjs/"]:
        assert client.get(f"{path}?{query}").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/en/archive/2024/13/",
        "/en/archive/2024/00/",
        "/en/archive/2024/01/32/",
        "/en/archive/2024/02/30/",
        "/en/archive/2023/02/29/",
        "/en/archive/2024/04/31/",
        "/en/archive/2024/01/00/",
        "/en/archive/0000/",
        "/en/archive/0000/01/01/",
        "/en/archive/99999/",
        "/en/archive/9999/12/31/",
        "/en/archive/1000/",
        "/en/archive/2024/1/",
        "/en/archive/-202/",
        "/en/archive/2024/01/01%00/",
        "/en/archive/%27%20OR%201=1/",
        "/en/archive/" + "9" * 10_000 + "/",
    ],
)
def test_malformed_archive_dates_are_404(raise_server_errors, stories, path):
    assert raise_server_errors.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/tags/%27%20OR%201=1--/",
        "/en/tags/" + "x" * 100_000 + "/",
        "/en/regions/%00/",
        "/en/authors/" + "a" * 100_000 + "/",
        "/en/news/99999999999999999999999/slug/",
        "/en/news/1/%00/",
        "/en/feeds/tags/%25/rss/",
        "/articles/" + "9" * 100_000 + "/",
        "/en/articles/%27%20OR%201=1--/",
    ],
)
def test_hostile_paths_are_404_or_400(raise_server_errors, stories, path):
    # 400: Django refuses to redirect an over-long path to its language prefix.
    assert raise_server_errors.get(path).status_code in (400, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/media/../newsroom/settings.py",
        "/media/%2e%2e/newsroom/settings.py",
        "/media/%2e%2e%2fnewsroom%2fsettings.py",
        "/media/..%5cnewsroom%5csettings.py",
        "/media//etc/passwd",
        "/media/%2fetc%2fpasswd",
        "/static/../newsroom/settings.py",
        "/static/%2e%2e/newsroom/settings.py",
        "/static/css/..%2f..%2fnewsroom%2fsettings.py",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/admin/../../../../../../etc/passwd",
    ],
)
def test_path_tricks_on_media_and_static_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"SECRET_KEY" not in response.content
    assert b"root:" not in response.content
