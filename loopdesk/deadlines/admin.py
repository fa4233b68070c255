from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loopdesk.deadlines.calendar import unconfirmed_days
from loopdesk.deadlines.models import CalendarDay, Deadline, SlaPolicy, WorkingPeriod


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ["weekday", "start", "end"]
    list_filter = ["weekday"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["source", "kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Where admins maintain holidays is where they should learn that a schedule is missing.
        missing = unconfirmed_days(timezone.localdate())
        if missing:
            messages.warning(request, gettext(
                "Days off from %(date)s on are assumed, not confirmed: import the official schedule."
            ) % {"date": f"{missing[0]:%Y-%m-%d}"})
        return super().changelist_view(request, extra_context)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "priority", "problem_type", "customer_level", "active", "first_response",
                    "first_response_unit", "resolution", "resolution_unit"]
    list_filter = ["priority", "active", "customer_level"]
    fieldsets = [
        (None, {"fields": ["name", "priority", "problem_type", "customer_level", "active", "reminder_share"]}),
        (_("Targets"), {"fields": [
            ("acceptance", "acceptance_unit"), ("first_response", "first_response_unit"),
            ("progress", "progress_unit"), ("resolution", "resolution_unit"), ("callback", "callback_unit"),
        ]}),
    ]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Read-only: deadlines change only through complaint actions and the monitor sweep."""

    list_display = ["complaint", "kind", "cycle", "state", "due_at", "done_at", "met", "escalations"]
    list_filter = ["kind", "state", "met"]
    search_fields = ["complaint__number"]
    list_select_related = ["complaint"]
    raw_id_fields = ["complaint"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
