"""Staff accounts and the role groups, under the same admin rules as every model."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.admin_rules import NewsroomAdmin
from accounts.models import User
from accounts.roles import ROLE_LABELS


@admin.register(User)
class NewsroomUserAdmin(NewsroomAdmin, UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "roles"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(
            sorted(str(ROLE_LABELS.get(role, role)) for role in user.roles)
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


# django.contrib.auth registered Group when its admin module was imported above.
admin.site.unregister(Group)


@admin.register(Group)
class NewsroomGroupAdmin(NewsroomAdmin, GroupAdmin):
    pass
