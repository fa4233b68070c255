"""Reading a user's inbox."""

from __future__ import annotations

from loopdesk.notifications.models import InboxItem


def unread_count(user) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()
