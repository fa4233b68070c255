from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationConfig(AppConfig):
    name = "loopdesk.classification"
    label = "classification"
    verbose_name = _("Classification")
