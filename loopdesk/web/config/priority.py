"""The priority matrix: severity × scope × risk × customer level → A/B/C, first match wins (SPEC §2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import CustomerLevel, Priority, PriorityRule, Risk, Scope, Severity
from loopdesk.classification.priority import compute_priority
from loopdesk.web.config.crud import Section

CONDITIONS = ("severity", "scope", "risk", "customer_level")
ANY = _("any")


class PriorityRuleForm(forms.ModelForm):
    class Meta:
        model = PriorityRule
        fields = ["order", *CONDITIONS, "priority"]
        help_texts = {"order": _("Rows are checked from the smallest number up.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CONDITIONS:
            self.fields[name].choices = [("", _("— any —")), *self.fields[name].choices[1:]]


class TryForm(forms.Form):
    """Which row a complaint with these facts would get: the explanation by example."""

    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.NORMAL)
    scope = forms.ChoiceField(label=_("impact scope"), choices=Scope.choices, initial=Scope.INDIVIDUAL)
    risk = forms.ChoiceField(label=_("risk level"), choices=Risk.choices, initial=Risk.NONE)
    customer_level = forms.ChoiceField(label=_("customer level"), choices=CustomerLevel.choices,
                                       initial=CustomerLevel.NORMAL)


def _matches(rule: PriorityRule, facts: dict[str, str]) -> bool:
    return all(not getattr(rule, c) or getattr(rule, c) == facts[c] for c in CONDITIONS)


def _covers(general: PriorityRule, specific: PriorityRule) -> bool:
    """Every complaint the specific row matches is matched by the general one first."""
    return all(not getattr(general, c) or getattr(general, c) == getattr(specific, c) for c in CONDITIONS)


class PriorityMatrix(Section):
    name = "priority_rule"
    slug = "priority"
    model = PriorityRule
    form_class = PriorityRuleForm
    title = _("Priority matrix")
    add_title = _("New priority row")
    intro = _("Each row is a set of conditions and the priority it gives. A new or reclassified complaint is "
              "checked against the rows from the smallest order up and gets the priority of the first row "
              "whose conditions all match; an empty condition matches anything. If no row matches, the "
              "priority is C. Supervisors may still override a complaint's priority with a reason.")
    list_template = "config/priority.html"

    def rows(self, request: HttpRequest) -> list[PriorityRule]:
        rules = list(PriorityRule.objects.all())
        for i, rule in enumerate(rules):
            rule.shadowed_by = next((r for r in rules[:i] if _covers(r, rule)), None)
            rule.cells = [(getattr(rule, f"get_{c}_display")() if getattr(rule, c) else None) for c in CONDITIONS]
        return rules

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        form = TryForm(request.GET if "severity" in request.GET else None)
        result = matched = None
        if form.is_valid():
            facts = form.cleaned_data
            result = Priority(compute_priority(**facts))
            matched = next((r for r in PriorityRule.objects.all() if _matches(r, facts)), None)
        catch_all = any(not any(getattr(r, c) for c in CONDITIONS) for r in PriorityRule.objects.all())
        return {"try_form": form, "try_result": result, "try_row": matched, "catch_all": catch_all}

    def label(self, obj: PriorityRule) -> str:
        return f"#{obj.order} → {obj.priority}"


section = PriorityMatrix()
