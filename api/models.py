"""Partners of the agency's wire: who takes the feed, with which key, how often, and
what was pushed to them."""

import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, GoLive

KEY_PREFIX = "nr"
SECRET_PREFIX = "nrsig"


def key_digest(key: str) -> str:
    """Keys are long random strings: a plain SHA-256 keeps them unrecoverable from
    the database, and checking one costs nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


def all_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class PartnerQuerySet(models.QuerySet):
    def pushed_to(self) -> "PartnerQuerySet":
        """The partners with a push address and a key in force."""
        return self.exclude(push_url="").filter(revoked_at__isnull=True)


class Partner(models.Model):
    """An outlet that republishes the agency's stories through the feed (api/)."""

    name = models.CharField(_("name"), max_length=200)
    contact = models.TextField(_("contact"), blank=True)
    languages = models.JSONField(
        _("languages"),
        default=all_languages,
        help_text=_("The languages of the stories it takes."),
    )
    regions = models.ManyToManyField(
        "articles.Region",
        verbose_name=_("regions"),
        blank=True,
        help_text=_("The regions of the stories it takes; none chosen: all."),
    )
    # The key's first part, to find the partner; the whole key only as a digest.
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    key_digest = models.CharField(max_length=64, editable=False)
    key_issued_at = models.DateTimeField(_("key issued"), editable=False)
    revoked_at = models.DateTimeField(_("key revoked"), null=True, blank=True)
    last_request_at = models.DateTimeField(_("last request"), null=True, editable=False)
    push_url = models.URLField(
        _("push address"),
        blank=True,
        help_text=_(
            "An HTTPS address that receives each publication, correction, withdrawal "
            "and embargoed story as it happens, signed. Empty: the partner polls."
        ),
    )
    # Signs the pushes (HMAC-SHA256): kept as it is, since every push needs it;
    # issued and shown with the key.
    signing_secret = models.CharField(max_length=64, default="", editable=False)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def issue_key(self) -> str:
        """A new key (the old one stops working), returned once: only its digest
        is kept."""
        self.key_id = secrets.token_hex(4)
        key = f"{KEY_PREFIX}_{self.key_id}_{secrets.token_urlsafe(32)}"
        self.key_digest = key_digest(key)
        self.key_issued_at = timezone.now()
        self.revoked_at = None
        self.signing_secret = f"{SECRET_PREFIX}_{secrets.token_urlsafe(32)}"
        return key

    def clean(self):
        if self.push_url:
            check_push_url(self.push_url)

    def takes(self, article: Article) -> bool:
        """Whether the story is in the partner's languages and regions."""
        if article.language not in self.languages:
            return False
        regions = [region.pk for region in self.regions.all()]
        return not regions or article.region_id in regions

    @classmethod
    def holding(cls, key: str) -> "Partner | None":
        """The partner whose key this is, unless revoked."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None
        partner = cls.objects.filter(key_id=parts[1], revoked_at__isnull=True).first()
        if partner is None or not hmac.compare_digest(
            partner.key_digest, key_digest(key)
        ):
            return None
        return partner

    def count_request(self) -> None:
        now = timezone.now()
        Partner.objects.filter(pk=self.pk).update(last_request_at=now)
        day, created = PartnerRequests.objects.get_or_create(
            partner=self, day=timezone.localdate(now), defaults={"count": 1}
        )
        if not created:
            PartnerRequests.objects.filter(pk=day.pk).update(count=F("count") + 1)


def check_push_url(url: str) -> None:
    """Pushes carry unpublished (embargoed) stories: HTTPS only, but for a receiver
    on this very machine when PARTNER_PUSH_ALLOW_LOCAL is on (trying one out)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and settings.PARTNER_PUSH_ALLOW_LOCAL:
        try:
            if ipaddress.ip_address(parts.hostname or "").is_loopback:
                return
        except ValueError:
            if parts.hostname == "localhost":
                return
    raise ValidationError(
        {"push_url": _("The push address must start with https://.")},
        code="not_https",
    )


class PartnerRequests(models.Model):
    """How many feed requests a partner made on a day."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="request_days"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("requests of a day")
        verbose_name_plural = _("requests by day")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "day"], name="one_count_a_day")
        ]

    def __str__(self):
        return f"{self.partner}: {self.day} ({self.count})"


class Delivery(models.Model):
    """One push of one change (a GoLive event) to one partner: its item, and how
    sending it went (api/push.py)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")  # queued, or between attempts
        SENDING = "sending", _("sending")  # an attempt under way
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")  # every attempt failed: resend it

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.ForeignKey(
        GoLive, verbose_name=_("change"), on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=10, choices=GoLive.Kind)
    body = models.TextField(_("item sent"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When it was last put on the queue (written, or resent).
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Each change reaches each partner once, however often it is announced.
            models.UniqueConstraint(
                fields=["partner", "event"], name="one_delivery_per_change"
            )
        ]
        indexes = [
            models.Index(fields=["partner", "-created_at"], name="delivery_log_idx"),
            models.Index(
                fields=["queued_at"],
                name="delivery_unfinished_idx",
                condition=Q(status__in=["waiting", "sending"]),
            ),
        ]

    def __str__(self):
        return f"{self.partner}: {self.article} (v{self.version})"
