"""Submitting a complaint through the portal: registered like any other, idempotent, bot-checked."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from loopdesk.complaints.models import Attachment, Channel, Complaint
from tests.api.support import PDF, PNG, media_files, snapshot
from tests.portal.conftest import human_stamp, submission


def test_it_registers_a_web_complaint_and_shows_its_number(org, customer):
    r = customer.post("/portal/new/", submission(problem_type="delivery_delay"))
    assert r.status_code == 302 and r["Location"] == "/portal/new/done/"
    c = Complaint.objects.get()
    assert c.channel == Channel.WEB and c.registered_by is None
    assert c.customer.phone == "139 0000 1111" and c.problem_type.code == "delivery_delay"
    assert c.owner == org.hank  # routed like any other complaint
    page = customer.get("/portal/new/done/").content.decode()
    assert c.number in page
    # The browser that submitted may follow it at once.
    assert customer.get(f"/portal/track/{c.number}/").status_code == 200


def test_it_stores_the_attachments_with_the_complaint(org, customer):
    files = [SimpleUploadedFile("photo.png", PNG), SimpleUploadedFile("receipt.pdf", PDF)]
    r = customer.post("/portal/new/", {**submission(), "files": files})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert sorted(a.content_type for a in c.attachments.all()) == ["application/pdf", "image/png"]
    assert len(media_files()) == 2
    assert all(a.uploaded_by is None for a in Attachment.objects.all())


def test_a_retried_submission_registers_once(org, customer):
    data = submission()
    files = lambda: [SimpleUploadedFile("photo.png", PNG)]  # noqa: E731
    customer.post("/portal/new/", {**data, "files": files()})
    first = Complaint.objects.get().number
    r = customer.post("/portal/new/", {**data, "files": files()})
    assert r.status_code == 302
    assert Complaint.objects.count() == 1 and Attachment.objects.count() == 1
    assert customer.get("/portal/new/done/").content.decode().count(first) >= 1


def test_a_file_that_is_not_what_it_claims_saves_nothing(org, customer):
    before = snapshot()
    r = customer.post("/portal/new/", {**submission(), "files": [
        SimpleUploadedFile("photo.png", PNG), SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 this is a program")]})
    assert r.status_code == 400
    assert "invoice.pdf: This type of file is not accepted." in r.content.decode()
    assert snapshot() == before and media_files() == []


def test_too_many_files_are_refused(org, customer):
    before = snapshot()
    files = [SimpleUploadedFile(f"p{i}.png", PNG) for i in range(6)]
    r = customer.post("/portal/new/", {**submission(), "files": files})
    assert r.status_code == 400 and "Attach at most 5 files." in r.content.decode()
    assert snapshot() == before


def test_files_too_large_together_are_refused(org, customer, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "PORTAL_MAX_UPLOAD_BYTES": 100}
    r = customer.post("/portal/new/", {**submission(), "files": [SimpleUploadedFile("p.png", PNG * 2)]})
    assert r.status_code == 400 and "larger than" in r.content.decode()
    assert not Complaint.objects.exists()


def test_it_needs_a_way_to_reach_the_customer(org, customer):
    r = customer.post("/portal/new/", submission(phone="", email=""))
    assert r.status_code == 400
    assert "Give a mobile phone or an email address" in r.content.decode()
    assert not Complaint.objects.exists()


def test_bad_fields_get_field_errors_and_nothing_is_saved(org, customer):
    before = snapshot()
    r = customer.post("/portal/new/", submission(subject="", description="字" * 5001, email="not-an-email",
                                                 phone="call me", consent=""))
    assert r.status_code == 400
    page = r.content.decode()
    assert 'id="id_subject_error"' in page and 'id="id_description_error"' in page
    assert 'id="id_email_error"' in page and 'id="id_phone_error"' in page and 'id="id_consent_error"' in page
    assert snapshot() == before


def test_a_filled_honeypot_is_refused(org, customer):
    r = customer.post("/portal/new/", submission(homepage="http://spam.example"))
    assert r.status_code == 400 and "could not be accepted" in r.content.decode()
    assert not Complaint.objects.exists()


def test_a_form_sent_faster_than_a_person_types_is_refused(org, customer):
    r = customer.post("/portal/new/", submission(started=human_stamp(seconds_ago=0.5)))
    assert r.status_code == 400 and "very fast" in r.content.decode()
    assert not Complaint.objects.exists()
    # The form comes back with a fresh clock; sent again a little later it goes through.


def test_a_forged_or_missing_time_stamp_is_refused(org, customer):
    for stamp in ("", "12345", "1700000000000:forged"):
        assert customer.post("/portal/new/", submission(started=stamp)).status_code == 400
    assert not Complaint.objects.exists()


def test_a_form_left_open_for_hours_must_be_sent_again(org, customer):
    r = customer.post("/portal/new/", submission(started=human_stamp(seconds_ago=4 * 3600)))
    assert r.status_code == 400 and "open too long" in r.content.decode()


def test_it_limits_submissions_per_address(org, customer, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "PORTAL_SUBMIT_PER_IP": 2}
    assert customer.post("/portal/new/", submission()).status_code == 302
    assert customer.post("/portal/new/", submission()).status_code == 302
    r = customer.post("/portal/new/", submission())
    assert r.status_code == 429 and "Too many attempts" in r.content.decode()
    assert Complaint.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post("/portal/new/", submission()).status_code == 302


def test_the_form_needs_its_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/portal/new/", submission()).status_code == 403
    assert not Complaint.objects.exists()


def test_the_form_carries_csrf_honeypot_time_stamp_and_key(db, customer):
    page = customer.get("/portal/new/").content.decode()
    for marker in ('name="csrfmiddlewaretoken"', 'name="homepage"', 'name="started"', 'name="key"',
                   'enctype="multipart/form-data"'):
        assert marker in page


def test_an_oversized_request_is_refused_before_it_is_read(org, customer, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "PORTAL_MAX_UPLOAD_BYTES": 1024}
    big = SimpleUploadedFile("p.png", PNG + b"\0" * 400_000)
    r = customer.post("/portal/new/", {**submission(), "files": [big]})
    assert r.status_code == 413 and "Files too large" in r.content.decode()
    assert not Complaint.objects.exists()
