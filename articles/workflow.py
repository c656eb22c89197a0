"""The newsroom's editorial steps, each in one place.

Every step checks the acting user's role, runs in a transaction and records who did
what when (ArticleEvent). The admin's buttons call these functions and nothing else
changes an article's status.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleEvent, Byline
from newsroom.i18n import other_language

Status = Article.Status
Action = ArticleEvent.Action

# The statuses in which the one who filed a story may still change it.
AUTHOR_EDITABLE = {Status.DRAFT, Status.RETURNED}


def is_editor(user) -> bool:
    return user.has_perm("articles.publish_article")


def may_edit(user, article: Article) -> bool:
    """Editors edit anything; others only their own stories still being written."""
    if not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return True
    return article.created_by_id == user.pk and article.status in AUTHOR_EDITABLE


def allowed_actions(user, article: Article) -> list[str]:
    """The steps `user` may take on `article` now, for the admin's buttons."""
    actions = []
    if article.status in AUTHOR_EDITABLE and may_edit(user, article):
        actions.append(Action.SUBMIT)
    if is_editor(user):
        if article.status in {
            Status.DRAFT,
            Status.SUBMITTED,
            Status.RETURNED,
            Status.WITHDRAWN,
        }:
            actions += [Action.PUBLISH, Action.SCHEDULE]
        if article.status == Status.SUBMITTED:
            actions.append(Action.RETURN)
        if article.status == Status.PUBLISHED:
            actions.append(Action.WITHDRAW)
    if may_translate(user, article):
        actions.append(Action.TRANSLATE)
    return actions


def may_translate(user, article: Article) -> bool:
    return (
        user.has_perm("articles.translate_article")
        and article.translation_of_id is None
        and article.status == Status.PUBLISHED
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this step."))


def _record(article: Article, action: str, user, comment: str = "") -> None:
    ArticleEvent.objects.create(
        article=article, action=action, actor=user, comment=comment
    )


def _refuse(message: str) -> None:
    raise ValidationError(message, code="workflow")


@transaction.atomic
def submit(article: Article, user) -> Article:
    """The author hands a story (or a translation) to the editors."""
    _require(may_edit(user, article))
    if article.status not in AUTHOR_EDITABLE:
        _refuse(_("Only a draft or a returned story can be submitted."))
    article.status = Status.SUBMITTED
    article.save()
    _record(article, Action.SUBMIT, user)
    return article


@transaction.atomic
def publish(article: Article, user, at: datetime | None = None) -> Article:
    """An editor approves the story and publishes it now, or at `at` (scheduling)."""
    _require(is_editor(user))
    if article.status == Status.PUBLISHED:
        _refuse(_("The story is already published."))
    if problems := article.publication_problems():
        _refuse(
            _("This story cannot be published: %(problems)s.")
            % {"problems": "; ".join(problems)}
        )
    now = timezone.now()
    scheduled = at is not None and at > now
    article.status = Status.PUBLISHED
    article.published_at = at if scheduled else (article.published_at or now)
    if article.published_at > now and not scheduled:
        article.published_at = now
    article.approved_by, article.approved_at = user, now
    article.save()
    _record(article, Action.SCHEDULE if scheduled else Action.PUBLISH, user)
    return article


def schedule(article: Article, user, at: datetime) -> Article:
    if at <= timezone.now():
        _refuse(_("A scheduled time must be in the future."))
    return publish(article, user, at)


@transaction.atomic
def return_to_author(article: Article, user, comment: str) -> Article:
    """An editor sends a submitted story back with what to change."""
    _require(is_editor(user))
    if article.status != Status.SUBMITTED:
        _refuse(_("Only a submitted story can be returned."))
    if not comment.strip():
        _refuse(_("Say what the author should change."))
    article.status = Status.RETURNED
    article.save()
    _record(article, Action.RETURN, user, comment.strip())
    return article


@transaction.atomic
def withdraw(article: Article, user, reason: str = "") -> Article:
    """Take a published story off the site; it stays, restorable, in the admin."""
    _require(is_editor(user))
    if article.status != Status.PUBLISHED:
        _refuse(_("Only a published story can be withdrawn."))
    article.status = Status.WITHDRAWN
    article.save()
    _record(article, Action.WITHDRAW, user, reason.strip())
    return article


@transaction.atomic
def translate(original: Article, user) -> Article:
    """Start the other-language version of a published original, as a linked draft.

    The text is copied for translating; photos, tags, region, source and authors are
    carried over. An existing translation is returned instead of a second one.
    """
    _require(may_translate(user, original))
    language = other_language(original.language)
    existing = original.translations.filter(language=language).first()
    if existing:
        return existing
    draft = Article.objects.create(
        language=language,
        headline=original.headline,
        lead=original.lead,
        body=original.body,
        region=original.region,
        lead_photo=original.lead_photo,
        source=original.source,
        translation_of=original,
        created_by=user,
    )
    draft.tags.set(list(original.tags.all()))
    Byline.objects.bulk_create(
        Byline(article=draft, author_id=byline.author_id, position=byline.position)
        for byline in original.bylines.all()
    )
    _record(draft, Action.TRANSLATE, user)
    return draft


@transaction.atomic
def restore(article: Article, user, revision) -> Article:
    """Bring back the text of an earlier revision, as a new revision."""
    _require(may_edit(user, article))
    for name in ("headline", "lead", "body", "source", "region_id", "lead_photo_id"):
        setattr(article, name, getattr(revision, name))
    article.save()
    _record(
        article,
        Action.RESTORE,
        user,
        _("revision of %(date)s") % {"date": revision.history_date},
    )
    return article


# Imported stories that readers see, will see or saw; drafts have no step to record.
IMPORT_RECORDED = {Status.PUBLISHED, Status.WITHDRAWN}


def record_imports(stories: list[tuple[Article, str]], user) -> None:
    """The archive import's step: each story published, scheduled or withdrawn as its
    file says, recorded once, by the importing user, with where it came from.

    No role check: the import is run from the server's shell, whose operator names
    the user (or the inactive system user "importer") who answers for it.
    """
    ArticleEvent.objects.bulk_create(import_events(stories, user))


def import_events(stories: list[tuple[Article, str]], user) -> list[ArticleEvent]:
    """record_imports' events, unsaved: the bulk import inserts a batch's in one
    statement of its own (archive.batch)."""
    now = timezone.now()
    # Translated once per batch, not per story: a batch holds a thousand.
    comment = _("%(origin)s: %(state)s")
    published, withdrawn = _("published"), _("withdrawn")

    def state(article: Article) -> str:
        if article.status == Status.WITHDRAWN:
            return withdrawn
        if article.published_at > now:
            return _("scheduled for %(time)s") % {
                "time": timezone.localtime(article.published_at).isoformat()
            }
        return published

    return [
        ArticleEvent(
            article_id=article.pk,
            action=Action.IMPORT,
            actor_id=user.pk,
            at=now,
            comment=comment % {"origin": origin, "state": state(article)},
        )
        for article, origin in stories
        if article.status in IMPORT_RECORDED
    ]
