"""The configuration home: every section, what it is for, and the latest changes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from loopdesk.accounts.models import AuditLog
from loopdesk.web.config import calendar
from loopdesk.web.config.guard import admin_only

SECTIONS = [
    ("config:problem_type", _("Problem types"), _("The two-level taxonomy complaints are classified by.")),
    ("config:routing_rule", _("Routing rules"), _("Which department, role or person gets a new complaint.")),
    ("config:priority_rule", _("Priority matrix"), _("How severity, scope, risk and customer level give A/B/C.")),
    ("config:calendar_day", _("Business calendar"), _("Working hours, days off, make-up working days; CSV import.")),
    ("config:user", _("Users and roles"), _("Accounts, roles, departments, deactivation, passwords.")),
    ("config:department", _("Departments"), _("The teams complaints are routed to.")),
    ("config:sla_policy", _("SLA policies"), _("Response, acceptance and resolution targets per priority.")),
    ("config:webhook", _("Webhooks and notifications"), _("Complaint events posted to other systems; delivery log "
                                                            "and notification queue.")),
    ("config:numbering", _("Complaint numbers"), _("The number format, with a live example.")),
    ("config:monitoring", _("Monitoring rules"), _("Burst alerts, the daily data checks and likely duplicates.")),
    ("config:limits", _("Other settings"), _("Repeat window, approval threshold, survey validity.")),
]


def _wired(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False  # its app is not installed here
    return True


@admin_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    sections = [(reverse(name), title, text) for name, title, text in SECTIONS if _wired(name)]
    changes = (AuditLog.objects.filter(action__startswith="config.").select_related("actor")
               .order_by("-at", "-id")[:15])
    return render(request, "config/index.html", {
        "sections": sections, "changes": changes, "warning": calendar.unconfirmed_warning(),
        "nav": "config",
    })
