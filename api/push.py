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
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import Delivery, Partner
from api.ninjs import ninjs_items
from articles.models import Article, GoLive
from background.queue import enqueue_with

SIGNATURE_HEADER = "X-Newsroom-Signature"
TIMESTAMP_HEADER = "X-Newsroom-Timestamp"
TIMEOUT_SECONDS = 10
# The queue's retries: after 5 s, 20 s, 80 s, ... 5.7 h, seven hours in all.
ATTEMPTS = 8
# A delivery never tried this long after it was written lost its task.
LOST_AFTER = timedelta(minutes=5)


class DeliveryFailed(Exception):
    """The receiver did not take the item (the message says why)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


def on_went_live(sender, event: GoLive, **kwargs) -> None:
    """A change was announced: if it is news to partners, a delivery for each
    partner that takes the story (in the announcement's transaction)."""
    from api import tasks

    if event.wire_version is None:
        return
    article = Article.objects.for_display().get(pk=event.article_id)
    partners = [
        partner
        for partner in Partner.objects.pushed_to().prefetch_related("regions")
        if partner.takes(article)
    ]
    if not partners:
        return
    [item] = ninjs_items([article], settings.SITE_URL)
    body = json.dumps(item, ensure_ascii=False)
    for partner in partners:
        delivery, created = Delivery.objects.get_or_create(
            partner=partner,
            event=event,
            defaults={
                "article": article,
                "version": event.wire_version,
                "kind": event.kind,
                "body": body,
            },
        )
        if created:
            enqueue_with(tasks.deliver, delivery.pk)


def deliver(delivery_id: int) -> None:
    """One attempt at a waiting delivery; raises DeliveryFailed for the queue to
    try again. A delivery already made (a task run twice) is not made again."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("partner")
            .filter(pk=delivery_id, status=Delivery.Status.WAITING)
            .first()
        )
        if delivery is None:
            return
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        try:
            post(delivery)
        except DeliveryFailed as error:
            failure = error
            delivery.last_error = str(error)
            if delivery.attempts >= ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
        else:
            failure = None
            delivery.status = Delivery.Status.DELIVERED
            delivery.delivered_at = delivery.last_attempt_at
            delivery.last_error = ""
        delivery.save()
    if failure is not None:
        raise failure


def post(delivery: Delivery) -> None:
    """POST the delivery's item to its partner's address, signed now."""
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        delivery.partner.push_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Newsroom wire",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(
                delivery.partner.signing_secret, timestamp, body
            ),
            "X-Newsroom-Delivery": str(delivery.pk),
        },
    )
    try:
        with NO_REDIRECTS.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"the receiver answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(f"could not reach the receiver: {reason}") from None


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver that redirects has not taken the item: it fails the attempt."""

    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(RefuseRedirects)


def resend(deliveries) -> int:
    """Send the chosen deliveries again, as they were, attempts counted afresh."""
    from api import tasks

    count = 0
    for delivery in deliveries:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.WAITING, attempts=0, last_error=""
        )
        enqueue_with(tasks.deliver, delivery.pk)
        count += 1
    return count


def resume_lost() -> int:
    """Waiting deliveries never tried (their task lost with a queue that was down
    when the change committed) are queued again. Returns how many."""
    from api import tasks

    lost = Delivery.objects.filter(
        status=Delivery.Status.WAITING,
        attempts=0,
        created_at__lt=timezone.now() - LOST_AFTER,
    ).values_list("pk", flat=True)[:500]
    for delivery_id in lost:
        tasks.deliver.enqueue(delivery_id)
    return len(lost)
