from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = _("Background work")

    def ready(self):
        from background import clock, tasks

        clock.every(60, tasks.requeue_abandoned)
        clock.every(3600, tasks.prune_finished)
