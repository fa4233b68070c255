"""Problems (groups of related complaints) with their root-cause analysis, and SMART improvement
actions with a measurable target (SPEC §7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANALYSING = "analysing", _("Analysing")
    ROOT_CAUSE_CONFIRMED = "root_cause_confirmed", _("Root cause confirmed")
    CLOSED = "closed", _("Closed")


class CauseCategory(models.TextChoices):
    """The fishbone (Ishikawa) categories 人/机/料/法/环."""

    MAN = "man", _("Man (people)")
    MACHINE = "machine", _("Machine (equipment, systems)")
    MATERIAL = "material", _("Material (supplies)")
    METHOD = "method", _("Method (process)")
    ENVIRONMENT = "environment", _("Environment (surroundings)")


# 5W1H, in the order the analysis is written down.
FIVE_W_ONE_H = ("what", "why", "when", "where", "who", "how")


class Problem(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    problem_type = models.ForeignKey(
        "classification.ProblemType", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("problem type"),
    )
    product = models.CharField(_("product"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_problems",
        verbose_name=_("owner"),
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint", through="ProblemComplaint", related_name="problems", verbose_name=_("complaints"),
    )

    # 5W1H analysis.
    what = models.TextField(_("What happened"), blank=True)
    why = models.TextField(_("Why it happened"), blank=True)
    when = models.TextField(_("When it happens"), blank=True)
    where = models.TextField(_("Where it happens"), blank=True)
    who = models.TextField(_("Who is involved"), blank=True)
    how = models.TextField(_("How it happens"), blank=True)
    analysed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("analysed by"))
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)

    root_cause = models.TextField(_("confirmed root cause"), blank=True)
    root_cause_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("root cause confirmed by"),
    )
    root_cause_confirmed_at = models.DateTimeField(_("root cause confirmed at"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["status", "-id"], name="problem_status_id")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def has_analysis(self) -> bool:
        return any(getattr(self, f) for f in FIVE_W_ONE_H)


class ProblemComplaint(models.Model):
    """A complaint grouped into a problem: who linked it and when. A complaint is in one problem at most."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="links")
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="problem_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("linked by"))
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["complaint"], name="problem_link_one_per_complaint")]
        indexes = [models.Index(fields=["problem", "linked_at"], name="problem_link_problem")]


class Cause(models.Model):
    """One bone of the fishbone diagram: a candidate cause in one of the five categories."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="causes")
    category = models.CharField(_("category"), max_length=20, choices=CauseCategory.choices)
    text = models.CharField(_("cause"), max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")


class Metric(models.TextChoices):
    WEEKLY_COMPLAINTS = "weekly_complaints", _("Complaints per week")
    REPEAT_RATE = "repeat_rate", _("Repeat-complaint rate (%)")
    SATISFACTION_RATE = "satisfaction_rate", _("Satisfaction rate (%)")
    ON_TIME_RESOLUTION_RATE = "on_time_resolution_rate", _("On-time resolution rate (%)")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class ImprovementAction(models.Model):
    """A SMART improvement action: specific measure, measurable metric with baseline and target,
    an owner and department, a due date, and a status tracked to completion."""

    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="actions",
                                verbose_name=_("problem"))
    measure = models.TextField(_("measure"))
    metric = models.CharField(_("target metric"), max_length=30, choices=Metric.choices)
    # Which complaints the metric counts; empty means all.
    metric_problem_type = models.ForeignKey(
        "classification.ProblemType", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("metric problem type"),
    )
    metric_product = models.CharField(_("metric product"), max_length=100, blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    evaluation_weeks = models.PositiveSmallIntegerField(_("evaluation period (weeks)"), default=4)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="improvement_actions",
                              verbose_name=_("owner"))
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    # The due date an overdue alert was sent for: the periodic check skips these without writing.
    overdue_alerted_for = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [
            # The overdue check asks "which open actions are past due?": cost follows open rows only.
            models.Index(fields=["due_date"], name="impr_action_open_due",
                         condition=Q(status__in=["planned", "in_progress"])),
            models.Index(fields=["problem", "due_date"], name="impr_action_problem"),
        ]

    def __str__(self) -> str:
        return self.measure[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())
