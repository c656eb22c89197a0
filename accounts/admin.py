from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import ROLE_LABELS


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "roles"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(
            sorted(str(ROLE_LABELS.get(role, role)) for role in user.roles)
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
