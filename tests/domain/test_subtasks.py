"""Sub-tasks (SPEC §4): owners, due dates, dependencies; the parent waits for all of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopdesk.complaints import actions
from loopdesk.complaints.access import visible_complaints
from loopdesk.complaints.models import Complaint, Status, SubTaskStatus
from loopdesk.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.domain.support import START


@pytest.fixture
def handling(org, complaint_in):
    return complaint_in(Status.IN_PROGRESS)


def test_the_parent_cannot_resolve_while_a_subtask_is_open(org, handling):
    task = actions.add_subtask(handling.number, actor=org.hank, title="技术部上门检修", owner_id=org.holly.pk,
                               due_at=START + timedelta(days=1))
    with pytest.raises(Conflict):
        actions.resolve(handling.number, actor=org.hank, summary="已处理完毕")
    assert Complaint.objects.get(pk=handling.pk).status == Status.IN_PROGRESS

    actions.complete_subtask(handling.number, task.pk, actor=org.holly, result="已上门更换主板")
    actions.resolve(handling.number, actor=org.hank, summary="已处理完毕")
    assert Complaint.objects.get(pk=handling.pk).status == Status.RESOLVED


def test_a_dependency_must_be_done_first(org, handling):
    check = actions.add_subtask(handling.number, actor=org.hank, title="核实物流轨迹", owner_id=org.hank.pk)
    resend = actions.add_subtask(handling.number, actor=org.hank, title="安排补发", owner_id=org.hank.pk,
                                 depends_on=[check.pk])
    with pytest.raises(Conflict):
        actions.complete_subtask(handling.number, resend.pk, actor=org.hank, result="已补发")
    resend.refresh_from_db()
    assert resend.status == SubTaskStatus.OPEN

    actions.complete_subtask(handling.number, check.pk, actor=org.hank, result="轨迹显示已丢件")
    actions.complete_subtask(handling.number, resend.pk, actor=org.hank, result="已补发")
    resend.refresh_from_db()
    assert (resend.status, resend.result) == (SubTaskStatus.DONE, "已补发")


def test_a_dependency_must_belong_to_the_same_complaint(org, handling, complaint_in):
    other = complaint_in(Status.IN_PROGRESS, customer={"phone": "13900000001"})
    foreign = actions.add_subtask(other.number, actor=org.hank, title="别的投诉", owner_id=org.hank.pk)
    with pytest.raises(ValidationFailed) as err:
        actions.add_subtask(handling.number, actor=org.hank, title="安排补发", owner_id=org.hank.pk,
                            depends_on=[foreign.pk])
    assert "depends_on" in err.value.errors
    assert handling.subtasks.count() == 0


def test_the_subtask_owner_from_another_department_sees_and_completes_their_task(org, handling):
    assert not visible_complaints(org.holly).filter(pk=handling.pk).exists()
    task = actions.add_subtask(handling.number, actor=org.hank, title="技术部检测", owner_id=org.holly.pk)
    assert visible_complaints(org.holly).filter(pk=handling.pk).exists()

    actions.complete_subtask(handling.number, task.pk, actor=org.holly, result="检测完成，主板损坏")

    task.refresh_from_db()
    assert task.status == SubTaskStatus.DONE
    assert task.done_at == START
    e = handling.events.filter(action="complete_subtask").get()
    assert (e.actor, e.before, e.after) == (org.holly, {"id": task.pk, "status": "open"},
                                            {"id": task.pk, "status": "done"})


def test_a_subtask_owner_cannot_complete_someone_elses_subtask(org, handling):
    actions.add_subtask(handling.number, actor=org.hank, title="技术部检测", owner_id=org.holly.pk)
    hanks = actions.add_subtask(handling.number, actor=org.hank, title="联系快递", owner_id=org.hank.pk)
    with pytest.raises(NotAllowed):
        actions.complete_subtask(handling.number, hanks.pk, actor=org.holly, result="代为完成")
    hanks.refresh_from_db()
    assert hanks.status == SubTaskStatus.OPEN


def test_the_complaint_owner_may_complete_any_subtask(org, handling):
    task = actions.add_subtask(handling.number, actor=org.hank, title="技术部检测", owner_id=org.holly.pk)
    actions.complete_subtask(handling.number, task.pk, actor=org.hank, result="电话确认已检测")
    task.refresh_from_db()
    assert task.status == SubTaskStatus.DONE


def test_a_finished_subtask_cannot_be_finished_again(org, handling):
    task = actions.add_subtask(handling.number, actor=org.hank, title="联系快递", owner_id=org.hank.pk)
    actions.complete_subtask(handling.number, task.pk, actor=org.hank, result="已联系")
    with pytest.raises(Conflict):
        actions.complete_subtask(handling.number, task.pk, actor=org.hank, result="再次联系")


def test_a_subtask_due_in_the_past_is_refused(org, handling):
    with pytest.raises(ValidationFailed) as err:
        actions.add_subtask(handling.number, actor=org.hank, title="联系快递", owner_id=org.hank.pk,
                            due_at=START - timedelta(hours=1))
    assert "due_at" in err.value.errors


def test_a_subtask_needs_a_result_to_be_completed(org, handling):
    task = actions.add_subtask(handling.number, actor=org.hank, title="联系快递", owner_id=org.hank.pk)
    with pytest.raises(ValidationFailed) as err:
        actions.complete_subtask(handling.number, task.pk, actor=org.hank, result=" ")
    assert "result" in err.value.errors
