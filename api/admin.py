"""Partners in the admin: editors register them and hand out keys, shown once."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.admin_rules import NewsroomAdmin, NewsroomTabularInline
from api.models import Partner, PartnerRequests


class PartnerForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=capfirst(Partner._meta.get_field("languages").verbose_name),
        help_text=Partner._meta.get_field("languages").help_text,
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = ["name", "contact", "languages", "regions"]


class RequestsInline(NewsroomTabularInline):
    model = PartnerRequests
    fields = ["day", "count"]
    readonly_fields = ["day", "count"]
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request):
        recent = timezone.localdate() - timedelta(days=30)
        return super().get_queryset(request).filter(day__gte=recent)


@admin.register(Partner)
class PartnerAdmin(NewsroomAdmin):
    form = PartnerForm
    list_display = ["name", "key_issued_at", "revoked_at", "last_request_at"]
    readonly_fields = ["key_issued_at", "revoked_at", "last_request_at"]
    filter_horizontal = ["regions"]
    inlines = [RequestsInline]
    actions = ["issue_new_keys", "revoke_keys"]

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = ["name", "contact", "languages", "regions"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        key = None if change else obj.issue_key()
        super().save_model(request, obj, form, change)
        if key:
            self.show_key(request, obj, key)

    def show_key(self, request, partner, key: str) -> None:
        self.message_user(
            request,
            _(
                "The key of %(partner)s, shown this once (only its digest is kept): "
                "%(key)s"
            )
            % {"partner": partner, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Issue new keys (the old ones stop working)"))
    def issue_new_keys(self, request, queryset):
        for partner in queryset:
            key = partner.issue_key()
            partner.save()
            self.log_change(request, partner, [{"changed": {"fields": ["key"]}}])
            self.show_key(request, partner, key)

    @admin.action(description=_("Revoke the keys"))
    def revoke_keys(self, request, queryset):
        for partner in queryset.filter(revoked_at__isnull=True):
            partner.revoked_at = timezone.now()
            partner.save(update_fields=["revoked_at"])
            self.log_change(request, partner, [{"changed": {"fields": ["revoked_at"]}}])
