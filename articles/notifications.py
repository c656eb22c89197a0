"""E-mail to the people a step concerns: editors of a submission, authors of a return
or a publication, translators of a translation gone stale.

Queued with the step (background/queue.py) and sent by the worker through Django's
mail framework, retried while the mail server refuses; each person can turn them off
(User.notify_by_email). The step stands whatever the mail server does. A scheduled
story's author also hears when it goes live by itself (on_went_live).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import tasks
from articles.models import Article, ArticleEvent, GoLive
from background.queue import enqueue_with

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


# Who hears of each step, and what: the editors or the story's author.
EDITORS, AUTHOR = "editors", "author"
MESSAGES = {
    Action.SUBMIT: (
        EDITORS,
        gettext_lazy("Submitted for approval: %(headline)s"),
        gettext_lazy("%(actor)s submitted a story for approval."),
    ),
    Action.RETURN: (
        AUTHOR,
        gettext_lazy("Returned to you: %(headline)s"),
        gettext_lazy("%(actor)s returned your story: %(comment)s"),
    ),
    Action.PUBLISH: (
        AUTHOR,
        gettext_lazy("Published: %(headline)s"),
        gettext_lazy("%(actor)s approved your story."),
    ),
    Action.SCHEDULE: (
        AUTHOR,
        gettext_lazy("Scheduled: %(headline)s"),
        gettext_lazy("%(actor)s approved your story."),
    ),
    Action.PROPOSE: (
        EDITORS,
        gettext_lazy("Change proposed: %(headline)s"),
        gettext_lazy("%(actor)s proposed a change to a published story."),
    ),
    Action.APPROVE_CHANGE: (
        AUTHOR,
        gettext_lazy("Your change is live: %(headline)s"),
        gettext_lazy("%(actor)s decided on your proposed change. %(comment)s"),
    ),
    Action.REJECT_CHANGE: (
        AUTHOR,
        gettext_lazy("Your change was not accepted: %(headline)s"),
        gettext_lazy("%(actor)s decided on your proposed change. %(comment)s"),
    ),
}


def on_step(sender, article: Article, action: str, actor, comment: str, **kwargs):
    """A workflow step was taken (articles.signals.step_taken)."""
    if action not in MESSAGES:
        return
    audience, subject, text = MESSAGES[action]
    if audience == EDITORS:
        recipients = editors()
    else:
        recipients = reachable(
            get_user_model().objects.filter(pk=article.created_by_id)
        )
    values = {"headline": article.headline, "actor": actor, "comment": comment}
    with translation.override(settings.LANGUAGE_CODE):
        send(recipients.exclude(pk=actor.pk), subject % values, text % values, article)


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
    # By the worker, retried while the mail server refuses: the step stands.
    for user in recipients:
        body = f"{text}\n\n{article.headline}\n{link}\n"
        enqueue_with(tasks.send_mail, subject, body, user.email)


def on_went_live(sender, event: GoLive, **kwargs) -> None:
    """A scheduled story went live by itself: its author hears it now (a story
    published by a step was announced to them with the step)."""
    if event.kind != GoLive.Kind.PUBLISHED or not event.by_schedule:
        return
    article = event.article
    author = get_user_model().objects.filter(pk=article.created_by_id)
    with translation.override(settings.LANGUAGE_CODE):
        send(
            reachable(author),
            _("Live now: %(headline)s") % {"headline": article.headline},
            _("Your scheduled story is now on the site."),
            article,
        )
