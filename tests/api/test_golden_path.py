"""A complaint's whole life through the API, from the phone call to the archive."""

import time_machine

from loopdesk.complaints.models import Complaint, Event


@time_machine.travel("2026-11-23 10:00:00+08:00", tick=False)
def test_it_runs_a_complaint_from_intake_to_archive(api, make_complaint, org):
    c = make_complaint()
    number = c["number"]
    assert number == "20261123-TEL-0001"
    assert c["department"]["code"] == "logistics"
    assert c["owner"]["username"] == "hank"
    assert c["customer"]["phone"] == "138****1234"

    hank = api("hank")
    assert hank.post(f"/complaints/{number}/accept").status_code == 200
    assert hank.post(f"/complaints/{number}/start").status_code == 200
    r = hank.post(f"/complaints/{number}/communications",
                  {"channel": "phone", "direction": "out", "summary": "已致电客户，说明将安排补发"})
    assert r.status_code == 201
    r = hank.post(f"/complaints/{number}/resolve", {"summary": "已补发并上门检修，客户确认可以使用"})
    assert r.json()["status"] == "resolved"

    r = api("amy").post(f"/complaints/{number}/satisfaction",
                        {"response_speed": 5, "result": 5, "attitude": 5, "communication": 4})
    assert r.json()["status"] == "resolved"
    r = api("monty").post(f"/complaints/{number}/verify", {"passed": True, "really_resolved": True})
    assert r.json()["status"] == "closed"
    r = api("ada").post(f"/complaints/{number}/archive")
    assert r.json()["status"] == "archived"

    kinds = list(Event.objects.filter(complaint__number=number).values_list("action", flat=True))
    assert kinds[:2] == ["register", "route"]
    assert {"accept", "start", "communicate", "resolve", "record_satisfaction", "verify", "archive"} <= set(kinds)
    assert Complaint.objects.get(number=number).first_response_at is not None
