"""API shapes of deadlines and escalations (kept here so loopdesk.api.schemas can import them without a cycle)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class DeadlineOut(Schema):
    target: str
    label: str
    state: str
    due_at: datetime | None
    met_at: datetime | None
    met: bool | None
    overdue: bool
    remaining_seconds: int | None
    breached_at: datetime | None
    escalations: int
    paused_seconds: int
    pause_count: int
    started_at: datetime
    cycle: int
    amount: str | None
    unit: str


class EscalationOut(Schema):
    at: datetime
    trigger: str
    reason: str
    from_level: int
    to_level: int
    from_user: dict | None
    to_user: dict | None
    new_due_at: datetime | None
    customer_told: bool
    actor: dict | None


class DeadlinesOut(Schema):
    number: str
    escalation_level: int
    deadlines: list[DeadlineOut]
    escalations: list[EscalationOut]
