"""One small form per workflow action on the complaint page. Field names follow the domain
actions' argument names, so a domain field error lands on the right input."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Department, User
from loopdesk.classification.models import Nature, Priority, Risk, Scope, Severity
from loopdesk.complaints.models import CommChannel, CompensationKind, Complaint, CustomerResponse, Direction
from loopdesk.web.forms.filters import type_choices
from loopdesk.web.forms.intake import DateTimeLocal
from loopdesk.web.forms.widgets import speed_up

SCORES = [(5, _("5 · very satisfied")), (4, _("4 · satisfied")), (3, _("3 · neutral")),
          (2, _("2 · dissatisfied")), (1, _("1 · very dissatisfied"))]
DIMENSIONS = (("response_speed", _("Response speed")), ("result", _("Result")), ("attitude", _("Attitude")),
              ("communication", _("Communication")))


def _people(staff: list[User], blank: bool = True) -> list:
    groups: dict[str, list] = {}
    for u in staff:
        dept = u.department.name_zh if u.department_id else str(_("No department"))
        groups.setdefault(dept, []).append((u.pk, f"{u.label} · {u.get_role_display()}"))
    return ([("", "—")] if blank else []) + list(groups.items())


class ActionForm(forms.Form):
    """Takes the page's shared choices; each form uses what it needs."""

    def __init__(self, *args, complaint: Complaint, staff: list[User] = (), departments: list[Department] = (),
                 open_subtasks: list = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        speed_up(self)
        self.complaint = complaint
        self.staff_by_id = {u.pk: u for u in staff}
        for f in self.fields.values():
            if getattr(f, "people", False):
                f.choices = _people(staff)
        self.setup(complaint=complaint, departments=departments, open_subtasks=open_subtasks)

    def setup(self, **kwargs) -> None:
        pass


def person(label, required=True) -> forms.TypedChoiceField:
    f = forms.TypedChoiceField(label=label, coerce=int, required=required, empty_value=None)
    f.people = True
    return f


def text(label, required=True, max_length=2000, rows=3, **kw) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}), **kw)


def line(label, required=True, max_length=500, **kw) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, **kw)


def when(label, required=False) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocal())


class OptionalNoteForm(ActionForm):
    note = line(_("Note (optional)"), required=False)


class ReasonForm(ActionForm):
    reason = text(_("Reason"), rows=2)


class EmptyForm(ActionForm):
    pass


class NoteForm(ActionForm):
    text = text(_("What was done"), rows=3, help_text=_("Concrete: who did what, and what comes next by when."))
    next_step = line(_("Next step"), required=False)
    next_step_owner = person(_("Next step by"), required=False)
    next_step_due = when(_("Next step due"))
    customer_visible = forms.BooleanField(label=_("Visible to the customer"), required=False)

    def clean_next_step_owner(self):
        pk = self.cleaned_data.get("next_step_owner")
        return self.staff_by_id.get(pk) if pk else None


class CommunicateForm(ActionForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=CommChannel.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND)
    summary = text(_("Summary"), rows=3)
    customer_reaction = line(_("Customer reaction"), required=False)
    next_step = line(_("Next step"), required=False)
    at = when(_("Time (if not now)"))
    customer_visible = forms.BooleanField(label=_("Visible to the customer"), required=False, initial=True)


class AttachForm(ActionForm):
    file = forms.FileField(label=_("File"), help_text=_("Photos, video, audio or PDF."))


class SubTaskForm(ActionForm):
    title = line(_("Sub-task"), max_length=200)
    owner_id = person(_("Owner"))
    due_at = when(_("Due"))
    depends_on = forms.TypedMultipleChoiceField(label=_("Depends on"), coerce=int, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    def setup(self, open_subtasks=(), **kwargs) -> None:
        self.fields["depends_on"].choices = [(t.pk, t.title) for t in open_subtasks]
        if not open_subtasks:
            del self.fields["depends_on"]


class CompleteSubTaskForm(ActionForm):
    result = line(_("Result"), max_length=2000)


class AssignForm(ActionForm):
    owner_id = person(_("Person"), required=False)
    department_id = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    note = line(_("Note (optional)"), required=False)

    def setup(self, departments=(), **kwargs) -> None:
        self.fields["department_id"].choices = [("", "—")] + [(d.pk, d.name_zh) for d in departments]


class HandoverForm(ActionForm):
    to_user_id = person(_("Hand over to"))
    reason = text(_("Reason"), rows=2)


class CoHandlerForm(ActionForm):
    user_id = person(_("Co-handler"))


class ReclassifyForm(ActionForm):
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    nature = forms.ChoiceField(label=_("Request nature"), choices=Nature.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    scope = forms.ChoiceField(label=_("Impact scope"), choices=Scope.choices)
    risk = forms.ChoiceField(label=_("Risk level"), choices=Risk.choices)
    note = line(_("Note (optional)"), required=False)

    def setup(self, complaint=None, **kwargs) -> None:
        self.fields["problem_type"].choices = [("", "—"), *type_choices()]
        if not self.is_bound and complaint is not None:
            self.initial.update({"problem_type": complaint.problem_type.code if complaint.problem_type else "",
                                 "nature": complaint.nature, "severity": complaint.severity,
                                 "scope": complaint.scope, "risk": complaint.risk})


class PriorityForm(ActionForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = text(_("Reason"), rows=2)


class DemandForm(ActionForm):
    new_demand = text(_("New demand"), rows=2)
    new_expected_at = when(_("New expected resolution time"))
    confirmation = line(_("How the customer confirmed"))


class SolutionForm(ActionForm):
    measures = text(_("Measures"), rows=3)
    compensation_kind = forms.ChoiceField(label=_("Compensation"), choices=CompensationKind.choices,
                                          initial=CompensationKind.NONE)
    compensation_amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=12, decimal_places=2,
                                             required=False, min_value=0)

    def clean_compensation_amount(self):
        return self.cleaned_data.get("compensation_amount") or Decimal("0")


class ApprovalForm(ActionForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = line(_("Note (required to reject)"), required=False)


class ResponseForm(ActionForm):
    response = forms.ChoiceField(label=_("Customer response"), choices=CustomerResponse.choices,
                                 widget=forms.RadioSelect)
    comment = text(_("Customer comment"), required=False, rows=2)


class ResolveForm(ActionForm):
    summary = text(_("How it was resolved"), rows=3)


class SatisfactionForm(ActionForm):
    response_speed = forms.TypedChoiceField(label=_("Response speed"), choices=SCORES, coerce=int,
                                            widget=forms.RadioSelect)
    result = forms.TypedChoiceField(label=_("Result"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    attitude = forms.TypedChoiceField(label=_("Attitude"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    communication = forms.TypedChoiceField(label=_("Communication"), choices=SCORES, coerce=int,
                                           widget=forms.RadioSelect)
    comment = text(_("Comment"), required=False, rows=2)


class VerifyForm(ActionForm):
    really_resolved = forms.BooleanField(label=_("Really resolved"), required=False)
    promise_kept = forms.BooleanField(label=_("Promise kept"), required=False)
    process_compliant = forms.BooleanField(label=_("Process compliant"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect,
                                choices=[("pass", _("Passed: close")), ("fail", _("Failed: reopen"))])
    note = line(_("Note (required when failed)"), required=False)

    def clean(self):
        data = super().clean()
        checks = ("really_resolved", "promise_kept", "process_compliant")
        if data.get("outcome") == "pass" and not all(data.get(c) for c in checks):
            self.add_error("outcome", _("Tick every check to pass verification, or fail it."))
        return data


class CancelForm(ActionForm):
    reason = text(_("Reason"), rows=2)
    duplicate_of = line(_("Duplicate of (number)"), required=False, max_length=40)


class EscalateForm(ActionForm):
    reason = text(_("Reason"), rows=2, help_text=_("What cannot be solved at this level, and what is needed."))
    to_level = forms.TypedChoiceField(label=_("To level"), coerce=int, required=False, empty_value=None,
                                      choices=[("", _("Next level")), (1, _("L1 · supervisor")),
                                               (2, _("L2 · manager / department head")),
                                               (3, _("L3 · management"))])
    customer_told = forms.BooleanField(label=_("The customer was told"), required=False)
