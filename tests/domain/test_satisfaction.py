"""Satisfaction, survey links, closure verification and the archive (SPEC §5, §6, §7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing

from loopdesk.complaints import actions, surveys
from loopdesk.complaints.access import available_actions
from loopdesk.complaints.models import Complaint, Event, Satisfaction, Status
from loopdesk.core.errors import Conflict, NotFound, ValidationFailed

HAPPY = {"response_speed": 5, "result": 5, "attitude": 5, "communication": 4}


def scores(speed, result, attitude, communication) -> dict[str, int]:
    return {"response_speed": speed, "result": result, "attitude": attitude, "communication": communication}


@pytest.fixture
def resolved(org, complaint_in):
    c = complaint_in(Status.IN_PROGRESS)
    actions.resolve(c.number, actor=org.hank, summary="已补发，客户确认收到")
    c.refresh_from_db()
    return c


def fresh(c) -> Complaint:
    return Complaint.objects.get(pk=c.pk)


# --- the dissatisfaction rule -----------------------------------------------------------------------

@pytest.mark.parametrize(("given", "dissatisfied"), [
    pytest.param(scores(5, 5, 5, 5), False, id="all-five"),
    pytest.param(scores(3, 3, 3, 3), False, id="mean-exactly-three"),
    pytest.param(scores(5, 3, 1, 3), False, id="poor-attitude-but-result-and-mean-ok"),
    pytest.param(scores(5, 2, 5, 5), True, id="result-two"),
    pytest.param(scores(5, 1, 5, 5), True, id="result-one"),
    pytest.param(scores(2, 3, 3, 3), True, id="mean-below-three"),
    pytest.param(scores(1, 3, 1, 2), True, id="mean-well-below-three"),
])
def test_a_poor_result_or_a_poor_average_counts_as_dissatisfied(given, dissatisfied, org, resolved):
    s = actions.record_satisfaction(resolved.number, actor=org.amy, scores=given)
    assert s.dissatisfied is dissatisfied
    assert fresh(resolved).status == (Status.REOPENED if dissatisfied else Status.RESOLVED)


def test_a_dissatisfied_customer_reopens_the_complaint_as_a_repeat(org, resolved):
    actions.record_satisfaction(resolved.number, actor=org.amy, scores=scores(4, 1, 4, 4), comment="根本没解决")
    c = fresh(resolved)
    assert (c.status, c.reopen_count, c.is_repeat) == (Status.REOPENED, 1, True)
    e = Event.objects.filter(complaint=c, action="reopen_dissatisfied").get()
    assert (e.actor, e.before, e.after) == (org.amy, {"status": "resolved"}, {"status": "reopened"})

    # Handled again and again found wanting: the count keeps going up.
    actions.accept(c.number, actor=org.hank)
    actions.start(c.number, actor=org.hank)
    actions.resolve(c.number, actor=org.hank, summary="再次上门处理")
    actions.record_satisfaction(c.number, actor=org.amy, scores=scores(2, 2, 2, 2))
    assert fresh(c).reopen_count == 2


@pytest.mark.parametrize("bad", [
    scores(0, 5, 5, 5), scores(5, 6, 5, 5), {"response_speed": 5, "result": 5, "attitude": 5},
    {**HAPPY, "result": "5"},
])
def test_scores_must_be_one_to_five_on_all_four_dimensions(bad, org, resolved):
    with pytest.raises(ValidationFailed):
        actions.record_satisfaction(resolved.number, actor=org.amy, scores=bad)
    assert not Satisfaction.objects.exists()


# --- the survey link --------------------------------------------------------------------------------

def test_the_customer_answers_through_the_survey_link(resolved):
    token = surveys.issue(resolved)
    s = actions.submit_survey(token, scores=HAPPY, comment="很满意")
    assert (s.source, s.recorded_by, s.dissatisfied) == ("survey", None, False)
    assert fresh(resolved).status == Status.RESOLVED


def test_a_dissatisfied_survey_answer_reopens(resolved):
    actions.submit_survey(surveys.issue(resolved), scores=scores(3, 1, 3, 3))
    c = fresh(resolved)
    assert (c.status, c.reopen_count, c.is_repeat) == (Status.REOPENED, 1, True)


def test_a_survey_link_works_once(resolved):
    token = surveys.issue(resolved)
    actions.submit_survey(token, scores=HAPPY)
    with pytest.raises(Conflict):
        actions.submit_survey(token, scores=scores(1, 1, 1, 1))
    assert Satisfaction.objects.filter(complaint=resolved).count() == 1
    assert fresh(resolved).status == Status.RESOLVED


def test_an_expired_survey_link_is_refused(resolved, clock):
    token = surveys.issue(resolved)
    clock.shift(timedelta(days=7, seconds=1))
    with pytest.raises(Conflict):
        actions.submit_survey(token, scores=HAPPY)
    assert not Satisfaction.objects.exists()


def test_a_survey_link_is_valid_for_seven_days(resolved, clock):
    token = surveys.issue(resolved)
    clock.shift(timedelta(days=6, hours=23))
    actions.submit_survey(token, scores=HAPPY)
    assert Satisfaction.objects.count() == 1


def test_a_new_link_retires_the_earlier_one(resolved):
    old = surveys.issue(resolved)
    new = surveys.issue(resolved)
    with pytest.raises(Conflict):
        actions.submit_survey(old, scores=HAPPY)
    actions.submit_survey(new, scores=HAPPY)


@pytest.mark.parametrize("token", [
    "not-a-token",
    signing.dumps({"n": "guessed-nonce"}, salt="loopdesk.survey"),
    signing.dumps({"n": "x"}, salt="another.salt"),
    "",
], ids=["garbage", "guessed-nonce", "other-salt", "empty"])  # stable ids: the signed tokens embed the time
def test_a_forged_survey_link_is_not_found(token, resolved):
    with pytest.raises(NotFound):
        actions.submit_survey(token, scores=HAPPY)
    assert not Satisfaction.objects.exists()


def test_a_tampered_survey_link_is_not_found(resolved):
    token = surveys.issue(resolved)
    with pytest.raises(NotFound):
        actions.submit_survey(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), scores=HAPPY)


def test_a_link_for_a_complaint_no_longer_awaiting_a_rating_is_refused_and_stays_usable(org, resolved):
    token = surveys.issue(resolved)
    actions.reopen(resolved.number, actor=org.amy, reason="客户来电反映问题仍在")
    with pytest.raises(Conflict):
        actions.submit_survey(token, scores=HAPPY)
    assert resolved.survey_tokens.filter(used_at__isnull=True).exists()


# --- verification and the archive -------------------------------------------------------------------

def test_a_passed_verification_closes(org, resolved):
    actions.record_satisfaction(resolved.number, actor=org.amy, scores=HAPPY)
    actions.verify(resolved.number, actor=org.monty, passed=True,
                   checks={"really_resolved": True, "promise_kept": True, "process_compliant": True})
    c = fresh(resolved)
    assert c.status == Status.CLOSED
    assert c.closed_at is not None
    e = Event.objects.filter(complaint=c, kind="verification").get()
    assert e.after == {"passed": True, "really_resolved": True, "promise_kept": True, "process_compliant": True}


def test_a_failed_verification_reopens(org, resolved):
    actions.verify(resolved.number, actor=org.monty, passed=False, note="承诺的退款未到账")
    c = fresh(resolved)
    assert (c.status, c.reopen_count) == (Status.REOPENED, 1)
    assert Event.objects.filter(complaint=c, action="verify_failed", note="承诺的退款未到账").exists()


def test_a_failed_verification_must_say_what_failed(org, resolved):
    with pytest.raises(ValidationFailed):
        actions.verify(resolved.number, actor=org.monty, passed=False)
    assert fresh(resolved).status == Status.RESOLVED


def test_verification_cannot_pass_over_a_dissatisfied_last_rating(org, resolved):
    actions.record_satisfaction(resolved.number, actor=org.amy, scores=scores(2, 1, 2, 2))
    actions.accept(resolved.number, actor=org.hank)
    actions.start(resolved.number, actor=org.hank)
    actions.resolve(resolved.number, actor=org.hank, summary="再次处理")
    with pytest.raises(Conflict):
        actions.verify(resolved.number, actor=org.monty, passed=True)
    assert fresh(resolved).status == Status.RESOLVED


def test_an_archived_complaint_is_read_only_for_everyone(org, resolved):
    actions.record_satisfaction(resolved.number, actor=org.amy, scores=HAPPY)
    actions.verify(resolved.number, actor=org.monty, passed=True)
    actions.archive(resolved.number, actor=org.monty)
    c = fresh(resolved)
    assert (c.status, c.archived_at is not None) == (Status.ARCHIVED, True)

    for user in org.users.values():
        assert available_actions(user, c) == [], user.username
    with pytest.raises(Conflict):
        actions.reopen(c.number, actor=org.sam, reason="客户再次来电")
    with pytest.raises(Conflict):
        actions.add_note(c.number, actor=org.sam, text="补充说明归档后的情况")
    with pytest.raises(Conflict):
        actions.submit_survey(surveys.issue(c), scores=HAPPY)
    assert fresh(c).status == Status.ARCHIVED
