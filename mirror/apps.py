from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MirrorConfig(AppConfig):
    """The mirror for blocked readers: the public site as static files
    (build_mirror), refreshed by the worker after every change readers see."""

    name = "mirror"
    verbose_name = _("Mirror")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from articles.go_live import event_happened
        from articles.models import Article
        from background import clock
        from disclaimers.models import DesignatedEntity, Disclaimer, Mention
        from disclaimers.services import mentions_changed
        from mirror import signals, tasks

        # A change readers see (a step, a correction, a scheduled time coming)...
        event_happened.connect(signals.event_happened, dispatch_uid="mirror")
        # ...an editor's edit of a live story...
        post_save.connect(signals.story_saved, sender=Article, dispatch_uid="mirror")
        # ...and the labels and the register, which stand on every page.
        for model in (Disclaimer, DesignatedEntity, Mention):
            for change in (post_save, post_delete):
                change.connect(
                    signals.labels_changed, sender=model, dispatch_uid="mirror"
                )
        mentions_changed.connect(signals.labels_changed, dispatch_uid="mirror")
        # What no event announces (a lost task, a new month's pages at midnight).
        clock.every(900, tasks.refresh_mirror_on_the_clock)
