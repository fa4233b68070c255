"""Builders shared by the API tests.

`complaint_in(org, state)` registers a complaint (amy registers it; routing gives it to hank in
logistics) and drives it through the domain to the named state. `snapshot()` captures everything a
refused request must leave untouched, so a test can compare before and after.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from loopdesk.accounts.models import AuditLog
from loopdesk.complaints import actions, attachments
from loopdesk.complaints.intake import CustomerInput, IntakeInput, register_complaint
from loopdesk.complaints.models import (
    Attachment,
    Communication,
    Complaint,
    Customer,
    DemandChange,
    Event,
    Note,
    Satisfaction,
    Solution,
    SubTask,
    SurveyToken,
)

# A real 1×1 PNG and a minimal PDF: detected by content, accepted.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea73581e40000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

STATES = (
    "new", "accepted", "in_progress", "awaiting_customer", "solution_pending", "solution_pending_approval",
    "resolved", "closed", "with_subtask", "cancelled_with_subtask", "with_attachment",
)


def register(org, *, by: str = "amy", phone: str = "13812341234", problem_type: str = "delivery_delay",
             subject: str = "快递一周未送达", description: str = "10月28日购买的洗衣机今日无法启动，快递也一直没送到",
             channel: str = "TEL", customer_name: str = "张先生", **over) -> Complaint:
    data = IntakeInput(
        channel=channel, subject=subject, description=description, problem_type=problem_type,
        customer=CustomerInput(name=customer_name, phone=phone, region="上海"), **over,
    )
    return register_complaint(data, actor=org.users[by]).complaint


def complaint_in(org, state: str) -> Complaint:
    """A fresh complaint (registered by amy, owned by hank, department logistics) in `state`."""
    assert state in STATES, state
    c = register(org)
    assert c.owner_id == org.hank.pk and c.department.code == "logistics"
    n, ada = c.number, org.ada
    if state != "new":
        actions.accept(n, actor=ada)
    if state not in ("new", "accepted"):
        actions.start(n, actor=ada)
    if state == "awaiting_customer":
        actions.wait_customer(n, actor=ada, reason="等待客户提供开箱照片")
    elif state == "solution_pending":
        actions.propose_solution(n, actor=ada, measures="补发洗衣机并安排上门安装")
    elif state == "solution_pending_approval":
        actions.propose_solution(n, actor=ada, measures="全额退款", compensation_kind="refund",
                                 compensation_amount=Decimal("1000.00"))
    elif state in ("resolved", "closed"):
        actions.resolve(n, actor=ada, summary="已补发并上门检修，客户确认可以使用")
        if state == "closed":
            actions.verify(n, actor=ada, passed=True, note="电话回访确认")
    elif state in ("with_subtask", "cancelled_with_subtask"):
        actions.add_subtask(n, actor=ada, title="核查仓库出库记录", owner_id=org.hank.pk)
        if state == "cancelled_with_subtask":
            actions.cancel(n, actor=ada, reason="客户重复投诉，已合并处理")
    elif state == "with_attachment":
        attachments.store(c, SimpleUploadedFile("receipt.png", PNG), actor=ada)
    return Complaint.objects.get(pk=c.pk)


COUNTED = [Complaint, Customer, Event, Note, Communication, SubTask, Solution, Satisfaction, Attachment,
           DemandChange, SurveyToken, AuditLog]
try:  # parts other engineers are building; counted when present
    from loopdesk.escalation.models import Escalation
    from loopdesk.notifications.models import InboxItem, OutboxMessage

    COUNTED += [Escalation, InboxItem, OutboxMessage]
except ImportError:  # pragma: no cover
    pass


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def snapshot(number: str | None = None) -> dict:
    """Row counts, files on disk and (with a number) the complaint's own state."""
    out: dict = {m.__name__: m.objects.count() for m in COUNTED}
    out["files"] = media_files()
    if number:
        c = Complaint.objects.get(number=number)
        out["complaint"] = {
            f: getattr(c, f) for f in ("status", "owner_id", "department_id", "priority", "problem_type_id",
                                       "severity", "core_demand", "reopen_count", "is_repeat", "escalation_level")
        }
        out["co_handlers"] = sorted(c.co_handlers.values_list("pk", flat=True))
        out["subtasks"] = list(c.subtasks.values_list("status", flat=True))
        out["solutions"] = list(c.solutions.values_list("status", flat=True))
        out["events"] = c.events.count()
    return out
