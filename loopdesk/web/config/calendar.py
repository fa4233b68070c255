"""The business calendar: weekly working hours, dated days off and make-up working days (SPEC §3).

The CSV import runs the `import_holidays` management command itself, so the page and the command
can never disagree about what a valid file is or how organisation days are protected.
"""

from __future__ import annotations

import io
import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from loopdesk.deadlines.calendar import unconfirmed_days
from loopdesk.deadlines.models import CalendarDay, DaySource, WorkingPeriod
from loopdesk.web.config import audit
from loopdesk.web.config.crud import Section
from loopdesk.web.config.guard import admin_only

MAX_CSV_BYTES = 256 * 1024


def unconfirmed_warning() -> str | None:
    missing = unconfirmed_days(timezone.localdate())
    if not missing:
        return None
    return gettext("Days off from %(date)s on are assumed, not confirmed: import the official schedule.") % {
        "date": f"{missing[0]:%Y-%m-%d}"}


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "source"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("One day per line: date (YYYY-MM-DD), kind (holiday / workday, or 休 / 班), "
                                       "name. Saved from Excel as CSV UTF-8 is fine."))
    source = forms.ChoiceField(label=_("source"), choices=DaySource.choices, initial=DaySource.OFFICIAL)
    replace = forms.BooleanField(label=_("Replace the days of this source in the years the file covers"),
                                 required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is too large for a holiday schedule."))
        return upload


class CalendarDays(Section):
    name = "calendar_day"
    slug = "calendar"
    model = CalendarDay
    form_class = CalendarDayForm
    title = _("Business calendar")
    add_title = _("New day off or working day")
    intro = _("Days off and make-up working days (调休) that differ from the weekly working hours. Deadlines "
              "in working time are computed on this calendar. Organisation days override everything; official "
              "days override the built-in holiday data.")
    list_template = "config/calendar.html"

    def _year(self, request: HttpRequest) -> int | None:
        raw = request.GET.get("year", "")
        return int(raw) if re.fullmatch(r"\d{4}", raw) else None

    def rows(self, request: HttpRequest) -> Any:
        year = self._year(request)
        qs = CalendarDay.objects.order_by("date")
        if year:
            return qs.filter(date__year=year)
        return qs.filter(date__gte=timezone.localdate() - timedelta(days=31))

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        years = sorted({d.year for d in CalendarDay.objects.dates("date", "year")})
        return {"warning": unconfirmed_warning(), "periods": WorkingPeriod.objects.all(), "years": years,
                "year": self._year(request), "import_form": ImportForm(), "today": timezone.localdate()}

    def edit_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"warning": unconfirmed_warning()}

    def target(self, obj: CalendarDay) -> str:
        return f"calendar_day:{obj.date:%Y-%m-%d}"


class WorkingPeriodForm(forms.ModelForm):
    class Meta:
        model = WorkingPeriod
        fields = ["weekday", "start", "end"]
        widgets = {"start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class WorkingPeriods(Section):
    name = "working_period"
    slug = "calendar/hours"
    model = WorkingPeriod
    form_class = WorkingPeriodForm
    title = _("Working hours")
    add_title = _("New working period")
    intro = _("Ordinary weekly working hours; a day may have several periods (e.g. a lunch break).")

    def url(self, suffix: str = "", *args: Any) -> str:
        # Working hours are listed on the calendar page.
        return days.url() if not suffix else super().url(suffix, *args)

    def list_view(self, request: HttpRequest) -> HttpResponse:
        return redirect(days.url())


days = CalendarDays()
hours = WorkingPeriods()


def _run_import(upload: Any, source: str, replace: bool) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "schedule.csv"
        with target.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        out = io.StringIO()
        call_command("import_holidays", str(target), source=source, replace=replace, stdout=out)
        return out.getvalue().strip()


@admin_only
@require_http_methods(["POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        source, replace = form.cleaned_data["source"], form.cleaned_data["replace"]
        try:
            # One transaction with the audit row: an import is all-or-nothing and always on record.
            with transaction.atomic():
                summary = _run_import(form.cleaned_data["file"], source, replace)
                audit.record(request, "config.calendar_day.import", f"calendar:{source}",
                             {"file": form.cleaned_data["file"].name[:100], "replace": replace, "result": summary})
        except CommandError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, summary)
            return redirect(days.url())
    ctx = {"section": days, "rows": days.rows(request), "nav": "config", **days.list_context(request),
           "import_form": form}
    return render(request, days.list_template, ctx, status=400)


urlpatterns = [
    path("calendar/import/", import_view, name="calendar_import"),
    *days.urls(),
    *hours.urls(),
]
