"""The newsroom's editorial steps, each in one place.

Every step checks the acting user's role, runs in a transaction and records who did
what when (ArticleEvent). The admin's buttons call these functions and nothing else
changes an article's status.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import go_live
from articles.language import check_language
from articles.models import (
    PROPOSED_FIELDS,
    Article,
    ArticleEvent,
    Byline,
    GoLive,
    ProposedChange,
)
from articles.signals import step_taken
from articles.tags import check_tags_named
from newsroom.i18n import other_language
from photos.models import Photo

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


def may_propose(user, article: Article) -> bool:
    """The author of a published story proposes changes to it; editors edit it."""
    return (
        user.has_perm("articles.change_article")
        and not is_editor(user)
        and article.created_by_id == user.pk
        and article.status == Status.PUBLISHED
    )


def pending_change(article: Article) -> ProposedChange | None:
    return article.proposals.filter(status=ProposedChange.Status.PENDING).first()


def allowed_actions(user, article: Article) -> list[str]:
    """The steps `user` may take on `article` now, for the admin's buttons."""
    actions = []
    if is_editor(user):
        if pending_change(article):
            actions += [Action.APPROVE_CHANGE, Action.REJECT_CHANGE]
        if article.is_stale:
            actions.append(Action.MARK_CURRENT)
    if article.status in AUTHOR_EDITABLE and may_edit(user, article):
        actions.append(Action.SUBMIT)
    if article.status == Status.SUBMITTED and article.created_by_id == user.pk:
        actions.append(Action.RECALL)
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


# The steps that change what readers see at once, and the event each makes
# (articles/go_live.py; a scheduled story's event comes when its time passes).
GOES_LIVE = {
    Action.PUBLISH: GoLive.Kind.PUBLISHED,
    Action.WITHDRAW: GoLive.Kind.WITHDRAWN,
    Action.APPROVE_CHANGE: GoLive.Kind.CORRECTED,
}


def _record(article: Article, action: str, user, comment: str = "") -> None:
    ArticleEvent.objects.create(
        article=article, action=action, actor=user, comment=comment
    )
    # A change to a story under embargo is news to the partners who have it.
    if action in GOES_LIVE and (action == Action.WITHDRAW or article.partners_had):
        go_live.record(article, GOES_LIVE[action])
    elif action == Action.SCHEDULE:  # announced when its time comes
        go_live.record(
            article, GoLive.Kind.PUBLISHED, article.published_at, by_schedule=True
        )
        if article.embargoed:  # partners have it now
            go_live.record(article, GoLive.Kind.EMBARGOED)
    # Told after the commit: a step that is rolled back notifies nobody.
    transaction.on_commit(
        lambda: step_taken.send(
            Article, article=article, action=action, actor=user, comment=comment
        )
    )


def _refuse(message: str) -> None:
    raise ValidationError(message, code="workflow")


# Checks: each step's refusals, made before it changes anything. A form runs them on
# the story as edited (check()), so a refused step keeps the text in the form.


def check(action: str, article: Article, user, **params) -> None:
    """Refuse `action` on `article` as it stands or as edited (unsaved), or pass.

    `params` are the step's own: `at` and `embargo` (schedule), `comment` (return,
    withdraw), `translations` (withdraw), `tags` (the tag names as edited).
    """
    checks = {
        Action.SUBMIT: _check_submit,
        Action.PUBLISH: _check_publish,
        Action.SCHEDULE: _check_schedule,
        Action.RETURN: _check_return,
        Action.WITHDRAW: _check_withdraw,
        Action.RECALL: _check_recall,
    }
    if action not in checks:
        raise PermissionDenied(_("There is no such step."))
    checks[action](article, user, **params)


def _check_submit(article: Article, user, tags=None, **params) -> None:
    _require(may_edit(user, article))
    if article.status not in AUTHOR_EDITABLE:
        _refuse(_("Only a draft or a returned story can be submitted."))
    check_text_language(article, tags)


def _check_publish(article: Article, user, tags=None, **params) -> None:
    _require(is_editor(user))
    if article.status == Status.PUBLISHED:
        _refuse(_("The story is already published."))
    problems = article.publication_problems()
    # A photo just uploaded is resized by the worker: its pages need every size.
    problems += [
        _("photo #%(pk)s is still being resized for the pages; try again in a moment")
        % {"pk": photo.pk}
        for photo in Photo.objects.filter(
            pk__in=article.photo_ids(), resizing_since__isnull=False
        )
    ]
    if problems:
        _refuse(
            _("This story cannot be published: %(problems)s.")
            % {"problems": "; ".join(problems)}
        )
    original = article.translation_of
    if original is not None and original.status != Status.PUBLISHED:
        _refuse(
            _(
                "The original of this translation is not published: a translation "
                "goes out with its original or after it."
            )
        )
    check_text_language(article, tags)


def _check_schedule(article: Article, user, at=None, **params) -> None:
    if at is None or at <= timezone.now():
        raise ValidationError(
            _("A scheduled time must be in the future."), code="workflow"
        )
    _check_publish(article, user, **params)


def _check_return(article: Article, user, comment="", **params) -> None:
    _require(is_editor(user))
    if article.status != Status.SUBMITTED:
        _refuse(_("Only a submitted story can be returned."))
    if not comment.strip():
        _refuse(_("Say what the author should change."))


def _check_withdraw(article: Article, user, translations=None, **params) -> None:
    _require(is_editor(user))
    if article.status != Status.PUBLISHED:
        _refuse(_("Only a published story can be withdrawn."))
    if published_translations(article).exists() and translations not in WITH_IT:
        _refuse(
            _(
                "This story has published translations: say whether they are "
                "withdrawn with it or stay on the site."
            )
        )


def _check_recall(article: Article, user, **params) -> None:
    _require(article.created_by_id == user.pk)
    if article.status != Status.SUBMITTED:
        _refuse(_("Only a submitted story no editor has acted on can be recalled."))


def check_text_language(article: Article, tags=None) -> None:
    """All of a story in its own language: the text, and its tags named in it."""
    check_language(article, tags)
    check_tags_named(article, tags)


# What becomes of an original's published translations when it is withdrawn.
WITHDRAW_TRANSLATIONS, KEEP_TRANSLATIONS = "withdraw", "keep"
WITH_IT = {WITHDRAW_TRANSLATIONS, KEEP_TRANSLATIONS}


def published_translations(article: Article):
    return article.translations.filter(status=Status.PUBLISHED)


# Steps ---------------------------------------------------------------------------


@transaction.atomic
def submit(article: Article, user) -> Article:
    """The author hands a story (or a translation) to the editors."""
    _check_submit(article, user)
    article.status = Status.SUBMITTED
    article.save()
    _record(article, Action.SUBMIT, user)
    return article


@transaction.atomic
def recall(article: Article, user) -> Article:
    """The author takes back a submission no editor has acted on, to fix it."""
    _check_recall(article, user)
    article.status = Status.DRAFT
    article.save()
    _record(article, Action.RECALL, user)
    return article


@transaction.atomic
def publish(
    article: Article, user, at: datetime | None = None, embargo: bool = False
) -> Article:
    """An editor approves the story and publishes it now, or at `at` (scheduling);
    scheduled with an `embargo`, partners get it at once, embargoed until `at`.

    A translation never goes out before its original: approved while the original
    is scheduled, it is scheduled for the original's time.
    """
    _check_publish(article, user)
    now = timezone.now()
    at = at if at is not None and at > now else None
    original = article.translation_of
    if original is not None and original.published_at > (at or now):
        at = original.published_at
    article.status = Status.PUBLISHED
    article.embargoed = embargo and at is not None
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > now:
        article.published_at = now
    article.approved_by, article.approved_at = user, now
    article.save()
    _record(article, Action.SCHEDULE if at else Action.PUBLISH, user)
    return article


def schedule(article: Article, user, at: datetime, embargo: bool = False) -> Article:
    _check_schedule(article, user, at=at)
    return publish(article, user, at, embargo)


@transaction.atomic
def return_to_author(article: Article, user, comment: str) -> Article:
    """An editor sends a submitted story back with what to change."""
    _check_return(article, user, comment=comment)
    article.status = Status.RETURNED
    article.save()
    _record(article, Action.RETURN, user, comment.strip())
    return article


@transaction.atomic
def withdraw(
    article: Article, user, reason: str = "", translations: str | None = None
) -> Article:
    """Take a published story off the site; it stays, restorable, in the admin.

    An original with published translations takes them with it, or leaves them on
    the site, as the editor says (`translations`).
    """
    _check_withdraw(article, user, translations=translations)
    if translations == WITHDRAW_TRANSLATIONS:
        note = _("withdrawn with its original")
        for translation in published_translations(article):
            translation.status = Status.WITHDRAWN
            translation.save()
            _record(translation, Action.WITHDRAW, user, note)
    article.status = Status.WITHDRAWN
    article.save()
    _record(article, Action.WITHDRAW, user, reason.strip())
    return article


@transaction.atomic
def propose(edited: Article, user) -> ProposedChange:
    """The author's change to a published story, kept aside for an editor: `edited`
    is the story with the change applied, never saved itself."""
    _require(may_propose(user, edited))
    values = {name: getattr(edited, name) for name in PROPOSED_FIELDS}
    change = (
        edited.proposals.select_for_update()
        .filter(status=ProposedChange.Status.PENDING)
        .first()
    )
    if change is None:
        change = ProposedChange(article=edited, proposed_by=user)
    for name, value in values.items():
        setattr(change, name, value)
    change.based_on, change.proposed_at = edited.version, timezone.now()
    change.save()
    _record(edited, Action.PROPOSE, user)
    return change


@transaction.atomic
def approve_change(article: Article, user) -> Article:
    """An editor puts a proposed change live, having seen the difference. For a
    translation, that is also its approval: it is up to date again."""
    _require(is_editor(user))
    change = pending_change(article)
    if change is None:
        _refuse(_("There is no proposed change to approve."))
    for name in PROPOSED_FIELDS:
        setattr(article, name, getattr(change, name))
    check_text_language(article)
    if article.translation_of_id:
        article.approved_by, article.approved_at = user, timezone.now()
    article.save()
    change.status = ProposedChange.Status.APPROVED
    change.decided_by, change.decided_at = user, timezone.now()
    change.save()
    _record(article, Action.APPROVE_CHANGE, user)
    return article


@transaction.atomic
def reject_change(article: Article, user, comment: str = "") -> Article:
    _require(is_editor(user))
    change = pending_change(article)
    if change is None:
        _refuse(_("There is no proposed change to reject."))
    change.status = ProposedChange.Status.REJECTED
    change.decided_by, change.decided_at = user, timezone.now()
    change.save()
    _record(article, Action.REJECT_CHANGE, user, comment.strip())
    return article


@transaction.atomic
def mark_current(article: Article, user) -> Article:
    """An editor, having read the original's changes, finds the translation still
    right: it is up to date from now."""
    _require(is_editor(user))
    if not article.is_stale:
        _refuse(
            _("Only a translation whose original changed can be marked up to date.")
        )
    article.approved_by, article.approved_at = user, timezone.now()
    article.save()
    _record(article, Action.MARK_CURRENT, user)
    return article


def take(action: str, article: Article, user, **params) -> Article:
    """The step `action`, by name, with its own `params` (see check()); the story
    it leaves (a translation step leaves the new draft)."""
    at, comment = params.get("at"), params.get("comment", "")
    steps = {
        Action.SUBMIT: lambda: submit(article, user),
        Action.RECALL: lambda: recall(article, user),
        Action.PUBLISH: lambda: publish(article, user),
        Action.SCHEDULE: lambda: schedule(
            article, user, at, params.get("embargo", False)
        ),
        Action.RETURN: lambda: return_to_author(article, user, comment),
        Action.WITHDRAW: lambda: withdraw(
            article, user, comment, params.get("translations")
        ),
        Action.TRANSLATE: lambda: translate(article, user),
        Action.APPROVE_CHANGE: lambda: approve_change(article, user),
        Action.REJECT_CHANGE: lambda: reject_change(article, user, comment),
        Action.MARK_CURRENT: lambda: mark_current(article, user),
    }
    if action not in steps:
        raise PermissionDenied(_("There is no such step."))
    return steps[action]()


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
    try:
        with transaction.atomic():
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
    except IntegrityError:
        # A second click at the same moment: the first one's draft is the one.
        return original.translations.get(language=language)
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
