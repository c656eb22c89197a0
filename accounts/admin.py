"""Staff accounts and the roles, under the same admin rules as every model."""

from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_rules import NewsroomAdmin
from accounts.models import Role, User
from accounts.roles import ROLE_LABELS

# The four permissions Django gives every model, as the admin names them.
MODEL_ACTIONS = {
    "add": _("can add"),
    "change": _("can change"),
    "delete": _("can delete"),
    "view": _("can view"),
}


def newsroom_permissions():
    """The permissions that mean something here: those of the newsroom's own models.
    Revision tables and the libraries' models (sessions, taggit's leftovers, log
    entries) are not given to people."""
    own_apps = [
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).parent == settings.BASE_DIR
    ]
    return (
        Permission.objects.filter(content_type__app_label__in=own_apps)
        .exclude(content_type__model__startswith="historical")
        .select_related("content_type")
    )


class PermissionsField(forms.ModelMultipleChoiceField):
    """Permissions named in the admin's language: «Материалы | материал | может
    изменять» rather than the English name Django stored when it made them."""

    def label_from_instance(self, permission):
        model = permission.content_type.model_class()
        if model is None:  # a model since removed
            return permission.name
        action = permission.codename.removesuffix(f"_{model._meta.model_name}")
        what = MODEL_ACTIONS.get(action) or gettext(permission.name)
        app = apps.get_app_config(model._meta.app_label).verbose_name
        return f"{app} | {model._meta.verbose_name} | {what}"


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(str(role.pk), str(role)) for role in Role.objects.order_by("name")]

    def queryset(self, request, queryset):
        # Only a role the filter offers: anything else lists everyone.
        if self.value() in dict(self.lookup_choices):
            return queryset.filter(groups=self.value())
        return queryset


@admin.register(User)
class NewsroomUserAdmin(NewsroomAdmin, UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "roles"]
    list_filter = [RoleFilter, "is_staff", "is_superuser", "is_active"]

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(
            sorted(str(ROLE_LABELS.get(role, role)) for role in user.roles)
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "user_permissions":
            kwargs.update(queryset=newsroom_permissions(), form_class=PermissionsField)
        if db_field.name == "groups":
            kwargs.update(queryset=Role.objects.order_by("name"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# django.contrib.auth registered Group when its admin module was imported above: the
# admin shows the same rows as roles, named in the admin's language.
admin.site.unregister(Group)


@admin.register(Role)
class RoleAdmin(NewsroomAdmin, GroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs.update(queryset=newsroom_permissions(), form_class=PermissionsField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The code knows a role by its name (accounts/roles.py): it is not renamed.
        if obj is not None and obj.is_newsroom_role:
            return ["name"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_newsroom_role:
            return False
        return super().has_delete_permission(request, obj)
