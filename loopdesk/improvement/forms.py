"""Forms of the improvement pages. Field names follow the domain functions' argument names, so a
domain field error lands on the right input (add_domain_errors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Department, User
from loopdesk.improvement.access import OWNER_ROLES
from loopdesk.improvement.models import FIVE_W_ONE_H, CauseCategory, Metric, Problem
from loopdesk.improvement.problems import CauseInput
from loopdesk.web.forms.filters import type_choices
from loopdesk.web.forms.widgets import speed_up


def _owners() -> list:
    people = (User.objects.filter(is_active=True, role__in=OWNER_ROLES).select_related("department")
              .order_by("department__code", "display_name", "username"))
    return [("", "—")] + [(u.pk, f"{u.label} · {u.get_role_display()}") for u in people]


def _types() -> list:
    return [("", "—"), *type_choices()]


def _area(label, required=False, rows=3, max_length=5000, **kw) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}), **kw)


class Base(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            if name in ("owner_id", "owner"):
                f.choices = _owners()
            elif name in ("problem_type", "metric_problem_type"):
                f.choices = _types()
        speed_up(self)


class ProblemForm(Base):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _area(_("Description"))
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    product = forms.CharField(label=_("Product"), max_length=100, required=False)
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, numbers_initial: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["numbers"] = forms.MultipleChoiceField(
            label=_("Complaints to group"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(n, n) for n in (numbers_initial or [])])

    @classmethod
    def of(cls, problem: Problem) -> ProblemForm:
        return cls(prefix="edit", initial={"title": problem.title, "description": problem.description,
                                           "problem_type": problem.problem_type.code if problem.problem_type_id
                                           else "", "product": problem.product, "owner_id": problem.owner_id})


class LinkForm(forms.Form):
    numbers = forms.CharField(label=_("Complaint numbers"), max_length=10000, required=False,
                              help_text=_("One or more complaint numbers, separated by spaces, commas or lines."),
                              widget=forms.Textarea(attrs={"rows": 2}))

    def cleaned_numbers(self) -> list[str]:
        """Typed numbers plus the suggestions ticked on the page (checkboxes named <prefix>-picked)."""
        raw = self.cleaned_data["numbers"].replace(",", " ").replace("，", " ")
        return [n for n in raw.split() if n] + self.data.getlist(self.add_prefix("picked"))[:200]


class AnalysisForm(forms.Form):
    what = _area(_("What: what happened?"))
    why = _area(_("Why: why did it happen?"))
    when = _area(_("When: when does it happen?"))
    where = _area(_("Where: where does it happen?"))
    who = _area(_("Who: who is involved?"))
    how = _area(_("How: how does it happen?"))
    man = _area(_("Man (people) · 人"), max_length=10000, help_text=_("One cause per line."))
    machine = _area(_("Machine (equipment, systems) · 机"), max_length=10000, help_text=_("One cause per line."))
    material = _area(_("Material · 料"), max_length=10000, help_text=_("One cause per line."))
    method = _area(_("Method (process) · 法"), max_length=10000, help_text=_("One cause per line."))
    environment = _area(_("Environment · 环"), max_length=10000, help_text=_("One cause per line."))

    @classmethod
    def of(cls, problem: Problem) -> AnalysisForm:
        initial = {k: getattr(problem, k) for k in FIVE_W_ONE_H}
        for category in CauseCategory.values:
            initial[category] = "\n".join(c.text for c in problem.causes.all() if c.category == category)
        return cls(prefix="analysis", initial=initial)

    def causes(self) -> list[CauseInput]:
        return [CauseInput(category, line.strip()) for category in CauseCategory.values
                for line in self.cleaned_data[category].splitlines() if line.strip()]

    def answers(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in FIVE_W_ONE_H}


class RootCauseForm(forms.Form):
    root_cause = _area(_("Confirmed root cause"), required=True,
                       help_text=_("What the analysis proved, e.g. confirmed with the departments concerned."))


class ActionForm(Base):
    measure = _area(_("Measure"), required=True, max_length=2000,
                    help_text=_("Specific: what will be done, by whom, to which part of the process."))
    metric = forms.ChoiceField(label=_("Target metric"), choices=Metric.choices)
    metric_problem_type = forms.ChoiceField(label=_("Metric problem type"), required=False)
    metric_product = forms.CharField(label=_("Metric product"), max_length=100, required=False)
    baseline_value = forms.DecimalField(label=_("Baseline"), required=False, max_digits=12, decimal_places=2,
                                        help_text=_("Leave empty to measure it from the last evaluation period."))
    target_value = forms.DecimalField(label=_("Target value"), max_digits=12, decimal_places=2)
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None)
    department_id = forms.TypedChoiceField(label=_("Department"), coerce=int, empty_value=None)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                            format="%Y-%m-%d"))
    evaluation_weeks = forms.IntegerField(label=_("Evaluation period (weeks)"), initial=4, min_value=1,
                                          max_value=26)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        english = (get_language() or "").startswith("en")
        self.fields["department_id"].choices = [("", "—")] + [
            (d.pk, d.name_en if english and d.name_en else d.name_zh) for d in Department.objects.order_by("code")]

    def plan(self) -> dict:
        # An empty type or product is a choice ("all complaints"); the page pre-fills the problem's.
        return dict(self.cleaned_data)


class CompleteForm(forms.Form):
    result = _area(_("Result"), required=True, help_text=_("What was done and what changed."))


class CancelForm(forms.Form):
    reason = _area(_("Reason"), required=True, max_length=2000)
