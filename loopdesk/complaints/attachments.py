"""Attachments: checked by content (not by name), stored outside any served URL."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import User
from loopdesk.complaints.access import access_complaint, check_action
from loopdesk.complaints.models import Attachment, Complaint, EventKind
from loopdesk.complaints.timeline import event
from loopdesk.core.errors import ValidationFailed

# Photos, video, call recordings, receipts (PDF). Detected from the file's bytes.
ALLOWED_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
    "application/pdf", "video/mp4", "video/quicktime", "audio/mpeg", "audio/x-wav", "audio/wav",
    "audio/amr", "audio/mp4", "audio/m4a",
}
MAX_NAME = 200


def _max_bytes() -> int:
    return settings.LOOPDESK["ATTACHMENT_MAX_BYTES"]


def validate_upload(upload: UploadedFile) -> str:
    """Return the detected MIME type or raise a field error."""
    if upload.size is None or upload.size == 0:
        raise ValidationFailed.single("file", _("The file is empty."))
    if upload.size > _max_bytes():
        # filesizeformat: a limit under 1 MB must not read "larger than 0 MB".
        raise ValidationFailed.single(
            "file", _("The file is larger than %(size)s.") % {"size": filesizeformat(_max_bytes())})
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationFailed.single(
            "file", _("This type of file is not accepted. Upload photos, video, audio or PDF."))
    return kind.mime


def store(complaint: Complaint, upload: UploadedFile, *, actor: User | None) -> Attachment:
    mime = validate_upload(upload)
    now = timezone.now()
    rel = Path("attachments") / now.strftime("%Y/%m") / f"{uuid.uuid4().hex}"
    dest = Path(settings.MEDIA_ROOT) / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(dest, "wb") as fh:
        for chunk in upload.chunks():
            digest.update(chunk)
            fh.write(chunk)
    name = Path(upload.name or "file").name[:MAX_NAME]
    try:
        with transaction.atomic():
            att = Attachment.objects.create(
                complaint=complaint, uploaded_by=actor, uploaded_at=now, original_name=name,
                stored_path=str(rel), content_type=mime, size=upload.size, sha256=digest.hexdigest(),
            )
            event(complaint, EventKind.ATTACHMENT, actor=actor, action="attach",
                  after={"id": att.pk, "name": name, "type": mime, "size": upload.size})
    except Exception:
        dest.unlink(missing_ok=True)  # nothing half-saved: no row, no file
        raise
    return att


@transaction.atomic
def add_attachment(number: str, upload: UploadedFile, *, actor: User) -> Attachment:
    c = access_complaint(actor, number, for_update=True)
    check_action(actor, c, "attach")
    return store(c, upload, actor=actor)


def path_of(att: Attachment) -> Path:
    return Path(settings.MEDIA_ROOT) / att.stored_path
