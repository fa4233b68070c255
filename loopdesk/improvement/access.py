"""Who may see and change problems and improvement actions. The only place that decides.

Supervisors, managers, monitors and administrators run root-cause analysis and improvement.
Handlers may read the problems that group a complaint they can see (so they learn why it keeps
happening) and the actions they own, and may report progress on their own actions; they change
nothing else. Agents have no part in it (403).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role, User
from loopdesk.complaints.access import visible_complaints
from loopdesk.core.errors import NotAllowed, NotFound
from loopdesk.improvement.models import ImprovementAction, Problem, ProblemComplaint

MANAGE_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.MONITOR, Role.ADMIN})
VIEW_ROLES = MANAGE_ROLES | {Role.HANDLER}
# People who may own an action: anyone who can see it afterwards.
OWNER_ROLES = VIEW_ROLES


def _active(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage(user: User) -> bool:
    return _active(user) and user.role in MANAGE_ROLES


def can_view(user: User) -> bool:
    return _active(user) and user.role in VIEW_ROLES


def require_view(user: User) -> None:
    if not can_view(user):
        raise NotAllowed(_("Only supervisors, managers, monitors, administrators and handlers see problems."))


def require_manage(user: User) -> None:
    if not can_manage(user):
        raise NotAllowed(_("Only supervisors, managers, monitors and administrators manage problems and actions."))


def visible_problems(user: User) -> QuerySet[Problem]:
    if can_manage(user):
        return Problem.objects.all()
    if not can_view(user):
        return Problem.objects.none()
    seen = visible_complaints(user).filter(pk=OuterRef("complaint_id"))
    return Problem.objects.filter(Exists(ProblemComplaint.objects.filter(problem_id=OuterRef("pk")).filter(
        Exists(seen))))


def access_problem(user: User, problem_id: int, *, manage: bool = False, for_update: bool = False) -> Problem:
    """A problem the user may see (others are 'not found'); `manage` also requires a managing role."""
    require_view(user)
    qs = visible_problems(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    problem = qs.select_related("problem_type", "owner").filter(pk=problem_id).first()
    if problem is None:
        raise NotFound(_("Problem #%(id)s not found.") % {"id": problem_id})
    if manage:
        require_manage(user)
    return problem


def visible_actions(user: User) -> QuerySet[ImprovementAction]:
    if can_manage(user):
        return ImprovementAction.objects.all()
    if not can_view(user):
        return ImprovementAction.objects.none()
    return ImprovementAction.objects.filter(Q(owner=user) | Q(problem__in=visible_problems(user)))


def access_action(user: User, action_id: int, *, manage: bool = False, progress: bool = False,
                  for_update: bool = False) -> ImprovementAction:
    """An action the user may see. `manage`: change its plan; `progress`: start or complete it
    (its owner may, too)."""
    require_view(user)
    qs = visible_actions(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    action = qs.select_related("problem", "owner", "department", "metric_problem_type").filter(pk=action_id).first()
    if action is None:
        raise NotFound(_("Improvement action #%(id)s not found.") % {"id": action_id})
    if manage or (progress and action.owner_id != user.pk):
        require_manage(user)
    return action
