"""API shapes of deadlines and escalations (kept here so loopdesk.api.schemas can import them without a cycle)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


# Plain pydantic models: they are built from dicts (clocks.deadline_dicts), and ninja's Schema would
# wrap each of them in an attribute getter, a cost paid for every clock of every complaint shown.
class DeadlineOut(BaseModel):
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


class EscalationOut(BaseModel):
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


class DeadlinesOut(BaseModel):
    number: str
    escalation_level: int
    deadlines: list[DeadlineOut]
    escalations: list[EscalationOut]
