"""The record in the admin: its entries, read-only for everyone, and Legal's
questions answered from it, with the evidence to download."""

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.admin_rules import NewsroomAdmin
from articles.models import Article
from disclaimers.models import DesignatedEntity
from record import questions
from record.models import Entry, Removal


class LabelQuestion(forms.Form):
    story = forms.IntegerField(label=_("Story number"), min_value=1)
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"})
    )


class FootnoteQuestion(forms.Form):
    entity = forms.ModelChoiceField(
        label=_("Register entry"), queryset=DesignatedEntity.objects.all()
    )
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"})
    )


@admin.register(Entry)
class EntryAdmin(NewsroomAdmin):
    list_display = ["position", "article", "version", "event", "at", "sha256"]
    list_filter = ["event"]
    list_select_related = ["article"]
    search_fields = ["=article__pk", "=story", "=sha256", "=material_sha256"]
    fields = [
        "position",
        "article",
        "story",
        "version",
        "event",
        "at",
        "material_sha256",
        "previous_sha256",
        "sha256",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "ask/",
                self.admin_site.admin_view(self.ask_view),
                name="record_entry_ask",
            ),
            *super().get_urls(),
        ]

    def ask_view(self, request):
        """Legal's two questions; ?format=csv gives the answer as evidence."""
        if not request.user.has_perm("record.ask_record"):
            raise PermissionDenied
        about_label = LabelQuestion(request.GET if "story" in request.GET else None)
        about_footnote = FootnoteQuestion(
            request.GET if "entity" in request.GET else None
        )
        rows, answer = [], None
        if about_label.is_bound and about_label.is_valid():
            answer = self.label_answer(**about_label.cleaned_data)
            rows = [
                (stood, "label" if stood.labels else "no label")
                for stood in answer["versions"]
            ]
        elif about_footnote.is_bound and about_footnote.is_valid():
            answer = self.footnote_answer(**about_footnote.cleaned_data)
            rows = [
                (stood, "footnote" if carried else "no footnote")
                for _story, stood, carried in answer["versions"]
            ]
        if answer is not None and request.GET.get("format") == "csv":
            response = HttpResponse(
                questions.evidence_csv(rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="record-{answer["day"]}.csv"'
            )
            return response
        return TemplateResponse(
            request,
            "admin/record/entry/ask.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Ask the record"),
                "about_label": about_label,
                "about_footnote": about_footnote,
                "answer": answer,
                "csv_query": f"{request.GET.urlencode()}&format=csv",
            },
        )

    def label_answer(self, story: int, day: date) -> dict:
        article = Article.objects.filter(pk=story).first()
        versions = questions.label_on(story, day)
        return {
            "kind": "label",
            "day": day,
            "article": article,
            "versions": versions,
            "all_labelled": bool(versions)
            and all(stood.labels for stood in versions if stood.live),
        }

    def footnote_answer(self, entity: DesignatedEntity, day: date) -> dict:
        return {
            "kind": "footnote",
            "day": day,
            "entity": entity,
            "versions": questions.footnote_on(entity, day),
        }


@admin.register(Removal)
class RemovalAdmin(NewsroomAdmin):
    """The legal path: a withdrawn story's text taken out of public view for good;
    its hashes stay public, the record stays whole."""

    list_display = ["article", "removed_at", "removed_by", "reason"]
    list_select_related = ["article", "removed_by"]
    fields = ["article", "reason"]
    raw_id_fields = ["article"]

    def get_readonly_fields(self, request, obj=None):
        return ["article", "reason", "removed_by", "removed_at"] if obj else []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or self.fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.removed_by = request.user
        super().save_model(request, obj, form, change)
