"""Every configuration change leaves an AuditLog row, written in the transaction of the change."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest

from loopdesk.accounts.models import AuditLog

# Never written to the audit log, whatever form they come through.
SECRET_FIELDS = {"password", "password1", "password2", "new_password1", "new_password2"}


def plain(value: Any) -> Any:
    """A JSON-safe rendering of a form or model value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | models.Manager):
        value = list(value.all())
    if isinstance(value, list | tuple | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def state(obj: models.Model | None, fields: list[str]) -> dict[str, Any]:
    if obj is None or obj.pk is None:
        return {}
    data = model_to_dict(obj, fields=fields)
    return {k: plain(v) for k, v in data.items() if k not in SECRET_FIELDS}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only what changed, as {"before": {...}, "after": {...}}."""
    keys = [k for k in after if before.get(k) != after.get(k)] + [k for k in before if k not in after]
    return {"before": {k: before.get(k) for k in keys}, "after": {k: after.get(k) for k in keys}}


def record(request: HttpRequest, action: str, target: str, detail: dict[str, Any] | None = None) -> AuditLog:
    return AuditLog.objects.create(
        actor=request.user, action=action[:40], target=target[:100], detail=detail or {},
        ip=request.META.get("REMOTE_ADDR"),
    )
