"""The wire: embargoes, kill notices, corrections as versions, and signed pushes to a
receiving server on the loopback interface."""

import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from api.models import Delivery, Partner
from articles import go_live, workflow
from articles.models import Article, Correction, GoLive
from tests.factories import make_article, make_region

pytestmark = pytest.mark.django_db

FEED = "/api/ninjs/"
README = Path(__file__).parents[2] / "README.md"


def verify_push_from_readme():
    """The README's verification example, run as written."""
    text = README.read_text(encoding="utf-8")
    code = re.search(r"<!-- verify-push.*?-->\n```python\n(.*?)```", text, re.S)
    namespace = {}
    exec(code.group(1), namespace)
    return namespace["verify_push"]


verify_push = verify_push_from_readme()


class Receiver:
    """A partner's push endpoint: keeps what it is sent; fails the first `failures`
    requests with 500."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    receiver.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/wire"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def items(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.received]


@pytest.fixture
def receiver(settings):
    settings.PARTNER_PUSH_ALLOW_LOCAL = True  # the receiver is on this machine
    running = Receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def editor(make_staff):
    return make_staff("Editor")


def partner_with_key(**fields) -> tuple[Partner, str]:
    partner = Partner(name=fields.pop("name", "Valley Daily"), **fields)
    key = partner.issue_key()
    partner.save()
    return partner, key


def feed(client, key=None, **params) -> dict:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    response = client.get(FEED, params, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def draft(**fields) -> Article:
    return make_article(status=Article.Status.DRAFT, **fields)


def test_a_push_is_signed_and_arrives_once_per_event(
    receiver, editor, labels, ninjs_validator
):
    partner, _key = partner_with_key(push_url=receiver.url)
    story = workflow.publish(draft(headline="Flood in the valley"), editor)
    Correction.objects.create(article=story, kind="correction", text="It was Tuesday.")
    event = GoLive.objects.get(article=story, kind=GoLive.Kind.CORRECTED)
    assert go_live.announce(event.pk) is False  # announced already: nothing again
    story.refresh_from_db()
    workflow.withdraw(story, editor, "The court forbade it.")

    items = receiver.items()
    assert [(i["version"], i["pubstatus"]) for i in items] == [
        ("1", "usable"),
        ("2", "usable"),
        ("3", "canceled"),
    ]
    assert "It was Tuesday." in items[1]["bodies"][0]["value"]
    assert "The court forbade it." in items[2]["ednote"]
    for headers, body in receiver.received:
        assert verify_push(partner.signing_secret, headers, body)
        assert headers["Content-Type"] == "application/json; charset=utf-8"
    for item in items:
        ninjs_validator.validate(item)
        assert item["uri"].endswith(story.get_absolute_url())
        assert "legal-label" in item["bodies"][0]["value"]
    log = Delivery.objects.filter(partner=partner).order_by("pk")
    assert [(d.version, d.status, d.attempts) for d in log] == [
        (1, "delivered", 1),
        (2, "delivered", 1),
        (3, "delivered", 1),
    ]


def test_a_wrong_signature_or_an_old_timestamp_is_detected(receiver, editor, labels):
    partner, _key = partner_with_key(push_url=receiver.url)
    workflow.publish(draft(), editor)
    [(headers, body)] = receiver.received
    assert verify_push(partner.signing_secret, headers, body)
    assert not verify_push(partner.signing_secret, headers, body + b" ")
    assert not verify_push("nrsig_another", headers, body)
    forged = {**headers, "X-Newsroom-Signature": "sha256=" + "0" * 64}
    assert not verify_push(partner.signing_secret, forged, body)
    replayed = {**headers, "X-Newsroom-Timestamp": str(int(time.time()) - 3600)}
    assert not verify_push(partner.signing_secret, replayed, body)


def test_a_receiver_that_fails_three_times_then_answers_receives_the_item(
    receiver, editor, labels, database_worker, monkeypatch
):
    monkeypatch.setattr("background.queue.backoff", lambda attempt: timedelta(0))
    partner, _key = partner_with_key(push_url=receiver.url)
    receiver.failures = 3
    story = workflow.publish(draft(headline="Bridge reopens"), editor)
    database_worker()

    [item] = receiver.items()
    assert item["headlines"][0]["value"] == "Bridge reopens"
    delivery = Delivery.objects.get(partner=partner, article=story)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "delivered",
        4,
        "",
    )


def test_a_receiver_that_never_answers_is_logged_and_can_be_resent(
    receiver, editor, labels, database_worker, monkeypatch, client
):
    monkeypatch.setattr("background.queue.backoff", lambda attempt: timedelta(0))
    partner, _key = partner_with_key(push_url=receiver.url)
    receiver.failures = 100
    workflow.publish(draft(), editor)
    database_worker()
    delivery = Delivery.objects.get(partner=partner)
    assert delivery.status == "failed"
    assert delivery.attempts == 8
    assert delivery.last_error == "the receiver answered HTTP 500"
    assert receiver.received == []

    receiver.failures = 0
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    log = client.get(f"/admin/api/delivery/?partner__id__exact={partner.pk}")
    assert "the receiver answered HTTP 500" in log.text
    page = client.get(f"/admin/api/partner/{partner.pk}/change/")
    assert "delivery log" in page.text and "failed" in page.text
    response = client.post(
        "/admin/api/delivery/",
        {"action": "resend", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 delivery is sent again." in response.text
    database_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    [(headers, body)] = receiver.received
    assert headers["X-Newsroom-Delivery"] == str(delivery.pk)
    assert body == delivery.body.encode()


def test_pushes_go_to_the_partners_that_take_the_story(receiver, editor, labels):
    north, south = make_region(), make_region()
    partner_with_key(name="North", push_url=receiver.url, languages=["en"])
    Partner.objects.get(name="North").regions.set([north])
    revoked, _key = partner_with_key(name="Revoked", push_url=receiver.url)
    revoked.revoked_at = timezone.now()
    revoked.save()
    partner_with_key(name="Polls only")

    workflow.publish(draft(region=south), editor)
    workflow.publish(draft(region=north, language="ru"), editor)
    assert receiver.received == []
    workflow.publish(draft(region=north, headline="Northern lights"), editor)
    assert [item["headlines"][0]["value"] for item in receiver.items()] == [
        "Northern lights"
    ]
    assert Delivery.objects.get().partner.name == "North"


def test_an_embargoed_story_reaches_keyed_partners_before_its_time_and_no_reader(
    receiver, editor, labels, client, ninjs_validator
):
    _partner, key = partner_with_key(push_url=receiver.url)
    visible = make_article(headline="Already out")
    at = timezone.now() + timedelta(hours=3)
    story = workflow.schedule(
        draft(headline="Budget figures", body="<p>Embargoed words.</p>"),
        editor,
        at,
        embargo=True,
    )
    with translation.override("en"):
        assert story.state().endswith("sent to partners under embargo")

    [pushed] = receiver.items()
    for item in [pushed, *feed(client, key)["items"][:1]]:
        ninjs_validator.validate(item)
        assert item["headlines"][0]["value"] == "Budget figures"
        assert item["pubstatus"] == "withheld"
        assert item["embargoed"] == at.astimezone(timezone.UTC).isoformat().replace(
            "+00:00", "Z"
        )
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    assert [i["pubstatus"] for i in feed(client, key, since=since)["items"]] == [
        "withheld"
    ]

    # No public surface has it before its time; the open feed neither.
    for url, status in public_urls(story):
        response = client.get(url)
        assert response.status_code == status, url
        assert "Budget figures" not in response.text, url
        assert "Embargoed words" not in response.text, url
    for params in [{}, {"since": "2000-01-01T00:00:00Z"}]:
        uris = [item["uri"] for item in feed(client, **params)["items"]]
        assert uris == [f"http://testserver{visible.get_absolute_url()}"]

    # Its time comes: readers see it, partners get it as usable.
    now = timezone.now()
    Article.objects.filter(pk=story.pk).update(published_at=now)
    GoLive.objects.filter(article=story, by_schedule=True).update(at=now)
    go_live.sweep()
    released = receiver.items()[-1]
    assert (released["version"], released["pubstatus"]) == ("2", "usable")
    assert "embargoed" not in released
    assert "Budget figures" in client.get(story.get_absolute_url()).text


def public_urls(story: Article) -> list[tuple[str, int]]:
    """Every public address that could give away a story not yet out, and what
    each answers meanwhile: the story's own, 404; its day's and month's, 404 while
    that day or month is still to come (three hours ahead may be tomorrow in
    Moscow), else 200 like the rest."""
    day = timezone.localtime(story.published_at)
    today = timezone.localdate()
    day_to_come = 404 if day.date() > today else 200
    month_to_come = 404 if (day.year, day.month) > (today.year, today.month) else 200
    return [
        (story.get_absolute_url(), 404),
        (story.get_absolute_url() + "print/", 404),
        (f"/en/news/{story.pk}/", 404),
        ("/en/", 200),
        ("/en/news/", 200),
        (f"/en/archive/{day:%Y/%m/%d}/", day_to_come),
        (f"/en/archive/{day:%Y/%m}/", month_to_come),
        ("/en/search/?q=Budget", 200),
        ("/en/feeds/rss/", 200),
        ("/en/feeds/atom/", 200),
        ("/sitemap.xml", 200),
        (f"/sitemap-articles-en-{day:%Y-%m}.xml", month_to_come),
        ("/news-sitemap.xml", 200),
    ]


def test_a_withdrawal_reaches_a_partner_that_had_the_story_as_canceled(
    client, editor, labels, ninjs_validator
):
    _partner, key = partner_with_key()
    story = workflow.publish(draft(headline="Mayor resigns"), editor)
    [had] = feed(client, key, since="2000-01-01T00:00:00Z")["items"]
    assert had["pubstatus"] == "usable"

    workflow.withdraw(story, editor, "Facts unconfirmed.")
    [kill] = feed(client, key, since=had["versioncreated"])["items"]
    ninjs_validator.validate(kill)
    assert kill["uri"] == had["uri"]
    assert kill["pubstatus"] == "canceled"
    assert int(kill["version"]) > int(had["version"])
    assert "Facts unconfirmed." in kill["ednote"]
    assert "Facts unconfirmed." in kill["bodies"][1]["value"]
    assert "legal-label" in kill["bodies"][0]["value"]
    # The open feed tells the public of it too: anyone may have republished it.
    assert feed(client, since=had["versioncreated"])["items"][0]["pubstatus"] == (
        "canceled"
    )
    # The newest-first list shows live stories only.
    assert feed(client, key)["items"] == []


def test_a_story_withdrawn_before_anyone_had_it_is_no_news(receiver, editor, labels):
    partner_with_key(push_url=receiver.url)
    story = workflow.schedule(draft(), editor, timezone.now() + timedelta(hours=1))
    workflow.withdraw(story, editor, "Not needed.")
    assert receiver.received == []
    story.refresh_from_db()
    assert story.wire_version == 0
    assert not GoLive.objects.filter(wire_version__isnull=False).exists()


def test_corrections_and_withdrawals_come_in_the_order_they_happened(
    client, editor, labels
):
    _partner, key = partner_with_key()
    first = workflow.publish(draft(headline="First"), editor)
    second = workflow.publish(draft(headline="Second"), editor)
    since = feed(client, key, since="2000-01-01T00:00:00Z")["items"][-1][
        "versioncreated"
    ]
    Correction.objects.create(article=second, text="The count was 12.")
    workflow.withdraw(first, editor, "Duplicate.")
    items = feed(client, key, since=since)["items"]
    assert [(i["headlines"][0]["value"], i["pubstatus"]) for i in items] == [
        ("Second", "usable"),
        ("First", "canceled"),
    ]
    assert items[0]["version"] == "2"
    assert "The count was 12." in items[0]["bodies"][1]["value"]
    assert items[0]["versioncreated"] < items[1]["versioncreated"]


def test_a_later_edit_keeps_what_partners_were_told(editor, labels):
    story = workflow.publish(draft(), editor)
    stale = Article.objects.get(pk=story.pk)
    Correction.objects.create(article=story, text="A note.")
    stale.body = "<p>Edited.</p>"
    stale.save()
    stale.refresh_from_db()
    assert stale.wire_version == 2


def test_revoked_keys_get_401(client, labels):
    partner, key = partner_with_key()
    assert client.get(FEED, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    partner.revoked_at = timezone.now()
    partner.save()
    response = client.get(FEED, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert "unknown or revoked" in response.json()["error"]


@pytest.mark.parametrize(
    "url",
    ["http://partner.example.org/wire", "ftp://127.0.0.1/wire", "http://10.0.0.1/x"],
)
def test_a_push_address_must_be_https(url):
    partner, _key = partner_with_key()
    partner.push_url = url
    with pytest.raises(ValidationError, match="https://"):
        partner.full_clean()


def test_an_editor_sets_a_push_address_and_gets_the_signing_secret(client, make_staff):
    client.force_login(make_staff("Editor"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        "/admin/api/partner/add/",
        {
            "name": "Valley Daily",
            "languages": ["en"],
            "push_url": "https://valley.example.org/wire",
        },
        follow=True,
    )
    partner = Partner.objects.get()
    assert partner.push_url == "https://valley.example.org/wire"
    assert partner.signing_secret.startswith("nrsig_")
    assert partner.signing_secret in response.text
    refused = client.post(
        f"/admin/api/partner/{partner.pk}/change/",
        {"name": "Valley Daily", "languages": ["en"], "push_url": "http://x.org/"},
    )
    assert "must start with https://" in refused.text


def test_pushes_to_this_network_are_refused_unless_allowed(editor, labels, settings):
    settings.PARTNER_PUSH_ALLOW_LOCAL = True
    partner, _key = partner_with_key(push_url="http://127.0.0.1:9/wire")
    settings.PARTNER_PUSH_ALLOW_LOCAL = False
    with pytest.raises(ValidationError, match="https://"):
        partner.full_clean()
    workflow.publish(draft(), editor)
    delivery = Delivery.objects.get()
    # Refused for good, without a connection: retrying cannot help.
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == (
        "not sent: 127.0.0.1 is an address of a private network"
    )


def test_a_revoked_partner_is_sent_nothing_more(receiver, editor, labels):
    from api import push

    partner, _key = partner_with_key(push_url=receiver.url)
    receiver.failures = 1
    workflow.publish(draft(), editor)  # its first attempt fails
    partner.revoked_at = timezone.now()
    partner.save()
    delivery = Delivery.objects.get()
    push.deliver(delivery.pk)  # the retry
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert "revoked" in delivery.last_error
    workflow.publish(draft(), editor)
    assert Delivery.objects.count() == 1
    assert receiver.received == []


def test_a_change_approved_on_an_embargoed_story_is_a_new_version(
    receiver, editor, labels, make_staff
):
    partner_with_key(push_url=receiver.url)
    author = make_staff("Correspondent")
    story = workflow.schedule(
        draft(created_by=author), editor, timezone.now() + timedelta(hours=1), True
    )
    story.headline = "Figures revised"
    workflow.propose(story, author)
    workflow.approve_change(Article.objects.get(pk=story.pk), editor)
    Correction.objects.create(article=story, text="The total is 9.")
    items = receiver.items()
    assert [(i["version"], i["pubstatus"]) for i in items] == [
        ("1", "withheld"),
        ("2", "withheld"),
        ("3", "withheld"),
    ]
    assert items[1]["headlines"][0]["value"] == "Figures revised"
    assert "The total is 9." in items[2]["bodies"][0]["value"]


heard: list[str] = []


def remember(event_id: int) -> None:
    """A GO_LIVE_HOOKS entry, such as a sitemap ping."""
    heard.append(GoLive.objects.get(pk=event_id).kind)


def test_hooks_hear_nothing_of_a_story_before_its_time(editor, labels, settings):
    heard.clear()
    settings.GO_LIVE_HOOKS = ["tests.api.test_wire.remember"]
    story = workflow.schedule(
        draft(), editor, timezone.now() + timedelta(hours=1), embargo=True
    )
    Correction.objects.create(article=story, text="Before its time.")
    story.refresh_from_db()
    workflow.withdraw(story, editor, "Cancelled.")
    assert GoLive.objects.filter(wire_version__isnull=False).count() == 3
    assert heard == []
    live = workflow.publish(draft(), editor)
    workflow.withdraw(live, editor, "Wrong.")
    assert heard == ["published", "withdrawn"]


def test_a_story_published_before_the_wire_is_version_1_then_2(client, editor, labels):
    _partner, key = partner_with_key()
    story = make_article(headline="From the archive")  # never told: no wire version
    [item] = feed(client, key, since="2000-01-01T00:00:00Z")["items"]
    assert (item["version"], item["versioncreated"]) == ("1", item["firstcreated"])
    Correction.objects.create(article=story, text="Checked again.")
    [item] = feed(client, key, since=item["versioncreated"])["items"]
    assert item["version"] == "2"


def test_lost_deliveries_are_queued_again(receiver, editor, labels):
    from api import push

    partner_with_key(push_url=receiver.url)
    workflow.publish(draft(), editor)
    long_ago = timezone.now() - timedelta(hours=1)
    # Its task lost (the queue was down when it was written)...
    Delivery.objects.update(status="waiting", attempts=0, queued_at=long_ago)
    assert push.resume_lost() == 1
    # ...or its worker died while sending.
    Delivery.objects.update(
        status="sending", queued_at=long_ago, last_attempt_at=long_ago
    )
    assert push.resume_lost() == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.received) == 3
    # Waiting for its retry, in time: left alone.
    Delivery.objects.update(
        status="waiting", attempts=3, queued_at=long_ago, last_attempt_at=timezone.now()
    )
    assert push.resume_lost() == 0


def test_keyed_and_open_answers_are_never_mixed_by_a_cache(client, labels):
    response = client.get(FEED)
    assert "Authorization" in response["Vary"] and "X-Api-Key" in response["Vary"]


def items_rendered(response) -> int:
    return sum(t.name == "syndicated" for t in response.templates)  # material.html's


def test_a_partners_feed_renders_again_only_the_items_that_changed(
    client, editor, labels, page_cache_on
):
    _partner, key = partner_with_key()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    older = make_article(headline="Older story")
    at = timezone.now() + timedelta(hours=3)
    with page_cache_on():
        story = workflow.schedule(draft(headline="Budget figures"), editor, at, True)
    assert items_rendered(client.get(FEED, **headers)) == 2

    with page_cache_on():
        workflow.publish(draft(headline="Just published"), editor)
    answer = client.get(FEED, **headers)
    assert items_rendered(answer) == 1
    items = {i["headlines"][0]["value"]: i for i in answer.json()["items"]}
    assert list(items) == ["Budget figures", "Just published", "Older story"]
    assert items["Budget figures"]["pubstatus"] == "withheld"

    # Its time comes (the sweep, not a step, tells partners): usable, version 2.
    now = timezone.now()
    Article.objects.filter(pk=story.pk).update(published_at=now)
    GoLive.objects.filter(article=story, by_schedule=True).update(at=now)
    with page_cache_on():
        go_live.sweep()
    answer = client.get(FEED, **headers)
    assert items_rendered(answer) == 1
    released = answer.json()["items"][0]
    assert released["headlines"][0]["value"] == "Budget figures"
    assert (released["version"], released["pubstatus"]) == ("2", "usable")

    with page_cache_on():  # a withdrawal: its kill notice, rendered every time
        workflow.withdraw(Article.objects.get(pk=older.pk), editor, "Wrong figures")
    for _ in range(2):
        answer = client.get(FEED, {"since": "2000-01-01T00:00:00Z"}, **headers)
        assert [t.name for t in answer.templates].count("withdrawn") == 1
        assert [i["pubstatus"] for i in answer.json()["items"]][-1] == "canceled"
