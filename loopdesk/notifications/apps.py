from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "loopdesk.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from loopdesk.complaints import hooks
        from loopdesk.core import memo
        from loopdesk.notifications.models import WebhookEndpoint
        from loopdesk.notifications.subscribers import on_complaint_change

        hooks.on_change(on_complaint_change)
        memo.watch(WebhookEndpoint)
