from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.core import bulk


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    STATUS = "status", _("Status changed")
    FIELD = "field", _("Field changed")
    ASSIGNMENT = "assignment", _("Assignment")
    CO_HANDLER = "co_handler", _("Co-handler")
    NOTE = "note", _("Progress note")
    COMMUNICATION = "communication", _("Communication")
    ATTACHMENT = "attachment", _("Attachment")
    SUBTASK = "subtask", _("Sub-task")
    SOLUTION = "solution", _("Solution")
    DEMAND_CHANGE = "demand_change", _("Demand change")
    SATISFACTION = "satisfaction", _("Satisfaction")
    VERIFICATION = "verification", _("Verification")
    PRIORITY_OVERRIDE = "priority_override", _("Priority override")
    REPEAT = "repeat", _("Repeat complaint")
    CONTACT_REVEALED = "contact_revealed", _("Contact revealed")
    ESCALATION = "escalation", _("Escalation")
    DEADLINE = "deadline", _("Deadline")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("timeline events are append-only")

    def delete(self):
        raise TypeError("timeline events are append-only")

    def mask_texts(self, fields: Sequence[str], rows: Sequence[Sequence]) -> None:
        """Write back the texts of events whose personal data retention masked (complaints/archiving.py);
        rows are (pk, *values of `fields`).

        The one exception to append-only, because the retention limit on personal data outranks the
        history: only the note and the before/after values may be rewritten, never who, when or what.
        """
        if not set(fields) <= MASKABLE:
            raise TypeError("only the texts of timeline events may be masked")
        bulk.update(self.model, fields, rows)


MASKABLE = {"note", "before", "after"}


class Event(models.Model):
    """One immutable entry on a complaint's timeline: who did what, when, before → after."""

    # No index of its own: evt_complaint_at starts with it.
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="events",
                                  db_index=False)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    customer_visible = models.BooleanField(_("visible to customer"), default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at", "id"], name="evt_complaint_at")]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("timeline events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("timeline events are append-only")


class NumberSequence(models.Model):
    """Last serial handed out per numbering scope (e.g. '20261123-TEL'). Never decremented."""

    scope = models.CharField(max_length=100, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)
