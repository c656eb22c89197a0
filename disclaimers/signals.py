"""Mentions follow the texts and the register without anyone having to remember."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.models import Article
from disclaimers.models import DesignatedEntity
from disclaimers.services import rescan_archive, update_mentions


@receiver(post_save, sender=Article, dispatch_uid="disclaimers.article_saved")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update_mentions(instance)


@receiver(post_save, sender=DesignatedEntity, dispatch_uid="disclaimers.entity_saved")
def entity_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(lambda: rescan_archive(instance))
