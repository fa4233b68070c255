"""The monthly review of data checks (SPEC §6): per check, what was found, corrected and left open."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.core.errors import ValidationFailed
from loopdesk.monitoring import checks
from loopdesk.monitoring.access import require_read, visible_findings
from loopdesk.monitoring.models import FindingStatus

COUNTS = ("found", "corrected", "dismissed", "cleared", "still_open", "open_now")


@dataclass
class Row:
    check: str
    label: str
    found: int = 0  # findings opened in the month
    corrected: int = 0  # corrected and verified in the month (whenever found)
    dismissed: int = 0
    cleared: int = 0  # no longer found by a scan in the month
    still_open: int = 0  # found in the month and still open now
    open_now: int = 0  # open now, whenever found


@dataclass
class Review:
    month: date
    start: datetime
    end: datetime
    rows: list[Row] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(getattr(r, k) for r in self.rows) for k in COUNTS}


def parse_month(value: str | None) -> date:
    """'2026-11' → 2026-11-01; empty → the current month."""
    if not value:
        today = timezone.localdate()
        return today.replace(day=1)
    try:
        year, month = (int(p) for p in value.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise ValidationFailed.single("month", _("Give the month as YYYY-MM, e.g. 2026-11.")) from exc


def _bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (datetime.combine(month, time.min, tzinfo=tz), datetime.combine(nxt, time.min, tzinfo=tz))


def monthly_review(user: User, month: date) -> Review:
    """One grouped query over the findings the user may see."""
    require_read(user)
    start, end = _bounds(month)
    found = Q(found_at__gte=start, found_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    S = FindingStatus
    stats = {row["check_name"]: row for row in visible_findings(user).order_by().values("check_name").annotate(
        found=Count("id", filter=found),
        corrected=Count("id", filter=closed & Q(status=S.CORRECTED)),
        dismissed=Count("id", filter=closed & Q(status=S.DISMISSED)),
        cleared=Count("id", filter=closed & Q(status=S.CLEARED)),
        still_open=Count("id", filter=found & Q(status=S.OPEN)),
        open_now=Count("id", filter=Q(status=S.OPEN)),
    )}
    review = Review(month, start, end)
    for name, check in checks.CHECKS.items():
        counts = stats.get(name, {})
        review.rows.append(Row(name, str(check.label), **{k: counts.get(k, 0) for k in COUNTS}))
    return review
