"""E-mail to the people a step concerns: editors of a submission, authors of a return
or a publication, translators of a translation gone stale.

Sent through Django's mail framework after the step commits; each person can turn
them off (User.notify_by_email). A mail that cannot be sent is logged, and the
step stands.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from articles.models import Article, ArticleEvent

logger = logging.getLogger(__name__)
Action = ArticleEvent.Action


def reachable(users):
    """Those of `users` who want mail and have an address."""
    return users.filter(is_active=True, notify_by_email=True).exclude(email="")


def editors():
    User = get_user_model()
    return reachable(
        User.objects.filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="publish_article")
            | Q(user_permissions__codename="publish_article")
        ).distinct()
    )


def on_step(sender, article: Article, action: str, actor, comment: str, **kwargs):
    """A workflow step was taken (articles.signals.step_taken)."""
    User = get_user_model()
    author = User.objects.filter(pk=article.created_by_id)
    with translation.override(settings.LANGUAGE_CODE):
        if action == Action.SUBMIT:
            recipients = editors().exclude(pk=actor.pk)
            subject = _("Submitted for approval: %(headline)s")
            text = _("%(actor)s submitted a story for approval.")
        elif action == Action.RETURN:
            recipients = reachable(author).exclude(pk=actor.pk)
            subject = _("Returned to you: %(headline)s")
            text = _("%(actor)s returned your story: %(comment)s")
        elif action in (Action.PUBLISH, Action.SCHEDULE):
            recipients = reachable(author).exclude(pk=actor.pk)
            subject = (
                _("Published: %(headline)s")
                if action == Action.PUBLISH
                else _("Scheduled: %(headline)s")
            )
            text = _("%(actor)s approved your story.")
        elif action == Action.PROPOSE:
            recipients = editors().exclude(pk=actor.pk)
            subject = _("Change proposed: %(headline)s")
            text = _("%(actor)s proposed a change to a published story.")
        elif action in (Action.APPROVE_CHANGE, Action.REJECT_CHANGE):
            recipients = reachable(author).exclude(pk=actor.pk)
            subject = (
                _("Your change is live: %(headline)s")
                if action == Action.APPROVE_CHANGE
                else _("Your change was not accepted: %(headline)s")
            )
            text = _("%(actor)s decided on your proposed change. %(comment)s")
        else:
            return
        values = {"headline": article.headline, "actor": actor, "comment": comment}
        send(recipients, subject % values, text % values, article)


def on_text_changed(sender, article: Article, previous_change, **kwargs):
    """An original's text changed: tell the translators whose approved translation
    was up to date until now (a translation already stale was told before)."""
    translations = article.translations.filter(
        approved_at__isnull=False, approved_at__gte=previous_change
    )
    User = get_user_model()
    for stale in translations:
        with translation.override(settings.LANGUAGE_CODE):
            send(
                reachable(User.objects.filter(pk=stale.created_by_id)),
                _("The original changed: %(headline)s") % {"headline": stale.headline},
                _(
                    "The original of your translation was edited after the "
                    "translation was approved. Bring the translation up to date."
                ),
                stale,
            )


def send(recipients, subject: str, text: str, article: Article) -> None:
    link = settings.SITE_URL + reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    messages = [
        (subject, f"{text}\n\n{article.headline}\n{link}\n", None, [user.email])
        for user in recipients
    ]
    if not messages:
        return
    try:
        send_mass_mail(messages)
    except OSError:  # the mail server is down or refuses: the step stands
        logger.exception(
            "Could not send %d notification(s): %s", len(messages), subject
        )
