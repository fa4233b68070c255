from loopdesk.complaints.models.complaint import (
    OPEN_STATUSES,
    Channel,
    CompensationKind,
    Complaint,
    Status,
)
from loopdesk.complaints.models.customer import Customer
from loopdesk.complaints.models.handling import (
    Attachment,
    CommChannel,
    Communication,
    CustomerResponse,
    DemandChange,
    Direction,
    Note,
    Satisfaction,
    SatisfactionSource,
    Solution,
    SolutionStatus,
    SubTask,
    SubTaskStatus,
    SurveyToken,
)
from loopdesk.complaints.models.timeline import Event, EventKind, NumberSequence

__all__ = [
    "OPEN_STATUSES", "Attachment", "Channel", "CommChannel", "Communication", "CompensationKind", "Complaint",
    "Customer", "CustomerResponse", "DemandChange", "Direction", "Event", "EventKind", "Note", "NumberSequence",
    "Satisfaction", "SatisfactionSource", "Solution", "SolutionStatus", "Status", "SubTask", "SubTaskStatus",
    "SurveyToken",
]
