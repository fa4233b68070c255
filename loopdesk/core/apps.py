from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "loopdesk.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from loopdesk.accounts.models import Department, User
        from loopdesk.classification.models import KeywordRule, PriorityRule, ProblemType
        from loopdesk.core import memo
        from loopdesk.core.models import Setting
        from loopdesk.routing.models import RoutingRule

        memo.watch(Setting, PriorityRule, KeywordRule, ProblemType, RoutingRule, Department, User)
