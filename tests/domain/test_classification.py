"""Priority from the admin-editable matrix, supervisor overrides, and text suggestions (SPEC §2)."""

from __future__ import annotations

import pytest

from loopdesk.classification.models import PriorityRule
from loopdesk.classification.priority import compute_priority
from loopdesk.classification.suggest import suggest
from loopdesk.complaints import actions
from loopdesk.complaints.intake import register_complaint
from loopdesk.complaints.models import Complaint, Event, EventKind
from loopdesk.core.errors import NotAllowed, ValidationFailed
from tests.domain.support import intake


def prio(severity="normal", scope="individual", risk="none", customer_level="normal") -> str:
    return compute_priority(severity=severity, scope=scope, risk=risk, customer_level=customer_level)


# --- the default matrix ------------------------------------------------------------------------

@pytest.mark.parametrize(("facts", "expected"), [
    pytest.param({"severity": "urgent"}, "A", id="urgent"),
    pytest.param({"risk": "high"}, "A", id="high-risk"),
    pytest.param({"scope": "systemic"}, "A", id="systemic"),
    pytest.param({"severity": "important", "customer_level": "vip"}, "A", id="important-vip"),
    pytest.param({"severity": "important"}, "B", id="important"),
    pytest.param({"scope": "group"}, "B", id="group"),
    pytest.param({"customer_level": "vip"}, "B", id="vip"),
    pytest.param({"risk": "medium"}, "B", id="medium-risk"),
    pytest.param({}, "C", id="ordinary"),
    pytest.param({"risk": "low"}, "C", id="low-risk"),
    pytest.param({"severity": "urgent", "customer_level": "vip", "scope": "group"}, "A", id="most-serious-wins"),
])
def test_the_default_matrix_gives_the_expected_priority(facts, expected, db):
    assert prio(**facts) == expected


def test_a_registered_complaint_carries_the_matrix_priority(org, register):
    assert register().priority == "C"
    assert register(severity="urgent", customer={"phone": "13900000001"}).priority == "A"
    assert register(customer={"phone": "13900000002", "level": "vip"}).priority == "B"


def test_an_admin_edited_rule_changes_the_result(db):
    assert prio(scope="group") == "B"
    rule = PriorityRule.objects.get(scope="group", priority="B")
    rule.priority = "A"
    rule.save()  # as the admin does
    assert prio(scope="group") == "A"


def test_an_admin_added_rule_takes_effect_in_its_order(db):
    assert prio(risk="low") == "C"
    PriorityRule.objects.create(order=1, risk="low", priority="B")
    assert prio(risk="low") == "B"


def test_an_admin_removing_a_row_falls_through_to_the_next(db):
    PriorityRule.objects.filter(severity="", scope="", risk="", customer_level="vip").delete()
    assert prio(customer_level="vip") == "C"


# --- supervisor override --------------------------------------------------------------------------

def test_a_supervisor_overrides_the_priority_with_a_recorded_reason(org, register):
    c = register()
    actions.override_priority(c.number, actor=org.sam, priority="A", reason="客户表示要找媒体曝光")
    c.refresh_from_db()
    assert (c.priority, c.priority_override_reason) == ("A", "客户表示要找媒体曝光")
    e = Event.objects.filter(complaint=c, kind=EventKind.PRIORITY_OVERRIDE).get()
    assert (e.actor, e.before, e.after, e.note) == (org.sam, {"priority": "C"}, {"priority": "A"},
                                                    "客户表示要找媒体曝光")


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(reason, org, register):
    c = register()
    with pytest.raises(ValidationFailed) as err:
        actions.override_priority(c.number, actor=org.sam, priority="A", reason=reason)
    assert "reason" in err.value.errors
    c.refresh_from_db()
    assert c.priority == "C"
    assert not Event.objects.filter(complaint=c, kind=EventKind.PRIORITY_OVERRIDE).exists()


def test_an_override_to_an_unknown_priority_is_refused(org, register):
    c = register()
    with pytest.raises(ValidationFailed) as err:
        actions.override_priority(c.number, actor=org.sam, priority="Z", reason="测试")
    assert "priority" in err.value.errors


def test_a_handler_cannot_override_the_priority(org, register):
    c = register()
    with pytest.raises(NotAllowed):
        actions.override_priority(c.number, actor=org.hank, priority="A", reason="我觉得很急")
    assert Complaint.objects.get(pk=c.pk).priority == "C"


def test_an_override_survives_reclassification(org, register):
    c = register()
    actions.override_priority(c.number, actor=org.sam, priority="A", reason="客户表示要找媒体曝光")
    actions.reclassify(c.number, actor=org.hank, changes={"severity": "important", "risk": "low"})
    actions.reclassify(c.number, actor=org.hank, changes={"severity": "normal"})
    c.refresh_from_db()
    assert c.priority == "A"


def test_reclassification_without_an_override_recomputes_the_priority(org, register):
    c = register()
    actions.reclassify(c.number, actor=org.hank, changes={"severity": "urgent"}, note="客户家中漏水")
    c.refresh_from_db()
    assert c.priority == "A"
    e = Event.objects.filter(complaint=c, action="reclassify").get()
    assert e.before == {"severity": "normal", "priority": "C"}
    assert e.after == {"severity": "urgent", "priority": "A"}


def test_reclassification_refuses_fields_it_does_not_own(org, register):
    c = register()
    with pytest.raises(ValidationFailed) as err:
        actions.reclassify(c.number, actor=org.hank, changes={"priority": "A"})
    assert "priority" in err.value.errors


# --- suggestions ------------------------------------------------------------------------------------

def suggested(text: str) -> dict[str, str]:
    return {s.field: s.value for s in suggest(text)}


@pytest.mark.parametrize("word", ["监管", "12315", "媒体", "起诉", "投诉到"])
def test_words_of_regulators_media_and_lawsuits_suggest_high_risk(word, db):
    assert suggested(f"再不处理我就{word}，你们看着办")["risk"] == "high"


@pytest.mark.parametrize("word", ["无法使用", "故障", "安全"])
def test_words_of_breakdown_or_danger_suggest_urgent_severity(word, db):
    assert suggested(f"买的热水器{word}了")["severity"] == "urgent"


def test_a_courier_complaint_suggests_late_delivery(db):
    s = {x.field: x for x in suggest("快递一周了还没到")}
    assert s["problem_type"].value == "delivery_delay"
    assert "快递" in s["problem_type"].keywords
    assert s["problem_type"].label == "配送延迟"


def test_the_most_serious_risk_wins_over_more_frequent_milder_words(db):
    assert suggested("差评！我要发微博发抖音，还要打12315")["risk"] == "high"


def test_plain_words_suggest_nothing(db):
    assert suggested("请问会员积分怎么兑换") == {}


def test_suggestions_are_returned_but_never_applied(org):
    text = "洗衣机无法使用，快递也没到，我要投诉到12315"
    result = register_complaint(
        intake(description=text, problem_type="refund", severity="normal", risk="none"), actor=org.amy)

    got = {s.field: s.value for s in result.suggestions}
    assert got["risk"] == "high"
    assert got["severity"] == "urgent"
    c = Complaint.objects.get(pk=result.complaint.pk)
    assert (c.problem_type.code, c.severity, c.risk, c.priority) == ("refund", "normal", "none", "C")


@pytest.mark.parametrize(("text", "urgent"), [
    ("你们到底管不管！！！", True),
    ("到底什么时候发货!!!!", True),
    ("请尽快处理！！", False),
    ("谢谢!", False),
])
def test_three_exclamation_marks_read_as_strong_emotion(text, urgent, db):
    assert (suggested(text).get("severity") == "urgent") is urgent
