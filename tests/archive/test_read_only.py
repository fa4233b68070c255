"""Archived complaints are read-only for everyone, and still found in lists and searches by those
who may see them (and only by them)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loopdesk.complaints import archiving
from loopdesk.complaints.access import available_actions
from loopdesk.complaints.attachments import add_attachment
from loopdesk.complaints.models import Complaint, Status
from loopdesk.complaints.workflow import TRANSITIONS
from loopdesk.core.errors import Conflict, NotAllowed
from tests.archive.conftest import at
from tests.web.conftest import PNG, ROLES, drive, register, snapshot

SEE_IT = {"amy", "hank", "sam", "mia", "monty", "ada"}  # holly (tech support) has no business with it


@pytest.fixture
def archived(org, clock):
    c = drive(org, register(org, subject="洗衣机配送严重延误"), "closed")
    clock.move_to(at(2027, 1, 2))
    assert archiving.run().archived == [c.number]
    return Complaint.objects.get(pk=c.pk)


@pytest.mark.parametrize("user", ROLES)
def test_nobody_may_act_on_an_archived_complaint(org, archived, user):
    assert available_actions(org.users[user], archived) == []


def test_every_action_is_refused_on_the_page_and_nothing_changes(org, browser, archived):
    before = snapshot(archived.number)
    for action in TRANSITIONS:
        if action == "complete_subtask":
            continue
        r = browser("ada").post(f"/complaints/{archived.number}/{action}", {f"{action}-note": "试图修改归档投诉"})
        assert r.status_code == 409, action
    with pytest.raises((Conflict, NotAllowed)):
        add_attachment(archived.number, SimpleUploadedFile("a.png", PNG), actor=org.ada)
    assert snapshot(archived.number) == before


def test_the_api_refuses_changes_too(org, api, archived):
    before = snapshot(archived.number)
    assert api("ada").post(f"/complaints/{archived.number}/reopen", {"reason": "客户再次来电"}).status_code == 409
    note = {"text": "归档后补记一条进展说明"}
    assert api("ada").post(f"/complaints/{archived.number}/notes", note).status_code == 409
    assert api("ada").post(f"/complaints/{archived.number}/communications",
                           {"channel": "phone", "direction": "out", "summary": "电话回访"}).status_code == 409
    assert api("ada").upload(f"/complaints/{archived.number}/attachments", "a.png", PNG).status_code == 409
    assert snapshot(archived.number) == before


@pytest.mark.parametrize("user", ROLES)
def test_archived_complaints_are_searchable_by_those_allowed(org, api, browser, archived, user):
    found = api(user).get("/complaints", {"q": "严重延误"}).json()["items"]
    assert [c["number"] for c in found] == ([archived.number] if user in SEE_IT else [])
    found = api(user).get("/complaints", {"status": "archived"}).json()["items"]
    assert [c["number"] for c in found] == ([archived.number] if user in SEE_IT else [])
    html = browser(user).get("/complaints", {"q": "严重延误"}).content.decode()
    assert (archived.number in html) == (user in SEE_IT)
    page = browser(user).get(f"/complaints/{archived.number}")
    assert page.status_code == (200 if user in SEE_IT else 404)
    if user in SEE_IT:
        assert Complaint.objects.get(pk=archived.pk).status == Status.ARCHIVED
