"""Admin for the problem-type taxonomy, the priority matrix and the keyword suggestion rules."""

from __future__ import annotations

from django.contrib import admin

from loopdesk.classification.models import KeywordRule, PriorityRule, ProblemType


@admin.register(ProblemType)
class ProblemTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "parent", "order", "active"]
    list_filter = ["active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_editable = ["order", "active"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "severity", "scope", "risk", "customer_level", "priority"]
    list_filter = ["priority"]
    list_editable = ["severity", "scope", "risk", "customer_level", "priority"]
    list_display_links = ["order"]


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ["keyword", "field", "value", "weight", "active"]
    list_filter = ["field", "active"]
    list_editable = ["weight", "active"]
    search_fields = ["keyword", "value"]
