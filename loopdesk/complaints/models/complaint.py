from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.classification.models import Nature, Priority, Risk, Scope, Severity


class Channel(models.TextChoices):
    """Intake channels; the value is the code used in complaint numbers."""

    PHONE = "TEL", _("Phone")
    CHAT = "CHAT", _("Online chat")
    EMAIL = "MAIL", _("Email")
    WEB = "WEB", _("Web form / customer portal")
    SOCIAL = "SOC", _("Social media")
    PLATFORM = "PLAT", _("Third-party platform")
    API = "API", _("REST API")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer")
    SOLUTION_PENDING = "solution_pending", _("Solution pending confirmation")
    RESOLVED = "resolved", _("Resolved")
    CALLBACK_PENDING = "callback_pending", _("Awaiting callback")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")
    REOPENED = "reopened", _("Reopened")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER,
    Status.SOLUTION_PENDING, Status.REOPENED,
)


class CompensationKind(models.TextChoices):
    NONE = "none", _("None")
    REFUND = "refund", _("Refund")
    COUPON = "coupon", _("Coupon")
    REPAIR = "repair", _("Repair")
    REPLACEMENT = "replacement", _("Replacement")
    CASH = "cash", _("Cash compensation")
    OTHER = "other", _("Other")


class Complaint(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    channel_ref = models.CharField(
        _("channel reference"), max_length=200, blank=True,
        help_text=_("call record no., mail address, WeChat ID…"),
    )
    customer = models.ForeignKey(
        "complaints.Customer", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    order_no = models.CharField(_("order no."), max_length=64, blank=True, db_index=True)
    product = models.CharField(_("product"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True)

    received_at = models.DateTimeField(_("received at"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("registered by"),
    )

    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("customer's own words"))
    facts = models.TextField(_("objective facts"), blank=True)
    core_demand = models.TextField(_("core demand"), blank=True)
    expected_resolution_at = models.DateTimeField(_("expected resolution time"), null=True, blank=True)
    compensation_amount = models.DecimalField(
        _("compensation requested"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_kind = models.CharField(
        _("compensation kind requested"), max_length=20, choices=CompensationKind.choices, blank=True
    )

    problem_type = models.ForeignKey(
        "classification.ProblemType", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("problem type"),
    )
    nature = models.CharField(_("request nature"), max_length=20, choices=Nature.choices,
                              default=Nature.COMPLAINT)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices,
                                default=Severity.NORMAL)
    scope = models.CharField(_("impact scope"), max_length=20, choices=Scope.choices,
                             default=Scope.INDIVIDUAL)
    risk = models.CharField(_("risk level"), max_length=20, choices=Risk.choices, default=Risk.NONE)
    priority = models.CharField(_("priority"), max_length=1, choices=Priority.choices, default=Priority.C)
    priority_override_reason = models.CharField(_("priority override reason"), max_length=500, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("department"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_complaints",
        verbose_name=_("primary owner"),
    )
    co_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_handled_complaints", verbose_name=_("co-handlers")
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats",
        verbose_name=_("repeat of"),
    )
    is_repeat = models.BooleanField(_("repeat complaint"), default=False)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)

    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    last_progress_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    resolution_summary = models.TextField(_("resolution"), blank=True)

    # Facts the reports count, kept on the row when they become known so a report over a month is one
    # scan of this table (docs/PERFORMANCE.md, "Reports"). How the first cycle of the first-response and
    # resolution clocks ended: True met, False missed (late, or breached while open), None not decided
    # yet — written by deadlines/engine.py:write. Whether a survey link was ever sent (complaints/surveys.py)
    # and whether the customer ever rated it, by callback or link (complaints/actions.py).
    first_response_met = models.BooleanField(_("first response on time"), null=True, editable=False)
    resolution_met = models.BooleanField(_("resolution on time"), null=True, editable=False)
    survey_invited = models.BooleanField(_("survey link sent"), default=False, db_default=False, editable=False)
    rated = models.BooleanField(_("rated by the customer"), default=False, db_default=False, editable=False)

    # Character bigrams of the searchable text: lets PostgreSQL index Chinese without a dictionary.
    search_text = models.TextField(editable=False, default="")
    intake_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "-id"], name="cmp_status_id"),
            models.Index(fields=["department", "status"], name="cmp_dept_status"),
            models.Index(fields=["owner", "status"], name="cmp_owner_status"),
            # With the id, the newest match is the first entry read backwards; without it every match of
            # the window was fetched and sorted (a frequent complainant has dozens).
            models.Index(fields=["customer", "problem_type", "received_at", "id"], name="cmp_repeat_lookup"),
            models.Index(fields=["received_at"], name="cmp_received"),
            models.Index(fields=["priority", "-id"], name="cmp_priority_id"),
            models.Index(fields=["problem_type", "-id"], name="cmp_type_id"),
            models.Index(fields=["channel", "-id"], name="cmp_channel_id"),
            # The callback and verification queues (resolved, not yet closed, oldest first): without
            # it the home page sorted every such complaint, 30 ms at 100k. Only those rows are in it.
            models.Index(fields=["resolved_at", "id"], name="cmp_after_resolution",
                         condition=models.Q(status__in=[Status.RESOLVED, Status.CALLBACK_PENDING])),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def registration_delay_seconds(self) -> int:
        return int((self.registered_at - self.received_at).total_seconds())
