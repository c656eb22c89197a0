"""Admin for the legal labels and the register; only Legal (and admins) may change them."""

import math
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from accounts.admin_rules import (
    NewsroomAdmin,
    NewsroomHistoryAdmin,
    NewsroomTabularInline,
)
from accounts.roles import stories_visible_to
from disclaimers.models import DesignatedEntity, Disclaimer, Mention, site_languages
from disclaimers.services import mentions_changed


class InForceOnFilter(admin.SimpleListFilter):
    """Which version stood on a date: ?in_force_on=YYYY-MM-DD (or pick a start date)."""

    title = _("in force on")
    parameter_name = "in_force_on"

    def lookups(self, request, model_admin):
        today = timezone.localdate()
        starts = model_admin.get_queryset(request).values_list(
            "effective_from", flat=True
        )
        days = sorted({today, *starts}, reverse=True)
        return [
            (day.isoformat(), _("today") if day == today else day.isoformat())
            for day in days
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.in_force(day)


class KeptForTheRecordAdmin(NewsroomHistoryAdmin):
    """What stood is ended, not deleted (the models refuse); a version or entry
    planned for a later day may be deleted, one at a time."""

    def get_actions(self, request, *args, **kwargs):
        actions = super().get_actions(request, *args, **kwargs)
        actions.pop("delete_selected", None)
        return actions


class DisclaimerForm(forms.ModelForm):
    """The page languages as one checkbox per site language, stored as the same
    JSON list as before (in the site's order)."""

    locales = forms.MultipleChoiceField(
        label=capfirst(Disclaimer._meta.get_field("locales").verbose_name),
        help_text=Disclaimer._meta.get_field("locales").help_text,
        choices=settings.LANGUAGES,
        initial=site_languages,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one language of pages the label stands on.")
        },
    )

    class Meta:
        model = Disclaimer
        fields = [
            "text",
            "locales",
            "effective_from",
            "effective_to",
            "placement",
            "emphasis",
        ]

    def clean_locales(self) -> list[str]:
        ticked = set(self.cleaned_data["locales"])
        return [code for code, _name in settings.LANGUAGES if code in ticked]


@admin.register(Disclaimer)
class DisclaimerAdmin(KeptForTheRecordAdmin):
    form = DisclaimerForm
    list_display = [
        "text",
        "effective_from",
        "effective_to",
        "page_languages",
        "placement",
    ]
    list_filter = [InForceOnFilter]
    search_fields = ["text"]
    fields = DisclaimerForm.Meta.fields

    @admin.display(description=Disclaimer._meta.get_field("locales").verbose_name)
    def page_languages(self, disclaimer):
        names = dict(settings.LANGUAGES)
        return ", ".join(str(names.get(code, code)) for code in disclaimer.locales)


@admin.register(DesignatedEntity)
class DesignatedEntityAdmin(KeptForTheRecordAdmin):
    list_display = ["__str__", "kind", "listed_on", "delisted_on", "rescan"]
    list_filter = ["kind"]
    search_fields = ["names_ru", "names_en"]
    fields = [
        "kind",
        "names_ru",
        "names_en",
        "footnote_ru",
        "footnote_en",
        "listed_on",
        "delisted_on",
    ]
    readonly_fields = ["rescan"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "rescan"] if obj is not None else self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("scan")

    @admin.display(description=_("re-scan of the archive"))
    def rescan(self, entity) -> str:
        """Where the worker is with this entry's re-scan (disclaimers/services.py)."""
        scan = getattr(entity, "scan", None)
        if scan is None:
            return "—"
        if scan.finished_at:
            return _("done %(when)s: %(read)s stories read, %(found)s mentions") % {
                "when": date_format(localtime(scan.finished_at), "DATETIME_FORMAT"),
                "read": number_format(scan.scanned, force_grouping=True),
                "found": number_format(scan.found, force_grouping=True),
            }
        if scan.started_at is None:
            return _("waiting for the worker since %(when)s") % {
                "when": date_format(localtime(scan.requested_at), "DATETIME_FORMAT")
            }
        left = scan.seconds_left()
        return _(
            "%(read)s of %(total)s stories read, %(found)s mentions found, "
            "about %(minutes)s min left"
        ) % {
            "read": number_format(scan.scanned, force_grouping=True),
            "total": number_format(scan.total, force_grouping=True),
            "found": number_format(scan.found, force_grouping=True),
            "minutes": math.ceil((left or 0) / 60),
        }


class MentionInline(NewsroomTabularInline):
    """Detected register mentions, for editors to confirm or dismiss before publishing."""

    model = Mention
    extra = 0
    fields = ["entity", "matched_text", "status", "reviewed_by"]
    readonly_fields = ["entity", "matched_text", "reviewed_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mention)
class MentionAdmin(NewsroomAdmin):
    """Every detected mention across the archive, for Legal to review."""

    list_display = ["entity", "matched_text", "article", "status", "reviewed_by"]
    list_editable = ["status"]
    list_filter = ["status", "entity__kind"]
    list_select_related = ["entity", "article", "reviewed_by"]
    search_fields = ["matched_text", "article__headline"]
    fields = ["article", "entity", "matched_text", "status", "reviewed_by"]
    readonly_fields = ["article", "entity", "matched_text", "reviewed_by"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # A mention shows its story's headline: only stories the user may read.
        mentions = super().get_queryset(request)
        return stories_visible_to(request.user, mentions, through="article__")

    def save_model(self, request, obj, form, change):
        record_review(obj, request.user)
        super().save_model(request, obj, form, change)
        mentions_changed.send(Mention, article_ids=[obj.article_id])


def record_review(mention: Mention, user) -> None:
    mention.reviewed_by = user
