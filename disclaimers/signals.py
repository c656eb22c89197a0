"""Mentions follow the texts and the register without anyone having to remember."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from disclaimers.models import DesignatedEntity
from disclaimers.services import rescan_archive, update_mentions
from newsroom import page_cache


# Connected to a story's post_save by articles/apps.py: articles/ sits above this app.
def article_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        update_mentions(instance)


@receiver(post_save, sender=DesignatedEntity, dispatch_uid="disclaimers.entity_saved")
def entity_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        # Every page changes (asterisks, footnotes): said first, so that the long
        # re-scan after the commit, should it fail or be cut short, cannot hold it up.
        page_cache.changed()
        transaction.on_commit(lambda: rescan_archive(instance), robust=True)
