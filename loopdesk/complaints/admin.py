"""Admin for complaints and their records: for looking, not for changing.

Every change to a complaint is a domain action that checks the workflow table and writes a
timeline event (loopdesk.complaints.actions); an admin form would bypass both. So complaints and
everything recorded on them are read-only here, timeline events included. Customers' contact
data may be corrected; opening a customer's page is audited like any view of personal data.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import AuditLog
from loopdesk.complaints.access import mask_email, mask_phone
from loopdesk.complaints.models import (
    Attachment,
    Communication,
    Complaint,
    Customer,
    DemandChange,
    Event,
    Note,
    NumberSequence,
    Satisfaction,
    Solution,
    SubTask,
    SurveyToken,
)
from loopdesk.core.admin import ReadOnlyAdmin, ReadOnlyInline

WORKFLOW_FIELDS = [
    "status", "department", "owner", "co_handlers", "escalation_level", "repeat_of", "is_repeat", "reopen_count",
    "accepted_at", "first_response_at", "last_progress_at", "resolved_at", "closed_at", "archived_at",
    "cancelled_at", "cancel_reason", "resolution_summary",
]


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["at", "kind", "action", "actor", "before", "after", "note"]
    readonly_fields = fields
    ordering = ["at", "id"]


class NoteInline(ReadOnlyInline):
    model = Note
    fields = ["at", "author", "text", "next_step", "next_step_owner", "next_step_due"]
    readonly_fields = fields


class CommunicationInline(ReadOnlyInline):
    model = Communication
    fields = ["at", "author", "channel", "direction", "summary", "customer_reaction", "next_step"]
    readonly_fields = fields


class SolutionInline(ReadOnlyInline):
    model = Solution
    fields = ["proposed_at", "proposed_by", "measures", "compensation_kind", "compensation_amount", "status",
              "approved_by", "customer_response"]
    readonly_fields = fields


class SubTaskInline(ReadOnlyInline):
    model = SubTask
    fields = ["title", "owner", "due_at", "status", "done_at", "result"]
    readonly_fields = fields


class SatisfactionInline(ReadOnlyInline):
    model = Satisfaction
    fields = ["at", "source", "response_speed", "result", "attitude", "communication", "dissatisfied", "comment"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "status", "priority", "channel", "problem_type", "department", "owner",
                    "received_at", "is_repeat"]
    list_filter = ["status", "priority", "channel", "severity", "risk", "scope", "nature", "is_repeat",
                   "escalation_level", "department"]
    search_fields = ["number", "subject", "order_no", "channel_ref"]
    list_select_related = ["problem_type", "department", "owner"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["number", "channel", "channel_ref", "customer", "order_no", "product", "region"]}),
        (_("Intake"), {"fields": ["received_at", "registered_at", "registered_by"]}),
        (_("Complaint"), {"fields": ["subject", "description", "facts", "core_demand", "expected_resolution_at",
                                     "compensation_amount", "compensation_kind"]}),
        (_("Classification"), {"fields": ["problem_type", "nature", "severity", "scope", "risk", "priority",
                                          "priority_override_reason"]}),
        (_("Workflow"), {"fields": WORKFLOW_FIELDS}),
    ]
    inlines = [EventInline, NoteInline, CommunicationInline, SolutionInline, SubTaskInline, SatisfactionInline]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "masked_phone", "masked_email", "member_no", "level", "region", "anonymous",
                    "created_at"]
    list_filter = ["level", "anonymous", "region"]
    search_fields = ["name", "phone", "email", "member_no"]
    readonly_fields = ["anonymous", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # complaints keep their customer (PROTECT); anonymising is a separate concern

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Customer) -> str:
        return mask_phone(obj.phone) if obj.phone else ""

    @admin.display(description=_("email"))
    def masked_email(self, obj: Customer) -> str:
        return mask_email(obj.email) if obj.email else ""

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        if request.method == "GET":
            AuditLog.objects.create(actor=request.user, action="admin_view_customer",
                                    target=f"customer:{object_id}"[:100], ip=request.META.get("REMOTE_ADDR"))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The timeline is append-only: no add, change or delete here either."""

    list_display = ["at", "complaint", "kind", "action", "actor", "short_note"]
    list_filter = ["kind", "action"]
    search_fields = ["complaint__number", "action", "note"]
    list_select_related = ["complaint", "actor"]
    date_hierarchy = "at"
    show_full_result_count = False

    @admin.display(description=_("note"))
    def short_note(self, obj: Event) -> str:
        return obj.note if len(obj.note) <= 60 else obj.note[:59] + "…"


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = ["at", "complaint", "author", "text", "next_step_due"]
    search_fields = ["complaint__number", "text"]
    list_select_related = ["complaint", "author"]


@admin.register(Communication)
class CommunicationAdmin(ReadOnlyAdmin):
    list_display = ["at", "complaint", "channel", "direction", "author", "summary"]
    list_filter = ["channel", "direction"]
    search_fields = ["complaint__number", "summary"]
    list_select_related = ["complaint", "author"]


@admin.register(Solution)
class SolutionAdmin(ReadOnlyAdmin):
    list_display = ["proposed_at", "complaint", "compensation_kind", "compensation_amount", "status",
                    "customer_response", "approved_by"]
    list_filter = ["status", "compensation_kind", "customer_response"]
    search_fields = ["complaint__number", "measures"]
    list_select_related = ["complaint", "approved_by"]


@admin.register(SubTask)
class SubTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "complaint", "owner", "due_at", "status", "done_at"]
    list_filter = ["status"]
    search_fields = ["complaint__number", "title"]
    list_select_related = ["complaint", "owner"]


@admin.register(DemandChange)
class DemandChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "complaint", "recorded_by", "new_demand", "new_expected_at"]
    search_fields = ["complaint__number", "new_demand"]
    list_select_related = ["complaint", "recorded_by"]


@admin.register(Satisfaction)
class SatisfactionAdmin(ReadOnlyAdmin):
    list_display = ["at", "complaint", "source", "response_speed", "result", "attitude", "communication",
                    "dissatisfied"]
    list_filter = ["source", "dissatisfied"]
    search_fields = ["complaint__number", "comment"]
    list_select_related = ["complaint"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["uploaded_at", "complaint", "original_name", "content_type", "size", "uploaded_by"]
    list_filter = ["content_type"]
    search_fields = ["complaint__number", "original_name", "sha256"]
    list_select_related = ["complaint", "uploaded_by"]
    exclude = ["stored_path"]


@admin.register(SurveyToken)
class SurveyTokenAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "created_at", "expires_at", "used_at"]
    search_fields = ["complaint__number"]
    list_select_related = ["complaint"]
    exclude = ["nonce"]  # half of a live survey link


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    """Serial counters: never edited, or a number could be handed out twice."""

    list_display = ["scope", "last_value"]
    search_fields = ["scope"]
