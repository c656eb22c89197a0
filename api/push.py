"""Push delivery: each change partners must hear of is POSTed, signed, to every
partner with a push address that takes the story.

When a change is announced (articles/go_live.py), its item is rendered once and a
Delivery is written for each partner, in the announcement's transaction; a task
per delivery sends it, retried with backoff by the queue (background/queue.py) for
about seven hours, then left "failed" in the partner's delivery log for an editor
to resend.

Each POST carries the ninjs item as its body and, in headers, the moment it was
signed and the signature: HMAC-SHA256, with the partner's signing secret, of
"<timestamp>.<body>". The receiver recomputes it and refuses a stale timestamp, so
a captured push cannot be replayed (README, "Partners": verifying a push).
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import Delivery, Partner
from api.ninjs import ninjs_items
from articles.models import Article, GoLive
from background.queue import backoff, enqueue_with

SIGNATURE_HEADER = "X-Newsroom-Signature"
TIMESTAMP_HEADER = "X-Newsroom-Timestamp"
TIMEOUT_SECONDS = 10
# The queue's retries: after 5 s, 20 s, 80 s, ... 5.7 h, seven hours in all.
ATTEMPTS = 8
# A delivery not tried this long after its time lost its task.
LOST_AFTER = timedelta(minutes=5)


class DeliveryFailed(Exception):
    """The receiver did not take the item (the message says why); `final`: trying
    again cannot help."""

    def __init__(self, message: str, final: bool = False):
        super().__init__(message)
        self.final = final


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


def on_went_live(sender, event: GoLive, **kwargs) -> None:
    """A change was announced: if it is news to partners, its deliveries are
    prepared by a task of their own (the announcement only queues it)."""
    from api import tasks

    if event.wire_version is not None:
        enqueue_with(tasks.prepare_deliveries, event.pk)


def prepare_deliveries(event_id: int) -> int:
    """A delivery for each partner that takes the story, each sent by its own task;
    the item is rendered once, as the story stands. Returns how many are new."""
    from api import tasks

    event = GoLive.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    article = Article.objects.for_display().get(pk=event.article_id)
    partners = [
        partner
        for partner in Partner.objects.pushed_to().prefetch_related("regions")
        if partner.takes(article)
    ]
    if not partners:
        return 0
    body = item_json(article)
    created = 0
    for partner in partners:
        with transaction.atomic():
            delivery, new = Delivery.objects.get_or_create(
                partner=partner,
                event=event,
                defaults={
                    "article": article,
                    "version": article.wire_version,
                    "kind": event.kind,
                    "body": body,
                },
            )
            if new:
                enqueue_with(tasks.deliver, delivery.pk)
                created += 1
    return created


def item_json(article: Article) -> str:
    [item] = ninjs_items([article], settings.SITE_URL)
    return json.dumps(item, ensure_ascii=False)


def deliver(delivery_id: int) -> None:
    """One attempt at a waiting delivery; raises DeliveryFailed for the queue to
    try again. A delivery already made (a task run twice) is not made again.

    No transaction is held while the receiver answers: the attempt is counted
    first, its outcome written after.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("partner")
            .filter(pk=delivery_id, status=Delivery.Status.WAITING)
            .first()
        )
        if delivery is None:
            return
        # Claimed: a second copy of this task finds it taken and leaves it.
        delivery.status = Delivery.Status.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "last_attempt_at"])
    try:
        post(delivery)
    except DeliveryFailed as error:
        given_up = error.final or delivery.attempts >= ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            last_error=str(error),
            status=Delivery.Status.FAILED if given_up else Delivery.Status.WAITING,
        )
        if not given_up:
            raise
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.DELIVERED,
        delivered_at=timezone.now(),
        last_error="",
    )


def post(delivery: Delivery) -> None:
    """POST the delivery's item to its partner's address, signed now."""
    partner = delivery.partner
    if partner.revoked_at is not None or not partner.push_url:
        raise DeliveryFailed(
            "not sent: the partner's key is revoked or its push address removed",
            final=True,
        )
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    try:
        check_destination(partner.push_url)
        request = urllib.request.Request(
            partner.push_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Newsroom wire",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: signature(partner.signing_secret, timestamp, body),
                "X-Newsroom-Delivery": str(delivery.pk),
            },
        )
        with NO_REDIRECTS.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"the receiver answered HTTP {error.code}") from None
    except urllib.error.URLError as error:
        raise DeliveryFailed(f"could not reach the receiver: {error.reason}") from None
    except DeliveryFailed:
        raise
    except Exception as error:  # a broken answer, a timeout, a refused address
        raise DeliveryFailed(f"could not deliver: {error!r}") from None


def check_destination(url: str) -> None:
    """Pushes go to partners on the internet, never to this network's own
    machines (a mistyped or malicious address must not reach them): every address
    the name resolves to must be public, unless PARTNER_PUSH_ALLOW_LOCAL is on (a
    receiver tried on this machine)."""
    if settings.PARTNER_PUSH_ALLOW_LOCAL:
        return
    host = urlsplit(url).hostname or ""
    for *_rest, address in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP):
        if not ipaddress.ip_address(address[0]).is_global:
            raise DeliveryFailed(
                f"not sent: {host} is an address of a private network", final=True
            )


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver that redirects has not taken the item: it fails the attempt."""

    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(RefuseRedirects)


def resend(deliveries) -> int:
    """Send the chosen deliveries again, attempts counted afresh, each with the
    story as it stands now (its latest version, the labels in force)."""
    from api import tasks

    count = 0
    for delivery in deliveries.select_related("article"):
        article = Article.objects.for_display().get(pk=delivery.article_id)
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.WAITING,
                attempts=0,
                last_error="",
                body=item_json(article),
                version=article.wire_version,
                queued_at=timezone.now(),
            )
            enqueue_with(tasks.deliver, delivery.pk)
        count += 1
    return count


def resume_lost() -> int:
    """Deliveries whose task was lost are queued again: one never tried or not
    retried well after its time (a queue that was down when it was written), or
    left "sending" by a worker that died. Returns how many."""
    from api import tasks

    now = timezone.now()
    unfinished = Delivery.objects.filter(
        status__in=[Delivery.Status.WAITING, Delivery.Status.SENDING],
        queued_at__lt=now - LOST_AFTER,
    ).only("status", "attempts", "queued_at", "last_attempt_at")[:500]
    lost = []
    for delivery in unfinished:
        if delivery.attempts:
            wait = backoff(delivery.attempts)
            if delivery.status == Delivery.Status.SENDING:
                wait = timedelta(seconds=TIMEOUT_SECONDS * 6)
            due = delivery.last_attempt_at + wait
        else:
            due = delivery.queued_at
        if due + LOST_AFTER < now:
            lost.append(delivery.pk)
    Delivery.objects.filter(pk__in=lost).update(
        status=Delivery.Status.WAITING, queued_at=now
    )
    for delivery_id in lost:
        tasks.deliver.enqueue(delivery_id)
    return len(lost)
