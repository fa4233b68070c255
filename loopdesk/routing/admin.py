"""Admin for routing rules: which department, role or person a complaint goes to."""

from __future__ import annotations

from django.contrib import admin

from loopdesk.routing.models import OwnerLoad, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "problem_type", "channel", "region", "customer_level", "department", "role",
                    "user", "strategy", "active"]
    list_display_links = ["name"]
    list_editable = ["order", "active"]
    list_filter = ["active", "department", "strategy", "role"]
    search_fields = ["name", "region", "problem_type__name_zh", "problem_type__code"]
    list_select_related = ["problem_type", "department", "user"]
    raw_id_fields = ["user"]


@admin.register(OwnerLoad)
class OwnerLoadAdmin(admin.ModelAdmin):
    """Read-only: the database keeps these counts from the complaints themselves."""

    list_display = ["user", "open_count"]
    ordering = ["-open_count"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
