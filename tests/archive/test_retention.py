"""Retention: archived complaints past the retention period lose their personal data, never their record."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from loopdesk.complaints import archiving, attachments
from loopdesk.complaints.models import Attachment, Complaint, Customer, Event, Status
from loopdesk.core import config
from loopdesk.core.textsearch import search
from tests.archive.conftest import at
from tests.web.conftest import PNG, drive, register


def archived_with_file(org, **over) -> tuple[Complaint, Path]:
    c = drive(org, register(org, **over), "in_progress")
    att = attachments.store(c, SimpleUploadedFile("receipt.png", PNG), actor=org.ada)
    c = drive_to_archive(org, c)
    return c, attachments.path_of(att)


def drive_to_archive(org, c: Complaint) -> Complaint:
    from loopdesk.complaints import actions

    actions.resolve(c.number, actor=org.ada, summary="已补发，客户签收")
    actions.verify(c.number, actor=org.monty, passed=True, note="核查通过")
    actions.archive(c.number, actor=org.ada)
    return Complaint.objects.get(pk=c.pk)


def test_personal_data_is_masked_and_files_deleted_after_three_years(org, clock,
                                                                     django_capture_on_commit_callbacks):
    c, stored = archived_with_file(org, channel_ref="zhang@example.com")
    Customer.objects.filter(pk=c.customer_id).update(email="zhang@example.com", member_no="M20261123")
    events = Event.objects.filter(complaint=c).count()
    assert stored.exists()
    clock.move_to(at(2029, 11, 22))
    assert archiving.run().anonymised == []
    clock.move_to(at(2029, 11, 24))
    with django_capture_on_commit_callbacks(execute=True):
        assert archiving.run().anonymised == [c.number]
    c = Complaint.objects.select_related("customer").get(pk=c.pk)
    cu = c.customer
    assert (cu.name, cu.phone, cu.email, cu.member_no, cu.anonymous) == (
        "张**", "138****1234", "z***@example.com", "M20****1123", True)
    assert c.channel_ref == "z***@example.com"
    assert (c.status, c.subject) == (Status.ARCHIVED, "快递一周未送达")
    assert c.description == "10月28日购买的洗衣机，快递一直没送到"
    assert not Attachment.objects.filter(complaint=c).exists() and not stored.exists()
    assert Event.objects.filter(complaint=c).count() == events + 2  # free text checked, then anonymised
    e = Event.objects.filter(complaint=c).order_by("-id").first()
    assert (e.action, e.actor, e.after) == ("anonymise", None, {"attachments_deleted": 1})
    assert "13812341234" not in str(e.before) + str(e.after) + e.note
    # Still found by what it was about; no longer by who complained.
    assert list(search(Complaint.objects.all(), "洗衣机")) == [c]
    assert list(search(Complaint.objects.all(), "张先生")) == []


def test_it_is_idempotent(org, clock):
    c, _stored = archived_with_file(org)
    clock.move_to(at(2030, 1, 1))
    assert archiving.run().anonymised == [c.number]
    events = Event.objects.count()
    assert archiving.run().anonymised == []
    assert Event.objects.count() == events


def test_a_customer_with_a_recent_complaint_keeps_their_data_for_it(org, clock):
    old, _stored = archived_with_file(org)
    clock.move_to(at(2029, 12, 1))
    recent = register(org)  # same phone: the same customer
    assert recent.customer_id == old.customer_id
    assert archiving.run().anonymised == [old.number]
    old, recent = Complaint.objects.get(pk=old.pk), Complaint.objects.get(pk=recent.pk)
    assert old.customer_id != recent.customer_id
    assert (old.customer.name, old.customer.phone) == ("张**", "138****1234")
    assert (recent.customer.name, recent.customer.phone, recent.customer.anonymous) == ("张先生", "13812341234", False)


def test_retention_zero_keeps_personal_data(org, clock):
    c, stored = archived_with_file(org)
    config.put("retention.years", 0)
    clock.move_to(at(2040, 1, 1))
    assert archiving.run().anonymised == []
    assert Complaint.objects.get(pk=c.pk).customer.phone == "13812341234" and stored.exists()


def test_a_complaint_archived_by_the_job_is_anonymised_when_old_enough(org, clock):
    c = drive(org, register(org), "closed")
    config.put("retention.years", 1)
    clock.move_to(at(2027, 12, 1))
    dry = archiving.run(dry_run=True)
    assert (dry.archived, dry.anonymised) == ([c.number], [c.number])
    assert Complaint.objects.get(pk=c.pk).status == Status.CLOSED
    result = archiving.run()
    assert (result.archived, result.anonymised) == ([c.number], [c.number])
    assert Complaint.objects.get(pk=c.pk).customer.name == "张**"


def test_closed_but_not_archived_complaints_are_never_anonymised(org, clock):
    c = drive(org, register(org), "closed")
    config.put("archive.after_days", 100000)  # not archived yet
    clock.move_to(at(2031, 1, 1))
    assert archiving.run().as_dict()["anonymised"] == 0
    assert Complaint.objects.get(pk=c.pk).customer.name == "张先生"


def test_an_admin_sets_retention_and_archiving_on_the_configuration_page(org, browser):
    r = browser("ada").post("/config/settings/", {"repeat_window_days": 30, "approval_threshold": "500",
                                                 "survey_valid_days": 7, "archive_after_days": 45,
                                                 "retention_years": 5})
    assert r.status_code == 302
    assert (config.get("archive.after_days"), config.get("retention.years")) == (45, 5)
    r = browser("ada").post("/config/settings/", {"repeat_window_days": 30, "approval_threshold": "500",
                                                 "survey_valid_days": 7, "archive_after_days": -1,
                                                 "retention_years": "ever"})
    assert r.status_code == 400 and config.get("retention.years") == 5
    assert browser("sam").get("/config/settings/").status_code == 403
