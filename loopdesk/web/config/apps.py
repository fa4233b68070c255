from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfigConfig(AppConfig):
    """Configuration pages for administrators (an app so it carries its own templates and catalogue)."""

    name = "loopdesk.web.config"
    label = "webconfig"
    verbose_name = _("Configuration pages")
