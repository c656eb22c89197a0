"""The publication record: an append-only hash chain of what readers got.

Each Entry is one version of one story as it stood on the site: the SHA-256 of its
material's canonical rendering (record/material.py), and the hash of the entry before
it, so that changing or removing any entry breaks every hash after it. Nothing in the
application changes or deletes an entry: the model refuses, the admin shows them
read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE.
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value) -> bytes:
    """The one byte form the record hashes: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


class Kept:
    """Rows of the record are written once."""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The publication record is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The publication record is never deleted from.")


class KeptQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The publication record is never changed.")

    def delete(self):
        raise PermissionError("The publication record is never deleted from.")


class Text(Kept, models.Model):
    """A piece of recorded material (a body, a label's wording), kept once however
    many versions hold it: a label change records no story's text again. Named by
    its SHA-256, so an entry refers to it without asking the database its id."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("recorded text")
        verbose_name_plural = _("recorded texts")

    def __str__(self):
        return self.sha256


class Entry(Kept, models.Model):
    class Event(models.TextChoices):
        PUBLISHED = "published", _("published")
        WENT_LIVE = "went_live", _("went live at its scheduled time")
        REPUBLISHED = "republished", _("published again")
        UPDATED = "updated", _("updated")
        CORRECTED = "corrected", _("corrected")
        WITHDRAWN = "withdrawn", _("withdrawn")
        LABELS = "labels", _("labels or footnotes changed")
        IMPORTED = "imported", _("imported from the archive")

    position = models.PositiveBigIntegerField(_("position in the chain"), unique=True)
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.PROTECT,
        related_name="record",
    )
    # The story's key (articles.Article.key): what the entry names, everywhere.
    story = models.UUIDField(_("story"))
    version = models.PositiveIntegerField(_("version"))
    event = models.CharField(_("event"), max_length=12, choices=Event)
    at = models.DateTimeField(_("from"))
    # The material, its long texts by their SHA-256 (Text; record/material.py:
    # stored, restored).
    parts = models.JSONField()
    material_sha256 = models.CharField(_("material's SHA-256"), max_length=64)
    previous_sha256 = models.CharField(_("previous entry's SHA-256"), max_length=64)
    sha256 = models.CharField(_("entry's SHA-256"), max_length=64, unique=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("record entry")
        verbose_name_plural = _("record entries")
        ordering = ["position"]
        permissions = [
            ("ask_record", _("Can ask the record what stood on pages, with evidence"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "version"], name="one_entry_per_version"
            )
        ]

    def __str__(self):
        return _("#%(position)s: story %(story)s, version %(version)s, %(event)s") % {
            "position": self.position,
            "story": self.article_id,
            "version": self.version,
            "event": self.get_event_display(),
        }

    def document(self) -> dict:
        """What the entry's hash is the SHA-256 of (as canonical JSON): served at
        /record/entries/<position>.json, so anyone can recompute it."""
        from api.ninjs import iso

        return {
            "position": self.position,
            "story": str(self.story),
            "version": self.version,
            "event": self.event,
            "at": iso(self.at),
            "material": self.material_sha256,
            "previous": self.previous_sha256,
        }

    def computed_sha256(self) -> str:
        return sha256(canonical_json(self.document()))


class Head(models.Model):
    """The chain's last entry: locked by each append, so entries follow one another.
    One row."""

    position = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, default=GENESIS)
    # The label versions in force (by language) when every live story was last
    # recorded: the daily check compares (record/chain.py: labels_moved).
    labels = models.JSONField(default=dict)
    # Today's label texts by language ({"day": ..., "ru": [...], ...}), kept for the
    # appends under the head's lock; a label change clears them in its own
    # transaction (record/chain.py: todays_labels).
    labels_today = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("chain head")

    def __str__(self):
        return f"#{self.position} {self.sha256}"


class SignedHead(Kept, models.Model):
    """The head as it stood at the end of a day, signed with the agency's Ed25519
    key (record/signing.py): published at /record/heads/<day>.json."""

    day = models.DateField(_("day"), unique=True)
    document = models.TextField(_("signed document"))
    signature = models.CharField(_("signature (base64)"), max_length=100)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed head")
        verbose_name_plural = _("signed heads")
        ordering = ["-day"]

    def __str__(self):
        return str(self.day)


class Removal(Kept, models.Model):
    """The legal "removed" path for a withdrawn story: its versions' texts are no
    longer served (their pages say when and why, and keep every hash); the record
    itself, texts included, stays whole and verifiable in the database."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.PROTECT,
        related_name="removal",
    )
    reason = models.TextField(_("legal ground"))
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed"), default=timezone.now)

    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = _("removal from public view")
        verbose_name_plural = _("removals from public view")
        ordering = ["-removed_at"]

    def __str__(self):
        return str(self.article)

    def clean(self):
        from articles.models import Article

        if self.article_id and self.article.status != Article.Status.WITHDRAWN:
            raise ValidationError(
                {"article": _("Only a withdrawn story's text can be removed.")}
            )
