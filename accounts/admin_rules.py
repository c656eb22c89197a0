"""The admin's permission rules, shared by every admin class so that no view is a side door.

Every model admin of the site derives from NewsroomAdmin (a test checks), every
inline from NewsroomTabularInline or NewsroomStackedInline, and every admin with
django-simple-history's revisions from NewsroomHistoryAdmin. What each role may do
is in accounts/roles.py; tests/security/test_admin_permission_matrix.py walks every
admin view against it.
"""

from django.contrib import admin
from django.contrib.admin import ActionLocation
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class VisibleChoicesMixin:
    """Foreign-key choices (selects, autocompletes, inlines) hold only what the user
    may see in that model's own admin: a chosen row's label must not show another
    person's unpublished headline, nor may a form accept a row the user cannot see.
    """

    def get_field_queryset(self, db, db_field, request):
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            return super().get_field_queryset(db, db_field, request)
        return related_admin.get_queryset(request).using(db)


def has_nul(request) -> bool:
    return any(
        "\x00" in value for _key, values in request.GET.lists() for value in values
    )


class NewsroomAdmin(VisibleChoicesMixin, admin.ModelAdmin):
    # Rows the newsroom never deletes (stories, photos, label versions): only an
    # administrator may, even when a delete permission was granted by hand.
    kept = False

    def has_delete_permission(self, request, obj=None):
        if self.kept and not request.user.is_superuser:
            return False
        # A label version or register entry that ever stood is the record of what
        # pages showed (disclaimers.models.KeptModel): nobody deletes it.
        if obj is not None and getattr(obj, "has_stood", lambda: False)():
            return False
        return super().has_delete_permission(request, obj)

    def get_changelist_instance(self, request):
        # PostgreSQL refuses NUL in any text it is given (a 500 otherwise): the list
        # answers as for any lookup it cannot use, unfiltered with ?e=1.
        if has_nul(request):
            raise IncorrectLookupParameters
        return super().get_changelist_instance(request)

    def get_search_results(self, request, queryset, search_term):
        # The list's search and the autocomplete's term both come through here.
        return self.search(request, queryset, search_term.replace("\x00", ""))

    def search(self, request, queryset, search_term):
        """What an admin with a search of its own overrides (NUL already gone)."""
        return super().get_search_results(request, queryset, search_term)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # An action naming no permission of its own may change rows: it needs the
        # change permission (delete_selected keeps needing delete).
        actions = super().get_actions(request, action_location)
        if self.has_change_permission(request):
            return actions
        return {
            name: action
            for name, action in actions.items()
            if getattr(action.func, "allowed_permissions", None)
        }


class NewsroomHistoryAdmin(NewsroomAdmin, SimpleHistoryAdmin):
    """Revisions that obey the role table.

    simple-history's history form reverts on a POST with view permission alone; here
    only those who may change the object revert it, and a view-only user sees the
    old version read-only. Objects outside the user's list are not there for them.
    """

    def history_view(self, request, object_id, extra_context=None):
        self.current_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.current_object(request, object_id)
        if request.method != "GET" and not self.has_change_permission(request, current):
            raise PermissionDenied
        # simple-history gives the page the revision table's options, named
        # «Historical маркировка»; the page is about the object itself.
        extra_context = {"opts": self.model._meta, **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        # No reason given prints as "None" in simple-history's list: left blank.
        for record in historical_records:
            record.history_change_reason = record.history_change_reason or ""

    def current_object(self, request, object_id):
        """The object as it is now, or None when it was deleted; 404 if not theirs."""
        current = self.get_object(request, unquote(object_id))
        if current is None:
            try:
                exists = self.model._default_manager.filter(pk=unquote(object_id))
                if exists.exists():
                    raise Http404
            except (ValueError, ValidationError):
                raise Http404 from None
        if not self.has_view_or_change_permission(request, current):
            raise PermissionDenied
        return current

    def get_readonly_fields(self, request, obj=None):
        # A view-only user's history form shows the old version, not inputs.
        shown = super().get_readonly_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return [*self.declared_fields(), *shown]
        return shown

    def declared_fields(self) -> list[str]:
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        return list(self.fields or []) or [
            field.name
            for field in self.opts.fields
            if field.editable and not field.auto_created
        ]


class NewsroomTabularInline(VisibleChoicesMixin, admin.TabularInline):
    pass


class NewsroomStackedInline(VisibleChoicesMixin, admin.StackedInline):
    pass


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect, for what the user may see in the admin.

    Django's own redirects any staff member to any object's public address, which
    names a colleague's draft by its slug.
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model)
    except (ContentType.DoesNotExist, NotRegistered):
        raise Http404 from None
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)
