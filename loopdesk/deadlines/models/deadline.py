"""One row per clock a complaint runs against: an SLA target or a monitor's watch (SPEC §3, §6).

`next_check_at` is the single indexed column the monitor sweep reads: the instant at which the
row next needs attention (its reminder, then its due time). Rows that need nothing have NULL
there and are outside the partial index, so the sweep's cost follows due rows, not open ones.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Acceptance by the assignee")
    FIRST_RESPONSE = "first_response", _("First response")
    PROGRESS = "progress", _("Progress update")
    RESOLUTION = "resolution", _("Resolution")
    CALLBACK = "callback", _("Post-resolution callback")
    # Watches: no SLA target, a moment at which the monitor must look.
    ASSIGNMENT = "assignment", _("Assignment")
    RISK = "risk", _("High risk or large amount")
    REPEAT = "repeat", _("Customer complains again")
    REVIEW = "review", _("Review of an escalation")


SLA_KINDS = (DeadlineKind.ACCEPTANCE, DeadlineKind.FIRST_RESPONSE, DeadlineKind.PROGRESS,
             DeadlineKind.RESOLUTION, DeadlineKind.CALLBACK)


class DeadlineState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


class Metric(models.TextChoices):
    CLOCK = "clock", _("clock time")
    WORKING = "working", _("working time")


class Deadline(models.Model):
    # Indexes cost the sweep on every row it moves: the complaint is covered by the unique
    # (complaint, kind, cycle) index, and nothing looks deadlines up by policy.
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="deadlines",
                                  db_index=False)
    kind = models.CharField(_("target"), max_length=20, choices=DeadlineKind.choices)
    # A reopened complaint or a new assignee starts a new cycle; earlier cycles stay as the record.
    cycle = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(_("state"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.RUNNING)
    policy = models.ForeignKey("deadlines.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("SLA policy"), db_index=False)
    amount = models.DecimalField(_("target"), max_digits=7, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    metric = models.CharField(max_length=10, choices=Metric.choices, default=Metric.CLOCK)
    # The whole target in seconds of `metric`; what has been used of it before the current run.
    budget_seconds = models.BigIntegerField(default=0)
    consumed_seconds = models.BigIntegerField(default=0)
    reminder_share = models.FloatField(default=0.8)

    started_at = models.DateTimeField(_("started at"))
    run_started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("first missed at"), null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(_("actual time"), null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.BigIntegerField(_("time paused (s)"), default=0)
    pause_count = models.PositiveSmallIntegerField(_("pauses"), default=0)

    next_check_at = models.DateTimeField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["complaint_id", "kind", "cycle"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind", "cycle"], name="deadline_unique_cycle"),
        ]
        indexes = [
            models.Index(fields=["next_check_at"], name="deadline_next_check",
                         condition=Q(next_check_at__isnull=False)),
            # "Overdue" and "due soon" list filters.
            models.Index(fields=["due_at"], name="deadline_running_due", condition=Q(state="running")),
            models.Index(fields=["remind_at"], name="deadline_running_remind", condition=Q(state="running")),
            models.Index(fields=["complaint"], name="deadline_running_missed",
                         condition=Q(state="running", breached_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}#{self.cycle}"

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        # What the database holds, so a save can write only what changed (the sweep writes many rows).
        row._loaded = dict(zip(field_names, values, strict=True))
        return row

    @property
    def is_sla(self) -> bool:
        return self.kind in SLA_KINDS
