"""SLA policies: response, acceptance, progress, resolution and callback targets per priority (SPEC §3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import ProblemType
from loopdesk.deadlines.models import TARGETS, SlaPolicy, Unit
from loopdesk.web.config.crud import Section
from loopdesk.web.config.routing import TypeChoiceField

SHORT_UNITS = {Unit.CLOCK_HOURS: _("h"), Unit.WORKING_HOURS: _("working h"), Unit.WORKING_DAYS: _("working days")}


class SlaPolicyForm(forms.ModelForm):
    problem_type = TypeChoiceField(queryset=ProblemType.objects.none(), required=False, label=_("problem type"),
                                   empty_label=_("— any type —"),
                                   help_text=_("A category also covers its sub-types."))

    class Meta:
        model = SlaPolicy
        fields = ["name", "priority", "problem_type", "customer_level", "active", "reminder_share",
                  *[f for t in TARGETS for f in (t, f"{t}_unit")]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem_type"].queryset = (
            ProblemType.objects.select_related("parent").order_by("parent__order", "order", "code"))
        self.fields["customer_level"].choices = [("", _("— any customer —")),
                                                 *self.fields["customer_level"].choices[1:]]

    def target_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """(label, amount field, unit field) per target, so the template can lay them out as a table."""
        return [(label, self[name], self[f"{name}_unit"]) for name, label in TARGETS.items()]

    def plain_fields(self) -> list[forms.BoundField]:
        paired = {f for t in TARGETS for f in (t, f"{t}_unit")}
        return [self[name] for name in self.fields if name not in paired]


class SlaPolicies(Section):
    name = "sla_policy"
    slug = "sla"
    model = SlaPolicy
    form_class = SlaPolicyForm
    title = _("SLA policies")
    add_title = _("New SLA policy")
    intro = _("Deadlines per priority. A policy may be narrowed to a problem type and/or a customer level; the "
              "most specific active policy matching a complaint applies (type before customer level). Durations "
              "are in clock hours, working hours or working days on the business calendar; an empty target "
              "means none.")
    list_template = "config/sla.html"
    edit_template = "config/sla_edit.html"

    def rows(self, request: HttpRequest) -> list[SlaPolicy]:
        rows = list(SlaPolicy.objects.select_related("problem_type__parent").order_by("priority", "id"))
        for p in rows:
            p.cells = []
            for name in TARGETS:
                amount = getattr(p, name)
                unit = getattr(p, f"{name}_unit")
                p.cells.append(None if amount is None else f"{amount.normalize():f} {SHORT_UNITS.get(unit, unit)}")
        return rows

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"targets": list(TARGETS.values())}

    def label(self, obj: SlaPolicy) -> str:
        return f"{obj.name} ({obj.priority})"


section = SlaPolicies()
