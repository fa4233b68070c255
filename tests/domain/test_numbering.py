"""Complaint numbers (SPEC §1): configurable format, daily/monthly serials, never reused."""

from __future__ import annotations

import pytest

from loopdesk.complaints import intake as intake_module
from loopdesk.complaints import numbering
from loopdesk.complaints.intake import register_complaint
from loopdesk.complaints.models import Complaint
from loopdesk.core import config
from loopdesk.core.errors import ValidationFailed
from tests.domain.support import at, intake


def test_the_default_number_is_date_channel_and_a_daily_serial(db):
    assert numbering.next_number("TEL") == "20261123-TEL-0001"
    assert numbering.next_number("TEL") == "20261123-TEL-0002"
    assert numbering.next_number("TEL") == "20261123-TEL-0003"


def test_each_channel_counts_on_its_own(db):
    assert numbering.next_number("TEL") == "20261123-TEL-0001"
    assert numbering.next_number("MAIL") == "20261123-MAIL-0001"
    assert numbering.next_number("TEL") == "20261123-TEL-0002"
    assert numbering.next_number("CHAT") == "20261123-CHAT-0001"
    assert numbering.next_number("MAIL") == "20261123-MAIL-0002"


def test_the_serial_starts_again_the_next_day(db, clock):
    numbering.next_number("TEL")
    numbering.next_number("TEL")
    clock.move_to(at(2026, 11, 24, 0, 0, ), tick=False)
    assert numbering.next_number("TEL") == "20261124-TEL-0001"


def test_the_date_is_the_local_registration_date_not_utc(db, clock):
    # 23 Nov 07:30 in Shanghai is still 22 Nov in UTC.
    clock.move_to(at(2026, 11, 23, 7, 30), tick=False)
    assert numbering.next_number("TEL") == "20261123-TEL-0001"


def test_registration_uses_the_configured_number(org, register):
    first = register()
    second = register(channel="MAIL", customer={"phone": "", "email": "li@example.com"})
    assert first.number == "20261123-TEL-0001"
    assert second.number == "20261123-MAIL-0001"


def test_the_seed_format_ys_with_a_daily_serial_across_channels_is_expressible(db, clock):
    fmt = "YS{date:%Y%m%d}{seq:03d}"
    numbering.validate_format(fmt, "daily", False)
    config.put("numbering.format", fmt)
    config.put("numbering.reset", "daily")
    config.put("numbering.per_channel", False)
    clock.move_to(at(2023, 10, 27, 9), tick=False)

    assert numbering.next_number("TEL") == "YS20231027001"
    assert numbering.next_number("MAIL") == "YS20231027002"
    clock.move_to(at(2023, 10, 28, 9), tick=False)
    assert numbering.next_number("TEL") == "YS20231028001"


def test_the_seed_format_with_a_monthly_serial_is_expressible(db, clock):
    fmt = "{date:%Y%m}-{seq:04d}"
    numbering.validate_format(fmt, "monthly", False)
    config.put("numbering.format", fmt)
    config.put("numbering.reset", "monthly")
    config.put("numbering.per_channel", False)

    numbers = []
    for day in range(1, 14):  # thirteen complaints spread over May, on different channels
        clock.move_to(at(2024, 5, day * 2), tick=False)
        numbers.append(numbering.next_number("TEL" if day % 2 else "WEB"))
    assert numbers[0] == "202405-0001"
    assert numbers[-1] == "202405-0013"
    clock.move_to(at(2024, 6, 1), tick=False)
    assert numbering.next_number("TEL") == "202406-0001"


def test_changing_the_format_never_hands_out_a_number_already_used(org, register):
    register()
    config.put("numbering.format", "{date:%Y%m%d}-{channel}-{seq:03d}")
    config.put("numbering.format", "{date:%Y%m%d}-{channel}-{seq:04d}")
    assert register().number == "20261123-TEL-0002"


@pytest.mark.parametrize(("fmt", "reset", "per_channel"), [
    ("{date:%Y%m%d}-{channel}-{seq:04d}", "daily", True),
    ("YS{date:%Y%m%d}{seq:03d}", "daily", False),
    ("{date:%Y%m}-{seq:04d}", "monthly", False),
    ("{date:%Y}-{channel}-{seq:06d}", "yearly", True),
    ("LD-{seq:08d}", "never", False),
])
def test_valid_formats_are_accepted(fmt, reset, per_channel):
    numbering.validate_format(fmt, reset, per_channel)


@pytest.mark.parametrize(("fmt", "reset", "per_channel"), [
    pytest.param("{date:%Y%m%d}-{channel}", "daily", True, id="missing-seq"),
    pytest.param("{date:%Y%m%d}-{seq:04d}", "daily", True, id="per-channel-without-channel"),
    pytest.param("{date:%Y%m}-{seq:04d}", "daily", False, id="daily-reset-with-month-only-date"),
    pytest.param("{date:%m%d}-{seq:04d}", "daily", False, id="daily-reset-without-year"),
    pytest.param("{date:%Y}-{seq:04d}", "monthly", False, id="monthly-reset-with-year-only-date"),
    pytest.param("{date:%Y%m%d}-{customer}-{seq:04d}", "daily", False, id="unknown-field"),
    pytest.param("{date:%Y%m%d-{seq:04d}", "daily", False, id="unbalanced-brace"),
    pytest.param("{seq:zz}", "never", False, id="bad-seq-spec"),
])
def test_formats_that_could_repeat_or_break_are_refused(fmt, reset, per_channel):
    with pytest.raises(ValidationFailed) as err:
        numbering.validate_format(fmt, reset, per_channel)
    assert "format" in err.value.errors


def test_an_unknown_reset_period_is_refused():
    with pytest.raises(ValidationFailed) as err:
        numbering.validate_format("{date:%Y%m%d}-{seq:04d}", "weekly", False)
    assert "reset" in err.value.errors


def test_a_failed_intake_leaves_a_gap_and_the_number_is_never_reused(org, register, monkeypatch):
    assert register().number == "20261123-TEL-0001"

    def broken_routing(**_kwargs):
        raise RuntimeError("routing table unavailable")

    with monkeypatch.context() as m:
        m.setattr(intake_module, "route", broken_routing)
        with pytest.raises(RuntimeError):
            register_complaint(intake(), actor=org.amy)
    assert Complaint.objects.count() == 1

    assert register().number == "20261123-TEL-0003"
    assert not Complaint.objects.filter(number="20261123-TEL-0002").exists()


@pytest.mark.parametrize(("key", "value"), [
    pytest.param("numbering.per_channel", False, id="per-channel-switched-off"),
    pytest.param("numbering.reset", "monthly", id="reset-period-changed"),
    pytest.param("numbering.format", "{date:%Y%m%d}-{channel}-{seq:0>4}", id="equivalent-format-spelling"),
])
def test_reconfiguring_mid_day_never_repeats_a_number_already_given(key, value, org, register):
    first = register()
    assert first.number == "20261123-TEL-0001"
    config.put(key, value)

    second = register()

    assert second.number != first.number
    assert Complaint.objects.filter(number=second.number).count() == 1


def test_numbers_already_held_by_imported_complaints_are_stepped_over(org, register):
    held = [register().number for _ in range(3)]
    # Complaints imported with these numbers, the counter not moved past them.
    from loopdesk.complaints.models import NumberSequence
    NumberSequence.objects.update(last_value=0)

    fourth = register()

    assert held == ["20261123-TEL-0001", "20261123-TEL-0002", "20261123-TEL-0003"]
    # 0001 refused by the unique index, then 0002 and 0003 looked up and passed over.
    assert fourth.number == "20261123-TEL-0004"
    assert Complaint.objects.count() == 4
    assert Complaint.objects.filter(number__in=held).count() == 3


def test_a_format_that_renders_numbers_too_long_to_store_is_refused():
    with pytest.raises(ValidationFailed) as err:
        numbering.validate_format("{date:%Y%m%d}-{channel}-LOOPDESK-COMPLAINT-REGISTRY-{seq:08d}", "daily", True)
    assert "format" in err.value.errors
