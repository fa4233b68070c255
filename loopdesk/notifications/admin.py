from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.notifications.models import InboxItem, OutboxMessage, OutboxStatus, WebhookDelivery, WebhookEndpoint


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["at", "message", "attempt", "status_code", "ok", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    ordering = ["-id"]
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The newest attempts only: an endpoint can have thousands.
        ids = list(super().get_queryset(request).order_by("-id").values_list("id", flat=True)[:50])
        return super().get_queryset(request).filter(id__in=ids).select_related("message")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    inlines = [DeliveryInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["at", "endpoint", "message", "attempt", "status_code", "ok", "duration_ms"]
    list_filter = ["ok", "endpoint"]
    list_select_related = ["endpoint", "message"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "event", "status", "attempts", "next_attempt_at", "created_at", "sent_at"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["dedupe_key", "address"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.exclude(status=OutboxStatus.SENT).update(
            status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), lease_until=None)
        self.message_user(request, _("%(count)d messages will be retried.") % {"count": count})


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "event", "complaint", "created_at", "read_at"]
    list_filter = ["event"]
    list_select_related = ["user", "complaint"]
    readonly_fields = ["user", "dedupe_key", "event", "complaint", "params", "created_at", "read_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
