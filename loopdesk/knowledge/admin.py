"""Articles in the Django admin are read-only: writing goes through /knowledge/, which keeps the
search text in step and records who published."""

from __future__ import annotations

from django.contrib import admin

from loopdesk.knowledge.models import Article, ArticleUse


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = ("title", "problem_type", "status", "usage_count", "author", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "keywords")
    list_select_related = ("problem_type", "author")
    exclude = ("search_text",)


@admin.register(ArticleUse)
class ArticleUseAdmin(ReadOnly):
    list_display = ("article", "complaint", "used_by", "used_at")
    list_select_related = ("article", "complaint", "used_by")
