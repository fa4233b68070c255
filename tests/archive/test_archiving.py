"""Monthly archiving: which closed complaints, when, by whom, the event it writes, and the ways it runs."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from loopdesk.celery import app as celery_app
from loopdesk.complaints import actions, archiving
from loopdesk.complaints.models import Complaint, Event, Status
from loopdesk.core import config
from loopdesk.jobs import runner, tasks, work
from tests.archive.conftest import START, at
from tests.web.conftest import STATES, drive, register


def status(c: Complaint) -> str:
    return Complaint.objects.get(pk=c.pk).status


def test_a_complaint_closed_in_november_is_archived_once_december_has_ended(org, clock):
    c = drive(org, register(org), "closed")
    clock.move_to(at(2026, 12, 31, 23, 59))
    assert archiving.run().archived == []
    assert status(c) == Status.CLOSED
    clock.move_to(at(2027, 1, 1, 0, 30))
    assert archiving.run().archived == [c.number]
    c = Complaint.objects.get(pk=c.pk)
    assert (c.status, c.archived_at) == (Status.ARCHIVED, at(2027, 1, 1, 0, 30))


def test_month_boundaries_are_those_of_the_desk_time_zone(org, clock):
    # Closed on 30 November 23:30 in Shanghai, which is still November... but 1 December 00:30 is not.
    clock.move_to(at(2026, 11, 30, 23, 30))
    late_november = drive(org, register(org), "closed")
    clock.move_to(at(2026, 12, 1, 0, 30))
    early_december = drive(org, register(org, phone="13900001111"), "closed")
    clock.move_to(at(2027, 1, 1, 1))
    assert archiving.run().archived == [late_november.number]
    assert status(early_december) == Status.CLOSED


def test_the_job_writes_the_same_event_as_the_manual_archive_as_the_system(org, clock):
    by_hand = drive(org, register(org), "archived")
    by_job = drive(org, register(org, phone="13900001111"), "closed")
    clock.move_to(at(2027, 1, 2, 3))
    archiving.run()
    manual = Event.objects.filter(complaint=by_hand, action="archive").get()
    system = Event.objects.filter(complaint=by_job, action="archive").get()
    fields = ("kind", "action", "before", "after", "customer_visible")
    assert [getattr(system, f) for f in fields] == [getattr(manual, f) for f in fields]
    assert (manual.actor, system.actor) == (org.ada, None)
    assert "2026-12-01" in system.note


def test_it_is_idempotent(org, clock):
    c = drive(org, register(org), "closed")
    clock.move_to(at(2027, 1, 5))
    assert archiving.run().archived == [c.number]
    events = Event.objects.count()
    clock.shift(timedelta(hours=1))
    assert archiving.run().as_dict() == {"archived": 0, "anonymised": 0, "texts_scrubbed": 0, "failed": 0,
                                         "dry_run": False}
    assert Event.objects.count() == events


def test_only_closed_complaints_are_archived(org, clock):
    made = {state: drive(org, register(org, phone=f"1390000{i:04d}"), state) for i, state in enumerate(STATES)}
    before = {state: status(c) for state, c in made.items()}
    clock.move_to(at(2027, 3, 1))
    assert archiving.run().archived == [made["closed"].number]
    after = {state: status(c) for state, c in made.items()}
    assert after == {**before, "closed": Status.ARCHIVED}


def test_archive_after_days_replaces_the_month_rule(org, clock):
    c = drive(org, register(org), "closed")
    config.put("archive.after_days", 10)
    clock.move_to(START + timedelta(days=9, hours=23))
    assert archiving.run().archived == []
    clock.move_to(START + timedelta(days=10, minutes=1))
    assert archiving.run().archived == [c.number]


def test_it_works_in_batches(org, clock):
    numbers = [drive(org, register(org, phone=f"1390000{i:04d}"), "closed").number for i in range(5)]
    clock.move_to(at(2027, 1, 3))
    assert sorted(archiving.run(batch=2).archived) == sorted(numbers)
    assert Complaint.objects.filter(status=Status.ARCHIVED).count() == 5


def test_a_failing_complaint_is_skipped_and_retried_next_time(org, clock, monkeypatch):
    bad, good = (drive(org, register(org, phone=f"1390000{i:04d}"), "closed") for i in range(2))
    clock.move_to(at(2027, 1, 3))
    real = archiving._move

    def flaky(c, *args, **kwargs):
        if c.pk == bad.pk:
            raise RuntimeError("disk full")
        return real(c, *args, **kwargs)

    monkeypatch.setattr(archiving, "_move", flaky)
    result = archiving.run(batch=1)
    assert (result.archived, result.failed) == ([good.number], [bad.number])
    assert status(bad) == Status.CLOSED and not Event.objects.filter(complaint=bad, action="archive").exists()
    monkeypatch.setattr(archiving, "_move", real)
    assert archiving.run().archived == [bad.number]


def test_the_command_has_a_dry_run(org, clock, capsys):
    c = drive(org, register(org), "closed")
    clock.move_to(at(2027, 1, 3))
    call_command("archive_closed", "--dry-run")
    out = json.loads(capsys.readouterr().out)
    assert (out["dry_run"], out["archived_numbers"], out["archived"]) == (True, [c.number], 1)
    assert status(c) == Status.CLOSED
    call_command("archive_closed")
    assert json.loads(capsys.readouterr().out)["archived"] == 1
    assert status(c) == Status.ARCHIVED


def test_the_background_loop_and_celery_beat_run_it(org, clock):
    c = drive(org, register(org), "closed")
    clock.move_to(at(2027, 1, 3))
    assert celery_app.conf.beat_schedule["archive-closed"]["task"] == "loopdesk.archive"
    assert runner.work is work and runner.ARCHIVE_EVERY <= 24 * 3600
    assert tasks.archive() == {"archived": 1, "anonymised": 0, "texts_scrubbed": 0, "failed": 0, "dry_run": False}
    assert status(c) == Status.ARCHIVED
    assert work.archive()["archived"] == 0


@pytest.mark.parametrize("user", ["ada", "monty", "sam"])
def test_a_manual_archive_is_still_possible_for_those_allowed(org, user):
    c = drive(org, register(org), "closed")
    actions.archive(c.number, actor=org.users[user])
    assert status(c) == Status.ARCHIVED


def test_an_idle_pass_costs_a_few_queries(org, clock, django_assert_max_num_queries):
    drive(org, register(org), "in_progress")
    clock.move_to(at(2030, 1, 1))
    # Settings, then per step (archive, free text, anonymise) one claiming SELECT inside its transaction
    # (savepoints count in tests).
    with django_assert_max_num_queries(9):
        assert archiving.run().as_dict()["archived"] == 0


def test_the_cutoffs(org):
    assert archiving.archive_cutoff(at(2027, 1, 15, 9)) == at(2026, 12, 1)
    assert archiving.archive_cutoff(at(2027, 3, 1)) == at(2027, 2, 1)
    assert archiving.retention_cutoff(at(2028, 2, 29, 12)) == at(2025, 2, 28, 12)
    config.put("retention.years", 5)
    assert archiving.retention_cutoff(at(2031, 6, 1)) == at(2026, 6, 1)
