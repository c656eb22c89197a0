from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordConfig(AppConfig):
    """The publication record: what stood on each story's page, when, as a hash
    chain anyone can check."""

    name = "record"
    verbose_name = _("Publication record")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from articles.go_live import event_happened
        from articles.models import Article
        from authors.models import Author
        from background import clock
        from disclaimers.models import DesignatedEntity, Disclaimer
        from disclaimers.services import mentions_changed
        from photos.models import Photo
        from record import signals, tasks

        # Each change readers see (a step, a correction, a scheduled time coming)
        # is recorded with it, in its transaction...
        event_happened.connect(signals.event_happened, dispatch_uid="record")
        # ...and so is an editor's edit of a live story, once it is committed.
        post_save.connect(signals.story_saved, sender=Article, dispatch_uid="record")
        # A label or register change records again the stories it touches, in the
        # background.
        for change in (post_save, post_delete):
            change.connect(
                signals.labels_changed, sender=Disclaimer, dispatch_uid="record"
            )
        post_save.connect(
            signals.entity_saved, sender=DesignatedEntity, dispatch_uid="record"
        )
        mentions_changed.connect(signals.mentions_changed, dispatch_uid="record")
        # What stories show of a photo or an author changes with them.
        post_save.connect(signals.photo_saved, sender=Photo, dispatch_uid="record")
        post_save.connect(signals.author_saved, sender=Author, dispatch_uid="record")
        # Each day, the chain's head is signed and published.
        clock.every(600, tasks.sign_daily_head)
