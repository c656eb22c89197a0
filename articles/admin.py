"""The newsroom's admin for articles, regions and corrections."""

import copy
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.forms.models import construct_instance
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from taggit import admin as taggit_admin

from accounts.admin_rules import (
    NewsroomAdmin,
    NewsroomStackedInline,
    NewsroomTabularInline,
)
from accounts.roles import stories_visible_to
from articles import workflow
from articles.changelist import (
    CappedCountPaginator,
    PublishedYearFilter,
    full_text_search,
)
from articles.desk import publishing_picture, with_waiting_since
from articles.diff import text_diff
from articles.html import sanitize_html
from articles.models import (
    PROPOSED_FIELDS,
    Article,
    ArticleEvent,
    Byline,
    Correction,
    ProposedChange,
    Region,
    StaleEdit,
    Tag,
)
from articles.preview import preview_url
from articles.rendering import render_material
from articles.tags import name_taken, parse_tags, set_tags, tag_list_text
from articles.validation import check_tag_name
from disclaimers.admin import MentionInline, record_review
from disclaimers.models import Mention
from disclaimers.services import mentions_changed


class StoryPartInline:
    """Bylines and corrections change with the story, for those who may edit it:
    an author proposing a change to a published story proposes its text only."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and editable(request, obj)


def editable(request, article) -> bool:
    return article is None or workflow.may_edit(request.user, article)


class BylineInline(StoryPartInline, NewsroomTabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class CorrectionInline(StoryPartInline, NewsroomStackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "noted_at", "text"]


# What the body editor offers; the same markup articles.html.sanitize_html keeps.
BODY_EDITOR = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "History": True,
    "Typographic": True,
}


class FiledByMeFilter(admin.SimpleListFilter):
    """?filed_by=me: the stories the signed-in person filed (links of the first page)."""

    title = _("filed by")
    parameter_name = "filed_by"

    def lookups(self, request, model_admin):
        return [("me", _("me"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(created_by=request.user)
        return queryset


# Steps that do not take the form's edit: never sent with it.
SEPARATE_STEPS = {
    ArticleEvent.Action.TRANSLATE,
    ArticleEvent.Action.RECALL,
    ArticleEvent.Action.APPROVE_CHANGE,
    ArticleEvent.Action.REJECT_CHANGE,
    ArticleEvent.Action.MARK_CURRENT,
}
# What an author proposing a change to a published story may edit.
PROPOSABLE = {*PROPOSED_FIELDS, "version"}


@dataclass
class StepRequest:
    """A workflow step asked for with a save (a button of the story's form)."""

    action: str
    params: dict
    problem: str = ""  # a step parameter that could not be read


def requested_step(request) -> StepRequest | None:
    """The step a POST of the story's form asks for, with its parameters."""
    action = request.POST.get("_step")
    if request.method != "POST" or not action:
        return None
    params = {
        "comment": request.POST.get("_step_comment", ""),
        "translations": request.POST.get("_step_translations") or None,
    }
    if action == ArticleEvent.Action.SCHEDULE:
        params["embargo"] = bool(request.POST.get("_step_embargo"))
        try:
            params["at"] = parse_local_datetime(request.POST.get("_step_at", ""))
        except ValidationError as error:
            return StepRequest(action, params, error.messages[0])
    return StepRequest(action, params)


class ArticleForm(forms.ModelForm):
    """The story's text; `version` travels with the form to catch a stale save.

    A workflow button submits this form: the step is checked here, on the story as
    edited, so a refused step says why and keeps the text (ArticleAdmin.get_form
    sets `user` and `step` for the request).
    """

    user = None
    step: StepRequest | None = None

    body = ProseEditorFormField(
        label=capfirst(Article._meta.get_field("body").verbose_name),
        required=False,
        extensions=BODY_EDITOR,
        sanitize=sanitize_html,
        widget=AdminTextareaWidget,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        help_text=_(
            "Separated by commas, in the story’s language. A tag known in the other "
            "language is written “its name = the name in this language”."
        ),
    )

    class Meta:
        model = Article
        fields = [
            "language",
            "headline",
            "lead",
            "lead_photo",
            "body",
            "region",
            "tags",
            "source",
            "translation_of",
            "slug",
            "version",
        ]
        widgets = {"version": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.typed_tags = []
        article = self.instance
        if article.pk:
            tags = list(article.tags.all())
            self.initial.setdefault("tags", tag_list_text(tags, article.language))
            if unnamed := [tag for tag in tags if not tag.own_name(article.language)]:
                # The translator's to do: these would not show on the story's page.
                self.fields["tags"].help_text = _(
                    "Without a name in this story’s language (readers do not see "
                    "them here): %(tags)s. Give each its name after “=”."
                ) % {"tags": ", ".join(tag.name for tag in unnamed)}

    def clean_tags(self) -> list[str]:
        """The tag list, parsed; returns each tag's name in the story's language as
        typed (the workflow's checks read those)."""
        language = self.cleaned_data.get("language") or self.instance.language
        entries = parse_tags(self.cleaned_data.get("tags", ""))
        errors = []
        for entry in entries:
            for name in filter(None, (entry.name, entry.own_name)):
                try:
                    check_tag_name(name)
                except ValidationError as error:
                    errors += error.messages
            if entry.own_name and name_taken(entry.own_name, language):
                errors.append(
                    ValidationError(
                        _("“%(name)s” is already another tag’s name."),
                        code="duplicate_name",
                        params={"name": entry.own_name},
                    )
                )
            if len(entry.name) > 100 or len(entry.own_name) > 100:
                errors.append(
                    ValidationError(
                        _("A tag’s name is at most 100 characters."), code="too_long"
                    )
                )
        if errors:
            raise ValidationError(errors)
        self.typed_tags = entries
        return [entry.shown for entry in entries]

    def _save_m2m(self):
        super()._save_m2m()
        if "tags" in self.cleaned_data:
            set_tags(self.instance, self.typed_tags)

    def clean(self):
        cleaned = super().clean()
        if self.step is None or self.errors:
            return cleaned
        if self.step.problem:
            raise ValidationError(self.step.problem, code="workflow")
        edited = copy.copy(self.instance)
        construct_instance(self, edited)
        try:
            workflow.check(
                self.step.action,
                edited,
                self.user,
                tags=cleaned.get("tags"),
                **self.step.params,
            )
        except PermissionDenied as refusal:
            raise ValidationError(str(refusal), code="not_allowed") from None
        return cleaned


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        js = [
            "js/unsaved-changes.js",
            "js/body-editor-toolbar.js",
            "js/body-editor-photo.js",
        ]

    list_display = [
        "headline",
        "language",
        "state",
        "published_at",
        "region",
        "created_by",
    ]
    # No date_hierarchy and no "related only" author list: both read every row.
    list_filter = [
        FiledByMeFilter,
        "status",
        "language",
        ("published_at", admin.DateFieldListFilter),
        PublishedYearFilter,
        "region",
        "authors",
    ]
    list_select_related = ["region", "created_by"]
    search_fields = ["headline", "lead"]
    paginator = CappedCountPaginator
    autocomplete_fields = ["region", "translation_of", "lead_photo"]
    readonly_fields = [
        "state",
        "rendered_body",
        "published_at",
        "approved_by",
        "approved_at",
        "created_by",
        "created_at",
        "updated_at",
        "tag_list",
    ]
    inlines = [BylineInline, CorrectionInline, MentionInline]
    show_full_result_count = False
    kept = True  # withdrawn, never deleted, by the newsroom
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "language",
                    "headline",
                    "lead",
                    "lead_photo",
                    "body",
                    "version",
                ]
            },
        ),
        (
            _("Filing"),
            {"fields": ["region", "tags", "source", "translation_of", "slug"]},
        ),
        (
            _("Publication"),
            {"fields": ["state", "published_at", "approved_by", "approved_at"]},
        ),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_view_on_site_url(self, obj=None):
        # A story readers cannot see yet opens as its preview.
        if (
            obj is not None
            and not Article.objects.published().filter(pk=obj.pk).exists()
        ):
            return preview_url(obj)
        return super().get_view_on_site_url(obj)

    @admin.display(description=_("status"), ordering="status")
    def state(self, article):
        return article.state()

    @admin.display(description=_("tags"))
    def tag_list(self, article):
        return tag_list_text(list(article.tags.all()), article.language)

    @admin.display(description=_("body"))
    def rendered_body(self, article):
        # Stored sanitised (Article.normalise): shown as readers see the text.
        return mark_safe(article.body)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        if self.proposing(request, obj):
            # The text is edited; the tags are shown as they are.
            shown, hidden = {"tags": "tag_list"}, set()
        elif self.has_change_permission(request, obj):
            return fieldsets
        else:
            # Read-only: the text as it reads, without the form's bookkeeping.
            shown, hidden = {"body": "rendered_body", "tags": "tag_list"}, {"version"}
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        shown.get(name, name)
                        for name in options["fields"]
                        if name not in hidden
                    ],
                },
            )
            for title, options in fieldsets
        ]

    def search(self, request, queryset, search_term):
        if connection.vendor == "postgresql" and search_term.strip():
            # The stored full-text vector and its index, not ILIKE over every row.
            return full_text_search(queryset, search_term.strip()[:200]), False
        return super().search(request, queryset, search_term)

    def get_queryset(self, request):
        return stories_visible_to(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.may_edit(request.user, obj) or workflow.may_propose(
            request.user, obj
        )

    def proposing(self, request, article) -> bool:
        """The author of a published story, whose save proposes a change."""
        return (
            article is not None
            and article.pk is not None
            and not workflow.may_edit(request.user, article)
            and workflow.may_propose(request.user, article)
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.proposing(request, obj):
            return readonly
        # The change proposed is to the text readers read; the rest stays as is.
        return [
            *readonly,
            "tag_list",
            *(
                name
                for name in ArticleForm.Meta.fields
                if name not in PROPOSABLE and name != "tags"
            ),
        ]

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if self.proposing(request, article) and (
            change := workflow.pending_change(article)
        ):
            # Its author goes on with the change they proposed (nothing saved).
            for name in PROPOSED_FIELDS:
                setattr(article, name, getattr(change, name))
        return article

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.step = requested_step(request) if change else None
        return form

    def response_change(self, request, obj):
        if self.proposing(request, obj):
            self.message_user(
                request,
                _(
                    "Your change is proposed: readers see it once an editor "
                    "approves it."
                ),
            )
            return redirect("admin:articles_article_change", obj.pk)
        step = requested_step(request)
        if step is None:
            return super().response_change(request, obj)
        # The edit is saved; the step, checked with the form, runs in the same
        # transaction. Should it be refused now (a race), both are taken back.
        try:
            workflow.take(step.action, obj, request.user, **step.params)
        except (ValidationError, PermissionDenied, StaleEdit) as refusal:
            transaction.set_rollback(True)
            self.message_user(request, refusal_message(refusal), messages.ERROR)
            return redirect(request.path)
        done = step.action
        if done == ArticleEvent.Action.PUBLISH and obj.published_at > timezone.now():
            # A translation approved before its original goes out is scheduled
            # for the original's time: say what happened, not what was pressed.
            done = ArticleEvent.Action.SCHEDULE
        self.message_user(
            request,
            _("Saved, then: %(step)s.") % {"step": ArticleEvent.Action(done).label},
        )
        return redirect("admin:articles_article_change", obj.pk)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if self.proposing(request, obj):
            workflow.propose(obj, request.user)  # the live story stays as it is
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # When proposing, nothing but the text was editable: this saves nothing.
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = getattr(request.user, "author", None)
        if not change and author and not article.bylines.exists():
            # A correspondent's own story carries their byline unless they chose others.
            Byline.objects.create(article=article, author=author)

    def save_formset(self, request, form, formset, change):
        reviewed = False
        if formset.model is Mention:
            for mention_form in formset.forms:
                if mention_form.has_changed():
                    record_review(mention_form.instance, request.user)
                    reviewed = True
        super().save_formset(request, form, formset, change)
        if reviewed:
            mentions_changed.send(Mention, article_ids=[form.instance.pk])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit:
            # Someone saved between this form's check and its save: nothing was
            # written (the transaction rolled back); say so rather than fail.
            self.message_user(request, StaleEdit.message, messages.ERROR)
            return redirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = {}
        if article is not None:
            actions = workflow.allowed_actions(request.user, article)
            # With an editable form, a step saves the edit first (the form's
            # buttons); the others post on their own.
            with_form = [
                action
                for action in actions
                if action not in SEPARATE_STEPS
                and workflow.may_edit(request.user, article)
            ]
            events = list(article.events.select_related("actor")[:20])
            extra = {
                "form_steps": with_form,
                "separate_steps": [a for a in actions if a not in with_form],
                "events": events,
                "returned_with": next(
                    (e for e in events if e.action == ArticleEvent.Action.RETURN), None
                )
                if article.status == Article.Status.RETURNED
                else None,
                "has_published_translations": workflow.published_translations(
                    article
                ).exists(),
                "stale_changes": stale_changes(article),
                "preview_url": preview_url(article),
                # A translation is made looking at its original, as readers see it.
                "original_material": render_material(
                    article.translation_of, article.translation_of.language
                )
                if article.translation_of_id
                else None,
                **proposal_context(request.user, article),
            }
        return super().change_view(
            request, object_id, form_url, {**extra, **(extra_context or {})}
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("queue/", view(self.queue_view), name="articles_article_queue"),
            path(
                "<int:pk>/workflow/<str:action>/",
                view(self.workflow_view),
                name="articles_article_workflow",
            ),
            path(
                "<int:pk>/revisions/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            *super().get_urls(),
        ]

    def workflow_view(self, request, pk, action):
        """A step from a button outside the story's form (translate, recall), or
        from elsewhere; POST only. Steps with an editable form go with its save."""
        article = self.get_object(request, str(pk))
        if request.method != "POST" or article is None:
            raise PermissionDenied
        params = {
            "comment": request.POST.get("comment", ""),
            "translations": request.POST.get("translations") or None,
        }
        try:
            if action == ArticleEvent.Action.SCHEDULE:
                params["at"] = parse_local_datetime(request.POST.get("at", ""))
                params["embargo"] = bool(request.POST.get("embargo"))
            result = workflow.take(action, article, request.user, **params)
        except (ValidationError, StaleEdit) as refusal:
            self.message_user(request, refusal_message(refusal), messages.ERROR)
            return redirect("admin:articles_article_change", article.pk)
        self.message_user(
            request, _("Done: %(step)s.") % {"step": ArticleEvent.Action(action).label}
        )
        return redirect("admin:articles_article_change", result.pk)

    def revisions_view(self, request, pk):
        """Every saved revision; compare two, or restore one."""
        article = self.get_object(request, str(pk))
        if article is None:
            raise PermissionDenied
        revisions = list(article.history.select_related("history_user")[:200])
        by_id = {revision.history_id: revision for revision in revisions}
        if request.method == "POST":
            revision = by_id.get(int_or_none(request.POST.get("restore")))
            if revision is None:
                raise PermissionDenied
            try:
                workflow.restore(article, request.user, revision)
            except (StaleEdit, ValidationError) as error:
                self.message_user(
                    request,
                    str(getattr(error, "message", StaleEdit.message)),
                    messages.ERROR,
                )
            else:
                self.message_user(request, _("The revision was restored as a new one."))
            return redirect("admin:articles_article_revisions", article.pk)
        older = by_id.get(int_or_none(request.GET.get("from")))
        newer = by_id.get(int_or_none(request.GET.get("to")))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Revisions of “%(headline)s”") % {"headline": article.headline},
            "article": article,
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "changes": text_diff(older, newer) if older and newer else None,
            "may_restore": workflow.may_edit(request.user, article),
        }
        return TemplateResponse(
            request, "admin/articles/article/revisions.html", context
        )

    def queue_view(self, request):
        """What waits for the editors, per language: to approve (longest waiting
        first), stale, scheduled; and the last 30 days in a picture."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        stories = self.get_queryset(request).select_related(
            "translation_of", "created_by"
        )
        sections = [
            (
                _("Awaiting approval"),
                with_waiting_since(
                    stories.filter(status=Article.Status.SUBMITTED)
                ).order_by("waiting_since", "pk"),
            ),
            (
                _("Proposed changes to published stories"),
                stories.filter(
                    proposals__status=ProposedChange.Status.PENDING
                ).order_by("proposals__proposed_at"),
            ),
            (
                _("Stale translations"),
                stories.stale_translations().order_by("-updated_at"),
            ),
            (_("Scheduled"), stories.scheduled().order_by("published_at")),
        ]
        columns = [
            (
                title,
                [
                    (language_name, QueueColumn(articles.filter(language=code)))
                    for code, language_name in settings.LANGUAGES
                ],
            )
            for title, articles in sections
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Editors’ queue"),
            "columns": columns,
            "picture": publishing_picture(stories),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/articles/article/queue.html", context)


def proposal_context(user, article: Article) -> dict:
    """A change proposed to a published story: what it changes, for the editor who
    decides and for its author."""
    change = workflow.pending_change(article)
    if change is None:
        return {}
    live = Article.objects.get(pk=article.pk)  # not the author's proposed text
    return {
        "pending_change": change,
        "pending_diff": text_diff(live, change),
        "pending_source": (live.source, change.source)
        if live.source != change.source
        else None,
    }


class QueueColumn:
    """One language's stories in a queue section: the first hundred, and how many."""

    SHOWN = 100

    def __init__(self, articles):
        self.articles = list(articles[: self.SHOWN + 1])
        self.more = len(self.articles) > self.SHOWN
        self.articles = self.articles[: self.SHOWN]

    def __iter__(self):
        return iter(self.articles)

    @property
    def count(self) -> str:
        return f"{self.SHOWN}+" if self.more else str(len(self.articles))


def stale_changes(article: Article):
    """For a stale translation: what changed in the original since its approval."""
    if not article.is_stale:
        return None
    original = article.translation_of
    # The original as it stood at the approval; stories older than their first
    # recorded revision (imported, backdated) compare with that first revision.
    approved_text = (
        original.history.filter(history_date__lte=article.approved_at).first()
        or original.history.earliest()
    )
    return text_diff(approved_text, original)


def refusal_message(refusal: Exception) -> str:
    if isinstance(refusal, StaleEdit):
        return str(StaleEdit.message)
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


def parse_local_datetime(value: str):
    """A datetime-local input ("2025-01-27T21:59") read in Moscow time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            _("Give the date and time to publish at."), code="invalid"
        ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@admin.register(Region)
class RegionAdmin(NewsroomAdmin):
    list_display = ["name_en", "name_ru", "slug"]
    search_fields = ["name_en", "name_ru", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


# taggit stays installed only for the migrations that name it (README, Dependencies);
# importing its admin registers its Tag, which no story uses any more: undone here.
admin.site.unregister(taggit_admin.Tag)


class UnnamedInFilter(admin.SimpleListFilter):
    """Tags that lack a name in a language: what editors have still to name."""

    title = _("without a name in")
    parameter_name = "unnamed_in"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.filter(**{f"name_{self.value()}": ""})
        return queryset


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name_ru", "name_en", "slug_ru", "slug_en"]
        help_texts = {
            "slug_ru": _("Made from the name when left empty."),
            "slug_en": _("Made from the name when left empty."),
        }


@admin.register(Tag)
class TagAdmin(NewsroomAdmin):
    """Editors give each tag its name in the other language here."""

    form = TagForm
    list_display = ["name_ru", "name_en", "slug_ru", "slug_en"]
    list_filter = [UnnamedInFilter]
    search_fields = ["name_ru", "name_en", "slug_ru", "slug_en"]
    ordering = ["name_ru", "name_en"]
