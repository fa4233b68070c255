"""Single-value settings: the complaint number format (with a live example) and the small product
limits admins tune (repeat window, approval threshold, survey validity)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from loopdesk.complaints import numbering
from loopdesk.complaints.models import Channel
from loopdesk.core import config
from loopdesk.core.errors import ValidationFailed
from loopdesk.web.config import audit
from loopdesk.web.config.guard import admin_only

RESET_CHOICES = [
    ("daily", _("Every day")),
    ("monthly", _("Every month")),
    ("yearly", _("Every year")),
    ("never", _("Never")),
]
PRESETS = [
    ("{date:%Y%m%d}-{channel}-{seq:04d}", "daily", True),
    ("YS{date:%Y%m%d}{seq:03d}", "daily", False),
    ("{date:%Y%m}-{seq:04d}", "monthly", False),
]


class NumberingForm(forms.Form):
    format = forms.CharField(label=_("Number format"), max_length=80, strip=True,
                             help_text=_("{date:…} takes strftime codes (%Y year, %m month, %d day), "
                                         "{channel} the channel code (TEL, WEB…), {seq:04d} the serial "
                                         "with 4 digits."))
    reset = forms.ChoiceField(label=_("Serial restarts"), choices=RESET_CHOICES)
    per_channel = forms.BooleanField(label=_("Separate serial per channel"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "format" in data and "reset" in data:
            try:
                numbering.validate_format(data["format"], data["reset"], bool(data.get("per_channel")))
            except ValidationFailed as exc:
                for field, msgs in exc.errors.items():
                    for m in msgs:
                        self.add_error(field if field in self.fields else None, str(m))
        return data


def examples(fmt: str, at: datetime | None = None) -> list[str]:
    at = timezone.localtime(at or timezone.now())
    return [fmt.format(date=at, channel=ch, seq=seq)
            for ch, seq in ((Channel.PHONE, 1), (Channel.WEB, 27), (Channel.EMAIL, 312))]


def current_numbering() -> dict[str, Any]:
    return {"format": config.get("numbering.format"), "reset": config.get("numbering.reset"),
            "per_channel": bool(config.get("numbering.per_channel"))}


KEYS = {"format": "numbering.format", "reset": "numbering.reset", "per_channel": "numbering.per_channel"}


def save_settings(request: HttpRequest, action: str, target: str, keys: dict[str, str], before: dict[str, Any],
                  after: dict[str, Any], *, stored: dict[str, Callable[[Any], Any]] | None = None) -> bool:
    """Write the changed keys and the audit row in one transaction. False when nothing changed.

    The audit compares the values as the form shows them; `stored` converts a field's value to how
    the setting keeps it (e.g. a percentage to a fraction)."""
    change = audit.diff(before, after)
    if not change["after"]:
        return False
    stored = stored or {}
    with transaction.atomic():
        for field in change["after"]:
            config.put(keys[field], stored.get(field, _same)(after[field]))
        audit.record(request, action, target, change)
    return True


def _same(value: Any) -> Any:
    return value


@admin_only
@require_http_methods(["GET", "POST"])
def numbering_view(request: HttpRequest) -> HttpResponse:
    current = current_numbering()
    form = NumberingForm(request.POST if request.method == "POST" else None, initial=current)
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        after = {"format": form.cleaned_data["format"], "reset": form.cleaned_data["reset"],
                 "per_channel": form.cleaned_data["per_channel"]}
        if save_settings(request, "config.numbering.update", "setting:numbering", KEYS, current, after):
            messages.success(request, gettext("Number format saved. New complaints are numbered like %(example)s.")
                             % {"example": examples(after["format"])[0]})
        else:
            messages.info(request, gettext("Nothing changed."))
        return redirect("config:numbering")
    shown = form.cleaned_data["format"] if form.is_bound and form.is_valid() else current["format"]
    labels = dict(RESET_CHOICES)
    ctx = {"form": form, "examples": [] if form.errors else examples(shown), "nav": "config",
           "presets": [(fmt, labels[reset], per_channel) for fmt, reset, per_channel in PRESETS],
           "current_example": examples(current["format"])[0]}
    return render(request, "config/numbering.html", ctx, status=400 if form.errors else 200)


@admin_only
@require_POST
def numbering_preview(request: HttpRequest) -> HttpResponse:
    """The live example under the form (htmx); errors are shown the same way the form would."""
    form = NumberingForm(request.POST)
    ctx = {"form": form, "examples": examples(form.cleaned_data["format"]) if form.is_valid() else []}
    return render(request, "config/_number_preview.html", ctx)


class LimitsForm(forms.Form):
    repeat_window_days = forms.IntegerField(
        label=_("Repeat-complaint window (days)"), min_value=1, max_value=365,
        help_text=_("The same customer with the same problem type within this many days is a repeat complaint."))
    approval_threshold = forms.DecimalField(
        label=_("Compensation needing approval (CNY)"), min_value=Decimal("0"), max_digits=12, decimal_places=2,
        help_text=_("Solutions offering more than this need a supervisor's approval."))
    survey_valid_days = forms.IntegerField(
        label=_("Survey link valid for (days)"), min_value=1, max_value=90,
        help_text=_("How long the customer's satisfaction survey link works after resolution."))
    archive_after_days = forms.IntegerField(
        label=_("Archive closed complaints after (days)"), min_value=0, max_value=3650,
        help_text=_("0: each month, archive those closed before the start of the previous month."))
    retention_years = forms.IntegerField(
        label=_("Keep personal data of archived complaints for (years)"), min_value=0, max_value=100,
        help_text=_("Then names and contact data are masked and attachments deleted; 0: keep them."))


LIMIT_KEYS = {"repeat_window_days": "repeat.window_days", "approval_threshold": "solution.approval_threshold",
              "survey_valid_days": "survey.valid_days", "archive_after_days": "archive.after_days",
              "retention_years": "retention.years"}


def current_limits() -> dict[str, Any]:
    return {"repeat_window_days": int(config.get("repeat.window_days")),
            "approval_threshold": str(config.get_decimal("solution.approval_threshold").quantize(Decimal("0.01"))),
            "survey_valid_days": int(config.get("survey.valid_days")),
            "archive_after_days": int(config.get("archive.after_days")),
            "retention_years": int(config.get("retention.years"))}


@admin_only
@require_http_methods(["GET", "POST"])
def limits_view(request: HttpRequest) -> HttpResponse:
    current = current_limits()
    form = LimitsForm(request.POST if request.method == "POST" else None, initial=current)
    if request.method == "POST" and form.is_valid():
        threshold = form.cleaned_data["approval_threshold"].quantize(Decimal("0.01"))
        after = {**form.cleaned_data, "approval_threshold": str(threshold)}
        if save_settings(request, "config.limits.update", "setting:limits", LIMIT_KEYS, current, after):
            messages.success(request, gettext("Settings saved."))
        else:
            messages.info(request, gettext("Nothing changed."))
        return redirect("config:limits")
    return render(request, "config/limits.html", {"form": form, "nav": "config"},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("numbering/", numbering_view, name="numbering"),
    path("numbering/preview/", numbering_preview, name="numbering_preview"),
    path("settings/", limits_view, name="limits"),
]
