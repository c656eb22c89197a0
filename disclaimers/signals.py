"""Mentions follow the texts and the register without anyone having to remember."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from disclaimers.models import DesignatedEntity
from disclaimers.services import start_rescan, update_mentions
from newsroom import page_cache


# Connected to a story's post_save by articles/apps.py: articles/ sits above this app.
def article_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        update_mentions(instance)


@receiver(post_save, sender=DesignatedEntity, dispatch_uid="disclaimers.entity_saved")
def entity_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        # Every page changes (asterisks, footnotes); the stories' mentions follow as
        # the worker re-scans the archive, each story's page refreshed as it goes.
        page_cache.changed()
        start_rescan(instance)
