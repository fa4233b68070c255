"""Monitoring settings: the burst-alert rule and its scan interval, the daily data-check hour and the
likely-duplicate check (loopdesk/monitoring/burst.py, checks.py, conf.py), with the rule they make
spelled out under the form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from loopdesk.core import config
from loopdesk.monitoring import conf
from loopdesk.monitoring.burst import MIN_HISTORY_WINDOWS
from loopdesk.web.config.guard import admin_only
from loopdesk.web.config.settings_pages import save_settings

# The history reaches back window × (windows + 1); beyond a year the counts mean little and the
# history query's CASE grows without use.
MAX_HISTORY_HOURS = 366 * 24

BURST_FIELDS = ["burst_window_hours", "burst_history_windows", "burst_k", "burst_min_count", "burst_scan_minutes"]
CHECK_FIELDS = ["checks_scan_hour", "duplicate_window_hours", "duplicate_similarity"]


class MonitoringForm(forms.Form):
    burst_window_hours = forms.IntegerField(
        label=_("Burst window (hours)"), min_value=1, max_value=24 * 31,
        help_text=_("Complaints of one problem type, product or region are counted in windows of this length."))
    burst_history_windows = forms.IntegerField(
        label=_("Windows of history"), min_value=MIN_HISTORY_WINDOWS, max_value=366)
    burst_k = forms.DecimalField(
        label=_("Spreads above the usual count (k)"), min_value=Decimal("0.5"), max_value=Decimal("10"),
        max_digits=4, decimal_places=2,
        help_text=_("An alert needs more than the usual count plus k times its usual spread; higher k, fewer alerts."))
    burst_min_count = forms.IntegerField(
        label=_("Minimum complaints for an alert"), min_value=1, max_value=10000,
        help_text=_("Fewer complaints than this in a window never make a burst, however unusual."))
    burst_scan_minutes = forms.IntegerField(
        label=_("Look for bursts every (minutes)"), min_value=1, max_value=24 * 60,
        help_text=_("Until saved here, the deployment's LOOPDESK_BURST_SCAN_SECONDS decides."))
    checks_scan_hour = forms.IntegerField(
        label=_("Daily data checks at (hour)"), min_value=0, max_value=23,
        help_text=_("Local hour of day, 0–23, after which the daily scan for contradictory records, missing "
                    "fields and likely duplicates runs. Until saved here, the deployment's "
                    "LOOPDESK_DATA_CHECK_HOUR decides."))
    duplicate_window_hours = forms.IntegerField(
        label=_("Likely duplicates within (hours)"), min_value=1, max_value=24 * 31,
        help_text=_("Two complaints of the same customer and problem type this close together are compared."))
    duplicate_similarity = forms.IntegerField(
        label=_("Likely duplicates from text similarity (%)"), min_value=10, max_value=100,
        help_text=_("Share of words two texts must have in common to be flagged as likely duplicates."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Interpolated here, in the request's language (a lazy string would be fixed at import).
        self.fields["burst_history_windows"].help_text = gettext(
            "The latest window is compared with this many windows just before it (at least %(n)d).") % {
            "n": MIN_HISTORY_WINDOWS}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hours, windows = data.get("burst_window_hours"), data.get("burst_history_windows")
        if hours and windows and hours * (windows + 1) > MAX_HISTORY_HOURS:
            self.add_error("burst_history_windows", _(
                "With windows of %(hours)d hours the history may hold at most %(n)d windows (one year).")
                % {"hours": hours, "n": MAX_HISTORY_HOURS // hours - 1})
        return data

    def burst_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in BURST_FIELDS]

    def check_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CHECK_FIELDS]


# Form field → (setting key, value as stored).
KEYS: dict[str, tuple[str, Any]] = {
    "burst_window_hours": ("burst.window_hours", int),
    "burst_history_windows": ("burst.history_windows", int),
    "burst_k": ("burst.k", float),
    "burst_min_count": ("burst.min_count", int),
    "burst_scan_minutes": ("burst.scan_minutes", int),
    "checks_scan_hour": ("checks.scan_hour", int),
    "duplicate_window_hours": ("checks.duplicate_window_hours", int),
    "duplicate_similarity": ("checks.duplicate_similarity", lambda percent: round(percent / 100, 2)),
}


def current() -> dict[str, Any]:
    """The values in effect, as the form shows them (the scan timing may come from the deployment)."""
    return {
        "burst_window_hours": int(float(config.get("burst.window_hours"))),
        "burst_history_windows": int(config.get("burst.history_windows")),
        "burst_k": float(config.get("burst.k")),
        "burst_min_count": int(config.get("burst.min_count")),
        "burst_scan_minutes": max(1, round(conf.burst_scan_seconds() / 60)),
        "checks_scan_hour": conf.data_check_hour(),
        "duplicate_window_hours": int(float(config.get("checks.duplicate_window_hours"))),
        "duplicate_similarity": round(float(config.get("checks.duplicate_similarity")) * 100),
    }


@admin_only
@require_http_methods(["GET", "POST"])
def monitoring_view(request: HttpRequest) -> HttpResponse:
    before = current()
    form = MonitoringForm(request.POST if request.method == "POST" else None, initial=before)
    if request.method == "POST" and form.is_valid():
        after = {**form.cleaned_data, "burst_k": float(form.cleaned_data["burst_k"])}
        if save_settings(request, "config.monitoring.update", "setting:monitoring",
                         {name: key for name, (key, _store) in KEYS.items()}, before, after,
                         stored={name: store for name, (_key, store) in KEYS.items()}):
            messages.success(request, gettext("Monitoring settings saved. They apply from the next scan."))
        else:
            messages.info(request, gettext("Nothing changed."))
        return redirect("config:monitoring")
    return render(request, "config/monitoring.html", {"form": form, "rule": before, "nav": "config"},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("monitoring/", monitoring_view, name="monitoring"),
]
