"""One function per change to an improvement action: plan it (SMART: measure, metric with baseline
and target, owner, department, due date), edit the plan, start, complete, cancel.

Planning checks that the target is measurable and ambitious: a rate lies between 0 and 100, and
the target is better than the baseline in the metric's direction (fewer complaints, more
satisfied customers). Without a baseline the metric over the last evaluation period is used.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.core.errors import Conflict
from loopdesk.improvement import metrics
from loopdesk.improvement import validation as v
from loopdesk.improvement.access import access_action, access_problem, require_manage
from loopdesk.improvement.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    ImprovementAction,
    Metric,
    ProblemStatus,
)

MAX_WEEKS = 26
VALUE_LIMIT = Decimal("9999999999.99")
PLAN_FIELDS = ("measure", "metric", "metric_problem_type", "metric_product", "baseline_value", "target_value",
               "owner_id", "department_id", "due_date", "evaluation_weeks")


def _check_plan(data: dict[str, Any], errors: v.Errors, *, today: date, due_changed: bool) -> dict[str, Any]:
    """Validate the whole plan (after an edit, too) and return model field values."""
    out: dict[str, Any] = {}
    out["measure"] = v.text(errors, "measure", data.get("measure"), max_length=2000, required=True)
    metric = data.get("metric")
    if metric not in Metric.values:
        errors.setdefault("metric", []).append(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Metric.values)})
        metric = None
    out["metric"] = metric
    out["metric_problem_type"] = v.problem_type(errors, "metric_problem_type", data.get("metric_problem_type"))
    out["metric_product"] = v.text(errors, "metric_product", data.get("metric_product"), max_length=100)
    out["owner"] = v.owner(errors, "owner_id", data.get("owner_id"), required=True)
    out["department"] = v.department(errors, "department_id", data.get("department_id"))
    due = data.get("due_date")
    if due is None:
        errors.setdefault("due_date", []).append(_("This field is required."))
    elif due_changed and due < today:
        errors.setdefault("due_date", []).append(_("The due date cannot be in the past."))
    out["due_date"] = due
    weeks = data.get("evaluation_weeks")
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= MAX_WEEKS:
        errors.setdefault("evaluation_weeks", []).append(
            _("Give a whole number of weeks from 1 to %(n)s.") % {"n": MAX_WEEKS})
    out["evaluation_weeks"] = weeks
    for name in ("baseline_value", "target_value"):
        value = data.get(name)
        if value is None:
            if name == "target_value":
                errors.setdefault(name, []).append(_("This field is required."))
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = Decimal(str(value))
        if not isinstance(value, Decimal) or not value.is_finite() or abs(value) > VALUE_LIMIT:
            errors.setdefault(name, []).append(_("Enter a number."))
            continue
        value = value.quantize(metrics.CENT, ROUND_HALF_UP)  # stored with two decimal places
        if value < 0 or (metric in metrics.RATES and value > 100):
            errors.setdefault(name, []).append(
                _("Give a percentage from 0 to 100.") if metric in metrics.RATES else _("The number is out of range."))
        out[name] = value
    return out


def _ambitious(out: dict[str, Any], errors: v.Errors) -> None:
    baseline, target, metric = out.get("baseline_value"), out.get("target_value"), out.get("metric")
    if baseline is None or target is None or metric is None or "target_value" in errors:
        return
    lower = metric in metrics.LOWER_IS_BETTER
    if (lower and target >= baseline) or (not lower and target <= baseline):
        errors.setdefault("target_value", []).append(
            _("The target must be lower than the baseline (%(baseline)s).") % {"baseline": baseline} if lower
            else _("The target must be higher than the baseline (%(baseline)s).") % {"baseline": baseline})


@transaction.atomic
def create_action(*, actor: User, problem_id: int | None = None, measure: str, metric: str,
                  target_value: Decimal | None, owner_id: int | None, department_id: int | None,
                  due_date: date | None, baseline_value: Decimal | None = None,
                  metric_problem_type: str | None = None, metric_product: str | None = None,
                  evaluation_weeks: int = 4) -> ImprovementAction:
    """Plan an action. The metric's scope defaults to the problem's type and product."""
    require_manage(actor)
    problem = None
    if problem_id is not None:
        problem = access_problem(actor, problem_id, manage=True, for_update=True)
        if problem.status == ProblemStatus.CLOSED:
            raise Conflict(_("The problem is closed; reopen it first."))
        if metric_problem_type is None and problem.problem_type_id:
            metric_problem_type = problem.problem_type.code
        if metric_product is None:
            metric_product = problem.product
    data = {"measure": measure, "metric": metric, "metric_problem_type": metric_problem_type,
            "metric_product": metric_product, "baseline_value": baseline_value, "target_value": target_value,
            "owner_id": owner_id, "department_id": department_id, "due_date": due_date,
            "evaluation_weeks": evaluation_weeks}
    errors: v.Errors = {}
    out = _check_plan(data, errors, today=timezone.localdate(), due_changed=True)
    if not errors and out.get("baseline_value") is None:
        # Measured, not guessed: the metric over the evaluation period up to now.
        scope = metrics.Scope(out["metric_problem_type"].pk if out["metric_problem_type"] else None,
                              out["metric_product"])
        out["baseline_value"] = metrics.baseline(out["metric"], scope, out["evaluation_weeks"])
    _ambitious(out, errors)
    v.raise_if(errors)
    return ImprovementAction.objects.create(problem=problem, created_by=actor, **out)


@transaction.atomic
def update_action(action_id: int, *, actor: User, **changes: Any) -> ImprovementAction:
    """Edit the plan of an open action; only the given fields change, the whole plan is re-checked."""
    action = access_action(actor, action_id, manage=True, for_update=True)
    if not action.is_open:
        raise Conflict(_("A done or cancelled action cannot be changed."))
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    data = {"measure": action.measure, "metric": action.metric,
            "metric_problem_type": action.metric_problem_type.code if action.metric_problem_type_id else None,
            "metric_product": action.metric_product, "baseline_value": action.baseline_value,
            "target_value": action.target_value, "owner_id": action.owner_id,
            "department_id": action.department_id, "due_date": action.due_date,
            "evaluation_weeks": action.evaluation_weeks}
    data.update(changes)
    errors: v.Errors = {}
    if "baseline_value" in changes and changes["baseline_value"] is None:
        errors["baseline_value"] = [_("This field is required.")]
    out = _check_plan(data, errors, today=timezone.localdate(),
                      due_changed="due_date" in changes and changes["due_date"] != action.due_date)
    _ambitious(out, errors)
    v.raise_if(errors)
    changed = [k for k, value in out.items() if getattr(action, k) != value]
    for k in changed:
        setattr(action, k, out[k])
    if changed:
        action.save(update_fields=[*changed, "updated_at"])
    return action


@transaction.atomic
def start_action(action_id: int, *, actor: User) -> ImprovementAction:
    action = access_action(actor, action_id, progress=True, for_update=True)
    if action.status != ActionStatus.PLANNED:
        raise Conflict(_("Only a planned action can be started."))
    action.status, action.started_at = ActionStatus.IN_PROGRESS, timezone.now()
    action.save(update_fields=["status", "started_at", "updated_at"])
    return action


@transaction.atomic
def complete_action(action_id: int, *, actor: User, result: str = "") -> ImprovementAction:
    """Mark done; the effect evaluation's 'after' period starts now."""
    action = access_action(actor, action_id, progress=True, for_update=True)
    if action.status not in OPEN_ACTION_STATUSES:
        raise Conflict(_("Only a planned or started action can be completed."))
    errors: v.Errors = {}
    result = v.text(errors, "result", result, max_length=5000, required=True)
    v.raise_if(errors)
    now = timezone.now()
    action.status, action.completed_at, action.result_note = ActionStatus.DONE, now, result
    action.started_at = action.started_at or now
    action.save(update_fields=["status", "completed_at", "result_note", "started_at", "updated_at"])
    return action


@transaction.atomic
def cancel_action(action_id: int, *, actor: User, reason: str) -> ImprovementAction:
    action = access_action(actor, action_id, manage=True, for_update=True)
    if action.status not in OPEN_ACTION_STATUSES:
        raise Conflict(_("Only a planned or started action can be cancelled."))
    errors: v.Errors = {}
    reason = v.text(errors, "reason", reason, max_length=2000, required=True)
    v.raise_if(errors)
    action.status, action.cancelled_at, action.result_note = ActionStatus.CANCELLED, timezone.now(), reason
    action.save(update_fields=["status", "cancelled_at", "result_note", "updated_at"])
    return action
