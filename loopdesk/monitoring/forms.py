"""Forms of the monitoring pages: acknowledging an alert, correcting or dismissing a finding."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import ProblemType
from loopdesk.complaints.models import Complaint
from loopdesk.monitoring import checks
from loopdesk.monitoring.corrections import CONTACT, TEXTS
from loopdesk.web.forms.intake import DateTimeLocal, local_input


class AckForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Why this is not a problem"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "dismiss_%s")  # shares the page with the correction form's reason
        super().__init__(*args, **kwargs)


class CorrectionForm(forms.Form):
    """The fields the finding's check is about, filled with the current values, plus the reason."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, check: checks.Check, complaint: Complaint, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current: dict[str, str] = {}
        fields: dict[str, forms.Field] = {}
        for name in check.fields:
            label = capfirst(checks.field_label(name))
            if name in checks.TIMES:
                value = getattr(complaint, name)
                self.current[name] = local_input(value) if value else ""
                fields[name] = forms.CharField(label=label, required=False, widget=DateTimeLocal())
            elif name in TEXTS:
                self.current[name] = getattr(complaint, name)
                widget = forms.TextInput() if name == "subject" else forms.Textarea(attrs={"rows": 3})
                fields[name] = forms.CharField(label=label, required=False, widget=widget, strip=True)
            elif name == "problem_type":
                self.current[name] = complaint.problem_type.code if complaint.problem_type_id else ""
                choices = [("", "—"), *((pt.code, pt.display_name)
                                        for pt in ProblemType.objects.filter(active=True).order_by("order", "code"))]
                fields[name] = forms.ChoiceField(label=label, required=False, choices=choices)
            elif name in CONTACT:
                self.current[name] = getattr(complaint.customer, CONTACT[name])
                fields[name] = forms.CharField(label=label, required=False, max_length=254)
            elif name == "repeat_of":
                self.current[name] = complaint.repeat_of.number if complaint.repeat_of_id else ""
                fields[name] = forms.CharField(label=_("Repeat of (complaint number)"), required=False,
                                               max_length=40)
        self.fields = {**fields, "reason": self.fields["reason"]}
        if not self.is_bound:
            self.initial = dict(self.current)

    def changes(self) -> dict[str, str]:
        """Only what the monitor changed: an untouched time must not lose its seconds."""
        return {name: self.cleaned_data.get(name, "") or "" for name in self.current
                if (self.cleaned_data.get(name, "") or "") != (self.current[name] or "")}
