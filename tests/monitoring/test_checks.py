"""Every data check against crafted records, the scan that opens and clears findings, and the command."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from loopdesk.complaints.models import Complaint, Customer
from loopdesk.core import config
from loopdesk.monitoring import checks
from loopdesk.monitoring.checks import scan
from loopdesk.monitoring.jobs import run_due
from loopdesk.monitoring.models import Finding
from tests.escalation.support import START, at

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
DAY = timedelta(days=1)


def found(name: str) -> set[str]:
    return set(checks.get(name).find(Complaint.objects.all()).values_list("number", flat=True))


def healthy(craft, **over) -> Complaint:
    """A complaint closed properly: every timestamp in order, a resolution recorded."""
    fields = {"received_at": START - 3 * DAY, "registered_at": START - 3 * DAY + 5 * 60 * timedelta(seconds=1),
              "accepted_at": START - 3 * DAY + H, "first_response_at": START - 3 * DAY + H,
              "resolved_at": START - 2 * DAY, "closed_at": START - DAY, "status": "closed",
              "resolution_summary": "已补发并确认签收"}
    fields.update(over)
    return craft(**fields)


def test_a_clean_record_fails_no_check(craft):
    c = healthy(craft)
    new = craft()  # just registered, not yet classified is fine too
    assert checks.failing(c.pk) == set() and checks.failing(new.pk) == set()


# --- status vs timestamps -------------------------------------------------------------------------

@pytest.mark.parametrize("over, field", [
    ({"resolved_at": None}, "resolved_at"),
    ({"closed_at": None}, "closed_at"),
    ({"status": "in_progress", "resolved_at": None}, "closed_at"),  # open, yet a closed time
    ({"status": "archived", "archived_at": None}, "archived_at"),
    ({"accepted_at": None}, "accepted_at"),
])
def test_a_status_its_timestamps_contradict_is_found(craft, over, field):
    c = healthy(craft, **over)
    assert found("status_timestamps") == {c.number}
    details = checks.get("status_timestamps").explain([c])
    assert field in details[c.pk]["fields"]


def test_new_but_accepted_and_cancelled_without_a_time_are_found(craft):
    a = craft(accepted_at=START)
    b = craft(status="cancelled")
    craft(status="cancelled", cancelled_at=START)
    assert found("status_timestamps") == {a.number, b.number}


# --- order of timestamps ----------------------------------------------------------------------------

def test_resolved_before_received_is_found(craft):
    c = healthy(craft, resolved_at=START - 4 * DAY, closed_at=START - 4 * DAY + H)
    assert found("resolved_before_received") == {c.number}
    detail = checks.get("resolved_before_received").explain([c])[c.pk]
    assert detail == {"received_at": c.received_at.isoformat(), "resolved_at": c.resolved_at.isoformat()}
    assert checks.describe("resolved_before_received", detail) == \
        "Resolved at 2026-11-19 10:00, received at 2026-11-20 10:00."


def test_timestamps_out_of_order_are_found(craft):
    closed_first = healthy(craft, closed_at=START - 2 * DAY - H)
    accepted_first = healthy(craft, accepted_at=START - 4 * DAY)
    registered_first = craft(received_at=START - H, registered_at=START - 2 * H)
    craft(received_at=START - H, registered_at=START - H - 4 * 60 * timedelta(seconds=1))  # within clock skew
    assert found("timestamps_out_of_order") == {closed_first.number, accepted_first.number, registered_first.number}
    details = checks.get("timestamps_out_of_order").explain([closed_first, accepted_first])
    assert details[closed_first.pk]["fields"] == ["closed_at"]
    assert details[accepted_first.pk]["fields"] == ["accepted_at"]


# --- closed without resolution ------------------------------------------------------------------------

def test_closed_without_a_resolution_is_found(craft):
    c = healthy(craft, resolution_summary="")
    healthy(craft, status="resolved", closed_at=None, resolution_summary="")  # not closed yet: not this check
    assert found("closed_without_resolution") == {c.number}


# --- missing required fields ----------------------------------------------------------------------------

def test_missing_required_fields_are_found(craft):
    no_subject = craft(subject="")
    no_text = craft(description="")
    unclassified = craft(problem_type=None, status="in_progress", accepted_at=START)
    craft(problem_type=None)  # new: may be classified later
    no_contact = craft(customer=Customer.objects.create(name="李女士"))
    craft(customer=Customer.objects.create(anonymous=True))  # anonymous: no contact expected
    craft(subject="", status="cancelled", cancelled_at=START)  # cancelled: not worth fixing
    assert found("missing_required_fields") == {no_subject.number, no_text.number, unclassified.number,
                                                no_contact.number}
    details = checks.get("missing_required_fields").explain([no_contact, unclassified])
    assert details[no_contact.pk]["fields"] == ["contact"]
    assert checks.describe("missing_required_fields", details[unclassified.pk]) == \
        "Fields concerned: problem type."


# --- likely duplicates -------------------------------------------------------------------------------------

TEXT = {"subject": "洗衣机一周没送到", "description": "10月28日买的洗衣机到现在还没送到，物流也不更新"}


def test_the_same_customer_and_type_with_a_similar_text_soon_after_is_a_likely_duplicate(craft):
    first = craft(received_at=START - 5 * H, **TEXT)
    again = craft(customer=first.customer, received_at=START - 2 * H, subject="洗衣机一周没送到！",
                  description="10月28日买的洗衣机到现在还没送到，物流一直不更新")
    assert found("likely_duplicates") == {again.number}
    detail = checks.get("likely_duplicates").explain([again])[again.pk]
    assert detail["duplicate_of"] == first.number and detail["similarity"] >= 0.6


def test_the_same_phone_under_another_customer_record_counts_as_the_same_customer(craft):
    first = craft(phone="13912345678", received_at=START - 5 * H, **TEXT)
    again = craft(phone="13912345678", received_at=START - H, **TEXT)
    assert first.customer_id != again.customer_id
    assert found("likely_duplicates") == {again.number}


def test_no_duplicate_when_text_type_time_or_link_differ(craft):
    first = craft(received_at=START - 5 * H, **TEXT)
    same = {"customer": first.customer}
    craft(received_at=START - 4 * H, subject="发票抬头错了", description="开的发票抬头公司名称写错了", **same)
    craft(received_at=START - 3 * H, problem_type="refund", **TEXT, **same)
    craft(received_at=START - 5 * H - 4 * DAY, **TEXT, **same)  # long before: outside 72 h (and earlier)
    craft(received_at=START - 2 * H, repeat_of=first, is_repeat=True, **TEXT, **same)
    craft(received_at=START - H, status="cancelled", cancelled_at=START, **TEXT, **same)
    craft(received_at=START - 4 * H, **TEXT)  # another customer
    assert found("likely_duplicates") == set()


def test_the_duplicate_window_and_similarity_come_from_the_configuration(craft):
    first = craft(received_at=START - 30 * H, **TEXT)
    again = craft(customer=first.customer, received_at=START - H, **TEXT)
    assert found("likely_duplicates") == {again.number}
    config.put("checks.duplicate_window_hours", 24)
    assert found("likely_duplicates") == set()


# --- the scan -------------------------------------------------------------------------------------------------

def test_a_scan_opens_one_finding_per_problem_and_keeps_it_while_the_problem_lasts(craft, clock):
    c = healthy(craft, resolution_summary="", resolved_at=None)
    result = scan()
    assert {n: r.found for n, r in result.items() if r.found} == {"status_timestamps": 1,
                                                                   "closed_without_resolution": 1}
    clock.shift(3600)
    again = scan()
    assert sum(r.found for r in again.values()) == 0
    assert again["status_timestamps"].still_open == 1
    f = Finding.objects.get(check_name="status_timestamps")
    assert (f.complaint, f.status, f.found_at, f.detail["fields"]) == (c, "open", START, ["resolved_at"])


def test_a_problem_fixed_elsewhere_is_cleared_by_the_next_scan(craft, clock):
    c = craft(subject="")
    scan()
    Complaint.objects.filter(pk=c.pk).update(subject="已补登主题")
    clock.shift(60)
    assert scan()["missing_required_fields"].cleared == 1
    f = Finding.objects.get()
    assert (f.status, f.verified_at) == ("cleared", START + timedelta(seconds=60))


def test_a_dismissed_finding_is_not_raised_again_but_a_new_problem_is(craft, org):
    c = craft(subject="")
    scan()
    Finding.objects.update(status="dismissed")
    assert scan()["missing_required_fields"].found == 0
    Complaint.objects.filter(pk=c.pk).update(resolution_summary="", status="closed")
    assert scan(["closed_without_resolution"])["closed_without_resolution"].found == 1


def test_the_daily_scan_runs_once_a_day_after_its_hour(craft, clock, settings):
    settings.LOOPDESK_DATA_CHECK_HOUR = 2
    settings.LOOPDESK_BURST_SCAN_SECONDS = 10**6
    craft(subject="")
    assert run_due()["data_checks"]["missing_required_fields"]["found"] == 1  # 10:00, never ran: runs now
    clock.shift(6 * 3600)
    assert "data_checks" not in run_due()
    clock.move_to(at(2026, 11, 24, 1, 59))
    assert "data_checks" not in run_due()
    clock.move_to(at(2026, 11, 24, 2, 0))
    assert run_due()["data_checks"]["missing_required_fields"]["still_open"] == 1


def test_the_command_scans_on_demand(craft, capsys):
    craft(subject="")
    call_command("check_data", "--check", "missing_required_fields")
    assert json.loads(capsys.readouterr().out) == {"missing_required_fields": {"found": 1, "still_open": 0,
                                                                               "cleared": 0}}
    call_command("check_data")
    out = json.loads(capsys.readouterr().out)
    assert set(out) == set(checks.CHECKS) and out["missing_required_fields"]["still_open"] == 1
    call_command("check_data", "--list")
    assert "likely_duplicates" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("check_data", "--check", "nonsense")
