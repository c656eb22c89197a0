from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclaimersConfig(AppConfig):
    name = "disclaimers"
    verbose_name = _("Legal labels and register")

    def ready(self):
        from disclaimers import signals  # noqa: F401
