"""Monitor's alerts (预警) and data-check findings (数据异常), SPEC §6.

An Alert is raised once per condition (its dedupe key) and stays until a monitor acknowledges it.
A Finding is one complaint failing one data check; it is corrected (with a reason, on the
complaint's timeline, re-verified), dismissed as a false alarm, or cleared when a later scan no
longer finds the problem.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    BURST = "burst", _("Complaint burst")
    HIGH_RISK = "high_risk", _("New high-risk complaint")
    UNACCEPTED = "unaccepted", _("Not accepted in time")
    UNASSIGNED = "unassigned", _("Unassigned complaint")
    OVERDUE = "overdue", _("Overdue at the top level")
    CALLBACK_OVERDUE = "callback_overdue", _("Callback overdue")
    REVIEW_OVERDUE = "review_overdue", _("Escalation not reviewed in time")


class Dimension(models.TextChoices):
    TYPE = "type", _("Problem type")
    PRODUCT = "product", _("Product")
    REGION = "region", _("Region")


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    # The condition's identity: a second raise of the same condition is ignored (ON CONFLICT DO NOTHING).
    dedupe_key = models.CharField(max_length=255, unique=True)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("complaint"))
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices, blank=True)
    subject_value = models.CharField(_("value"), max_length=100, blank=True)
    subject_label = models.CharField(_("alert subject"), max_length=200, blank=True)
    window_start = models.DateTimeField(_("window start"), null=True, blank=True)
    window_end = models.DateTimeField(_("window end"), null=True, blank=True)
    observed = models.PositiveIntegerField(_("complaints in the window"), null=True, blank=True)
    baseline_mean = models.FloatField(_("usual count"), null=True, blank=True)
    baseline_sd = models.FloatField(_("usual spread"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ack_note = models.TextField(_("acknowledgement note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="alert_open_recent",
                         condition=Q(acknowledged_at__isnull=True)),
            models.Index(fields=["kind", "dimension", "subject_value", "created_at"], name="alert_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To correct")
    CORRECTED = "corrected", _("Corrected and verified")
    DISMISSED = "dismissed", _("Dismissed")
    CLEARED = "cleared", _("No longer found")


class Finding(models.Model):
    check_name = models.CharField(_("data check"), max_length=40)
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("complaint"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("corrected or dismissed by"))
    closed_at = models.DateTimeField(_("corrected or dismissed at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("data-check finding")
        verbose_name_plural = _("data-check findings")
        constraints = [
            # At most one open finding per check and complaint, even with two scans at once.
            models.UniqueConstraint(fields=["check_name", "complaint"], condition=Q(status="open"),
                                    name="finding_one_open"),
        ]
        indexes = [
            models.Index(fields=["status", "-found_at"], name="finding_status_found"),
            models.Index(fields=["check_name", "found_at"], name="finding_check_found"),
        ]

    def __str__(self) -> str:
        return f"{self.check_name} {self.complaint_id}"


class ScanMark(models.Model):
    """When each periodic scan last started; claimed with a conditional UPDATE so one process runs it."""

    name = models.CharField(max_length=40, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
