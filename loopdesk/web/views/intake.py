"""Phone intake: the form, the as-you-type customer lookup, live suggestions and the
repeat/duplicate warnings shown before saving."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loopdesk.accounts.models import User
from loopdesk.classification.models import Risk, Severity
from loopdesk.classification.suggest import Suggestion, suggest
from loopdesk.classification.taxonomy import active_type
from loopdesk.complaints.access import can_register, visible_complaints
from loopdesk.complaints.intake import (
    CustomerInput,
    already_registered,
    existing_customer,
    find_repeat_of,
    register_complaint,
)
from loopdesk.complaints.lookup import find_customers, find_duplicates
from loopdesk.complaints.models import Complaint, Customer
from loopdesk.core.errors import DomainError, NotAllowed, ValidationFailed
from loopdesk.web.forms.intake import IntakeForm
from loopdesk.web.views.common import add_domain_errors, refused, staff_view


def _may_register(request: HttpRequest) -> HttpResponse | None:
    if not can_register(request.user):
        return refused(request, NotAllowed(_("Your role may not register complaints.")))
    return None


@dataclass
class Warnings:
    customer: Customer | None = None
    repeat_of: Complaint | None = None
    duplicates: list[Complaint] = field(default_factory=list)
    visible: set[int] = field(default_factory=set)  # which of them the person may open

    def __bool__(self) -> bool:
        return bool(self.repeat_of or self.duplicates)


def warnings_for(user: User, customer: Customer | None, problem_type: str, subject: str, received_at) -> Warnings:
    if customer is None:
        return Warnings()
    received_at = received_at or timezone.now()
    pt = active_type(problem_type) if problem_type else None
    repeat = find_repeat_of(customer, pt, received_at)
    dups = [c for c in find_duplicates(customer, subject, received_at) if repeat is None or c.pk != repeat.pk]
    found = [c.pk for c in ([repeat] if repeat else []) + dups]
    visible = set(visible_complaints(user).filter(pk__in=found).values_list("pk", flat=True)) if found else set()
    return Warnings(customer, repeat, dups, visible)


def _suggestions(subject: str, description: str) -> list[dict]:
    text = f"{subject}\n{description}".strip()
    return [_describe(s) for s in suggest(text)] if text else []


def _describe(s: Suggestion) -> dict:
    labels = {"severity": (_("Severity"), Severity), "risk": (_("Risk level"), Risk)}
    if s.field in labels:
        title, choices = labels[s.field]
        value_label = str(choices(s.value).label) if s.value in choices.values else s.value
    else:
        title, value_label = _("Problem type"), s.label or s.value
    return {"field": s.field, "value": s.value, "title": title, "label": value_label, "keywords": s.keywords}


@require_http_methods(["GET", "POST"])
@staff_view
def intake(request: HttpRequest) -> HttpResponse:
    if (denied := _may_register(request)) is not None:
        return denied
    user = request.user
    form = IntakeForm(request.POST or None)
    ctx: dict = {"nav": "intake", "form": form, "warnings": Warnings(), "suggestions": []}
    if request.method == "GET":
        return render(request, "web/intake/new.html", ctx)
    status = 400
    if form.is_valid():
        key = form.cleaned_data["idempotency_key"]
        earlier = already_registered(user, key)
        if earlier is not None:  # a double-submit: show what the first one created
            return redirect("web:complaint", number=earlier.number)
        data = form.to_input()
        known = form.known_customer() if not data.customer.anonymous else None
        warnings = warnings_for(user, known or existing_customer(data.customer), data.problem_type, data.subject,
                                data.received_at)
        ctx["warnings"] = warnings
        if warnings and not form.cleaned_data["acknowledge"]:
            ctx["must_acknowledge"] = True
            status = 409
        else:
            try:
                result = register_complaint(data, actor=user, idempotency_key=key)
            except ValidationFailed as exc:
                add_domain_errors(form, exc, aliases={"customer": "phone"})
            except DomainError as exc:
                return refused(request, exc)
            else:
                return _registered(request, result)
    ctx["suggestions"] = _suggestions(request.POST.get("subject", ""), request.POST.get("description", ""))
    return render(request, "web/intake/new.html", ctx, status=status)


def _registered(request: HttpRequest, result) -> HttpResponse:
    c = result.complaint
    routed = result.routing
    if routed and (routed.department or routed.owner):
        messages.success(request, _("Registered %(number)s and routed to %(dept)s%(owner)s.") % {
            "number": c.number, "dept": routed.department or "—",
            "owner": f" · {routed.owner.label}" if routed.owner else ""})
    else:
        messages.warning(request, _("Registered %(number)s. No routing rule matched: assign it by hand.")
                         % {"number": c.number})
    return redirect("web:complaint", number=c.number)


@require_GET
@staff_view
def customers(request: HttpRequest) -> HttpResponse:
    if (denied := _may_register(request)) is not None:
        return denied
    g = request.GET
    found = find_customers(request.user, phone=g.get("phone", ""), member_no=g.get("member_no", ""),
                           order_no=g.get("order_no", ""))
    return render(request, "web/intake/_customers.html", {"customers": found, "asked": any(
        g.get(k, "").strip() for k in ("phone", "member_no", "order_no"))})


@require_GET
@staff_view
def suggestions(request: HttpRequest) -> HttpResponse:
    if (denied := _may_register(request)) is not None:
        return denied
    return render(request, "web/intake/_suggestions.html", {
        "suggestions": _suggestions(request.GET.get("subject", "")[:200], request.GET.get("description", "")[:10000])})


@require_GET
@staff_view
def checks(request: HttpRequest) -> HttpResponse:
    if (denied := _may_register(request)) is not None:
        return denied
    g = request.GET
    customer = None
    if g.get("customer_id", "").isdigit():
        customer = Customer.objects.filter(pk=int(g["customer_id"]), anonymous=False).first()
    if customer is None and not g.get("anonymous"):
        customer = existing_customer(CustomerInput(phone=g.get("phone", "").strip(), email=g.get("email", "").strip(),
                                                   member_no=g.get("member_no", "").strip()))
    try:
        received = forms.DateTimeField(required=False).clean(g.get("received_at", ""))
    except forms.ValidationError:
        received = None
    w = warnings_for(request.user, customer, g.get("problem_type", ""), g.get("subject", "")[:200], received)
    return render(request, "web/intake/_checks.html", {"warnings": w, "acknowledged": bool(g.get("acknowledge"))})
