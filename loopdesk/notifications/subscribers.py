"""Notifications caused by complaint actions, written in the action's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from loopdesk.deadlines import clocks
from loopdesk.notifications.outbox import Outbox

ASSIGNING = {"assign", "handover", "route", "register", "reopen", "reopen_dissatisfied", "verify_failed"}


def on_complaint_change(complaint: Any, action: str, actor: Any, **details: Any) -> None:
    box = Outbox()
    # Each action happens once (its rows commit with it), so a fresh key per call is right.
    key = f"c{complaint.pk}:{action}:{uuid.uuid4().hex}"
    # Other systems hear about every action; the event name is "complaint.<action>".
    box.publish(f"complaint.{action}", key=key, complaint=complaint,
                params={"action": action, "status": complaint.status,
                        "actor": getattr(actor, "username", None),
                        **{k: v for k, v in details.items() if isinstance(v, str | int | float | bool)}})
    owner = complaint.owner if complaint.owner_id else None
    if action in ASSIGNING and owner is not None and owner != actor and complaint.status in ("new", "reopened"):
        acceptance = clocks.running(complaint, "acceptance")
        box.notify("complaint.assigned", key=f"{key}:owner{owner.pk}", recipients=[owner], complaint=complaint,
                   params={"due": acceptance.due_at.isoformat() if acceptance and acceptance.due_at else None},
                   webhook=False)
    box.flush()
