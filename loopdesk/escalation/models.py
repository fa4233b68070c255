"""Escalations (SPEC §6): L0 frontline → L1 supervisor → L2 manager → L3 management."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    L0 = 0, _("L0 · Frontline")
    L1 = 1, _("L1 · Supervisor")
    L2 = 2, _("L2 · Manager / department head")
    L3 = 3, _("L3 · Management")


class Trigger(models.TextChoices):
    MANUAL = "manual", _("Manual")
    ACCEPTANCE = "acceptance", _("Not accepted in time")
    FIRST_RESPONSE = "first_response", _("First response deadline missed")
    RESOLUTION = "resolution", _("Resolution deadline missed")
    PROGRESS = "progress", _("No progress update")
    RISK = "risk", _("High risk or large amount")
    REPEAT = "repeat", _("Customer complains again")
    REVIEW = "review", _("Escalation not reviewed in time")


class Escalation(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="escalations",
                                  verbose_name=_("complaint"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    reason = models.TextField(_("reason"))
    from_level = models.PositiveSmallIntegerField(_("from level"), choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(_("to level"), choices=Level.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("from"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="escalations_received", verbose_name=_("to"))
    new_due_at = models.DateTimeField(_("new deadline"), null=True, blank=True)
    customer_told = models.BooleanField(_("customer was told"), default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("escalated by"),
                              help_text=_("Empty: the monitor sweep."))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="esc_complaint_at")]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.complaint_id} L{self.from_level}→L{self.to_level}"
