from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclaimersConfig(AppConfig):
    name = "disclaimers"
    verbose_name = _("Legal labels and register")

    def ready(self):
        from background import clock
        from disclaimers import signals, tasks  # noqa: F401

        clock.every(60, tasks.resume_stalled_scans)
