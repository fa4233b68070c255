"""Admin for staff accounts, departments, API tokens and the personal-data audit log."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import ApiToken, AuditLog, Department, User
from loopdesk.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "department", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email", "phone"]
    list_select_related = ["department"]
    ordering = ["username"]
    filter_horizontal = ["supervised_departments", "groups", "user_permissions"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Loopdesk"), {"fields": ["display_name", "phone", "role", "department", "supervised_departments"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "display_name", "role", "department", "usable_password",
                                                "password1", "password2"]}),
    ]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # people are deactivated, never deleted: their complaints and timeline stay theirs


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "member_count"]
    search_fields = ["code", "name_zh", "name_en"]
    readonly_fields = ["last_assigned"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Department) -> int:
        return obj.member_count


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by `manage.py create_token` or POST /api/v1/auth/token (the raw value is
    shown once there); here they are listed and revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": count})


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "target", "ip"]
    list_filter = ["action"]
    search_fields = ["target", "actor__username", "ip"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
