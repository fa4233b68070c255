"""The queues on each person's home page, chosen by role (SPEC §Users, §4, §6).

Every queue is one bounded query over what the person may see (access.visible_complaints), with
the related rows the table shows joined in, so the page costs the same whatever the volumes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role, User
from loopdesk.complaints.access import department_ids, visible_complaints
from loopdesk.complaints.models import OPEN_STATUSES, Complaint, Solution, SolutionStatus, Status, SubTask
from loopdesk.web import clocks

ROW_LIMIT = 8
TO_ACCEPT = (Status.NEW, Status.REOPENED)
AFTER_RESOLUTION = (Status.RESOLVED, Status.CALLBACK_PENDING)
HANDLING = tuple(s for s in OPEN_STATUSES if s not in TO_ACCEPT)
UNACCEPTED_AFTER = timedelta(hours=1)


@dataclass
class Queue:
    key: str
    title: Any
    rows: list = field(default_factory=list)
    more: bool = False
    link: str | None = None
    empty: Any = ""
    kind: str = "complaints"  # or "subtasks"


def list_url(**params: Any) -> str:
    return reverse("web:complaints") + "?" + urlencode(params, doseq=True)


def _fetch(qs: QuerySet, *order: str) -> tuple[list, bool]:
    rows = list(qs.select_related("customer", "problem_type", "department", "owner")
                .order_by(*(order or ("-id",)))[: ROW_LIMIT + 1])
    return rows[:ROW_LIMIT], len(rows) > ROW_LIMIT


def _queue(key: str, title: Any, qs: QuerySet, link: str | None, *order: str, empty: Any = None) -> Queue:
    rows, more = _fetch(qs, *order)
    return Queue(key, title, rows, more, link, empty or _("Nothing here."))


def _scope(user: User, visible: QuerySet, depts: set[int]) -> tuple[QuerySet, dict[str, Any]]:
    """Whose deadlines the person watches: their own, their departments', or everyone's."""
    if user.role in (Role.MANAGER, Role.MONITOR, Role.ADMIN):
        return visible, {}
    if user.role == Role.SUPERVISOR:
        return visible.filter(department_id__in=depts), {"my_departments": "on"}
    return visible.filter(owner=user), {"owner": user.username}


def queues_for(user: User) -> list[Queue]:
    visible = visible_complaints(user)
    mine = visible.filter(owner=user)
    role = user.role
    depts = department_ids(user) if role == Role.SUPERVISOR else set()
    out: list[Queue] = []
    if role != Role.MONITOR:
        out.append(_queue("to_accept", _("To accept"), mine.filter(status__in=TO_ACCEPT),
                          list_url(owner=user.username, status=list(TO_ACCEPT)), "received_at", "id",
                          empty=_("Nothing waits for your acceptance.")))
        out.append(_queue("mine", _("Assigned to me"), mine.filter(status__in=HANDLING),
                          list_url(owner=user.username, status=list(HANDLING)), "-last_progress_at", "-id",
                          empty=_("No complaints in hand.")))
    scope, scope_params = _scope(user, visible, depts)
    out.append(_queue("overdue", _("Overdue"), clocks.overdue(scope), list_url(due="overdue", **scope_params),
                      empty=_("Nothing overdue.")))
    out.append(_queue("due_soon", _("Due soon"), clocks.due_soon(scope), list_url(due="due_soon", **scope_params),
                      empty=_("Nothing due in the next hours.")))
    if role in (Role.HANDLER, Role.SUPERVISOR, Role.AGENT):
        tasks = list(SubTask.objects.filter(owner=user, status="open")
                     .select_related("complaint").order_by("due_at", "id")[: ROW_LIMIT + 1])
        out.append(Queue("subtasks", _("My sub-tasks"), tasks[:ROW_LIMIT], len(tasks) > ROW_LIMIT, None,
                         _("No open sub-tasks."), kind="subtasks"))
    if role == Role.SUPERVISOR:
        dept_open = visible.filter(department_id__in=depts, status__in=OPEN_STATUSES)
        out.append(_queue("department", _("My department's queue"), dept_open,
                          list_url(status=list(OPEN_STATUSES), my_departments="on"), "priority", "-id"))
        out.append(_queue("unassigned", _("Unassigned in my department"), dept_open.filter(owner__isnull=True),
                          list_url(status=list(OPEN_STATUSES), unassigned="on", my_departments="on"),
                          empty=_("Everything has an owner.")))
    if role == Role.ADMIN:
        out.append(_queue("unassigned", _("Unassigned"), visible.filter(status__in=OPEN_STATUSES, owner__isnull=True),
                          list_url(status=list(OPEN_STATUSES), unassigned="on"), empty=_("Everything has an owner.")))
    if role in (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN):
        waiting = Solution.objects.filter(complaint=OuterRef("pk"), status=SolutionStatus.AWAITING_APPROVAL)
        approvals = visible.filter(status=Status.SOLUTION_PENDING).filter(Exists(waiting))
        if role == Role.SUPERVISOR:
            approvals = approvals.filter(department_id__in=depts)
        out.append(_queue("approvals", _("Solutions awaiting approval"), approvals,
                          list_url(status=Status.SOLUTION_PENDING), empty=_("No solution awaits approval.")))
    if role in (Role.MANAGER, Role.ADMIN):
        out.append(_queue("escalations", _("Escalations"),
                          visible.filter(escalation_level__gt=0, status__in=OPEN_STATUSES),
                          list_url(escalated="on", status=list(OPEN_STATUSES)), "-escalation_level", "-id",
                          empty=_("No escalated complaints.")))
    if role in (Role.MONITOR, Role.ADMIN):
        out.append(_queue("verification", _("To verify"), visible.filter(status__in=AFTER_RESOLUTION),
                          list_url(status=list(AFTER_RESOLUTION), order="received"), "resolved_at", "id",
                          empty=_("Nothing waits for verification.")))
    if role == Role.AGENT:
        out.append(_queue("callbacks", _("Callbacks to make"), visible.filter(status__in=AFTER_RESOLUTION),
                          list_url(status=list(AFTER_RESOLUTION)), "resolved_at", "id",
                          empty=_("No callbacks waiting.")))
        since = timezone.now() - timedelta(days=7)
        out.append(_queue("registered", _("Registered by me (7 days)"),
                          visible.filter(registered_by=user, registered_at__gte=since), None))
    return out


@dataclass
class Alert:
    key: str
    title: Any
    count: int
    link: str


def alerts_for(user: User) -> list[Alert]:
    """Monitor's warnings (SPEC §6) that the complaint rows themselves show, in one query."""
    if user.role not in (Role.MONITOR, Role.ADMIN, Role.MANAGER):
        return []
    late = timezone.now() - UNACCEPTED_AFTER
    counts = visible_complaints(user).filter(status__in=OPEN_STATUSES).aggregate(
        high_risk=Count("id", filter=Q(risk="high")),
        unassigned=Count("id", filter=Q(owner__isnull=True)),
        unaccepted=Count("id", filter=Q(status=Status.NEW, registered_at__lt=late)),
    )
    open_ = list(OPEN_STATUSES)
    return [
        Alert("high_risk", _("High-risk complaints open"), counts["high_risk"], list_url(risk="high", status=open_)),
        Alert("unassigned", _("Open complaints without an owner"), counts["unassigned"],
              list_url(unassigned="on", status=open_)),
        Alert("unaccepted", _("Not accepted within an hour"), counts["unaccepted"],
              list_url(status=Status.NEW, order="received")),
        _monitoring_alerts(user),
    ]


def _monitoring_alerts(user: User) -> Alert:
    """Raised alerts (bursts, high risk, overdue…) that nobody has acknowledged yet (loopdesk/monitoring)."""
    from loopdesk.monitoring.access import visible_alerts

    waiting = visible_alerts(user).filter(acknowledged_at__isnull=True).count()
    return Alert("monitoring", _("Alerts to acknowledge"), waiting, reverse("monitoring:alerts"))


def row_clocks(queues: list[Queue]) -> dict[int, clocks.Clock | None]:
    rows: dict[int, Complaint] = {}
    for q in queues:
        if q.kind == "complaints":
            rows.update({c.pk: c for c in q.rows})
    by_id = clocks.clocks_for(rows.values())
    return {pk: clocks.next_clock(by_id.get(pk, [])) for pk in rows}
