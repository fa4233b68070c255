"""Admin for system settings, and the read-only base other apps' admin pages share."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import Setting


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never written from the admin: rows made by domain actions, audit trails, counters."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Setting)
class SettingAdmin(ReadOnlyAdmin):
    # Values are validated together (a number format must fit its reset period), so they are
    # edited on the configuration pages (/config/), which check them; here they are shown only.
    list_display = ["key", "value", "updated_at"]
    search_fields = ["key"]
    readonly_fields = ["key", "value", "updated_at"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "title": _("Settings (edit them on the configuration pages)")}
        return super().changelist_view(request, extra_context)
