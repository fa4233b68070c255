"""Signed, single-use satisfaction survey links."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.complaints.models import Complaint, SurveyToken
from loopdesk.core import config
from loopdesk.core.errors import Conflict, NotFound

_SALT = "loopdesk.survey"


def issue(complaint: Complaint) -> str:
    """Create a fresh link token; earlier unused links of the complaint stop working."""
    now = timezone.now()
    SurveyToken.objects.filter(complaint=complaint, used_at__isnull=True).update(expires_at=now)
    nonce = secrets.token_urlsafe(16)
    SurveyToken.objects.create(complaint=complaint, nonce=nonce,
                               expires_at=now + timedelta(days=int(config.get("survey.valid_days"))))
    if not complaint.survey_invited:  # what the reports count (resolve() saves it with the status instead)
        complaint.survey_invited = True
        complaint.save(update_fields=["survey_invited"])
    return signing.dumps({"n": nonce}, salt=_SALT)


def token_for(row: SurveyToken) -> str:
    return signing.dumps({"n": row.nonce}, salt=_SALT)


def current_token(complaint: Complaint) -> str | None:
    row = complaint.survey_tokens.filter(used_at__isnull=True, expires_at__gt=timezone.now()).last()
    return token_for(row) if row else None


def lookup(token: str) -> SurveyToken:
    try:
        nonce = signing.loads(token, salt=_SALT)["n"]
    except (signing.BadSignature, KeyError, TypeError):
        raise NotFound(_("This survey link is not valid.")) from None
    row = SurveyToken.objects.select_for_update().filter(nonce=nonce).first()
    if row is None:
        raise NotFound(_("This survey link is not valid."))
    return row


def redeem(token: str) -> SurveyToken:
    row = lookup(token)
    if row.used_at is not None:
        raise Conflict(_("This survey has already been answered. Thank you."))
    if row.expires_at <= timezone.now():
        raise Conflict(_("This survey link has expired."))
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return row
