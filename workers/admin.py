"""The task rows in the admin with a "stuck" filter: tasks whose worker stopped sending
heartbeats or that run past their time budget (workers.recovery.stuck_tasks); and the
workers' heartbeats."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from workers.models import WorkerHeartbeat
from workers.recovery import stuck_q


class StuckFilter(admin.SimpleListFilter):
    title = _("tình trạng chạy")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("1", _("Bị kẹt"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(stuck_q())
        return queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_filter = (StuckFilter, *DBTaskResultAdmin.list_filter)
    list_display = (*DBTaskResultAdmin.list_display, "attempts")

    @admin.display(description=_("số lần chạy"))
    def attempts(self, obj: DBTaskResult) -> int:
        return len(obj.worker_ids)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen")
    ordering = ("-last_seen",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
