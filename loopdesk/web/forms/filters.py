"""The complaint list's filters, parsed from the query string into the shared domain filters."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Department, User
from loopdesk.classification.models import Priority, ProblemType, Risk
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.complaints.filters import ComplaintFilters
from loopdesk.complaints.models import Channel, Status
from loopdesk.web.forms.widgets import speed_up

# Sort keys offered in the list → ORM ordering (the last key makes the order total).
ORDERS = {
    "-registered": (_("Newest registered"), ("-id",)),
    "-received": (_("Newest received"), ("-received_at", "-id")),
    "received": (_("Oldest received"), ("received_at", "id")),
    "priority": (_("Priority (A first)"), ("priority", "-id")),
    "-updated": (_("Recently changed"), ("-updated_at", "-id")),
}
PAGE_SIZES = (25, 50, 100)
DUE_CHOICES = [("", _("Any")), ("overdue", _("Overdue")), ("due_soon", _("Due soon"))]


def type_choices() -> list:
    """Root types with their sub-types as option groups; choosing a root includes its sub-types."""
    roots: dict[int, tuple[ProblemType | None, list]] = {}
    types = sorted((p for p in problem_types_by_code().values() if p.active), key=lambda p: (p.order, p.code))
    for pt in types:
        if pt.parent_id is None:
            roots[pt.pk] = (pt, roots.get(pt.pk, (None, []))[1])
        else:
            roots.setdefault(pt.parent_id, (None, []))[1].append(pt)
    out: list = []
    for root, children in roots.values():
        if root is None:
            continue
        out.append((root.display_name, [(root.code, _("%(type)s (all)") % {"type": root.display_name})]
                    + [(c.code, c.display_name) for c in children]))
    return out


class ListForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("number, subject, words…")}))
    status = forms.MultipleChoiceField(label=_("Status"), choices=Status.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    priority = forms.MultipleChoiceField(label=_("Priority"), choices=Priority.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    risk = forms.MultipleChoiceField(label=_("Risk level"), choices=Risk.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    channel = forms.MultipleChoiceField(label=_("Channel"), choices=Channel.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    department = forms.ChoiceField(label=_("Department"), required=False)
    my_departments = forms.BooleanField(label=_("My departments only"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    unassigned = forms.BooleanField(label=_("Without owner"), required=False)
    escalated = forms.BooleanField(label=_("Escalated"), required=False)
    repeat = forms.BooleanField(label=_("Repeat complaints"), required=False)
    due = forms.ChoiceField(label=_("Deadline"), choices=DUE_CHOICES, required=False)
    received_from = forms.DateField(label=_("Received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=_("Received until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    order = forms.ChoiceField(label=_("Sort by"), required=False,
                              choices=[(k, label) for k, (label, _o) in ORDERS.items()])
    per_page = forms.TypedChoiceField(label=_("Rows per page"), required=False, coerce=int, empty_value=25,
                                      choices=[(n, n) for n in PAGE_SIZES])
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, staff: list[User], departments: list[Department]) -> None:
        super().__init__(data)
        speed_up(self)
        self.fields["problem_type"].choices = [("", _("Any")), *type_choices()]
        self.fields["department"].choices = [("", _("Any"))] + [
            (d.code, d.name_en if _english() else d.name_zh) for d in departments]
        self.fields["owner"].choices = [("", _("Anyone"))] + [(u.username, u.label) for u in staff]

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end date is before the start date."))
        return data

    def value(self, name: str, default=None):
        """A cleaned value, or the default when the field is missing or not valid."""
        return (self.cleaned_data if hasattr(self, "cleaned_data") else {}).get(name) or default

    def filters(self) -> ComplaintFilters:
        v = self.value
        return ComplaintFilters(
            status=",".join(v("status", [])) or None,
            problem_type=v("problem_type"),
            priority=",".join(v("priority", [])) or None,
            risk=",".join(v("risk", [])) or None,
            channel=",".join(v("channel", [])) or None,
            department=v("department"),
            owner=v("owner"),
            unassigned=True if v("unassigned") else None,
            escalated=True if v("escalated") else None,
            is_repeat=True if v("repeat") else None,
            received_from=_day_start(v("received_from")),
            received_to=_day_start(v("received_to"), plus_one=True),
            q=v("q"),
        )

    @property
    def ordering(self) -> tuple[str, ...]:
        return ORDERS[self.value("order", "-registered")][1]

    @property
    def page_size(self) -> int:
        return self.value("per_page", PAGE_SIZES[0])

    @property
    def page_number(self) -> int:
        return self.value("page", 1)


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def _day_start(day, *, plus_one: bool = False) -> datetime | None:
    if day is None:
        return None
    if plus_one:
        day = day + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))
