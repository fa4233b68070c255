"""The signed-in user's inbox: list, unread count, mark read."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from loopdesk.core.errors import NotFound, ValidationFailed
from loopdesk.notifications import inbox as inbox_queries
from loopdesk.notifications.messages import render
from loopdesk.notifications.models import InboxItem

router = Router(tags=["inbox"])
MAX_LIMIT = 100


class InboxItemOut(Schema):
    id: int
    event: str
    title: str
    body: str
    complaint: str | None
    created_at: datetime
    read_at: datetime | None


class InboxPage(Schema):
    items: list[InboxItemOut]
    unread: int
    next_cursor: int | None


class InboxFilters(Schema):
    unread: bool = False
    cursor: int | None = None
    limit: int = 25


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int
    unread: int


def _out(item: InboxItem) -> dict:
    title, body = render(item.event, item.params)
    return {"id": item.pk, "event": item.event, "title": title, "body": body,
            "complaint": item.params.get("number"), "created_at": item.created_at, "read_at": item.read_at}


@router.get("/inbox", response=InboxPage)
def inbox(request, filters: Query[InboxFilters]):
    """Newest first. Pass `next_cursor` back as `cursor` for older items."""
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise ValidationFailed.single("limit", _("The number is out of range."))
    qs = InboxItem.objects.filter(user=request.auth)
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    if filters.cursor:
        qs = qs.filter(id__lt=filters.cursor)
    rows = list(qs.order_by("-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [_out(i) for i in rows], "unread": inbox_queries.unread_count(request.auth),
            "next_cursor": rows[-1].pk if more and rows else None}


@router.get("/inbox/unread-count", response=UnreadOut)
def unread_count(request):
    return {"unread": inbox_queries.unread_count(request.auth)}


@router.post("/inbox/{item_id}/read", response=MarkedOut)
def mark_read(request, item_id: int):
    item = InboxItem.objects.filter(pk=item_id, user=request.auth).first()
    if item is None:
        raise NotFound(_("Not found."))
    marked = InboxItem.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=timezone.now())
    return {"marked": marked, "unread": inbox_queries.unread_count(request.auth)}


@router.post("/inbox/read-all", response=MarkedOut)
def mark_all_read(request):
    marked = InboxItem.objects.filter(user=request.auth, read_at__isnull=True).update(read_at=timezone.now())
    return {"marked": marked, "unread": 0}
