"""Errors readers may meet: a database briefly away is a 503 to retry, not a 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from articles.views import HomeView
from newsroom import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def test_unreachable_database_gives_a_503_to_retry(reader, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(HomeView, "get_context_data", refused)

    response = reader.get("/en/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert "Briefly unavailable" in response.text


def test_database_lost_inside_a_middleware_is_a_503_too(reader, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 600

    def refused(now):
        raise OperationalError("the database system is starting up")

    # The page cache asks the database when the next scheduled story is due.
    monkeypatch.setattr(page_cache, "next_change", refused)

    assert reader.get("/en/").status_code == 503


def test_other_failures_stay_a_500(reader, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(HomeView, "get_context_data", broken)

    response = reader.get("/en/")

    assert response.status_code == 500
    assert "Retry-After" not in response
