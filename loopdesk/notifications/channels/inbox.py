"""In-app inbox: one InboxItem per message, keyed like the message so a redelivery shows nothing new."""

from __future__ import annotations

from loopdesk.notifications.models import InboxItem, OutboxMessage

TRANSACTIONAL = True


def deliver(message: OutboxMessage) -> None:
    InboxItem.objects.get_or_create(
        dedupe_key=message.dedupe_key,
        defaults={"user_id": message.recipient_id, "event": message.event, "complaint_id": message.complaint_id,
                  "params": message.params, "created_at": message.created_at},
    )
