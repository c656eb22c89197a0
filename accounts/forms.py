"""The admin's sign-in form, refused for a while after repeated failures."""

import math

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from accounts import lockout


class LoginForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if (
            self.request is not None
            and self.cleaned_data.get("password")
            and (seconds := lockout.begin_attempt(self.request, username))
        ):
            minutes = math.ceil(seconds / 60)
            raise ValidationError(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(minutes)d "
                    "minute.",
                    "Too many failed sign-in attempts. Try again in %(minutes)d "
                    "minutes.",
                    minutes,
                ),
                code="locked_out",
                params={"minutes": minutes},
            )
        return super().clean()
