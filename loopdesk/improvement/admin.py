from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from loopdesk.improvement.models import Cause, ImprovementAction, Problem, ProblemComplaint


class ReadOnly(admin.ModelAdmin):
    """Read-only: problems and actions change through the /improvement/ pages and the API, which
    check access and write the complaints' timeline events."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CauseInline(admin.TabularInline):
    model = Cause
    fields = ["category", "text"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class LinkInline(CauseInline):
    model = ProblemComplaint
    fields = ["complaint", "linked_by", "linked_at"]
    raw_id_fields = ["complaint"]


@admin.register(Problem)
class ProblemAdmin(ReadOnly):
    list_display = ["id", "title", "status", "problem_type", "product", "owner", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "root_cause"]
    list_select_related = ["problem_type", "owner"]
    inlines = [LinkInline, CauseInline]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ReadOnly):
    list_display = ["id", "measure", "metric", "baseline_value", "target_value", "owner", "department", "due_date",
                    "status"]
    list_filter = ["status", "metric"]
    search_fields = ["measure"]
    list_select_related = ["owner", "department"]
