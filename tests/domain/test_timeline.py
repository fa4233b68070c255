"""The timeline (SPEC §4, §8): every change is an immutable event — who, when, before → after."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from loopdesk.complaints import actions
from loopdesk.complaints.models import Complaint, Event, EventKind, Status
from loopdesk.complaints.timeline import event
from tests.domain.support import START


def _in_savepoint(fn):
    # bulk_update runs in atomic(savepoint=False): keep the test's transaction usable afterwards.
    with transaction.atomic():
        return fn()


@pytest.fixture
def registered(org, register):
    return register()


def test_an_event_cannot_be_changed_once_written(registered):
    e = registered.events.first()
    e.note = "改写历史"
    with pytest.raises(TypeError):
        e.save()
    assert Event.objects.get(pk=e.pk).note == ""


def test_an_event_cannot_be_deleted(registered):
    e = registered.events.first()
    with pytest.raises(TypeError):
        e.delete()
    assert Event.objects.filter(pk=e.pk).exists()


@pytest.mark.parametrize("how", [
    pytest.param(lambda qs: qs.update(note="x"), id="queryset-update"),
    pytest.param(lambda qs: qs.delete(), id="queryset-delete"),
    pytest.param(lambda qs: Event.objects.update(note="x"), id="manager-update"),
    pytest.param(lambda qs: Event.objects.all().delete(), id="manager-delete"),
    pytest.param(lambda qs: _in_savepoint(lambda: Event.objects.bulk_update(list(qs), ["note"])), id="bulk-update"),
    pytest.param(lambda qs: qs.first().complaint.events.update(note="x"), id="related-manager-update"),
    pytest.param(lambda qs: qs.first().complaint.events.all().delete(), id="related-manager-delete"),
])
def test_bulk_rewrites_of_the_timeline_are_refused(how, registered):
    qs = Event.objects.filter(complaint=registered)
    before = list(qs.values_list("pk", "note"))
    with pytest.raises(TypeError):
        how(qs)
    assert list(qs.values_list("pk", "note")) == before


def test_a_complaint_with_a_timeline_cannot_be_deleted(registered):
    with pytest.raises(ProtectedError):
        Complaint.objects.filter(pk=registered.pk).delete()


def test_new_events_are_appended(registered, org):
    n = registered.events.count()
    e = event(registered, EventKind.NOTE, actor=org.hank, action="note", note="追加一条")
    assert e.at == START
    assert registered.events.count() == n + 1


def test_registration_writes_who_and_what(registered, org):
    reg = registered.events.get(action="register")
    assert (reg.kind, reg.actor, reg.at) == (EventKind.REGISTERED, org.amy, START)
    assert reg.after == {"status": "new", "priority": "C", "channel": "TEL", "problem_type": "delivery_delay"}
    route = registered.events.get(action="route")
    assert (route.kind, route.actor, route.after) == (EventKind.ASSIGNMENT, None,
                                                      {"department": "logistics", "owner": "hank"})


def test_every_action_adds_events_with_actor_time_before_and_after(org, registered, clock):
    n = registered.number
    steps = [
        ("accept", lambda: actions.accept(n, actor=org.hank),
         EventKind.STATUS, org.hank, {"status": "new"}, {"status": "accepted"}),
        ("start", lambda: actions.start(n, actor=org.hank),
         EventKind.STATUS, org.hank, {"status": "accepted"}, {"status": "in_progress"}),
        ("assign", lambda: actions.assign(n, actor=org.sam, owner_id=org.hank.pk, note="由汉克继续处理"),
         EventKind.ASSIGNMENT, org.sam, {"owner": "hank", "department": "logistics"},
         {"owner": "hank", "department": "logistics"}),
        ("add_co_handler", lambda: actions.add_co_handler(n, actor=org.hank, user_id=org.holly.pk),
         EventKind.CO_HANDLER, org.hank, None, {"co_handler": "holly"}),
        ("reclassify", lambda: actions.reclassify(n, actor=org.hank, changes={"severity": "important"}),
         EventKind.FIELD, org.hank, {"severity": "normal", "priority": "C"},
         {"severity": "important", "priority": "B"}),
        ("override_priority", lambda: actions.override_priority(n, actor=org.sam, priority="A", reason="VIP 客户"),
         EventKind.PRIORITY_OVERRIDE, org.sam, {"priority": "B"}, {"priority": "A"}),
        ("change_demand", lambda: actions.change_demand(n, actor=org.amy, new_demand="全额退款",
                                                        confirmation="客户来电确认"),
         EventKind.DEMAND_CHANGE, org.amy, {"core_demand": "尽快送达并检修"}, {"core_demand": "全额退款"}),
        ("wait_customer", lambda: actions.wait_customer(n, actor=org.hank, reason="等待客户提供照片"),
         EventKind.STATUS, org.hank, {"status": "in_progress"}, {"status": "awaiting_customer"}),
        ("resume", lambda: actions.resume(n, actor=org.hank),
         EventKind.STATUS, org.hank, {"status": "awaiting_customer"}, {"status": "in_progress"}),
        ("propose_solution", lambda: actions.propose_solution(n, actor=org.hank, measures="退款",
                                                              compensation_kind="refund",
                                                              compensation_amount=Decimal("100")),
         EventKind.STATUS, org.hank, {"status": "in_progress"}, {"status": "solution_pending"}),
        ("record_response", lambda: actions.record_response(n, actor=org.amy, response="accepted"),
         EventKind.STATUS, org.amy, {"status": "solution_pending"}, {"status": "in_progress"}),
        ("resolve", lambda: actions.resolve(n, actor=org.hank, summary="已退款"),
         EventKind.STATUS, org.hank, {"status": "in_progress"}, {"status": "resolved"}),
        ("request_callback", lambda: actions.request_callback(n, actor=org.hank),
         EventKind.STATUS, org.hank, {"status": "resolved"}, {"status": "callback_pending"}),
        ("reopen", lambda: actions.reopen(n, actor=org.monty, reason="客户投诉退款未到账"),
         EventKind.STATUS, org.monty, {"status": "callback_pending"}, {"status": "reopened"}),
    ]
    for action, do, kind, actor, before, after in steps:
        clock.shift(timedelta(minutes=7))
        count = Event.objects.filter(complaint=registered).count()
        do()
        new = list(Event.objects.filter(complaint=registered).order_by("id")[count:])
        mine = [(e.kind, e.actor, e.before, e.after) for e in new if e.kind == kind]
        assert (kind, actor, before, after) in mine, (action, mine)
        assert {e.at for e in new} == {timezone.now()}, action
    assert Complaint.objects.get(pk=registered.pk).status == Status.REOPENED


def test_notes_communications_and_subtasks_are_on_the_timeline(org, complaint_in):
    c = complaint_in(Status.IN_PROGRESS)
    actions.add_note(c.number, actor=org.hank, text="已联系快递站点核实物流轨迹", next_step="明天补发",
                     next_step_due=START + timedelta(days=1))
    actions.log_communication(c.number, actor=org.hank, channel="phone", direction="out",
                              summary="告知客户明天补发", customer_reaction="接受")
    task = actions.add_subtask(c.number, actor=org.hank, title="补发", owner_id=org.hank.pk)
    kinds = list(c.events.values_list("kind", "actor__username"))
    assert ("note", "hank") in kinds
    assert ("communication", "hank") in kinds
    assert ("subtask", "hank") in kinds
    sub = c.events.get(kind="subtask")
    assert sub.after["id"] == task.pk and sub.after["owner"] == "hank"


def test_a_contact_reveal_is_on_the_timeline_and_audited(org, registered):
    from loopdesk.accounts.models import AuditLog

    data = actions.reveal_contact(registered.number, actor=org.amy, ip="10.0.0.8")
    assert data["phone"] == "13812341234"
    assert registered.events.filter(kind=EventKind.CONTACT_REVEALED, actor=org.amy).count() == 1
    assert AuditLog.objects.filter(actor=org.amy, action="reveal_contact", target=registered.number).exists()


def test_registration_writes_its_events_and_those_of_its_clocks_with_one_statement(org, register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        c = register()
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "complaints_event"')]
    assert len(inserts) == 1
    kinds = list(c.events.order_by("id").values_list("kind", flat=True))
    assert kinds[:2] == [EventKind.REGISTERED, EventKind.ASSIGNMENT]
    assert EventKind.DEADLINE in kinds[2:]


def test_a_batch_writes_once_at_its_end_and_nothing_when_it_fails(registered):
    from loopdesk.complaints.timeline import batched, record

    before = registered.events.count()

    def note(text):
        return Event(complaint=registered, kind=EventKind.NOTE, actor=None, at=timezone.now(), note=text)

    with batched():
        first = note("一")
        record([first])
        with batched():  # nested: the outer block writes
            record([note("二")])
        assert first.pk is None and registered.events.count() == before
    assert first.pk is not None
    assert list(registered.events.order_by("-id").values_list("note", flat=True)[:2]) == ["二", "一"]

    with pytest.raises(RuntimeError), transaction.atomic(), batched():
        record([note("三")])
        raise RuntimeError("the change failed")
    assert not registered.events.filter(note="三").exists()
    record([note("四")])  # outside a batch: written at once
    assert registered.events.filter(note="四").exists()
