"""Partners in the admin: editors register them and hand out keys, shown once, and
follow what was pushed to them."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_rules import NewsroomAdmin, NewsroomTabularInline
from api import push
from api.models import Delivery, Partner, PartnerRequests


class PartnerForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=capfirst(Partner._meta.get_field("languages").verbose_name),
        help_text=Partner._meta.get_field("languages").help_text,
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = ["name", "contact", "languages", "regions", "push_url"]


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


class RecentDeliveriesInline(NewsroomTabularInline):
    model = Delivery
    fields = ["created_at", "article", "kind", "version", "status", "attempts"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("latest deliveries")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The log's newest lines: the whole log is one click away (deliveries).
        formset.get_queryset = lambda formset: formset.queryset[:10]
        return formset


@admin.register(Partner)
class PartnerAdmin(NewsroomAdmin):
    form = PartnerForm
    list_display = [
        "name",
        "key_issued_at",
        "revoked_at",
        "last_request_at",
        "push_url",
        "delivery_log",
    ]
    readonly_fields = ["key_issued_at", "revoked_at", "last_request_at", "delivery_log"]
    filter_horizontal = ["regions"]
    inlines = [RequestsInline, RecentDeliveriesInline]
    actions = ["issue_new_keys", "revoke_keys"]

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = ["name", "contact", "languages", "regions", "push_url"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    @admin.display(description=_("deliveries"))
    def delivery_log(self, partner):
        url = (
            reverse("admin:api_delivery_changelist")
            + f"?partner__id__exact={partner.pk}"
        )
        return format_html('<a href="{}">{}</a>', url, _("delivery log"))

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
                "%(key)s; the secret its pushes are signed with: %(secret)s"
            )
            % {"partner": partner, "key": key, "secret": partner.signing_secret},
            messages.WARNING,
        )

    @admin.action(
        description=_("Issue new keys and signing secrets (the old ones stop working)")
    )
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


@admin.register(Delivery)
class DeliveryAdmin(NewsroomAdmin):
    """Each partner's delivery log: what was pushed, how it went; resend from here."""

    list_display = [
        "created_at",
        "partner",
        "article",
        "kind",
        "version",
        "status",
        "attempts",
        "last_error",
        "delivered_at",
    ]
    list_filter = ["status", "kind", "partner"]
    list_select_related = ["partner", "article"]
    fields = [
        "partner",
        "article",
        "kind",
        "version",
        "status",
        "attempts",
        "last_attempt_at",
        "last_error",
        "created_at",
        "delivered_at",
        "body",
    ]
    readonly_fields = fields
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Resend"), permissions=["change"])
    def resend(self, request, queryset):
        count = push.resend(queryset)
        for delivery in queryset:
            self.log_change(request, delivery, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery is sent again.",
                "%(count)d deliveries are sent again.",
                count,
            )
            % {"count": count},
        )
