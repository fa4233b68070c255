"""What a report covers: a period, optional filters and the person looking (whose sight scopes it).

The same form parses the web page's query string, the Excel download and the API's parameters, so
the three always agree on what a parameter means and which values are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Department, Role, User
from loopdesk.classification.models import Priority
from loopdesk.classification.taxonomy import problem_types_by_code
from loopdesk.complaints.access import visible_complaints
from loopdesk.complaints.models import Channel, Complaint
from loopdesk.core.errors import NotAllowed, ValidationFailed

# Reports show a team's results: people who lead or watch the desk see them, those who work single
# complaints (agents, handlers) do not. Supervisors see their departments (visible_complaints).
REPORT_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.MONITOR, Role.ADMIN})

PERIODS = [("day", _("Day")), ("week", _("Week")), ("month", _("Month")), ("custom", _("Custom"))]
BUCKETS = [("hour", _("Hour")), ("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]
# A custom period longer than this is refused: a report is about a stretch of work, not all history.
MAX_DAYS = 731
# Buckets a trend may have at most, so a chart stays readable and its query small.
MAX_BUCKETS = 400
BUCKET_SECONDS = {"hour": 3600, "day": 86400, "week": 7 * 86400, "month": 28 * 86400}


def may_see_reports(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in REPORT_ROLES


def check_reports(user: User) -> None:
    if not may_see_reports(user):
        raise NotAllowed(_("Reports are for supervisors, managers, monitors and administrators."))


@dataclass(frozen=True)
class ReportQuery:
    user: User
    start: datetime  # aware, inclusive
    end: datetime  # aware, exclusive
    period: str = "month"
    bucket: str = "day"
    channel: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    problem_type: str = ""  # a code; a root type includes its sub-types
    region: str = ""
    product: str = ""
    department: str = ""  # a department code
    owner: str = ""  # a username
    params: dict[str, str] = field(default_factory=dict)  # the cleaned parameters, for links and exports

    def complaints(self) -> QuerySet[Complaint]:
        """Complaints received in the period that pass the filters and that the user may see."""
        qs = visible_complaints(self.user).filter(received_at__gte=self.start, received_at__lt=self.end)
        if self.channel:
            qs = qs.filter(channel__in=self.channel)
        if self.priority:
            qs = qs.filter(priority__in=self.priority)
        if self.problem_type:
            qs = qs.filter(problem_type_id__in=type_ids(self.problem_type))
        if self.region:
            qs = qs.filter(region=self.region)
        if self.product:
            qs = qs.filter(product=self.product)
        if self.department:
            qs = qs.filter(department__code=self.department)
        if self.owner:
            qs = qs.filter(owner__username=self.owner)
        return qs

    @property
    def last_day(self) -> date:
        return (timezone.localtime(self.end) - timedelta(microseconds=1)).date()

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.start).date()


def type_ids(code: str) -> list[int]:
    types = problem_types_by_code()
    root = types.get(code)
    if root is None:
        return []
    return [p.pk for p in types.values() if p.pk == root.pk or p.parent_id == root.pk]


def _english() -> bool:
    return (get_language() or "").startswith("en")


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    date = forms.DateField(label=_("Day in the period"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until (inclusive)"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    bucket = forms.ChoiceField(label=_("Trend by"), choices=[("", _("Automatic")), *BUCKETS], required=False)
    channel = forms.MultipleChoiceField(label=_("Channel"), choices=Channel.choices, required=False)
    priority = forms.MultipleChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    region = forms.CharField(label=_("Region"), max_length=50, required=False)
    product = forms.CharField(label=_("Product"), max_length=100, required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    owner = forms.ChoiceField(label=_("Handler"), required=False)

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        any_ = [("", _("Any"))]
        types = sorted(problem_types_by_code().values(), key=lambda p: (p.root.order, p.parent_id is not None,
                                                                        p.order, p.code))
        self.fields["problem_type"].choices = any_ + [
            (p.code, ("— " if p.parent_id else "") + p.display_name) for p in types]
        self.fields["department"].choices = any_ + [
            (d.code, d.name_en if _english() else d.name_zh) for d in Department.objects.order_by("code")]
        staff = User.objects.filter(is_active=True).exclude(role=Role.ADMIN).order_by("display_name", "username")
        self.fields["owner"].choices = any_ + [(u.username, u.label) for u in staff]

    def clean(self):
        data = super().clean()
        period = data.get("period") or "month"
        data["period"] = period
        if period == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            if start is None and "date_from" not in self.errors:
                self.add_error("date_from", _("Give the first day of a custom period."))
            if end is None and "date_to" not in self.errors:
                self.add_error("date_to", _("Give the last day of a custom period."))
            if start and end:
                if end < start:
                    self.add_error("date_to", _("The end date is before the start date."))
                elif (end - start).days >= MAX_DAYS:
                    self.add_error("date_to", _("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS})
        if self.errors:
            return data
        first, last = period_days(period, data.get("date") or timezone.localdate(), data.get("date_from"),
                                  data.get("date_to"))
        bucket = data.get("bucket") or auto_bucket(period, (last - first).days + 1)
        if ((last - first).days + 1) * 86400 / BUCKET_SECONDS[bucket] > MAX_BUCKETS:
            self.add_error("bucket", _("Too many points for this period; choose a longer step."))
        data.update(first=first, last=last, bucket=bucket)
        return data

    def report_query(self) -> ReportQuery:
        """The query of a valid form; raises ValidationFailed with the field errors otherwise."""
        if not self.is_valid():
            raise ValidationFailed({k: list(v) for k, v in self.errors.items()})
        d = self.cleaned_data
        first, last, bucket = d["first"], d["last"], d["bucket"]
        start, end = _midnight(first), _midnight(last + timedelta(days=1))
        params = {"period": d["period"], "bucket": bucket}
        if d["period"] == "custom":
            params.update(date_from=first.isoformat(), date_to=last.isoformat())
        else:
            params["date"] = first.isoformat()
        for name in ("problem_type", "region", "product", "department", "owner"):
            if d.get(name):
                params[name] = d[name].strip()
        for name in ("channel", "priority"):
            if d.get(name):
                params[name] = ",".join(d[name])
        return ReportQuery(
            user=self.user, start=start, end=end, period=d["period"], bucket=bucket,
            channel=tuple(d.get("channel") or ()), priority=tuple(d.get("priority") or ()),
            problem_type=d.get("problem_type") or "", region=(d.get("region") or "").strip(),
            product=(d.get("product") or "").strip(), department=d.get("department") or "",
            owner=d.get("owner") or "", params=params,
        )


def period_days(period: str, day: date, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """First and last calendar day of the period containing `day` (weeks start on Monday)."""
    if period == "day":
        return day, day
    if period == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if period == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    assert date_from is not None and date_to is not None  # the form requires both
    return date_from, date_to


def auto_bucket(period: str, days: int) -> str:
    if period == "day" or days <= 2:
        return "hour"
    if days <= 62:
        return "day"
    if days <= 366:
        return "week"
    return "month"


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def parse(user: User, params) -> ReportForm:
    """A bound form over a QueryDict (or a plain dict whose multi-values are comma-separated)."""
    if hasattr(params, "getlist"):
        data = params.copy()
        for name in ("channel", "priority"):
            values = [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
            data.setlist(name, values)
    else:
        data = {k: v for k, v in params.items() if v not in (None, "")}
        for name in ("channel", "priority"):
            if isinstance(data.get(name), str):
                data[name] = [v.strip() for v in data[name].split(",") if v.strip()]
    return ReportForm(data, user=user)

