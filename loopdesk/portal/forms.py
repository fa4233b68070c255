"""The customer portal's forms: submit a complaint, find it again, rate how it was handled."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import ProblemType
from loopdesk.complaints.attachments import validate_upload
from loopdesk.core.errors import ValidationFailed
from loopdesk.portal.abuse import HumanCheckForm

PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,28}$")
KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_FILES = 5


def max_upload_total() -> int:
    return int(getattr(settings, "LOOPDESK", {}).get("PORTAL_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def digits(phone: str) -> str:
    """Only the digits, without a leading Chinese country code: how phones are compared."""
    d = re.sub(r"\D", "", phone or "")
    return d[2:] if d.startswith("86") and len(d) == 13 else d


def type_choices() -> list[tuple[str, str]]:
    """Active categories, each followed by its active sub-types."""
    types = list(ProblemType.objects.filter(active=True).order_by("order", "code"))
    roots = [t for t in types if not t.parent_id]
    out: list[tuple[str, str]] = []
    for root in roots:
        out.append((root.code, root.display_name))
        out += [(t.code, f"{root.display_name} › {t.display_name}") for t in types if t.parent_id == root.pk]
    return out


class SubmitForm(HumanCheckForm):
    name = forms.CharField(label=_("Your name"), max_length=100, required=False,
                           help_text=_("Optional. You may stay anonymous towards our staff."))
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("Email"), max_length=254, required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    region = forms.CharField(label=_("City / region"), max_length=50, required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=64, required=False)
    product = forms.CharField(label=_("Product"), max_length=100, required=False)
    problem_type = forms.ChoiceField(label=_("What is it about?"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200,
                              help_text=_("A few words, e.g. “Parcel not delivered after a week”."))
    description = forms.CharField(label=_("What happened?"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("In your own words: what, when, where. At most 5000 characters."))
    core_demand = forms.CharField(label=_("What would you like us to do?"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Photos, receipts or recordings"), required=False,
                              help_text=_("Up to 5 files: photos, PDF, video or audio."))
    consent = forms.BooleanField(label=_("I agree that my contact details are used to handle this complaint."))
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    field_order = ["name", "phone", "email", "region", "order_no", "product", "problem_type", "subject",
                   "description", "core_demand", "files", "consent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem_type"].choices = [("", _("— not sure —")), *type_choices()]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Enter a valid phone number."))
        return phone

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not KEY.match(key):
            raise forms.ValidationError(_("Your message could not be accepted. Please try again."))
        return key

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
        if sum(f.size or 0 for f in files) > max_upload_total():
            raise forms.ValidationError(_("The files are larger than %(mb)d MB together.")
                                        % {"mb": max_upload_total() // (1024 * 1024)})
        errors = []
        for f in files:
            try:
                validate_upload(f)  # the same content check as staff uploads: by bytes, not by name
            except ValidationFailed as exc:
                errors += [f"{f.name}: {m}" for m in exc.errors.get("file", [])]
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("phone") or data.get("email")) and "phone" not in self.errors and "email" not in self.errors:
            self.add_error("phone", _("Give a mobile phone or an email address, so we can reach you and you can "
                                      "follow your complaint."))
        return data


class TrackForm(HumanCheckForm):
    check_fill_time = False  # two short fields, often filled by the browser: the rate limit guards it

    number = forms.CharField(label=_("Complaint number"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    contact = forms.CharField(label=_("Mobile phone or email you gave us"), max_length=254)

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip()

    def clean_contact(self) -> str:
        return self.cleaned_data["contact"].strip()


SCORES = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("Neutral")),
    (2, _("Dissatisfied")),
    (1, _("Very dissatisfied")),
]
DIMENSIONS = [
    ("response_speed", _("How fast we responded")),
    ("result", _("The result")),
    ("attitude", _("Our staff's attitude")),
    ("communication", _("How we kept you informed")),
]


class SurveyForm(HumanCheckForm):
    comment = forms.CharField(label=_("Anything else you want to tell us?"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in reversed(DIMENSIONS):
            self.fields = {name: forms.TypedChoiceField(label=label, choices=SCORES, coerce=int,
                                                        widget=forms.RadioSelect), **self.fields}

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _label in DIMENSIONS}

    def dimension_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in DIMENSIONS]
