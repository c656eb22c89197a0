"""Mandatory legal labels (versioned) and the register of designated entities."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from newsroom.text import check_text


def in_force_on(day: date, start: str, end: str) -> Q:
    """Rows whose [start, end] date range covers `day` (an empty end: open)."""
    return Q(**{f"{start}__lte": day}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def check_dates(start: date | None, end: date | None, field: str) -> None:
    """An end date (`field`) on or after the start date, or a refusal."""
    if start and end and end < start:
        raise ValidationError(
            {
                field: ValidationError(
                    _("This date comes before the start date (%(start)s)."),
                    code="dates_out_of_order",
                    params={"start": start},
                )
            }
        )


def check_texts(instance, fields: list[str]) -> None:
    """Each text field free of control characters (tabs and line breaks allowed),
    every refusal at once, as the story's texts (newsroom.text)."""
    errors = {}
    for field in fields:
        try:
            check_text(getattr(instance, field), field)
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)


class KeptForTheRecord(models.QuerySet):
    """Rows that ever stood are the record of what pages showed on a date: they are
    end-dated, never deleted. One planned for a later date may go."""

    def delete(self):
        if stood := [row for row in self if row.has_stood()]:
            raise ProtectedError(NOT_DELETED, stood)
        return super().delete()


NOT_DELETED = _(
    "A label version or register entry that ever stood is kept for the record: "
    "give it an end date instead of deleting it."
)


class KeptModel(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        if self.has_stood():
            raise ProtectedError(NOT_DELETED, [self])
        return super().delete(*args, **kwargs)

    def has_stood(self) -> bool:
        raise NotImplementedError


class DisclaimerQuerySet(KeptForTheRecord):
    def in_force(self, day: date | None = None) -> "DisclaimerQuerySet":
        """The label versions that stand on materials on `day` (today by default)."""
        day = day or timezone.localdate()
        # The main label first, additional ones after it in the order they came.
        return self.filter(in_force_on(day, "effective_from", "effective_to")).order_by(
            "additional", "effective_from", "pk"
        )


class Disclaimer(KeptModel):
    """One version of a mandatory label, e.g. the foreign-agent label's 2022 wording.

    The law labels the distribution, not the writing: every material, however old,
    shows the versions in force today. Older versions stay for the audit trail.
    A new version replaces the one in force for the same languages and placement
    from its first day, unless it is marked as an additional label.
    """

    class Placement(models.TextChoices):
        AFTER_HEADLINE = "after_headline", _("directly under the headline")

    class Emphasis(models.TextChoices):
        DOUBLE_SIZE = "double_size", _("twice the body text's size, contrasting colour")

    text = models.TextField(
        _("text"),
        help_text=_("The exact wording, including the name as in the register."),
    )
    locales = models.JSONField(
        _("page languages"),
        default=site_languages,
        help_text=_(
            "The pages it stands on, by language; the text itself is not translated."
        ),
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    placement = models.CharField(
        _("placement"),
        max_length=20,
        choices=Placement,
        default=Placement.AFTER_HEADLINE,
    )
    emphasis = models.CharField(
        _("emphasis"), max_length=20, choices=Emphasis, default=Emphasis.DOUBLE_SIZE
    )
    additional = models.BooleanField(
        _("additional label"),
        default=False,
        help_text=_(
            "Stands beside the labels in force instead of replacing the version in "
            "force for the same languages."
        ),
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = DisclaimerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal label")
        verbose_name_plural = _("legal labels")
        ordering = ["-effective_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="disclaimer_dates_in_order",
            )
        ]

    def __str__(self):
        return f"{self.text[:60]}… ({self.effective_from})"

    def save(self, *args, **kwargs):
        if not self._state.adding or self.additional:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            replaced, later = [], None
            for other in self.overlapping():
                if set(other.locales) != set(self.locales):
                    continue
                if other.effective_from < self.effective_from:
                    replaced.append(other)
                elif later is None or other.effective_from < later:
                    later = other.effective_from
            if later:
                # A version already planned for a later day takes over then.
                self.effective_to = later - timedelta(days=1)
            super().save(*args, **kwargs)
            for other in replaced:
                # Saved one by one, so each change is in the version's history, by
                # whoever saved this version (a command names its user so).
                other.effective_to = self.effective_from - timedelta(days=1)
                other.superseded_by = self
                if hasattr(self, "_history_user"):
                    other._history_user = self._history_user
                other.save()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            # A planned version deleted before its day: what it would have replaced
            # stands on as it did before (its end date from its history).
            for replaced in Disclaimer.objects.filter(superseded_by=self):
                before = replaced.history.filter(superseded_by__isnull=True).first()
                replaced.effective_to = before.effective_to if before else None
                replaced.superseded_by = None
                replaced.save()
            return super().delete(*args, **kwargs)

    def covers(self, language: str) -> bool:
        return language in self.locales

    def has_stood(self) -> bool:
        return self.effective_from <= timezone.localdate()

    def clean(self):
        check_texts(self, ["text"])
        check_dates(self.effective_from, self.effective_to, "effective_to")
        if self.additional or not self.effective_from:
            return
        for other in self.overlapping():
            if set(other.locales) != set(self.locales):
                raise ValidationError(
                    {
                        "locales": ValidationError(
                            _(
                                "The version in force from %(date)s covers other "
                                "languages. Choose the same languages to replace "
                                "it, or mark this one as an additional label."
                            ),
                            code="partial_overlap",
                            params={"date": other.effective_from},
                        )
                    }
                )
            if other.effective_from == self.effective_from:
                raise ValidationError(
                    {
                        "effective_from": ValidationError(
                            _(
                                "Another version starts on the same day: correct "
                                "that one, or start this one on another day."
                            ),
                            code="same_start",
                        )
                    }
                )

    def overlapping(self) -> "DisclaimerQuerySet":
        """Main (not additional) versions of the same placement whose dates meet
        this one's."""
        versions = Disclaimer.objects.filter(
            placement=self.placement, additional=False
        ).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
        )
        if self.effective_to:
            versions = versions.filter(effective_from__lte=self.effective_to)
        return versions.exclude(pk=self.pk)


class DesignatedEntity(KeptModel):
    """An organisation or person in an official register, as the register names it."""

    class Kind(models.TextChoices):
        FOREIGN_AGENT = "foreign_agent", _("foreign agent")
        UNDESIRABLE = "undesirable", _("undesirable organisation")
        EXTREMIST = "extremist", _("extremist organisation")
        TERRORIST = "terrorist", _("terrorist organisation")

    kind = models.CharField(_("register"), max_length=20, choices=Kind)
    names_ru = models.TextField(
        _("names in Russian"),
        help_text=_("One name form per line, as written in texts."),
    )
    names_en = models.TextField(
        _("names in English"), blank=True, help_text=_("One per line.")
    )
    footnote_ru = models.TextField(_("footnote in Russian"))
    footnote_en = models.TextField(_("footnote in English"))
    listed_on = models.DateField(_("listed on"))
    delisted_on = models.DateField(
        _("removed from the register on"), null=True, blank=True
    )

    objects = KeptForTheRecord.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register of designated entities")
        ordering = ["names_ru"]

    def __str__(self):
        return self.names()[0] if self.names() else "—"

    def clean(self):
        check_texts(self, ["names_ru", "names_en", "footnote_ru", "footnote_en"])
        check_dates(self.listed_on, self.delisted_on, "delisted_on")

    def names(self) -> list[str]:
        """Every name form, in both languages."""
        lines = f"{self.names_ru}\n{self.names_en}".splitlines()
        return [line.strip() for line in lines if line.strip()]

    def footnote(self, language: str) -> str:
        return getattr(self, f"footnote_{language}") or self.footnote_ru

    def has_stood(self) -> bool:
        return self.listed_on <= timezone.localdate()

    def is_listed(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.listed_on <= day and (
            self.delisted_on is None or day < self.delisted_on
        )


class Mention(models.Model):
    """A register entry found in an article; editors may confirm or dismiss it."""

    class Status(models.TextChoices):
        DETECTED = "detected", _("detected")
        CONFIRMED = "confirmed", _("confirmed")
        DISMISSED = "dismissed", _("dismissed (false match)")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    entity = models.ForeignKey(
        DesignatedEntity,
        verbose_name=_("register entry"),
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    matched_text = models.CharField(_("matched text"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DETECTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("register mention")
        verbose_name_plural = _("register mentions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "entity"], name="one_mention_per_entity"
            )
        ]

    def __str__(self):
        return f"{self.entity}: {self.matched_text}"


class RegisterScan(models.Model):
    """The archive's re-scan for one register entry, as the worker goes.

    Each change to the entry starts it over (a new generation): the chunks of the
    one before stop at once, so two changes in a row never run two scans. The cursor
    (story source, last story read) lets each chunk be its own short task, so a
    worker stopped halfway resumes where the last committed chunk ended.
    """

    entity = models.OneToOneField(
        DesignatedEntity,
        verbose_name=_("register entry"),
        on_delete=models.CASCADE,
        related_name="scan",
    )
    generation = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(_("stories to read"), null=True)
    scanned = models.PositiveIntegerField(_("stories read"), default=0)
    found = models.PositiveIntegerField(_("mentions found"), default=0)
    source = models.PositiveSmallIntegerField(default=0)
    after_pk = models.BigIntegerField(default=0)
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True)
    finished_at = models.DateTimeField(_("finished at"), null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("register re-scan")
        verbose_name_plural = _("register re-scans")

    def __str__(self):
        return str(self.entity)

    def seconds_left(self) -> float | None:
        """Time left at the pace so far; None until a first chunk is read."""
        if self.finished_at or not self.started_at or not self.scanned:
            return None
        pace = (timezone.now() - self.started_at).total_seconds() / self.scanned
        return max(0.0, pace * ((self.total or self.scanned) - self.scanned))
