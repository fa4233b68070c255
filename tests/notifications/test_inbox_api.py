"""GET /api/v1/inbox, the unread count, marking read."""

from __future__ import annotations

import pytest

from loopdesk.notifications import delivery
from loopdesk.notifications.models import InboxItem
from loopdesk.notifications.outbox import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(org):
    for i in range(3):
        notify("deadline.reminder", key=f"k{i}", recipients=[org.hank],
               params={"number": f"N{i}", "target": "resolution", "due": "2026-11-26T10:00:00+08:00"})
    notify("alert.unassigned", key="other", recipients=[org.sam], params={"number": "S"})
    delivery.drain()
    return list(InboxItem.objects.filter(user=org.hank).order_by("-id"))


def test_the_inbox_lists_my_items_newest_first_in_my_language(api, items):
    body = api("hank", "en").get("/inbox").json()
    assert [i["complaint"] for i in body["items"]] == ["N2", "N1", "N0"]
    assert body["unread"] == 3
    assert body["items"][0]["title"] == "Due soon: N2"
    assert body["items"][0]["body"] == "The resolution target of complaint N2 is due at 2026-11-26 10:00."


def test_the_inbox_pages_with_a_cursor(api, items):
    first = api("hank").get("/inbox", {"limit": 2}).json()
    second = api("hank").get("/inbox", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["complaint"] for i in first["items"] + second["items"]] == ["N2", "N1", "N0"]
    assert second["next_cursor"] is None


def test_marking_read_lowers_the_unread_count(api, items):
    assert api("hank").get("/inbox/unread-count").json() == {"unread": 3}
    r = api("hank").post(f"/inbox/{items[0].pk}/read")
    assert r.json() == {"marked": 1, "unread": 2}
    assert api("hank").post(f"/inbox/{items[0].pk}/read").json() == {"marked": 0, "unread": 2}
    assert [i["complaint"] for i in api("hank").get("/inbox", {"unread": True}).json()["items"]] == ["N1", "N0"]
    assert api("hank").post("/inbox/read-all").json() == {"marked": 2, "unread": 0}


def test_someone_elses_item_is_not_found_and_stays_unread(api, org, items):
    r = api("sam").post(f"/inbox/{items[0].pk}/read")
    assert r.status_code == 404
    assert InboxItem.objects.get(pk=items[0].pk).read_at is None
    assert api("sam").get("/inbox/unread-count").json() == {"unread": 1}


def test_the_inbox_page_costs_the_same_queries_for_many_items(api, org):
    def page_queries(count: int) -> int:
        for i in range(count):
            notify("alert.unassigned", key=f"many{count}:{i}", recipients=[org.mia], params={"number": f"M{i}"})
        delivery.drain()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        api("mia").get("/inbox")  # the token's first use is recorded once a minute: not part of the page
        with CaptureQueriesContext(connection) as ctx:
            assert api("mia").get("/inbox").status_code == 200
        return len(ctx.captured_queries)

    assert page_queries(2) == page_queries(20)
