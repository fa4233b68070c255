"""Plain helpers for the domain tests (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from loopdesk.complaints.intake import CustomerInput, IntakeInput
from loopdesk.complaints.models import Complaint

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def intake(*, channel: str = "TEL", problem_type: str = "delivery_delay", customer: dict | None = None,
           **over) -> IntakeInput:
    cust = {"name": "张先生", "phone": "13812341234", "region": "上海"}
    cust.update(customer or {})
    data = {
        "subject": "快递一周未送达",
        "description": "10月28日购买的洗衣机今日无法启动，快递也一直没送到",
        "core_demand": "尽快送达并检修",
        "channel_ref": "CALL-0001",
    }
    data.update(over)
    return IntakeInput(channel=channel, customer=CustomerInput(**cust), problem_type=problem_type, **data)


def snapshot(c: Complaint) -> dict:
    """Everything an action could touch: the complaint row and the rows hanging off it."""
    c = Complaint.objects.get(pk=c.pk)
    return {
        "row": Complaint.objects.filter(pk=c.pk).values().get(),
        "co_handlers": sorted(c.co_handlers.values_list("pk", flat=True)),
        "events": c.events.count(),
        "notes": c.notes.count(),
        "communications": c.communications.count(),
        "attachments": c.attachments.count(),
        "solutions": list(c.solutions.order_by("id").values_list("status", "customer_response")),
        "subtasks": list(c.subtasks.order_by("id").values_list("status", flat=True)),
        "demand_changes": c.demand_changes.count(),
        "satisfactions": c.satisfactions.count(),
        "survey_tokens": list(c.survey_tokens.order_by("id").values_list("used_at", "expires_at")),
        "escalations": c.escalations.count(),
        "stored_files": sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()),
    }
