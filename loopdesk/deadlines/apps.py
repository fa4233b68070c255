from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "loopdesk.deadlines"
    label = "deadlines"
    verbose_name = _("Business calendar and deadlines")

    def ready(self) -> None:
        from loopdesk.complaints import hooks
        from loopdesk.core import memo
        from loopdesk.deadlines.engine import on_complaint_change
        from loopdesk.deadlines.models import CalendarDay, SlaPolicy, WorkingPeriod

        hooks.on_change(on_complaint_change)
        memo.watch(SlaPolicy, WorkingPeriod, CalendarDay)
