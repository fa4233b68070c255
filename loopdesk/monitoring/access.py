"""Who may see and act on monitoring alerts and data-check findings.

Monitors, managers and administrators see and act on everything; supervisors read the alerts and
findings about their departments' complaints (not the desk-wide burst alerts); nobody else sees them.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role, User
from loopdesk.complaints.access import department_ids
from loopdesk.core.errors import NotAllowed
from loopdesk.monitoring.models import Alert, Finding, FindingStatus

ACT_ROLES = {Role.MONITOR, Role.MANAGER, Role.ADMIN}
READ_ROLES = {*ACT_ROLES, Role.SUPERVISOR}


def _staff(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_read(user: User) -> bool:
    return _staff(user) and user.role in READ_ROLES


def can_act(user: User) -> bool:
    return _staff(user) and user.role in ACT_ROLES


def require_read(user: User) -> None:
    if not can_read(user):
        raise NotAllowed(_("Only monitors, supervisors, managers and administrators see monitoring."))


def require_act(user: User) -> None:
    if not can_act(user):
        raise NotAllowed(_("Only monitors, managers and administrators may do this."))


def visible_alerts(user: User) -> QuerySet[Alert]:
    if not can_read(user):
        return Alert.objects.none()
    if user.role in ACT_ROLES:
        return Alert.objects.all()
    return Alert.objects.filter(complaint__department_id__in=department_ids(user))


def visible_findings(user: User) -> QuerySet[Finding]:
    if not can_read(user):
        return Finding.objects.none()
    if user.role in ACT_ROLES:
        return Finding.objects.all()
    return Finding.objects.filter(complaint__department_id__in=department_ids(user))


def open_findings_on(user: User, complaint) -> list[Finding]:
    """The open findings about one complaint the user may see, in one query (none for those who may not).

    The same rule as visible_findings, with a supervisor's departments as a subquery, so the complaint
    page pays a single query whoever looks.
    """
    if not can_read(user):
        return []
    qs = Finding.objects.filter(complaint_id=complaint.pk, status=FindingStatus.OPEN).order_by("found_at", "id")
    if user.role not in ACT_ROLES:
        if complaint.department_id is None:
            return []
        if complaint.department_id != user.department_id:
            qs = qs.filter(complaint__department_id__in=user.supervised_departments.values("id"))
    return list(qs)
