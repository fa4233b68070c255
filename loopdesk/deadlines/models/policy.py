"""SLA policies: targets per priority, optionally narrowed by problem type and customer level (SPEC §3)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import CustomerLevel, Priority


class Unit(models.TextChoices):
    CLOCK_HOURS = "clock_hours", _("clock hours")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


# Target name → (verbose label). The same names are the Deadline kinds of the SLA targets.
TARGETS: dict[str, object] = {
    "acceptance": _("acceptance by the assignee"),
    "first_response": _("first response"),
    "progress": _("progress update interval"),
    "resolution": _("resolution"),
    "callback": _("post-resolution callback"),
}


def _amount(label) -> models.DecimalField:
    return models.DecimalField(label, max_digits=7, decimal_places=2, null=True, blank=True,
                               help_text=_("Empty: no target."))


def _unit() -> models.CharField:
    return models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.CLOCK_HOURS)


class SlaPolicy(models.Model):
    """One row of targets. The most specific active policy matching a complaint wins:
    problem type (sub-type before its root) counts more than customer level."""

    name = models.CharField(_("name"), max_length=100)
    priority = models.CharField(_("priority"), max_length=1, choices=Priority.choices)
    problem_type = models.ForeignKey(
        "classification.ProblemType", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("problem type"), help_text=_("Empty: any type. A root type also covers its sub-types."),
    )
    customer_level = models.CharField(_("customer level"), max_length=20, choices=CustomerLevel.choices,
                                      blank=True, help_text=_("Empty: any customer."))
    active = models.BooleanField(_("active"), default=True)
    reminder_share = models.DecimalField(
        _("reminder at share of target"), max_digits=3, decimal_places=2, default=Decimal("0.80"),
        help_text=_("Remind the owner when this share of a target has elapsed (0.80 = 80%)."),
    )

    acceptance = _amount(_("acceptance by the assignee"))
    acceptance_unit = _unit()
    first_response = _amount(_("first response"))
    first_response_unit = _unit()
    progress = _amount(_("progress update interval"))
    progress_unit = _unit()
    resolution = _amount(_("resolution"))
    resolution_unit = _unit()
    callback = _amount(_("post-resolution callback"))
    callback_unit = _unit()

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["priority", "problem_type", "customer_level"],
                                    condition=Q(problem_type__isnull=False), name="sla_unique_typed"),
            models.UniqueConstraint(fields=["priority", "customer_level"], condition=Q(problem_type__isnull=True),
                                    name="sla_unique_untyped"),
        ]

    def __str__(self) -> str:
        return self.name

    def target(self, name: str) -> tuple[Decimal, str] | None:
        amount = getattr(self, name)
        return None if amount is None else (amount, getattr(self, f"{name}_unit"))

    def clean(self) -> None:
        # Unknown priorities and units are refused by the fields' choices; here: what choices cannot say.
        errors: dict[str, list[ValidationError]] = {}
        for name in TARGETS:
            amount, unit = getattr(self, name), getattr(self, f"{name}_unit")
            if amount is None:
                continue
            if amount <= 0:
                errors[name] = [ValidationError(_("The duration must be positive."), code="not_positive")]
            elif unit == Unit.WORKING_DAYS and amount != amount.to_integral_value():
                errors[name] = [ValidationError(_("Give working days as a whole number."), code="fraction")]
        if self.reminder_share is not None and not Decimal("0") < self.reminder_share < Decimal("1"):
            errors["reminder_share"] = [ValidationError(_("Give a share between 0 and 1, e.g. 0.80."),
                                                        code="out_of_range")]
        if errors:
            raise ValidationError(errors)
