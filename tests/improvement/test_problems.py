"""Problems: create, group complaints (with a timeline event on each), analyse with 5W1H and the
fishbone, confirm the root cause, close and reopen; every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.complaints.models import Event
from loopdesk.core.errors import Conflict, ValidationFailed
from loopdesk.improvement import problems
from loopdesk.improvement.models import Cause, Problem, ProblemComplaint
from loopdesk.improvement.problems import CauseInput
from tests.escalation.support import START

pytestmark = pytest.mark.django_db


def state() -> dict:
    return {"problems": list(Problem.objects.order_by("id").values()), "links": ProblemComplaint.objects.count(),
            "causes": list(Cause.objects.order_by("id").values()), "events": Event.objects.count()}


def test_a_problem_groups_complaints_and_each_gets_a_timeline_event(org, register, problem, clock):
    a, b = register(), register(subject="洗衣机快递还没送到")
    clock.shift(timedelta(minutes=5))
    p = problem(numbers=[a.number, b.number])
    assert p.status == "open" and p.owner == org.mia and p.created_by == org.mia
    assert p.problem_type.code == "delivery_delay" and p.product == "滚筒洗衣机 XQG100"
    links = list(p.links.order_by("id"))
    assert [(lk.complaint_id, lk.linked_by, lk.linked_at) for lk in links] == [
        (a.pk, org.mia, START + timedelta(minutes=5)), (b.pk, org.mia, START + timedelta(minutes=5))]
    for c in (a, b):
        [e] = Event.objects.filter(complaint=c, action="link_problem")
        assert (e.kind, e.actor, e.at, e.after) == ("field", org.mia, START + timedelta(minutes=5),
                                                    {"problem": f"#{p.pk} 洗衣机配送延迟"})


def test_linking_again_skips_what_is_already_linked(org, register, problem):
    a, b = register(), register()
    p = problem(numbers=[a.number])
    new = problems.link_complaints(p.pk, [a.number, b.number, b.number], actor=org.sam)
    assert [c.pk for c in new] == [b.pk]
    assert Event.objects.filter(action="link_problem").count() == 2


def test_a_complaint_belongs_to_one_problem_at_most(org, register, problem):
    a, b = register(), register()
    first = problem(numbers=[a.number])
    second = problem(title="另一个问题")
    before = state()
    with pytest.raises(ValidationFailed) as exc:
        problems.link_complaints(second.pk, [b.number, a.number], actor=org.mia)
    assert list(exc.value.errors) == ["numbers"]
    assert f"#{first.pk}" in str(exc.value.errors["numbers"][0])
    assert state() == before  # b was not linked either: all or nothing


def test_creating_with_an_unknown_or_invisible_complaint_creates_nothing(org, register, problem):
    a = register()
    before = state()
    with pytest.raises(ValidationFailed) as exc:
        problem(numbers=[a.number, "20261123-TEL-9999"])
    assert "20261123-TEL-9999" in str(exc.value.errors["numbers"][0])
    assert state() == before


def test_bad_fields_are_reported_together_and_nothing_is_saved(org, problem):
    with pytest.raises(ValidationFailed) as exc:
        problem(title="  ", problem_type="no_such_type", product="x" * 101, owner_id=org.amy.pk)
    assert set(exc.value.errors) == {"title", "problem_type", "product", "owner_id"}
    assert Problem.objects.count() == 0


def test_unlinking_writes_an_event_and_frees_the_complaint(org, register, problem):
    a = register()
    p = problem(numbers=[a.number])
    problems.unlink_complaint(p.pk, a.number, actor=org.monty)
    assert not ProblemComplaint.objects.exists()
    e = Event.objects.get(complaint=a, action="unlink_problem")
    assert (e.actor, e.before, e.after) == (org.monty, {"problem": f"#{p.pk} 洗衣机配送延迟"}, {"problem": None})
    with pytest.raises(ValidationFailed):
        problems.unlink_complaint(p.pk, a.number, actor=org.monty)


def test_the_analysis_records_5w1h_and_fishbone_causes(org, problem, clock):
    p = problem()
    clock.shift(timedelta(hours=2))
    problems.record_analysis(
        p.pk, actor=org.sam, what="洗衣机平均送达时长9天（标准≤5天）", why="第三方快递分拣失误", when="11月促销期间",
        where="华东仓", who="新入职分拣员", how="缺少超时预警",
        causes=[CauseInput("man", "分拣员培训不足"), CauseInput("machine", "分拣系统无超时预警"),
                CauseInput("method", "与快递公司无送达时效约定"), CauseInput("environment", "促销期单量翻倍")])
    p.refresh_from_db()
    assert p.status == "analysing" and p.analysed_by == org.sam and p.analysed_at == START + timedelta(hours=2)
    assert (p.what, p.why, p.when, p.where, p.who, p.how)[1] == "第三方快递分拣失误"
    assert [(c.category, c.text) for c in p.causes.all()] == [
        ("man", "分拣员培训不足"), ("machine", "分拣系统无超时预警"), ("method", "与快递公司无送达时效约定"),
        ("environment", "促销期单量翻倍")]
    # Saving again replaces the causes.
    problems.record_analysis(p.pk, actor=org.sam, why="第三方快递分拣失误",
                             causes=[CauseInput("material", "包装箱强度不足")])
    assert [(c.category, c.text) for c in Cause.objects.filter(problem=p)] == [("material", "包装箱强度不足")]


def test_a_bad_cause_saves_nothing(org, problem):
    p = problem()
    problems.record_analysis(p.pk, actor=org.sam, why="原因", causes=[CauseInput("man", "培训不足")])
    before = state()
    with pytest.raises(ValidationFailed) as exc:
        problems.record_analysis(p.pk, actor=org.sam, why="新的原因",
                                 causes=[CauseInput("luck", "运气不好"), CauseInput("method", " ")])
    assert set(exc.value.errors) == {"causes.0.category", "causes.1.text"}
    assert state() == before


def test_the_root_cause_needs_an_analysis_and_records_who_and_when(org, problem, clock):
    p = problem()
    with pytest.raises(Conflict):
        problems.confirm_root_cause(p.pk, actor=org.mia, root_cause="人员配置不足+系统分流机制缺失")
    with pytest.raises(ValidationFailed) as exc:
        problems.confirm_root_cause(p.pk, actor=org.mia, root_cause=" ")
    assert list(exc.value.errors) == ["root_cause"]
    problems.record_analysis(p.pk, actor=org.sam, causes=[CauseInput("method", "无送达时效约定")])
    clock.shift(timedelta(days=1))
    problems.confirm_root_cause(p.pk, actor=org.mia, root_cause="与快递公司无送达时效约定，超时无人跟进")
    p.refresh_from_db()
    assert p.status == "root_cause_confirmed" and p.root_cause_confirmed_by == org.mia
    assert p.root_cause_confirmed_at == START + timedelta(days=1)


def test_a_closed_problem_changes_only_by_reopening(org, register, problem, plan):
    a = register()
    p = problem()
    action = plan(problem_id=p.pk)
    with pytest.raises(Conflict):
        problems.close_problem(p.pk, actor=org.mia)  # an action is still planned
    from loopdesk.improvement import measures

    measures.cancel_action(action.pk, actor=org.mia, reason="改为其他方案")
    problems.close_problem(p.pk, actor=org.mia)
    before = state()
    for change in (lambda: problems.link_complaints(p.pk, [a.number], actor=org.mia),
                   lambda: problems.record_analysis(p.pk, actor=org.mia, why="x", causes=[]),
                   lambda: problems.update_problem(p.pk, actor=org.mia, title="新标题"),
                   lambda: problems.close_problem(p.pk, actor=org.mia)):
        with pytest.raises(Conflict):
            change()
    assert state() == before
    problems.reopen_problem(p.pk, actor=org.ada)
    assert Problem.objects.get(pk=p.pk).status == "open"
