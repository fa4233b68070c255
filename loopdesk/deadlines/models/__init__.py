from loopdesk.deadlines.models.calendar import CalendarDay, DayKind, DaySource, Weekday, WorkingPeriod
from loopdesk.deadlines.models.deadline import SLA_KINDS, Deadline, DeadlineKind, DeadlineState
from loopdesk.deadlines.models.policy import TARGETS, SlaPolicy, Unit

__all__ = [
    "SLA_KINDS", "TARGETS", "CalendarDay", "DayKind", "DaySource", "Deadline", "DeadlineKind", "DeadlineState",
    "SlaPolicy", "Unit", "Weekday", "WorkingPeriod",
]
