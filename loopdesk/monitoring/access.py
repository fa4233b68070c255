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
from loopdesk.monitoring.models import Alert, Finding

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
