from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "roles"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(sorted(user.roles))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
