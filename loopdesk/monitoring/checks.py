"""Data checks (SPEC §6, 数据异常): contradictory records, missing required fields, likely duplicates.

Each check is a named function from a queryset of complaints to the offending ones, filtered by the
database, so the same function scans the whole table (`scan`) or re-verifies one complaint after a
correction (`failing`). Likely duplicates narrow the candidates in the database and compare the
texts of those few pairs in Python. Scans run daily (loopdesk/monitoring/jobs.py) and on demand
(`manage.py check_data`); findings are corrected in loopdesk/monitoring/corrections.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loopdesk.complaints.models import OPEN_STATUSES, Complaint, Status
from loopdesk.core import config
from loopdesk.core.textsearch import tokens
from loopdesk.monitoring.models import Finding, FindingStatus

S = Status
RESOLVED_ON = (S.RESOLVED, S.CALLBACK_PENDING, S.CLOSED, S.ARCHIVED)
CLOSED_ON = (S.CLOSED, S.ARCHIVED)
# Acceptance is the only way out of "new" other than cancelling, so every later status has accepted_at.
ACCEPTED_ON = (S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_CUSTOMER, S.SOLUTION_PENDING, *RESOLVED_ON)
# Received may be earlier than registered (a letter opened late), never later beyond clock skew.
REGISTRATION_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Check:
    name: str
    label: Promise
    description: Promise
    find: Callable[[QuerySet[Complaint]], QuerySet[Complaint]]
    explain: Callable[[list[Complaint]], dict[int, dict[str, Any]]]
    fields: tuple[str, ...]  # what a correction of this finding may change


# --- status vs timestamps -------------------------------------------------------------------

STATUS_RULES: dict[str, Q] = {
    "resolved_at": Q(status__in=RESOLVED_ON, resolved_at__isnull=True),
    "closed_at": Q(status__in=CLOSED_ON, closed_at__isnull=True) | Q(status__in=OPEN_STATUSES, closed_at__isnull=False),
    "archived_at": Q(status=S.ARCHIVED, archived_at__isnull=True),
    "cancelled_at": Q(status=S.CANCELLED, cancelled_at__isnull=True),
    "accepted_at": Q(status__in=ACCEPTED_ON, accepted_at__isnull=True) | Q(status=S.NEW, accepted_at__isnull=False),
}


def _any(rules: Iterable[Q]) -> Q:
    out = Q(pk__in=[])
    for q in rules:
        out |= q
    return out


def status_timestamps(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.filter(_any(STATUS_RULES.values()))


def _failing_rules(rules: dict[str, Q], complaints: list[Complaint]) -> dict[int, dict[str, Any]]:
    """Which named rules each complaint breaks: one query per rule over just these complaints."""
    ids = [c.pk for c in complaints]
    out: dict[int, dict[str, Any]] = {pk: {"fields": []} for pk in ids}
    for name, q in rules.items():
        for pk in Complaint.objects.filter(q, pk__in=ids).values_list("pk", flat=True):
            out[pk]["fields"].append(name)
    for c in complaints:
        out[c.pk]["status"] = c.status
    return out


# --- timestamps in the wrong order ------------------------------------------------------------

def resolved_before_received(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.filter(resolved_at__lt=F("received_at"))


ORDER_RULES: dict[str, Q] = {
    "registered_at": Q(registered_at__lt=F("received_at") - REGISTRATION_SKEW),
    "accepted_at": Q(accepted_at__lt=F("received_at")),
    "first_response_at": Q(first_response_at__lt=F("received_at")),
    "closed_at": Q(closed_at__lt=F("resolved_at")),
}


def timestamps_out_of_order(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.filter(_any(ORDER_RULES.values()))


def _times(complaints: list[Complaint], names: Iterable[str]) -> dict[int, dict[str, Any]]:
    return {c.pk: {n: getattr(c, n).isoformat() if getattr(c, n) else None for n in names} for c in complaints}


# --- closed without resolution -----------------------------------------------------------------

def closed_without_resolution(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.filter(status__in=CLOSED_ON, resolution_summary="")


# --- missing required fields ----------------------------------------------------------------------

NO_CONTACT = Q(customer__anonymous=False, customer__phone="", customer__email="", customer__member_no="")
REQUIRED_RULES: dict[str, Q] = {
    "subject": Q(subject=""),
    "description": Q(description=""),
    # Intake may leave the type for later, but nothing should be handled unclassified.
    "problem_type": Q(problem_type__isnull=True) & ~Q(status__in=(S.NEW, S.CANCELLED)),
    "contact": NO_CONTACT,
}


def missing_required_fields(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.exclude(status=S.CANCELLED).filter(_any(REQUIRED_RULES.values()))


# --- likely duplicates ------------------------------------------------------------------------------

def _duplicate_window() -> timedelta:
    return timedelta(hours=float(config.get("checks.duplicate_window_hours")))


def _same_customer_earlier(window: timedelta) -> QuerySet[Complaint]:
    """Earlier complaints (within the window) of the same customer or phone and type, not linked as repeats."""
    same_person = Q(customer_id=OuterRef("customer_id")) | Q(customer__phone=OuterRef("customer__phone"),
                                                              customer__phone__gt="")
    earlier = Q(received_at__lt=OuterRef("received_at")) | Q(received_at=OuterRef("received_at"),
                                                           pk__lt=OuterRef("pk"))
    return (Complaint.objects.exclude(status=S.CANCELLED)
            .filter(same_person, earlier, problem_type_id=OuterRef("problem_type_id"),
                    received_at__gte=OuterRef("received_at") - window)
            # Coalesce: a NULL link must not hide a pair (NOT (x = NULL) is not true in SQL).
            .exclude(pk=Coalesce(OuterRef("repeat_of_id"), Value(0)))
            .annotate(link=Coalesce("repeat_of_id", Value(0))).exclude(link=OuterRef("pk")))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the texts' search tokens (CJK bigrams, lower-cased words)."""
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _text(c: Complaint) -> str:
    return f"{c.subject}\n{c.description}"


def duplicate_pairs(qs: QuerySet[Complaint]) -> dict[int, tuple[str, float]]:
    """complaint id → (number of the earlier complaint it likely duplicates, text similarity)."""
    window = _duplicate_window()
    candidate_ids = list(qs.exclude(status=S.CANCELLED).filter(problem_type__isnull=False)
                         .filter(Exists(_same_customer_earlier(window))).order_by("pk").values_list("pk", flat=True))
    out: dict[int, tuple[str, float]] = {}
    for start in range(0, len(candidate_ids), 500):
        out.update(_compare(candidate_ids[start:start + 500], window))
    return out


def _compare(ids: list[int], window: timedelta) -> dict[int, tuple[str, float]]:
    """Compare the texts of these candidates with their possible partners (two queries)."""
    cut = float(config.get("checks.duplicate_similarity"))
    fields = ("pk", "number", "subject", "description", "received_at", "problem_type_id", "customer_id",
              "repeat_of_id", "customer__phone")
    candidates = list(Complaint.objects.filter(pk__in=ids).select_related("customer").only(*fields))
    customers = {c.customer_id for c in candidates}
    phones = {c.customer.phone for c in candidates if c.customer.phone}
    partners = list(Complaint.objects.exclude(status=S.CANCELLED)
                    .filter(Q(customer_id__in=customers) | Q(customer__phone__in=phones),
                            problem_type_id__in={c.problem_type_id for c in candidates},
                            received_at__gte=min(c.received_at for c in candidates) - window,
                            received_at__lte=max(c.received_at for c in candidates))
                    .select_related("customer").only(*fields))
    out: dict[int, tuple[str, float]] = {}
    for c in candidates:
        best: tuple[str, float] | None = None
        for p in partners:
            if not _pair(p, c, window):
                continue
            score = similarity(_text(c), _text(p))
            if score >= cut and (best is None or score > best[1]):
                best = (p.number, round(score, 2))
        if best is not None:
            out[c.pk] = best
    return out


def _pair(earlier: Complaint, c: Complaint, window: timedelta) -> bool:
    """The same conditions as _same_customer_earlier, for two loaded complaints."""
    if earlier.pk == c.pk or earlier.problem_type_id != c.problem_type_id:
        return False
    if not (earlier.customer_id == c.customer_id or (c.customer.phone and earlier.customer.phone == c.customer.phone)):
        return False
    if (earlier.received_at, earlier.pk) >= (c.received_at, c.pk) or earlier.received_at < c.received_at - window:
        return False
    return c.repeat_of_id != earlier.pk and earlier.repeat_of_id != c.pk


def likely_duplicates(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.filter(pk__in=list(duplicate_pairs(qs)))


def _explain_duplicates(complaints: list[Complaint]) -> dict[int, dict[str, Any]]:
    pairs = duplicate_pairs(Complaint.objects.filter(pk__in=[c.pk for c in complaints]))
    return {pk: {"duplicate_of": number, "similarity": score} for pk, (number, score) in pairs.items()}


TIMES = ("received_at", "registered_at", "accepted_at", "first_response_at", "resolved_at", "closed_at",
         "archived_at", "cancelled_at")
CHECKS: dict[str, Check] = {c.name: c for c in [
    Check("status_timestamps", _("Status contradicts its timestamps"),
          _("A resolved or closed complaint without its resolved or closed time, an open one with a closed "
            "time, an accepted one without its accepted time, and the like."),
          status_timestamps, lambda cs: _failing_rules(STATUS_RULES, cs),
          ("accepted_at", "resolved_at", "closed_at", "archived_at", "cancelled_at")),
    Check("resolved_before_received", _("Resolved before received"),
          _("The resolved time is earlier than the time the complaint was received."),
          resolved_before_received, lambda cs: _times(cs, ("received_at", "resolved_at")),
          ("received_at", "resolved_at")),
    Check("timestamps_out_of_order", _("Timestamps out of order"),
          _("Registered, accepted or first answered before it was received, or closed before it was resolved."),
          timestamps_out_of_order, lambda cs: _failing_rules(ORDER_RULES, cs),
          ("received_at", "accepted_at", "first_response_at", "resolved_at", "closed_at")),
    Check("closed_without_resolution", _("Closed without resolution"),
          _("A closed or archived complaint with no record of how it was resolved."),
          closed_without_resolution, lambda cs: {c.pk: {"status": c.status} for c in cs},
          ("resolution_summary",)),
    Check("missing_required_fields", _("Missing required fields"),
          _("No subject, no description, no contact for a named customer, or no problem type once handled."),
          missing_required_fields, lambda cs: _failing_rules(REQUIRED_RULES, cs),
          ("subject", "description", "problem_type", "customer_phone", "customer_email", "customer_member_no")),
    Check("likely_duplicates", _("Likely duplicates"),
          _("The same customer (or phone) and problem type with a similar text shortly before, "
            "not linked as a repeat."),
          likely_duplicates, _explain_duplicates, ("repeat_of",)),
]}


def get(name: str) -> Check:
    return CHECKS[name]


def label(name: str) -> str:
    """A check's name in the active language (the stored name of a check no longer in the product as is)."""
    return str(CHECKS[name].label) if name in CHECKS else name


def failing(complaint_id: int, names: Iterable[str] | None = None) -> set[str]:
    """The checks a complaint fails right now."""
    qs = Complaint.objects.filter(pk=complaint_id)
    return {name for name in (names or CHECKS) if CHECKS[name].find(qs).exists()}


@dataclass
class ScanResult:
    found: int = 0
    still_open: int = 0
    cleared: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"found": self.found, "still_open": self.still_open, "cleared": self.cleared}


def scan(names: Iterable[str] | None = None, now: datetime | None = None) -> dict[str, ScanResult]:
    """Run checks over every complaint: open a finding for each new offender, clear fixed ones.

    A complaint with an open finding is not found twice; one whose finding was dismissed is not found
    again by the same check (the dismissal said it is fine). A corrected complaint that breaks again
    opens a new finding.
    """
    now = now or timezone.now()
    out: dict[str, ScanResult] = {}
    for name in names or CHECKS:
        check = CHECKS[name]
        result = out[name] = ScanResult()
        offenders = set(check.find(Complaint.objects.all()).values_list("pk", flat=True))
        known = dict(Finding.objects.filter(check_name=name, status__in=(FindingStatus.OPEN, FindingStatus.DISMISSED))
                     .values_list("complaint_id", "status"))
        new_ids = sorted(offenders - set(known))
        for start in range(0, len(new_ids), 500):
            chunk = list(Complaint.objects.filter(pk__in=new_ids[start:start + 500]).order_by("pk"))
            details = check.explain(chunk)
            # ignore_conflicts: a scan running at the same time may have opened the same finding.
            Finding.objects.bulk_create([Finding(check_name=name, complaint=c, detail=details.get(c.pk, {}),
                                                 found_at=now) for c in chunk], ignore_conflicts=True)
        result.found = len(new_ids)
        open_ids = {pk for pk, status in known.items() if status == FindingStatus.OPEN}
        result.still_open = len(open_ids & offenders)
        fixed = open_ids - offenders
        if fixed:
            result.cleared = Finding.objects.filter(check_name=name, status=FindingStatus.OPEN,
                                                    complaint_id__in=fixed).update(
                status=FindingStatus.CLEARED, closed_at=now, verified_at=now)
    return out


def field_label(name: str) -> str:
    """The translated name of a field a check talks about."""
    extra = {"contact": _("customer contact"), "customer_phone": _("customer phone"),
             "customer_email": _("customer email"), "customer_member_no": _("customer member no.")}
    if name in extra:
        return str(extra[name])
    try:
        return str(Complaint._meta.get_field(name).verbose_name)
    except Exception:  # a name stored by an older version of a check
        return name


def describe(check_name: str, detail: dict[str, Any]) -> str:
    """A finding's detail as one sentence in the active language."""
    if check_name == "likely_duplicates" and detail.get("duplicate_of"):
        return str(_("Likely duplicate of %(number)s (text %(percent)s%% alike).")
                   % {"number": detail["duplicate_of"], "percent": round(100 * float(detail.get("similarity", 0)))})
    if check_name == "closed_without_resolution":
        return str(_("Closed with no resolution recorded."))
    if check_name == "resolved_before_received":
        return str(_("Resolved at %(resolved)s, received at %(received)s.")
                   % {"resolved": _local(detail.get("resolved_at")), "received": _local(detail.get("received_at"))})
    fields = detail.get("fields") or []
    if fields:
        return str(_("Fields concerned: %(fields)s.") % {"fields": ", ".join(field_label(f) for f in fields)})
    return str(CHECKS[check_name].description) if check_name in CHECKS else check_name


def _local(value: str | None) -> str:
    if not value:
        return "—"
    return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
