from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """The legacy archive: import/export of JSONL and old URLs that still work."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = _("legacy archive")
