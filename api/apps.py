from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The wire: machine-readable feeds for partners, and the partners' keys."""

    name = "api"
    verbose_name = _("Partner wire")

    def ready(self):
        from api import push, tasks
        from articles.go_live import story_went_live
        from background import clock

        # A change partners must hear of is pushed to those who gave an address.
        story_went_live.connect(push.on_went_live, dispatch_uid="push")
        clock.every(300, tasks.resume_lost_deliveries)
