"""Email through Django's mail backend (SMTP from settings; the console backend by default)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation

from loopdesk.notifications.messages import render
from loopdesk.notifications.models import OutboxMessage

TRANSACTIONAL = False


def deliver(message: OutboxMessage) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = render(message.event, message.params)
    # The same Message-ID on every retry lets mail clients fold a duplicate into the original.
    domain = getattr(settings, "LOOPDESK_MAIL_DOMAIN", "loopdesk.local")
    mail = EmailMessage(subject=f"[Loopdesk] {subject}", body=body, to=[message.address],
                        headers={"Message-ID": f"<outbox-{message.pk}@{domain}>"})
    mail.send(fail_silently=False)
