"""The transactional outbox, the in-app inbox and outgoing webhooks (SPEC §8: at least once, never twice on screen).

An OutboxMessage is written in the transaction of the change that caused it, so a crash can
never lose it; workers claim it with a lease, deliver it and mark it sent, retrying with
exponential backoff. Its dedupe key is unique, and the inbox item it becomes carries the same
key, so a message delivered twice still shows once.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Gave up")


class OutboxMessage(models.Model):
    # Only the pending-due index and the dedupe key are read; every other index would slow the
    # thousands of inserts a sweep can make.
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    event = models.CharField(_("event"), max_length=60)
    dedupe_key = models.CharField(max_length=255)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("recipient"), db_index=False)
    address = models.CharField(_("address"), max_length=254, blank=True)
    endpoint = models.ForeignKey("notifications.WebhookEndpoint", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="messages", verbose_name=_("webhook endpoint"), db_index=False)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("complaint"), db_index=False)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_pending_due", condition=Q(status="pending")),
        ]
        # A constraint rather than unique=True, which on PostgreSQL adds a second (LIKE) index nothing uses.
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="outbox_dedupe_key")]

    def __str__(self) -> str:
        return f"{self.channel} {self.event} #{self.pk}"


class InboxItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox",
                             verbose_name=_("user"))
    dedupe_key = models.CharField(max_length=255)
    event = models.CharField(_("event"), max_length=60)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("complaint"))
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        indexes = [
            models.Index(fields=["user", "-id"], name="inbox_user_id"),
            models.Index(fields=["user"], name="inbox_user_unread", condition=Q(read_at__isnull=True)),
        ]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="inbox_dedupe_key")]


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, default=new_secret,
                              help_text=_("Receivers check X-Loopdesk-Signature: sha256=HMAC-SHA256(secret, body)."))
    events = models.JSONField(_("events"), default=list, blank=True,
                              help_text=_('Event names to send, e.g. ["complaint.escalated"]; empty: all events.'))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events or "*" in self.events


class WebhookDelivery(models.Model):
    """One attempt to deliver one message to one endpoint: the delivery log admins read."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    ok = models.BooleanField(_("delivered"), default=False)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
