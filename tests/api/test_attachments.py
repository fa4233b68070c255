"""Attachments: checked by their bytes, never half-saved, downloadable only by those who may see the
complaint, and served so a browser never runs them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loopdesk.complaints.models import Attachment, Event
from tests.api.support import PDF, PNG, complaint_in, media_files, snapshot

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
TEXT = "这不是图片，只是一段文字。".encode() * 20


@pytest.fixture
def complaint(org):
    return complaint_in(org, "in_progress")


def test_a_png_photo_is_stored_with_its_checksum_and_a_timeline_event(api, complaint):
    r = api("hank").upload(f"/complaints/{complaint.number}/attachments", "开箱照片.png", PNG)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "开箱照片.png" and body["content_type"] == "image/png" and body["size"] == len(PNG)
    att = Attachment.objects.get()
    assert att.sha256 and att.uploaded_by.username == "hank"
    (stored,) = media_files()
    assert stored.read_bytes() == PNG
    assert Event.objects.filter(complaint=complaint, action="attach").count() == 1
    listed = api("amy").get(f"/complaints/{complaint.number}/attachments").json()
    assert [a["id"] for a in listed] == [att.pk]


def test_a_pdf_receipt_is_accepted(api, complaint):
    r = api("amy").upload(f"/complaints/{complaint.number}/attachments", "发票.pdf", PDF)
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "application/pdf"


def test_a_file_name_cannot_steer_where_the_file_is_stored(api, complaint, settings):
    r = api("hank").upload(f"/complaints/{complaint.number}/attachments", "../../../etc/evil.png", PNG)
    assert r.status_code == 201
    assert r.json()["name"] == "evil.png"
    (stored,) = media_files()
    assert stored.is_relative_to(settings.MEDIA_ROOT)


@pytest.mark.parametrize(("name", "content"), [
    ("setup.exe", EXE),
    ("invoice.html", HTML),
    ("photo.jpg", HTML),
    ("image.svg", SVG),
    ("photo.jpg", TEXT),
    ("notes.txt", TEXT),
], ids=["windows program", "html page", "html named .jpg", "svg with script", "text named .jpg", "text file"])
def test_a_forbidden_kind_of_file_is_refused_and_nothing_is_kept(api, complaint, name, content):
    before = snapshot(complaint.number)
    r = api("hank", "en").upload(f"/complaints/{complaint.number}/attachments", name, content)
    assert r.status_code == 422, r.content
    assert "not accepted" in r.json()["errors"]["file"][0]
    assert Attachment.objects.count() == 0
    assert media_files() == []
    assert snapshot(complaint.number) == before


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(api, complaint, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "ATTACHMENT_MAX_BYTES": 1000}
    before = snapshot(complaint.number)
    big_png = PNG + b"\x00" * 1200
    r = api("hank", "en").upload(f"/complaints/{complaint.number}/attachments", "big.png", big_png)
    assert r.status_code == 422, r.content
    message = r.json()["errors"]["file"][0]
    assert "larger than" in message and "1000" in message, message  # not "larger than 0 MB"
    assert Attachment.objects.count() == 0 and media_files() == []
    assert snapshot(complaint.number) == before


def test_a_file_exactly_at_the_size_limit_is_accepted(api, complaint, settings):
    settings.LOOPDESK = {**settings.LOOPDESK, "ATTACHMENT_MAX_BYTES": len(PNG)}
    r = api("hank").upload(f"/complaints/{complaint.number}/attachments", "ok.png", PNG)
    assert r.status_code == 201, r.content


def test_an_empty_file_or_no_file_is_a_field_error(api, complaint):
    before = snapshot(complaint.number)
    r = api("hank", "en").upload(f"/complaints/{complaint.number}/attachments", "empty.png", b"")
    assert r.status_code == 422 and "file" in r.json()["errors"]
    client = api("hank", "en")
    r = client.client.post(f"/api/v1/complaints/{complaint.number}/attachments", {}, **client.headers)
    assert r.status_code == 422 and "file" in r.json()["errors"], r.content
    assert snapshot(complaint.number) == before


def _upload(org, complaint) -> Attachment:
    from loopdesk.complaints import attachments

    return attachments.store(complaint, SimpleUploadedFile("receipt.png", PNG), actor=org.hank)


@pytest.mark.parametrize("username", ["amy", "hank", "sam", "mia", "monty", "ada"])
def test_whoever_may_see_the_complaint_can_download_its_attachment_safely(api, org, complaint, username):
    att = _upload(org, complaint)
    r = api(username).get(f"/complaints/{complaint.number}/attachments/{att.pk}")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PNG
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Type"] == "image/png"
    assert r["Content-Disposition"].startswith("attachment")
    assert "default-src 'none'" in r["Content-Security-Policy"]


def test_an_attachment_is_not_found_for_a_handler_of_another_department_or_through_another_complaint(api, org,
                                                                                                       complaint):
    att = _upload(org, complaint)
    assert api("holly").get(f"/complaints/{complaint.number}/attachments/{att.pk}").status_code == 404
    assert api("holly").get(f"/complaints/{complaint.number}/attachments").status_code == 404
    other = complaint_in(org, "new")
    assert api("ada").get(f"/complaints/{other.number}/attachments/{att.pk}").status_code == 404
    assert api(None).get(f"/complaints/{complaint.number}/attachments/{att.pk}").status_code == 401


def test_an_upload_to_a_closed_complaint_is_refused_without_leaving_a_file(api, org):
    closed = complaint_in(org, "closed")
    before = snapshot(closed.number)
    r = api("ada").upload(f"/complaints/{closed.number}/attachments", "late.png", PNG)
    assert r.status_code == 409
    assert media_files() == [] and snapshot(closed.number) == before


def test_an_attachment_whose_file_is_gone_is_not_found_rather_than_an_error(api, org, complaint):
    att = _upload(org, complaint)
    for f in media_files():
        f.unlink()
    assert api("ada").get(f"/complaints/{complaint.number}/attachments/{att.pk}").status_code == 404
