"""What handlers attach to a complaint while working on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loopdesk.complaints.models.complaint import CompensationKind


class Note(models.Model):
    """A concrete progress note: what was done, what comes next, who does it, by when."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("what was done"))
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    next_step_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("next step by"),
    )
    next_step_due = models.DateTimeField(_("next step due"), null=True, blank=True)
    customer_visible = models.BooleanField(_("visible to customer"), default=False)

    class Meta:
        ordering = ["at", "id"]


class SubTaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("sub-task status", "Cancelled")


class SubTask(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="subtasks")
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subtasks",
                              verbose_name=_("owner"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="blocks",
                                        verbose_name=_("depends on"))
    status = models.CharField(_("status"), max_length=20, choices=SubTaskStatus.choices,
                              default=SubTaskStatus.OPEN)
    result = models.TextField(_("result"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class CommChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Chat")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    PORTAL = "portal", _("Customer portal")


class Direction(models.TextChoices):
    INBOUND = "in", _("From customer")
    OUTBOUND = "out", _("To customer")


class Communication(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT,
                                  related_name="communications")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=20, choices=CommChannel.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    summary = models.TextField(_("summary"))
    customer_reaction = models.CharField(_("customer reaction"), max_length=500, blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    customer_visible = models.BooleanField(_("visible to customer"), default=True)

    class Meta:
        ordering = ["at", "id"]


class SolutionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PROPOSED = "proposed", _("Proposed to customer")
    REJECTED_BY_SUPERVISOR = "rejected_internal", _("Rejected by supervisor")
    ANSWERED = "answered", _("Customer answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CustomerResponse(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("customer response", "Accepted")
    PARTIAL = "partial", _("Partially accepted")
    REJECTED = "rejected", _("Not accepted")


class Solution(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="solutions")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    measures = models.TextField(_("measures"))
    compensation_kind = models.CharField(_("compensation"), max_length=20, choices=CompensationKind.choices,
                                         default=CompensationKind.NONE)
    compensation_amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=30, choices=SolutionStatus.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.CharField(max_length=500, blank=True)
    customer_response = models.CharField(_("customer response"), max_length=20,
                                         choices=CustomerResponse.choices, blank=True)
    customer_comment = models.TextField(_("customer comment"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class DemandChange(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT,
                                  related_name="demand_changes")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    old_demand = models.TextField()
    new_demand = models.TextField(_("new demand"))
    old_expected_at = models.DateTimeField(null=True, blank=True)
    new_expected_at = models.DateTimeField(_("new expected resolution time"), null=True, blank=True)
    confirmation = models.CharField(_("customer confirmation"), max_length=500,
                                    help_text=_("how and when the customer confirmed the change"))

    class Meta:
        ordering = ["id"]


class SatisfactionSource(models.TextChoices):
    CALLBACK = "callback", _("Agent callback")
    SURVEY = "survey", _("Survey link")


class Satisfaction(models.Model):
    """Five-point scores (5 = very satisfied … 1 = very dissatisfied) on four dimensions."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT,
                                  related_name="satisfactions")
    source = models.CharField(_("source"), max_length=20, choices=SatisfactionSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField(default=timezone.now)
    response_speed = models.PositiveSmallIntegerField(_("response speed"))
    result = models.PositiveSmallIntegerField(_("result"))
    attitude = models.PositiveSmallIntegerField(_("attitude"))
    communication = models.PositiveSmallIntegerField(_("communication"))
    comment = models.TextField(_("comment"), blank=True)
    dissatisfied = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    @property
    def average(self) -> float:
        return (self.response_speed + self.result + self.attitude + self.communication) / 4


class SurveyToken(models.Model):
    """A single-use satisfaction survey link: the link is the signed nonce, so it cannot be forged."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="survey_tokens")
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class Attachment(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    original_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(max_length=300, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
