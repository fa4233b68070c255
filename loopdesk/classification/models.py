"""Problem-type taxonomy, the priority matrix and keyword suggestion rules (SPEC §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Nature(models.TextChoices):
    PROBLEM = "problem", _("Problem")
    INQUIRY = "inquiry", _("Inquiry")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")
    URGENT = "urgent", _("Urgent")


class Scope(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group (3 or more customers)")
    SYSTEMIC = "systemic", _("Systemic")


class Risk(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class CustomerLevel(models.TextChoices):
    NORMAL = "normal", _("Regular")
    VIP = "vip", _("VIP")


class Priority(models.TextChoices):
    A = "A", _("A · Urgent")
    B = "B", _("B · High")
    C = "C", _("C · Normal")


class ProblemType(models.Model):
    """Two levels: a root category (parent empty) and its sub-types."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent type"),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("problem type")
        verbose_name_plural = _("problem types")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def root(self) -> ProblemType:
        return self.parent if self.parent_id else self


class PriorityRule(models.Model):
    """One row of the priority matrix. Empty conditions match anything; the lowest order wins."""

    order = models.PositiveIntegerField(_("order"))
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, blank=True)
    scope = models.CharField(_("impact scope"), max_length=20, choices=Scope.choices, blank=True)
    risk = models.CharField(_("risk level"), max_length=20, choices=Risk.choices, blank=True)
    customer_level = models.CharField(
        _("customer level"), max_length=20, choices=CustomerLevel.choices, blank=True
    )
    priority = models.CharField(_("priority"), max_length=1, choices=Priority.choices)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority matrix")


class SuggestionField(models.TextChoices):
    TYPE = "problem_type", _("Problem type")
    SEVERITY = "severity", _("Severity")
    RISK = "risk", _("Risk level")


class KeywordRule(models.Model):
    """A keyword in the customer's words that suggests a classification value."""

    keyword = models.CharField(_("keyword"), max_length=50)
    field = models.CharField(_("suggests"), max_length=20, choices=SuggestionField.choices)
    value = models.CharField(_("value"), max_length=40, help_text=_("a problem-type code or choice value"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["field", "keyword"]
        unique_together = [("keyword", "field", "value")]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")
