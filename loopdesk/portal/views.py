"""Customer portal pages: no staff account, every form CSRF-protected, rate-limited and bot-checked."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from loopdesk.complaints import actions, attachments, surveys
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import Attachment, Channel, Complaint, Status
from loopdesk.core.errors import Conflict, NotFound, ValidationFailed
from loopdesk.portal import limits, tracking
from loopdesk.portal.forms import SubmitForm, SurveyForm, TrackForm, max_upload_total

SURVEY_OPEN = (Status.RESOLVED, Status.CALLBACK_PENDING, Status.CLOSED)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/message.html", {
        "title": _("Too many attempts"),
        "message": _("Too many attempts from your network. Please try again in an hour, or call our hotline."),
    }, status=429)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {})


# --- submit ---------------------------------------------------------------------------------------

def _intake(data: dict[str, Any]) -> IntakeInput:
    return IntakeInput(
        channel=Channel.WEB, subject=data["subject"], description=data["description"],
        core_demand=data["core_demand"], order_no=data["order_no"], product=data["product"],
        problem_type=data["problem_type"] or "",
        customer=CustomerInput(name=data["name"], phone=data["phone"], email=data["email"], region=data["region"]),
    )


def _register(form: SubmitForm) -> Complaint:
    """The complaint and its files in one transaction: all stored, or nothing (no row, no file)."""
    data = form.cleaned_data
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            result = register_complaint(_intake(data), actor=None, idempotency_key=data["key"])
            if result.created:  # a retried submission already has its files
                stored += [attachments.store(result.complaint, f, actor=None) for f in data["files"]]
    except Exception:
        for att in stored:
            attachments.path_of(att).unlink(missing_ok=True)
        raise
    return result.complaint


FORM_OVERHEAD = 256 * 1024  # the text fields and multipart framing around the files


def _declared_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = SubmitForm(initial={"key": secrets.token_urlsafe(24)})
        return render(request, "portal/submit.html", {"form": form, "page": "submit"})
    if not limits.take(limits.SUBMIT_PER_IP, limits.client_ip(request)):
        return _too_many(request)
    if _declared_size(request) > max_upload_total() + FORM_OVERHEAD:
        # Refused before the body is read: nobody sends this much with a complaint.
        return render(request, "portal/message.html", {
            "title": _("Files too large"),
            "message": _("The files are larger than %(mb)d MB together. Please send fewer or smaller files.")
            % {"mb": max_upload_total() // (1024 * 1024)}}, status=413)
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            complaint = _register(form)
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                name = field.split(".")[-1]
                for m in messages:
                    form.add_error(name if name in form.fields else None, str(m))
        else:
            tracking.grant(request.session, complaint.number)
            request.session["portal_submitted"] = complaint.number
            return redirect("portal:submitted")
    return render(request, "portal/submit.html", {"form": form, "page": "submit"}, status=400)


@never_cache
@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    number = request.session.get("portal_submitted")
    if not number:
        return redirect("portal:submit")
    return render(request, "portal/submitted.html", {"number": number})


# --- track ----------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "portal/track.html", {"form": TrackForm(initial={
            "number": request.GET.get("number", "")[:40]}), "page": "track"})
    ip = limits.client_ip(request)
    if not limits.take(limits.TRACK_PER_IP, ip):
        return _too_many(request)
    form = TrackForm(request.POST)
    if form.is_valid():
        number, contact = form.cleaned_data["number"], form.cleaned_data["contact"]
        if limits.exhausted(limits.TRACK_FAILS_PER_NUMBER, number.upper()):
            return _too_many(request)
        complaint = tracking.find(number, contact)
        if complaint is not None:
            tracking.grant(request.session, complaint.number)
            return redirect("portal:complaint", number=complaint.number)
        limits.count(limits.TRACK_FAILS_PER_NUMBER, number.upper())
        # One message for an unknown number and for a wrong contact: nothing to learn from it.
        form.add_error(None, _("We could not find a complaint with this number and contact. Check both and "
                               "try again."))
    return render(request, "portal/track.html", {"form": form, "page": "track"}, status=400)


@never_cache
@require_GET
def complaint(request: HttpRequest, number: str) -> HttpResponse:
    if not tracking.granted(request.session, number):
        return redirect(reverse("portal:track") + "?number=" + number[:40])
    c = Complaint.objects.filter(number=number).first()
    if c is None:  # granted numbers exist; this only guards a deleted row
        return redirect("portal:track")
    survey_token = surveys.current_token(c) if c.status in SURVEY_OPEN else None
    return render(request, "portal/complaint.html", {
        "c": c, "explained": tracking.explain(c.status), "entries": tracking.timeline(c),
        "survey_token": survey_token, "rated": c.satisfactions.filter(source="survey").exists(), "page": "track",
    })


# --- survey ---------------------------------------------------------------------------------------

def _survey_refusal(request: HttpRequest, exc: Exception) -> HttpResponse:
    status = 404 if isinstance(exc, NotFound) else 410
    return render(request, "portal/message.html", {"title": _("Satisfaction survey"), "message": exc.message,
                                                   "track_link": True}, status=status)


def _check_token(token: str) -> Complaint:
    """The complaint behind an open survey link, or the refusal the customer should read."""
    with transaction.atomic():
        row = surveys.lookup(token)
    if row.used_at is not None:
        raise Conflict(_("This survey has already been answered. Thank you."))
    if row.expires_at <= timezone.now():
        raise Conflict(_("This survey link has expired."))
    c = Complaint.objects.get(pk=row.complaint_id)
    if c.status not in SURVEY_OPEN:
        raise Conflict(_("This complaint is not waiting for your rating."))
    return c


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and not limits.take(limits.SURVEY_PER_IP, limits.client_ip(request)):
        return _too_many(request)
    try:
        c = _check_token(token)
    except (NotFound, Conflict) as exc:
        return _survey_refusal(request, exc)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            s = actions.submit_survey(token, scores=form.scores(), comment=form.cleaned_data["comment"])
        except (NotFound, Conflict) as exc:
            return _survey_refusal(request, exc)
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                for m in messages:
                    form.add_error(field if field in form.fields else None, str(m))
        else:
            request.session["portal_survey"] = {"number": c.number, "dissatisfied": s.dissatisfied}
            return redirect("portal:survey_done")
    status = 400 if form.is_bound else 200
    return render(request, "portal/survey.html", {"c": c, "form": form}, status=status)


@never_cache
@require_GET
def survey_done(request: HttpRequest) -> HttpResponse:
    result = request.session.get("portal_survey")
    if not result:
        return redirect("portal:home")
    return render(request, "portal/survey_done.html", result)
