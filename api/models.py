"""Partners of the agency's wire: who takes the feed, with which key, how often."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "nr"


def key_digest(key: str) -> str:
    """Keys are long random strings: a plain SHA-256 keeps them unrecoverable from
    the database, and checking one costs nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


def all_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


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
        return key

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
