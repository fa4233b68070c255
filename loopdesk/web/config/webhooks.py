"""Outgoing webhooks: where complaint events are posted, and the log of recent deliveries (SPEC §9).

Only wired when the notifications app is installed (see urls.py).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loopdesk.notifications.models import (
    Channel,
    OutboxMessage,
    OutboxStatus,
    WebhookDelivery,
    WebhookEndpoint,
    new_secret,
)
from loopdesk.web.config import audit
from loopdesk.web.config.crud import Section

EVENT_NAME = re.compile(r"^(\*|[a-z_]+(\.[a-z_]+)*)$")


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https",
                         help_text=_("HTTPS address that receives a POST with a JSON body per event."))
    events = forms.CharField(
        label=_("events"), required=False, widget=forms.TextInput(attrs={"placeholder": "complaint.escalated"}),
        help_text=_("Event names separated by spaces or commas, e.g. complaint.registered complaint.escalated; "
                    "empty sends every event."))
    new_secret = forms.BooleanField(label=_("Generate a new signing secret"), required=False,
                                    help_text=_("Receivers must be given the new secret before it takes effect."))

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["events"] = " ".join(self.instance.events or [])
        else:
            del self.fields["new_secret"]

    def clean_events(self) -> list[str]:
        names = [n for n in re.split(r"[\s,，]+", self.cleaned_data.get("events") or "") if n]
        bad = [n for n in names if not EVENT_NAME.match(n)]
        if bad:
            raise forms.ValidationError(_("Not an event name: %(names)s") % {"names": ", ".join(bad)})
        return sorted(set(names))

    def save(self, commit: bool = True) -> WebhookEndpoint:
        endpoint = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            endpoint.secret = new_secret()
        if commit:
            endpoint.save()
        return endpoint


class Webhooks(Section):
    name = "webhook"
    slug = "webhooks"
    model = WebhookEndpoint
    form_class = WebhookForm
    title = _("Webhooks and notifications")
    add_title = _("New webhook")
    intro = _("Other systems can receive complaint events as signed HTTP POSTs. Delivery is retried until it "
              "succeeds or gives up; the log below shows the latest attempts.")
    list_template = "config/webhooks.html"
    edit_template = "config/webhook_edit.html"

    def after_save(self, request: HttpRequest, obj: Any, created: bool, form: forms.ModelForm) -> None:
        if form.cleaned_data.get("new_secret"):
            audit.record(request, "config.webhook.secret", self.target(obj), {"label": self.label(obj)})

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        # The outbox behind every notification (inbox, email, webhook): is anything stuck?
        counts = {(ch, st): n for ch, st, n in OutboxMessage.objects.values_list("channel", "status")
                  .annotate(n=Count("id")).values_list("channel", "status", "n")}
        queue = [(label, counts.get((ch, OutboxStatus.PENDING), 0), counts.get((ch, OutboxStatus.DEAD), 0))
                 for ch, label in Channel.choices]
        return {"deliveries": WebhookDelivery.objects.select_related("endpoint", "message").order_by("-id")[:20],
                "queue": queue}

    def edit_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        if obj is None:
            return {}
        return {"deliveries": obj.deliveries.select_related("message").order_by("-id")[:20]}


section = Webhooks()
