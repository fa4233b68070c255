"""Routing rules: which department, role or person a complaint goes to (SPEC §4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role
from loopdesk.classification.models import CustomerLevel


class Strategy(models.TextChoices):
    LEAST_LOADED = "least_loaded", _("Least loaded")
    ROUND_ROBIN = "round_robin", _("Round robin")


class RoutingRule(models.Model):
    """Empty conditions match anything; the lowest order that matches wins."""

    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    problem_type = models.ForeignKey(
        "classification.ProblemType", null=True, blank=True, on_delete=models.CASCADE,
        verbose_name=_("problem type"), help_text=_("a root type also matches its sub-types"),
    )
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True)
    customer_level = models.CharField(
        _("customer level"), max_length=20, choices=CustomerLevel.choices, blank=True
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.CASCADE, verbose_name=_("department")
    )
    role = models.CharField(
        _("role inside the department"), max_length=20, choices=Role.choices, default=Role.HANDLER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("named person"), help_text=_("when set, the complaint goes to this person"),
    )
    strategy = models.CharField(
        _("strategy"), max_length=20, choices=Strategy.choices, default=Strategy.LEAST_LOADED
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class OwnerLoad(models.Model):
    """How many open complaints each person owns: what least-loaded routing compares.

    Kept by database triggers on the complaint table (migration routing/0002), so every write counts,
    whichever code or tool makes it: intake reads one row per candidate instead of counting each
    candidate's backlog, which grew with the backlog (5.8 ms a complaint at 1,250 open per handler).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                related_name="+", db_constraint=False, verbose_name=_("owner"))
    open_count = models.IntegerField(_("open complaints"), default=0)

    class Meta:
        verbose_name = _("open complaints per owner")
        verbose_name_plural = _("open complaints per owner")
