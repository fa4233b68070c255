from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.Model):
    """An admin-editable configuration value; defaults live in loopdesk.core.config."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("setting")
        verbose_name_plural = _("settings")

    def __str__(self) -> str:
        return self.key
