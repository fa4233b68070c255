"""Request and response shapes of API v1."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from loopdesk.classification.models import CustomerLevel, Nature, Priority, Risk, Scope, Severity
from loopdesk.complaints.models import Channel, CommChannel, CompensationKind, CustomerResponse, Direction
from loopdesk.deadlines.schemas import DeadlineOut

Short = str
Amount = Decimal


def _iso_text(value: Any) -> Any:
    # Pydantic would read a bare number as seconds since 1970: 123 must not become a received time.
    if value is not None and not isinstance(value, str | datetime):
        raise PydanticCustomError("datetime_type", "Input should be a valid datetime")
    return value


# An ISO 8601 date-time with its time zone, e.g. 2026-11-23T09:30:00+08:00.
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


# Request bodies are plain pydantic models too: ninja's Schema adds an attribute-getter pass that only
# objects need, and a body is always a dict.
class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CustomerIn(Strict):
    name: str = Field("", max_length=100)
    anonymous: bool = False
    phone: str = Field("", max_length=30, pattern=r"^[0-9+\-() ]*$")
    email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    member_no: str = Field("", max_length=50)
    region: str = Field("", max_length=50)
    industry: str = Field("", max_length=50)
    level: CustomerLevel = CustomerLevel.NORMAL


class ComplaintIn(Strict):
    channel: Channel
    channel_ref: str = Field("", max_length=200)
    customer: CustomerIn
    received_at: Moment | None = None
    subject: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=10000)
    facts: str = Field("", max_length=10000)
    core_demand: str = Field("", max_length=2000)
    expected_resolution_at: Moment | None = None
    compensation_amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    compensation_kind: CompensationKind | None = None
    order_no: str = Field("", max_length=64)
    product: str = Field("", max_length=100)
    problem_type: str = Field("", max_length=40)
    nature: Nature = Nature.COMPLAINT
    severity: Severity = Severity.NORMAL
    scope: Scope = Scope.INDIVIDUAL
    risk: Risk = Risk.NONE


# Response shapes of the complaint list and detail are plain pydantic models: the views build dicts,
# and ninja's Schema would wrap every nested dict in an attribute getter (a third of a list page's CPU).
class Out(BaseModel):
    pass


class Ref(Out):
    id: int
    code: str = ""
    name: str


class UserRef(Out):
    id: int
    username: str
    name: str


class CustomerOut(Out):
    id: int
    name: str
    anonymous: bool
    phone: str
    email: str
    member_no: str
    region: str
    level: str


class ComplaintSummary(Out):
    number: str
    status: str
    status_label: str
    channel: str
    subject: str
    priority: str
    severity: str
    risk: str
    problem_type: Ref | None
    department: Ref | None
    owner: UserRef | None
    customer: CustomerOut
    received_at: datetime
    registered_at: datetime
    is_repeat: bool
    escalation_level: int


class SuggestionOut(Out):
    field: str
    value: str
    label: str = ""
    keywords: list[str]
    score: int


class ComplaintDetail(ComplaintSummary):
    channel_ref: str
    order_no: str
    product: str
    region: str
    description: str
    facts: str
    core_demand: str
    expected_resolution_at: datetime | None
    compensation_amount: Decimal | None
    compensation_kind: str
    nature: str
    scope: str
    priority_override_reason: str
    co_handlers: list[UserRef]
    repeat_of: str | None
    reopen_count: int
    registration_delay_seconds: int
    accepted_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    archived_at: datetime | None
    cancel_reason: str
    resolution_summary: str
    available_actions: list[str]
    suggestions: list[SuggestionOut] = []
    deadlines: list[DeadlineOut] = []


class Page(Out):
    items: list[ComplaintSummary]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    action: str
    actor: UserRef | None
    at: datetime
    before: dict | None
    after: dict | None
    note: str
    customer_visible: bool


class NoteIn(Strict):
    text: str = Field(..., max_length=5000)
    next_step: str = Field("", max_length=500)
    next_step_owner_id: int | None = None
    next_step_due: Moment | None = None
    customer_visible: bool = False


class NoteOut(Schema):
    id: int
    author: UserRef
    at: datetime
    text: str
    next_step: str
    next_step_due: datetime | None
    customer_visible: bool


class CommunicationIn(Strict):
    channel: CommChannel
    direction: Direction
    summary: str = Field(..., max_length=5000)
    customer_reaction: str = Field("", max_length=500)
    next_step: str = Field("", max_length=500)
    at: Moment | None = None
    customer_visible: bool = True


class CommunicationOut(Schema):
    id: int
    at: datetime
    channel: str
    direction: str
    summary: str
    customer_reaction: str
    next_step: str
    customer_visible: bool


class ReasonIn(Strict):
    reason: str = Field(..., max_length=1000)


class OptionalNoteIn(Strict):
    note: str = Field("", max_length=1000)


class AssignIn(Strict):
    owner_id: int | None = None
    department_id: int | None = None
    note: str = Field("", max_length=1000)


class HandoverIn(Strict):
    to_user_id: int
    reason: str = Field(..., max_length=1000)


class CoHandlerIn(Strict):
    user_id: int


class ReclassifyIn(Strict):
    problem_type: str | None = Field(None, max_length=40)
    nature: Nature | None = None
    severity: Severity | None = None
    scope: Scope | None = None
    risk: Risk | None = None
    note: str = Field("", max_length=1000)


class PriorityIn(Strict):
    priority: Priority
    reason: str = Field(..., max_length=500)  # Complaint.priority_override_reason is 500


class SubTaskIn(Strict):
    title: str = Field(..., max_length=200)
    owner_id: int
    due_at: Moment | None = None
    depends_on: list[int] = []


class SubTaskDoneIn(Strict):
    result: str = Field(..., max_length=2000)


class SubTaskOut(Schema):
    id: int
    title: str
    owner: UserRef
    due_at: datetime | None
    status: str
    result: str
    depends_on: list[int]


class SolutionIn(Strict):
    measures: str = Field(..., max_length=5000)
    compensation_kind: CompensationKind = CompensationKind.NONE
    compensation_amount: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2)


class ApprovalIn(Strict):
    approve: bool
    note: str = Field("", max_length=500)  # Solution.approval_note is 500


class ResponseIn(Strict):
    response: CustomerResponse
    comment: str = Field("", max_length=2000)


class SolutionOut(Schema):
    id: int
    measures: str
    compensation_kind: str
    compensation_amount: Decimal
    status: str
    customer_response: str
    needs_approval: bool


class DemandChangeIn(Strict):
    new_demand: str = Field(..., max_length=2000)
    confirmation: str = Field(..., max_length=500)
    new_expected_at: Moment | None = None


class ResolveIn(Strict):
    summary: str = Field(..., max_length=5000)


class Scores(Strict):
    response_speed: int = Field(..., ge=1, le=5)
    result: int = Field(..., ge=1, le=5)
    attitude: int = Field(..., ge=1, le=5)
    communication: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


class SatisfactionOut(Schema):
    id: int
    source: str
    response_speed: int
    result: int
    attitude: int
    communication: int
    comment: str
    dissatisfied: bool
    at: datetime


class VerifyIn(Strict):
    passed: bool
    really_resolved: bool | None = None
    promise_kept: bool | None = None
    process_compliant: bool | None = None
    note: str = Field("", max_length=2000)


class CancelIn(Strict):
    # Stored as "reason (duplicate_of)" in Complaint.cancel_reason, which is 500.
    reason: str = Field(..., max_length=450)
    duplicate_of: str = Field("", max_length=40)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


class ContactOut(Schema):
    name: str
    phone: str
    email: str
    member_no: str


class TokenIn(Strict):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=200)
    name: str = Field("api", max_length=100)


class TokenOut(Schema):
    token: str
    name: str
    user: UserRef
    role: str
