"""Partners and their keys: shown once, kept as a digest, revocable, rotatable."""

import re

import pytest

from api.models import Partner, PartnerRequests
from tests.factories import make_article, make_region

pytestmark = pytest.mark.django_db

FEED = "/api/ninjs/"
KEY = re.compile(r"nr_[0-9a-f]{8}_[\w-]{40,}")


@pytest.fixture
def editor_client(client, make_staff):
    client.force_login(make_staff("Editor"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def register(client, name: str, **fields) -> tuple[Partner, str]:
    """An editor registers a partner in the admin; the key is in the message."""
    response = client.post(
        "/admin/api/partner/add/",
        {"name": name, "contact": "desk@example.org", "languages": ["en"], **fields},
        follow=True,
    )
    assert response.status_code == 200
    key = KEY.search(response.text).group()
    return Partner.objects.get(name=name), key


def feed(client, key: str | None = None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(FEED, params, **headers)


def test_an_editor_registers_a_partner_whose_key_is_shown_once(editor_client):
    partner, key = register(editor_client, "Valley Daily")
    assert key not in str(Partner.objects.values().get())  # only the digest is kept
    assert Partner.holding(key) == partner
    page = editor_client.get(f"/admin/api/partner/{partner.pk}/change/").text
    assert key not in page


def test_a_keyed_feed_answers_partners_only_with_their_stories(
    editor_client, client, settings, labels
):
    settings.PARTNER_FEED_REQUIRES_KEY = True
    north, south = make_region(), make_region()
    make_article(language="en", region=north, headline="North story")
    make_article(language="en", region=south, headline="South story")
    make_article(language="ru", region=north)
    _partner, key = register(editor_client, "North Herald", regions=[north.pk])
    client.logout()

    refused = feed(client)
    assert refused.status_code == 401
    assert "partner key" in refused.json()["error"]

    items = feed(client, key).json()["items"]
    assert [item["headlines"][0]["value"] for item in items] == ["North story"]
    assert feed(client, key)["Cache-Control"].startswith("private")
    partner = Partner.objects.get(name="North Herald")
    assert partner.last_request_at is not None
    assert PartnerRequests.objects.get(partner=partner).count == 2


def test_a_revoked_or_replaced_key_is_refused_at_once(editor_client, client, labels):
    partner, key = register(editor_client, "Lake Gazette")
    assert feed(client, key).status_code == 200  # the feed is open, the key good

    editor_client.post(
        "/admin/api/partner/",
        {"action": "issue_new_keys", "_selected_action": [partner.pk]},
    )
    assert feed(client, key).status_code == 401
    new_key = Partner.objects.get(pk=partner.pk)
    assert new_key.key_digest != partner.key_digest

    editor_client.post(
        "/admin/api/partner/",
        {"action": "revoke_keys", "_selected_action": [partner.pk]},
    )
    answer = feed(client, key)
    assert answer.status_code == 401
    assert answer.json() == {
        "error": "This key is unknown or revoked. Ask the agency for a new one."
    }
    assert feed(client, "nr_00000000_forged").status_code == 401


def test_a_partners_answer_is_never_kept_for_anyone_else(
    editor_client, client, page_cache_on, labels
):
    make_article(language="en", headline="Open story")
    _partner, key = register(editor_client, "Steppe Post", languages=["ru"])
    client.logout()
    assert feed(client, key).json()["items"] == []  # Russian only
    # The open feed, asked next, is not the partner's selection kept.
    assert [item["headlines"][0]["value"] for item in feed(client).json()["items"]] == [
        "Open story"
    ]
