"""Admin for routing rules: which department, role or person a complaint goes to."""

from __future__ import annotations

from django.contrib import admin

from loopdesk.routing.models import RoutingRule


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
