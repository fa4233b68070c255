"""What an agent looks up while taking a complaint: the customer on the line, their recent
complaints, and whether the new one repeats or duplicates an earlier one (SPEC §1)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Prefetch, Q

from loopdesk.accounts.models import User
from loopdesk.complaints.access import visible_complaints
from loopdesk.complaints.models import Complaint, Customer, Status
from loopdesk.core.textsearch import tokens

# Shorter fragments match too many customers to be useful, and would let anyone list the book.
MIN_PHONE, MIN_MEMBER_NO, MIN_ORDER_NO = 4, 3, 4
DUPLICATE_WINDOW_DAYS = 7
DUPLICATE_SIMILARITY = 0.5
RECENT_PER_CUSTOMER = 3


def find_customers(user: User, *, phone: str = "", member_no: str = "", order_no: str = "",
                   limit: int = 5) -> list[Customer]:
    """Known customers whose phone or member no. starts with what was typed, or who complained about
    that order. Each carries `recent`: their latest complaints that `user` may see."""
    phone, member_no, order_no = phone.strip(), member_no.strip(), order_no.strip()
    cond = Q()
    if len(phone) >= MIN_PHONE:
        cond |= Q(phone__startswith=phone)
    if len(member_no) >= MIN_MEMBER_NO:
        cond |= Q(member_no__startswith=member_no)
    if len(order_no) >= MIN_ORDER_NO:
        cond |= Q(pk__in=Complaint.objects.filter(order_no=order_no).values("customer_id"))
    if not cond:
        return []
    recent = (visible_complaints(user).select_related("problem_type")
              .order_by("-received_at", "-id")[:RECENT_PER_CUSTOMER])
    return list(Customer.objects.filter(cond, anonymous=False).order_by("-id")
                .prefetch_related(Prefetch("complaints", queryset=recent, to_attr="recent"))[:limit])


def similarity(a: str, b: str) -> float:
    """Share of common tokens (Chinese bigrams, words) between two short texts, 0…1."""
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def find_duplicates(customer: Customer | None, subject: str, received_at: datetime, *,
                    days: int = DUPLICATE_WINDOW_DAYS, exclude_pk: int | None = None) -> list[Complaint]:
    """Complaints of the same customer with a similar subject in the last days: probably the same
    matter registered twice (a second call, a second channel)."""
    if customer is None or customer.anonymous or not subject.strip():
        return []
    rows = (Complaint.objects.filter(customer=customer, received_at__gte=received_at - timedelta(days=days))
            .exclude(status=Status.CANCELLED).order_by("-received_at", "-id"))
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return [c for c in rows[:50] if similarity(c.subject, subject) >= DUPLICATE_SIMILARITY]
