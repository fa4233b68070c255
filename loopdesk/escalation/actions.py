"""The escalate action lives with the other complaint actions; re-exported here for the escalation app's users."""

from loopdesk.complaints.actions import escalate

__all__ = ["escalate"]
