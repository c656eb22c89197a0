"""Each person's own settings: which e-mails they get."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts.models import User


class NotificationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notify_by_email", "email"]


@staff_member_required
def notification_settings(request):
    form = NotificationForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification_settings")
    context = {
        **admin.site.each_context(request),
        "title": _("E-mail notifications"),
        "form": form,
    }
    return TemplateResponse(request, "admin/accounts/notifications.html", context)
