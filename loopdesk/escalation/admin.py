from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from loopdesk.escalation.models import Escalation


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """Read-only: escalations are made by the escalate action and the monitor sweep."""

    list_display = ["at", "complaint", "trigger", "from_level", "to_level", "to_user", "new_due_at", "customer_told"]
    list_filter = ["trigger", "to_level", "customer_told"]
    search_fields = ["complaint__number", "reason"]
    list_select_related = ["complaint", "to_user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
