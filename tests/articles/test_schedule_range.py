"""Editors schedule within the accepted range; admin and public pages stay up."""

import re

import pytest

from articles.models import Article
from tests.archive.pages import assert_no_server_error, public_urls
from tests.factories import article_form_data, make_article

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59-12:00", "9999-12-31T23:59", "2200-01-01T00:00"]
)
def test_a_schedule_past_the_accepted_range_is_refused_with_a_message(
    client, make_staff, at
):
    story = make_article(status=Article.Status.SUBMITTED)
    client.force_login(make_staff("Editor"))

    response = client.post(f"{ADMIN}{story.pk}/workflow/schedule/", {"at": at})

    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).status == Article.Status.SUBMITTED
    page = client.get(response["Location"], headers={"accept-language": "en"}).text
    assert re.search("publication time", page, re.IGNORECASE)
    assert client.get(ADMIN).status_code == 200
    assert client.get(f"{ADMIN}queue/").status_code == 200
    client.logout()
    assert_no_server_error(client, public_urls())


def test_the_article_form_refuses_a_control_character_in_the_headline(
    client, make_staff
):
    client.force_login(make_staff("Editor"))

    response = client.post(
        f"{ADMIN}add/", article_form_data(headline="Bad\x01headline")
    )

    assert response.status_code == 200
    assert not Article.objects.exists()
    assert response.context["adminform"].form.errors["headline"]


def test_a_story_saved_in_code_with_a_time_out_of_range_is_refused():
    from django.core.exceptions import ValidationError

    from tests.factories import moscow

    with pytest.raises(ValidationError) as refused:
        make_article(published_at=moscow(1, 1, 1, 12, 0))
    assert "published_at" in refused.value.message_dict
    assert not Article.objects.exists()
