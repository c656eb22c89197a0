"""Which legacy article (language, old id) each imported article came from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegacyId(models.Model):
    """The old archive's id of an imported article; ids are unique per language only."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="legacy",
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    legacy_id = models.CharField(_("legacy id"), max_length=64)
    # The original's legacy id as the line named it. Kept so a link to an original
    # that comes later in the file (or in a later file) is resolved from the database
    # in a second pass, without holding the unresolved lines in memory.
    original_legacy_id = models.CharField(
        _("legacy id of the original"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("legacy id")
        verbose_name_plural = _("legacy ids")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "legacy_id"], name="legacy_id_once_per_language"
            )
        ]

    def __str__(self):
        return f"{self.language}/{self.legacy_id}"
