"""Registering a complaint (SPEC §1): validation, customer match, number, classification,
routing, repeat detection — one transaction, idempotent by key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Role, User
from loopdesk.classification.models import CustomerLevel, ProblemType
from loopdesk.classification.priority import compute_priority
from loopdesk.classification.suggest import Suggestion, suggest
from loopdesk.classification.taxonomy import active_type
from loopdesk.complaints import hooks, numbering
from loopdesk.complaints.models import Complaint, Customer, Event, EventKind, Status
from loopdesk.complaints.timeline import batched, record
from loopdesk.core import bulk, config, prebuilt
from loopdesk.core.errors import NotAllowed, ValidationFailed
from loopdesk.core.textsearch import index_text
from loopdesk.routing.engine import RoutingResult, route

REGISTER_ROLES = {Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
# A received time more than this far in the future is a typo, not clock skew.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass
class CustomerInput:
    name: str = ""
    anonymous: bool = False
    phone: str = ""
    email: str = ""
    member_no: str = ""
    region: str = ""
    industry: str = ""
    level: str = CustomerLevel.NORMAL


@dataclass
class IntakeInput:
    channel: str
    subject: str
    description: str
    customer: CustomerInput
    received_at: datetime | None = None
    channel_ref: str = ""
    order_no: str = ""
    product: str = ""
    facts: str = ""
    core_demand: str = ""
    expected_resolution_at: datetime | None = None
    compensation_amount: Decimal | None = None
    compensation_kind: str = ""
    problem_type: str = ""  # code
    nature: str = "complaint"
    severity: str = "normal"
    scope: str = "individual"
    risk: str = "none"


@dataclass
class IntakeResult:
    complaint: Complaint
    created: bool
    suggestions: list[Suggestion] = field(default_factory=list)
    routing: RoutingResult | None = None


def _validate(data: IntakeInput, now: datetime) -> ProblemType | None:
    errors: dict[str, list] = {}
    c = data.customer
    if not c.anonymous and not (c.phone or c.email or c.member_no):
        errors["customer"] = [_("Give a phone, email or member number, or mark the customer anonymous.")]
    if data.received_at and data.received_at > now + FUTURE_TOLERANCE:
        errors["received_at"] = [_("The received time cannot be in the future.")]
    if (data.expected_resolution_at and data.received_at
            and data.expected_resolution_at < data.received_at):
        errors["expected_resolution_at"] = [_("The expected resolution time is before the received time.")]
    if data.compensation_amount is not None and data.compensation_amount < 0:
        errors["compensation_amount"] = [_("The amount cannot be negative.")]
    if not data.subject.strip():
        errors["subject"] = [_("This field is required.")]
    if not data.description.strip():
        errors["description"] = [_("This field is required.")]
    problem_type = None
    if data.problem_type:
        problem_type = active_type(data.problem_type)
        if problem_type is None:
            errors["problem_type"] = [_("Unknown problem type.")]
    if errors:
        raise ValidationFailed(errors)
    return problem_type


# The order in which contact details identify a known customer: member no., then phone, then email.
MATCH_KEYS = ("member_no", "phone", "email")


def _customer_lookup(keys: tuple[str, ...]) -> tuple[prebuilt.Loader, str]:
    table, anonymous = prebuilt.qn(Customer._meta.db_table), prebuilt.qn("anonymous")
    any_key = " OR ".join(f"{prebuilt.qn(k)} = %s" for k in keys)
    rank = " ".join(f"WHEN {prebuilt.qn(k)} = %s THEN {i}" for i, k in enumerate(keys))
    return prebuilt.Loader(Customer), (
        f"SELECT {prebuilt.columns(Customer)} FROM {table} "  # noqa: S608 - names from model meta
        f"WHERE {anonymous} = %s AND ({any_key}) ORDER BY CASE {rank} ELSE {len(keys)} END, {prebuilt.qn('id')} "
        "LIMIT 1")


def existing_customer(c: CustomerInput) -> Customer | None:
    """The known customer these details belong to (member no., then phone, then email), if any."""
    if c.anonymous:
        return None
    keys = tuple(k for k in MATCH_KEYS if getattr(c, k))
    if not keys:
        return None
    # One statement for the three lookups, written once: intake asks this for every complaint.
    loader, sql = prebuilt.once(("intake.customer", keys), lambda: _customer_lookup(keys))
    values = [getattr(c, k) for k in keys]
    row = prebuilt.first(sql, [False, *values, *values])
    return loader.instance(row) if row else None


def _match_customer(c: CustomerInput) -> Customer:
    found = existing_customer(c)
    if found:
        changed = [f for f in ("name", "phone", "email", "member_no", "region", "industry")
                   if getattr(c, f) and not getattr(found, f)]
        for f in changed:
            setattr(found, f, getattr(c, f))
        if c.level == CustomerLevel.VIP and found.level != CustomerLevel.VIP:
            found.level = CustomerLevel.VIP
            changed.append("level")
        if changed:
            found.save(update_fields=changed)
        return found
    return Customer.objects.create(
        name=c.name, anonymous=c.anonymous, phone="" if c.anonymous else c.phone,
        email="" if c.anonymous else c.email, member_no="" if c.anonymous else c.member_no,
        region=c.region, industry=c.industry, level=c.level,
    )


def _repeat_lookup(excluding: bool) -> str:
    table = prebuilt.qn(Complaint._meta.db_table)
    customer, ptype, received, status, pk = (prebuilt.qn(n) for n in (
        "customer_id", "problem_type_id", "received_at", "status", "id"))
    exclude = f" AND {pk} <> %s" if excluding else ""
    return (f"SELECT {pk}, {prebuilt.qn('number')} FROM {table} "  # noqa: S608 - names from model meta
            f"WHERE {customer} = %s AND {ptype} = %s AND {received} >= %s AND {received} <= %s "
            f"AND {status} <> %s{exclude} ORDER BY {received} DESC, {pk} DESC LIMIT 1")


def find_repeat_of(customer: Customer, problem_type: ProblemType | None, received_at: datetime,
                   exclude_pk: int | None = None, *, number_only: bool = False) -> Complaint | None:
    """The latest complaint of the customer about the same type within the repeat window (not a
    cancelled one), if any. `number_only`: only its number is loaded (all intake needs)."""
    if customer.anonymous or problem_type is None:
        return None
    window = timedelta(days=int(config.get("repeat.window_days")))
    # Written once as SQL: intake asks this for every complaint (see loopdesk/core/prebuilt.py).
    sql = prebuilt.once(("intake.repeat", bool(exclude_pk)), lambda: _repeat_lookup(bool(exclude_pk)))
    params = [customer.pk, problem_type.pk, prebuilt.param(Complaint, "received_at", received_at - window),
              prebuilt.param(Complaint, "received_at", received_at), Status.CANCELLED]
    row = prebuilt.first(sql, params + ([exclude_pk] if exclude_pk else []))
    if row is None:
        return None
    if number_only:
        return Complaint.from_db(connection.alias, ["id", "number"], row)
    return Complaint.objects.get(pk=row[0])


def searchable(c: Complaint) -> str:
    return index_text(c.number, c.subject, c.description, c.core_demand, c.order_no, c.product,
                      c.customer.name if c.customer_id else "")


def _intake_key(actor: User | None, idempotency_key: str) -> str | None:
    return f"{actor.pk if actor else 'portal'}:{idempotency_key}" if idempotency_key else None


def already_registered(actor: User | None, idempotency_key: str) -> Complaint | None:
    """The complaint an earlier submission with this key created, if any (a double-submit)."""
    key = _intake_key(actor, idempotency_key)
    if not key:
        return None
    # Almost every key is new: ask for the id alone, with a statement written once.
    sql = prebuilt.once("intake.by_key", lambda: (
        f"SELECT {prebuilt.qn('id')} FROM {prebuilt.qn(Complaint._meta.db_table)} "  # noqa: S608
        f"WHERE {prebuilt.qn('intake_key')} = %s"))
    row = prebuilt.first(sql, [key])
    return Complaint.objects.get(pk=row[0]) if row else None


def register_complaint(data: IntakeInput, *, actor: User | None, idempotency_key: str = "") -> IntakeResult:
    """Register one complaint. With a key, a retry returns the first complaint and creates nothing."""
    if actor is not None and actor.role not in REGISTER_ROLES:
        raise NotAllowed(_("Your role may not register complaints."))
    intake_key = _intake_key(actor, idempotency_key)
    now = timezone.now()
    try:
        problem_type = _validate(data, now)
    except ValidationFailed:
        # A retry of a submission that went through gets its complaint, even if the rules changed since.
        existing = already_registered(actor, idempotency_key)
        if existing:
            return IntakeResult(existing, created=False)
        raise
    suggestions = suggest(f"{data.subject}\n{data.description}")
    # Almost every key and number is new, so neither is looked up first: the unique indexes refuse a
    # repeated key (a retry, or two copies of one submission racing) and a number already in use, and
    # only then is it worth a query. A refused attempt leaves a gap in the numbers, never a reuse.
    skip_taken = False
    while True:  # twice at most
        # Allocated outside the main transaction: a failure leaves a gap, never a reused number.
        number = numbering.next_number(data.channel, now, skip_taken=skip_taken)
        try:
            complaint, routing = _write(data, actor, number, problem_type, intake_key, now)
        except IntegrityError:
            existing = already_registered(actor, idempotency_key)
            if existing:
                return IntakeResult(existing, created=False)
            if skip_taken or not numbering.taken(number):
                raise
            skip_taken = True  # the number was in use: take the next free one, looked up
        else:
            return IntakeResult(complaint, created=True, suggestions=suggestions, routing=routing)


def _write(data: IntakeInput, actor: User | None, number: str, problem_type: ProblemType | None,
           intake_key: str | None, now: datetime) -> tuple[Complaint, RoutingResult]:
    """The complaint, its customer, routing, timeline and clocks: one transaction."""
    with transaction.atomic():
        customer = _match_customer(data.customer)
        level = customer.level
        routing = route(problem_type=problem_type, channel=data.channel,
                        region=data.customer.region or customer.region, customer_level=level)
        received_at = data.received_at or now
        repeat_of = find_repeat_of(customer, problem_type, received_at, number_only=True)
        complaint = Complaint(
            number=number, channel=data.channel, channel_ref=data.channel_ref, customer=customer,
            order_no=data.order_no, product=data.product, region=data.customer.region or customer.region,
            received_at=received_at, registered_at=now, registered_by=actor,
            subject=data.subject.strip(), description=data.description.strip(), facts=data.facts,
            core_demand=data.core_demand, expected_resolution_at=data.expected_resolution_at,
            compensation_amount=data.compensation_amount, compensation_kind=data.compensation_kind,
            problem_type=problem_type, nature=data.nature, severity=data.severity, scope=data.scope,
            risk=data.risk,
            priority=compute_priority(severity=data.severity, scope=data.scope, risk=data.risk,
                                      customer_level=level),
            department=routing.department, owner=routing.owner,
            repeat_of=repeat_of, is_repeat=repeat_of is not None, intake_key=intake_key,
        )
        complaint.customer = customer
        complaint.search_text = searchable(complaint)
        # Not save(): it compiles its forty-column INSERT anew each time, which cost intake more
        # than the database's work. Complaint has no save() override and no signal receivers.
        bulk.insert_new([complaint])
        events = [Event(
            complaint=complaint, kind=EventKind.REGISTERED, actor=actor, at=now, action="register",
            after={"status": complaint.status, "priority": complaint.priority, "channel": complaint.channel,
                   "problem_type": problem_type.code if problem_type else None},
            customer_visible=True,
        )]
        if routing.department or routing.owner:
            events.append(Event(
                complaint=complaint, kind=EventKind.ASSIGNMENT, actor=None, at=now, action="route",
                after={"department": routing.department.code if routing.department else None,
                       "owner": routing.owner.username if routing.owner else None},
                note=routing.rule.name if routing.rule else "",
            ))
        if repeat_of:
            events.append(Event(complaint=complaint, kind=EventKind.REPEAT, actor=None, at=now,
                                action="detect_repeat", after={"repeat_of": repeat_of.number}))
        # One insert for these events and those of the clocks registration starts.
        with batched():
            record(events)
            hooks.changed(complaint, "register", actor)
    return complaint, routing
