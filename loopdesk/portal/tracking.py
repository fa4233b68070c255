"""Finding a complaint for a customer and showing them only what is meant for them.

A complaint is found only by its number together with the phone or email it was registered with;
any mismatch is the same "not found", so the portal cannot be used to learn which numbers exist.
The customer sees the status, and events, communications and notes marked visible to the
customer — never internal notes, and of staff only their role.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import datetime

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loopdesk.complaints.models import (
    Channel,
    Communication,
    Complaint,
    CustomerResponse,
    Direction,
    Event,
    EventKind,
    Note,
    Status,
)
from loopdesk.portal.forms import digits

SESSION_KEY = "portal_access"
GRANT_SECONDS = 30 * 60
MAX_GRANTS = 10


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def find(number: str, contact: str) -> Complaint | None:
    # As typed, or upper-cased (numbers are usually upper case, people often type them lower case).
    c = (Complaint.objects.select_related("customer").filter(number__in={number, number.upper()})
         .order_by("number").first())
    if c is None or c.customer.anonymous:
        return None
    cu = c.customer
    if "@" in contact:
        ok = _same(cu.email.strip().lower(), contact.strip().lower())
    else:
        wanted = digits(contact)
        ok = len(wanted) >= 5 and _same(digits(cu.phone), wanted)
    return c if ok else None


def grant(session: SessionBase, number: str) -> None:
    """Remember for a while that this browser proved it knows the complaint's contact."""
    now = time.time()
    grants = {n: t for n, t in (session.get(SESSION_KEY) or {}).items() if t > now}
    grants[number] = now + GRANT_SECONDS
    session[SESSION_KEY] = dict(sorted(grants.items(), key=lambda kv: kv[1])[-MAX_GRANTS:])


def granted(session: SessionBase, number: str) -> bool:
    return (session.get(SESSION_KEY) or {}).get(number, 0) > time.time()


STATUS_EXPLAINED = {
    Status.NEW: gettext_lazy("We have received your complaint and will contact you soon."),
    Status.ACCEPTED: gettext_lazy("Your complaint has been taken on by the responsible team."),
    Status.IN_PROGRESS: gettext_lazy("We are working on it."),
    Status.AWAITING_CUSTOMER: gettext_lazy("We are waiting for information from you; please check your phone "
                                           "or email."),
    Status.SOLUTION_PENDING: gettext_lazy("We have proposed a solution and are waiting for your answer."),
    Status.RESOLVED: gettext_lazy("We consider your complaint resolved. Please tell us how satisfied you are."),
    Status.CALLBACK_PENDING: gettext_lazy("We consider your complaint resolved and will call you to check."),
    Status.CLOSED: gettext_lazy("Your complaint is closed."),
    Status.ARCHIVED: gettext_lazy("Your complaint is closed."),
    Status.REOPENED: gettext_lazy("Your complaint has been reopened; we are working on it again."),
    Status.CANCELLED: gettext_lazy("This complaint was withdrawn or merged with another one."),
}


def explain(status: str) -> str:
    return str(STATUS_EXPLAINED.get(status, ""))


@dataclass
class Entry:
    at: datetime
    title: str
    text: str = ""
    who: str = ""
    extra: str = ""


def _who(actor) -> str:
    # Staff are named by role only: the customer learns who is responsible, not who they are.
    return "" if actor is None else actor.get_role_display()


def _event_entry(e: Event, c: Complaint) -> Entry:
    after = e.after if isinstance(e.after, dict) else {}
    who = _who(e.actor)
    if e.kind == EventKind.REGISTERED:
        if e.actor is None and c.channel == Channel.WEB:
            who = _("You (online)")
        return Entry(e.at, _("Complaint received"), "", who)
    if e.kind == EventKind.STATUS and after.get("status") in Status.values:
        return Entry(e.at, _("Status: %(status)s") % {"status": Status(after["status"]).label}, e.note, who)
    if e.kind == EventKind.SOLUTION and after.get("response") in CustomerResponse.values:
        return Entry(e.at, _("Your answer to our proposal: %(answer)s")
                     % {"answer": CustomerResponse(after["response"]).label}, e.note, who)
    return Entry(e.at, str(EventKind(e.kind).label) if e.kind in EventKind.values else "", e.note, who)


def timeline(c: Complaint) -> list[Entry]:
    entries: list[Entry] = []
    events = (Event.objects.filter(complaint=c, customer_visible=True)
              # Notes and communications are shown from their own rows, which say more.
              .exclude(kind__in=[EventKind.NOTE, EventKind.COMMUNICATION]).select_related("actor"))
    entries += [_event_entry(e, c) for e in events]
    for m in Communication.objects.filter(complaint=c, customer_visible=True).select_related("author"):
        title = _("%(channel)s · to you") if m.direction == Direction.OUTBOUND else _("%(channel)s · from you")
        entries.append(Entry(m.at, title % {"channel": m.get_channel_display()}, m.summary, _who(m.author)))
    for n in Note.objects.filter(complaint=c, customer_visible=True).select_related("author"):
        extra = ""
        if n.next_step:
            extra = _("Next: %(step)s") % {"step": n.next_step}
            if n.next_step_due:
                extra += " " + _("(by %(due)s)") % {"due": f"{timezone.localtime(n.next_step_due):%Y-%m-%d %H:%M}"}
        entries.append(Entry(n.at, _("Progress update"), n.text, _who(n.author), extra))
    entries.sort(key=lambda x: x.at)
    return entries
