from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "loopdesk.improvement"
    label = "improvement"
    verbose_name = _("Problems and improvement")
