"""The complaint workflow as data: one table of actions, read by domain actions, API, UI and docs.

Each action says from which statuses it may run, where it leads (None = status unchanged) and
who may run it: a set of roles, and/or a relation to the complaint (owner, worker = owner or
co-handler). Department scope is checked separately by loopdesk.complaints.access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role
from loopdesk.complaints.models import OPEN_STATUSES, Status

S = Status
ALL_ACTIVE = (*OPEN_STATUSES,)
HANDLING = (S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_CUSTOMER, S.SOLUTION_PENDING)
AFTER_RESOLUTION = (S.RESOLVED, S.CALLBACK_PENDING)


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str] = frozenset()
    # Relations that also grant the action: "owner" (primary owner), "worker" (owner or co-handler),
    # "registrar" (the agent who registered it).
    relations: frozenset[str] = frozenset()
    # Where a negative outcome leads (a rejected solution, a dissatisfied customer, a failed check).
    alt_target: str | None = None


def _t(action, label, sources, target, roles=(), relations=(), alt=None):
    return Transition(action, label, tuple(sources), target, frozenset(roles), frozenset(relations), alt)


SUP = (Role.SUPERVISOR, Role.ADMIN)

TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    _t("accept", _("Accept"), (S.NEW, S.REOPENED), S.ACCEPTED, SUP, ("owner",)),
    _t("start", _("Start handling"), (S.ACCEPTED,), S.IN_PROGRESS, SUP, ("owner",)),
    _t("wait_customer", _("Wait for customer"), (S.IN_PROGRESS, S.ACCEPTED), S.AWAITING_CUSTOMER, SUP,
       ("owner",)),
    _t("resume", _("Resume"), (S.AWAITING_CUSTOMER,), S.IN_PROGRESS, SUP, ("owner",)),
    _t("propose_solution", _("Propose solution"), (S.ACCEPTED, S.IN_PROGRESS), S.SOLUTION_PENDING, SUP,
       ("owner",)),
    _t("approve_solution", _("Approve solution"), (S.SOLUTION_PENDING,), None,
       (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN), alt=S.IN_PROGRESS),
    _t("record_response", _("Record customer response"), (S.SOLUTION_PENDING,), S.IN_PROGRESS,
       (*SUP, Role.AGENT), ("owner",)),
    _t("resolve", _("Resolve"), (S.IN_PROGRESS,), S.RESOLVED, SUP, ("owner",)),
    _t("request_callback", _("Hand to callback"), (S.RESOLVED,), S.CALLBACK_PENDING,
       (*SUP, Role.AGENT), ("owner",)),
    _t("record_satisfaction", _("Record satisfaction"), AFTER_RESOLUTION, None, (*SUP, Role.AGENT),
       alt=S.REOPENED),
    _t("verify", _("Verify closure"), AFTER_RESOLUTION, S.CLOSED, (Role.MONITOR, Role.ADMIN), alt=S.REOPENED),
    _t("reopen", _("Reopen"), (*AFTER_RESOLUTION, S.CLOSED), S.REOPENED,
       (*SUP, Role.MONITOR, Role.AGENT, Role.MANAGER)),
    _t("archive", _("Archive"), (S.CLOSED,), S.ARCHIVED, (*SUP, Role.MONITOR)),
    _t("cancel", _("Cancel"), ALL_ACTIVE, S.CANCELLED, (*SUP, Role.MANAGER), ("registrar",)),
    # Actions that do not move the status.
    _t("assign", _("Assign"), ALL_ACTIVE, None, (*SUP, Role.MANAGER)),
    _t("handover", _("Hand over"), ALL_ACTIVE, None, SUP, ("owner",)),
    _t("add_co_handler", _("Add co-handler"), ALL_ACTIVE, None, SUP, ("owner",)),
    _t("reclassify", _("Reclassify"), ALL_ACTIVE, None, SUP, ("owner", "registrar")),
    _t("override_priority", _("Override priority"), ALL_ACTIVE, None,
       (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)),
    _t("note", _("Add progress note"), (*ALL_ACTIVE, *AFTER_RESOLUTION), None,
       (*SUP, Role.MANAGER, Role.MONITOR), ("worker", "registrar")),
    _t("communicate", _("Log communication"), (*ALL_ACTIVE, *AFTER_RESOLUTION), None,
       (*SUP, Role.AGENT, Role.MANAGER), ("worker",)),
    _t("attach", _("Add attachment"), (*ALL_ACTIVE, *AFTER_RESOLUTION), None,
       (*SUP, Role.AGENT, Role.MANAGER), ("worker",)),
    _t("add_subtask", _("Add sub-task"), (*HANDLING, S.REOPENED), None, SUP, ("owner",)),
    _t("complete_subtask", _("Complete sub-task"), ALL_ACTIVE, None, SUP, ("owner", "subtask_owner")),
    _t("change_demand", _("Record demand change"), ALL_ACTIVE, None, (*SUP, Role.AGENT), ("owner",)),
    # Frontline escalates what it cannot solve; monitors escalate what lags (SPEC §6).
    _t("escalate", _("Escalate"), ALL_ACTIVE, None, (*SUP, Role.AGENT, Role.MANAGER, Role.MONITOR), ("worker",)),
]}


def transition(action: str) -> Transition:
    return TRANSITIONS[action]


def targets_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
