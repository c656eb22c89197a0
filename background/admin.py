"""Failed background work, for whoever runs the newsroom: the error, and Retry."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db import admin as queue_admin

from accounts.admin_rules import NewsroomAdmin
from background.models import FailedTask
from background.queue import retry

# django-tasks-db's own list of every queued row: its failures are shown here, with
# Redis's; its list is not needed in the newsroom's admin.
admin.site.unregister(queue_admin.DBTaskResult)


@admin.register(FailedTask)
class FailedTaskAdmin(NewsroomAdmin):
    list_display = ["task_path", "error", "attempts", "failed_at", "retried_at"]
    list_filter = ["task_path", "retried_at"]
    readonly_fields = [
        "task_path",
        "args",
        "kwargs",
        "attempts",
        "error",
        "traceback",
        "failed_at",
        "retried_at",
    ]
    actions = ["retry_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected tasks"), permissions=["change"])
    def retry_selected(self, request, queryset):
        count = 0
        # Each failure is retried once: a second click does not queue it again.
        for failed in queryset.filter(retried_at__isnull=True):
            try:
                retry(failed)
            except ImportError:  # the task no longer exists in the code
                self.message_user(
                    request,
                    _("%(task)s no longer exists: not retried.")
                    % {"task": failed.task_path},
                    messages.ERROR,
                )
                continue
            self.log_change(request, failed, [{"changed": {"fields": ["retried_at"]}}])
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d task is back on the queue.",
                "%(count)d tasks are back on the queue.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
