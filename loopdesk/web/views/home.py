"""The per-role home page: the person's queues, deadlines, alerts and unread notifications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from loopdesk.complaints.access import can_register
from loopdesk.web import queues
from loopdesk.web.views.common import staff_view


@staff_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = queues.queues_for(user)
    return render(request, "web/home.html", {
        "nav": "home",
        "queues": qs,
        "clocks": queues.row_clocks(qs),
        "alerts": queues.alerts_for(user),
        "can_register": can_register(user),
    })
