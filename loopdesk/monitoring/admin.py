from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from loopdesk.monitoring.models import Alert, Finding


class ReadOnly(admin.ModelAdmin):
    """Alerts are acknowledged and findings corrected on the monitoring pages, where the rules apply."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ["created_at", "kind", "complaint", "subject_label", "observed", "threshold", "acknowledged_by",
                    "acknowledged_at"]
    list_filter = ["kind", "dimension"]
    search_fields = ["complaint__number", "subject_value", "subject_label", "ack_note"]
    list_select_related = ["complaint", "acknowledged_by"]


@admin.register(Finding)
class FindingAdmin(ReadOnly):
    list_display = ["found_at", "check_name", "complaint", "status", "closed_by", "closed_at", "verified_at"]
    list_filter = ["check_name", "status"]
    search_fields = ["complaint__number", "reason"]
    list_select_related = ["complaint", "closed_by"]
