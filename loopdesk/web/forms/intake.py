"""The phone intake form. Field order is the tab order: the caller's number first, then their words."""

from __future__ import annotations

import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import CustomerLevel, Nature, Risk, Scope, Severity
from loopdesk.complaints.intake import CustomerInput, IntakeInput
from loopdesk.complaints.models import Channel, CompensationKind, Customer
from loopdesk.web.forms.filters import type_choices
from loopdesk.web.forms.widgets import speed_up

LOOKUP = {"hx-get": reverse_lazy("web:intake_customers"), "hx-trigger": "input changed delay:300ms",
          "hx-target": "#customer-matches", "hx-include": "#id_phone,#id_member_no,#id_order_no",
          "hx-sync": "this:replace"}
SUGGEST = {"hx-get": reverse_lazy("web:intake_suggest"), "hx-trigger": "input changed delay:400ms",
           "hx-target": "#suggestions", "hx-include": "#id_subject,#id_description"}


def local_input(moment) -> str:
    """A datetime as the value of a datetime-local input, in the desk's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class IntakeForm(forms.Form):
    # --- the caller
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(
        attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off", **LOOKUP}))
    name = forms.CharField(label=_("Customer name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    member_no = forms.CharField(label=_("Member / account no."), max_length=50, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", **LOOKUP}))
    order_no = forms.CharField(label=_("Order no."), max_length=64, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off", **LOOKUP}))
    email = forms.EmailField(label=_("Email"), required=False)
    region = forms.CharField(label=_("Region"), max_length=50, required=False)
    level = forms.ChoiceField(label=_("Customer level"), choices=CustomerLevel.choices, initial=CustomerLevel.NORMAL)
    anonymous = forms.BooleanField(label=_("Anonymous caller"), required=False)
    # --- what happened
    subject = forms.CharField(label=_("Subject"), max_length=200,
                              help_text=_("A few words: what the complaint is about."),
                              widget=forms.TextInput(attrs={**SUGGEST}))
    description = forms.CharField(label=_("Customer's own words"), max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 5, **SUGGEST}))
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL)
    risk = forms.ChoiceField(label=_("Risk level"), choices=Risk.choices, initial=Risk.NONE)
    core_demand = forms.CharField(label=_("Core demand"), max_length=2000, required=False,
                                  widget=forms.TextInput())
    # --- more details
    nature = forms.ChoiceField(label=_("Request nature"), choices=Nature.choices, initial=Nature.COMPLAINT)
    scope = forms.ChoiceField(label=_("Impact scope"), choices=Scope.choices, initial=Scope.INDIVIDUAL)
    facts = forms.CharField(label=_("Objective facts"), max_length=10000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    product = forms.CharField(label=_("Product"), max_length=100, required=False)
    expected_resolution_at = forms.DateTimeField(label=_("Expected resolution time"), required=False,
                                                 widget=DateTimeLocal())
    compensation_kind = forms.ChoiceField(label=_("Compensation requested"), required=False,
                                          choices=[("", "—"), *CompensationKind.choices])
    compensation_amount = forms.DecimalField(label=_("Amount (CNY)"), required=False, max_digits=12,
                                             decimal_places=2, min_value=0)
    # --- the call
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    channel_ref = forms.CharField(label=_("Call record no. / channel reference"), max_length=200, required=False)
    received_at = forms.DateTimeField(label=_("Received at"), required=False, widget=DateTimeLocal(),
                                      help_text=_("When the customer called; now if left as is."))
    # --- bookkeeping
    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    acknowledge = forms.BooleanField(label=_("I have checked the warnings above; register anyway"), required=False)

    MORE = ("nature", "scope", "facts", "product", "expected_resolution_at", "compensation_kind",
            "compensation_amount")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        speed_up(self)
        self.fields["problem_type"].choices = [("", _("— choose —")), *type_choices()]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("received_at", local_input(timezone.now()))

    @property
    def more_has_errors(self) -> bool:
        return any(self[name].errors for name in self.MORE)

    def known_customer(self) -> Customer | None:
        cid = self.cleaned_data.get("customer_id")
        return Customer.objects.filter(pk=cid, anonymous=False).first() if cid else None

    def to_input(self) -> IntakeInput:
        d = self.cleaned_data
        customer = CustomerInput(
            name=d["name"].strip(), anonymous=d["anonymous"], phone=d["phone"].strip(), email=d["email"].strip(),
            member_no=d["member_no"].strip(), region=d["region"].strip(), level=d["level"],
        )
        known = self.known_customer()
        if known is not None and not customer.anonymous:
            # Picked from the lookup: the contact data comes from the record, never through the browser.
            for f in ("phone", "email", "member_no", "name", "region"):
                if not getattr(customer, f):
                    setattr(customer, f, getattr(known, f))
        return IntakeInput(
            channel=d["channel"], subject=d["subject"], description=d["description"], customer=customer,
            received_at=d.get("received_at"), channel_ref=d["channel_ref"].strip(), order_no=d["order_no"].strip(),
            product=d["product"].strip(), facts=d["facts"], core_demand=d["core_demand"],
            expected_resolution_at=d.get("expected_resolution_at"), compensation_amount=d.get("compensation_amount"),
            compensation_kind=d["compensation_kind"], problem_type=d["problem_type"], nature=d["nature"],
            severity=d["severity"], scope=d["scope"], risk=d["risk"],
        )
