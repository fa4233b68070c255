"""GET /api/v1/reports: the report's figures as JSON, with the page's parameters."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from loopdesk.reports.figures import Figures, compute
from loopdesk.reports.query import check_reports, parse

router = Router(tags=["reports"])


class ReportParams(Schema):
    period: Literal["day", "week", "month", "custom"] = Field(
        "month", description="day, week or month containing `date` (default today); custom: date_from…date_to")
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = Field(None, description="inclusive")
    bucket: Literal["hour", "day", "week", "month"] | None = Field(None, description="trend step; automatic if empty")
    channel: str | None = Field(None, description="channel codes, comma-separated (TEL,MAIL…)")
    priority: str | None = Field(None, description="A, B, C, comma-separated")
    problem_type: str | None = Field(None, description="a problem-type code; a root type includes its sub-types")
    region: str | None = None
    product: str | None = None
    department: str | None = Field(None, description="a department code")
    owner: str | None = Field(None, description="the handler's username")


@router.get("/reports", summary="Report figures for a period and filters")
def report(request: HttpRequest, params: Query[ReportParams]) -> dict:
    check_reports(request.auth)
    raw = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.model_dump().items() if v is not None}
    return as_json(compute(parse(request.auth, raw).report_query()))


def as_json(f: Figures) -> dict:
    q = f.query
    return {
        "period": {"start": q.start, "end": q.end, "first_day": q.first_day, "last_day": q.last_day,
                   "bucket": q.bucket},
        "filters": {k: v for k, v in q.params.items() if k not in ("period", "bucket", "date", "date_from",
                                                                   "date_to")},
        "total": f.total,
        "previous_total": f.previous_total,
        "cancelled": f.cancelled,
        "trend": [{"start": p.start, "count": p.count} for p in f.trend],
        "distributions": {name: [s.as_dict() for s in rows] for name, rows in f.distributions.items()},
        "top_problem_types": [s.as_dict() for s in f.top_types],
        "first_response": f.first_response.as_dict(),
        "handling": f.handling.as_dict(),
        "registration_delay": f.registration.as_dict(),
        "registered_within_15_min": f.registered_in_time.as_dict(),
        "on_time_first_response": f.on_time_response.as_dict(),
        "on_time_resolution": f.on_time_resolution.as_dict(),
        "satisfaction": {"overall": f.satisfaction.as_dict(),
                         "dimensions": {k: r.as_dict() for k, r in f.dimensions.items()}},
        "by_priority": [{
            "priority": p.priority, "count": p.count,
            "first_response": p.first_response.as_dict(), "handling": p.handling.as_dict(),
            "on_time_first_response": p.on_time_response.as_dict(),
            "on_time_resolution": p.on_time_resolution.as_dict(),
            "satisfaction": p.satisfaction.as_dict(),
            "satisfaction_dimensions": {k: r.as_dict() for k, r in p.dimensions.items()},
        } for p in f.by_priority],
        "survey_response": f.survey_response.as_dict(),
        "repeat": f.repeat.as_dict(),
        "record_completeness": f.completeness.as_dict(),
    }
