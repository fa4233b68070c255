"""Alerts the monitor sweep raises are recorded for the monitor's list, once, with no extra message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.core import memo
from loopdesk.escalation import sweep as sweep_module
from loopdesk.escalation.sweep import run_sweep
from loopdesk.monitoring.models import Alert
from loopdesk.notifications.models import OutboxMessage
from loopdesk.routing.models import RoutingRule
from tests.escalation.support import START

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def test_a_new_high_risk_complaint_is_on_the_alert_list_once(register, org):
    c = register(risk="high")
    run_sweep()
    [alert] = Alert.objects.all()
    assert (alert.kind, alert.complaint, alert.acknowledged_at) == ("high_risk", c, None)
    assert alert.params == {"to_level": 2}
    # The alert row and the message share the sweep's key: nothing new is sent for the row.
    assert alert.dedupe_key == "alert.high_risk:risk:" + alert.dedupe_key.rsplit(":", 1)[1]
    assert OutboxMessage.objects.filter(event="alert.high_risk", recipient=org.monty).count() == 1
    run_sweep()
    assert Alert.objects.count() == 1


def test_an_unaccepted_complaint_is_on_the_alert_list(register, org, clock):
    c = register()
    clock.move_to(START + H + timedelta(minutes=1))
    run_sweep()
    [alert] = Alert.objects.filter(kind="unaccepted")
    assert alert.complaint == c and alert.params["target"] == "acceptance"
    assert OutboxMessage.objects.filter(event="alert.unaccepted", channel="inbox").count() == 1


def test_an_unassigned_complaint_is_on_the_alert_list(register, org, clock):
    RoutingRule.objects.all().delete()
    memo.clear()
    c = register()
    clock.shift(31 * 60)
    run_sweep()
    assert list(Alert.objects.values_list("kind", "complaint")) == [("unassigned", c.pk)]


def test_overdue_at_the_top_level_is_on_the_alert_list(register, org, clock):
    c = register(risk="high", severity="urgent")  # straight to L3
    run_sweep()
    clock.shift(30 * 24 * 3600)  # every deadline long missed
    run_sweep()
    kinds = set(Alert.objects.filter(complaint=c).values_list("kind", flat=True))
    assert {"high_risk", "overdue"} <= kinds


def test_a_batch_that_fails_records_no_alert_for_the_rolled_back_work(register, org, monkeypatch):
    good, bad = register(risk="high"), register(risk="high")
    real = sweep_module.escalate

    def poison(c, **kwargs):
        if c.pk == bad.pk:
            raise RuntimeError("boom")
        return real(c, **kwargs)

    monkeypatch.setattr(sweep_module, "escalate", poison)
    result = run_sweep()
    assert result.failed == 1
    assert list(Alert.objects.values_list("complaint", flat=True)) == [good.pk]
