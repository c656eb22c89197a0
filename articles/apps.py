from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from articles import notifications, signals
        from newsroom import page_cache

        # Public pages show this app's stories (and photos, labels, authors, tags).
        page_cache.connect_signals()
        signals.step_taken.connect(notifications.on_step, dispatch_uid="notify_step")
        signals.text_changed.connect(
            notifications.on_text_changed, dispatch_uid="notify_stale"
        )
