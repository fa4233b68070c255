from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from loopdesk.deadlines.calendar import unconfirmed_days
from loopdesk.deadlines.models import CalendarDay, WorkingPeriod


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
