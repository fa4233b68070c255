"""Monthly archiving of closed complaints and the retention of personal data (SPEC §7 归档, §8).

`run()` is one pass of the job (background loop, Celery beat, `manage.py archive_closed`):

1. Archive: closed complaints whose closed_at is before the start of the previous month (or, with the
   setting "archive.after_days", more than that many days ago) become archived, by the system, with
   the same timeline event as the manual archive action. Archived complaints are read-only: no
   action in the workflow table starts from "archived".
2. Retention: archived complaints closed more than "retention.years" years ago lose their personal
   data — the customer's name, phone, email and member no. are masked, the channel reference too,
   attachment files are deleted from storage — and the timeline says so. The complaint row and its
   events are never deleted, so the statistics and the history stay whole.

Both steps are idempotent and work in batches, each row under a savepoint so one bad row is logged
and skipped instead of stalling the job. Rows are claimed with SKIP LOCKED, so two runners never
act on the same complaint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.complaints.access import mask_email, mask_phone
from loopdesk.complaints.actions import _move  # the manual archive's own step, so both write the same event
from loopdesk.complaints.attachments import path_of
from loopdesk.complaints.intake import searchable
from loopdesk.complaints.models import Complaint, Customer, Event, EventKind, Status
from loopdesk.complaints.timeline import event
from loopdesk.core import config

log = logging.getLogger(__name__)
BATCH = 200
ANONYMISE = "anonymise"


@dataclass
class RunResult:
    archived: list[str] = field(default_factory=list)
    anonymised: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {"archived": len(self.archived), "anonymised": len(self.anonymised), "failed": len(self.failed),
                "dry_run": self.dry_run}


def archive_cutoff(now: datetime | None = None) -> datetime:
    """Complaints closed before this instant are due for the archive."""
    now = now or timezone.now()
    days = int(config.get("archive.after_days"))
    if days > 0:
        return now - timedelta(days=days)
    # Default: a whole calendar month after the month of closing, so a late survey answer or a
    # callback can still reopen it; months are those of the desk's time zone.
    start_of_month = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (start_of_month - timedelta(days=1)).replace(day=1)


def retention_cutoff(now: datetime | None = None) -> datetime | None:
    """Archived complaints closed before this instant lose their personal data; None: kept for ever."""
    years = int(config.get("retention.years"))
    if years <= 0:
        return None
    local = timezone.localtime(now or timezone.now())
    try:
        return local.replace(year=local.year - years)
    except ValueError:  # 29 February
        return local.replace(year=local.year - years, day=28)


def due_for_archive(cutoff: datetime) -> QuerySet[Complaint]:
    return Complaint.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff)


def due_for_anonymising(cutoff: datetime) -> QuerySet[Complaint]:
    done = Event.objects.filter(complaint_id=OuterRef("pk"), action=ANONYMISE)
    return (Complaint.objects.filter(status=Status.ARCHIVED)
            .filter(Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, archived_at__lt=cutoff))
            .exclude(Exists(done)))


def _in_batches(qs: QuerySet[Complaint], step, result_list: list[str], failed: list[str], batch: int) -> None:
    skip: set[int] = set()
    while True:
        with transaction.atomic():
            rows = list(qs.exclude(pk__in=skip).select_for_update(skip_locked=True, of=("self",))
                        .select_related("customer").order_by("id")[:batch])
            for c in rows:
                try:
                    with transaction.atomic():
                        step(c)
                    result_list.append(c.number)
                except Exception:
                    log.exception("archive job: complaint %s failed; skipped this run", c.number)
                    skip.add(c.pk)
                    failed.append(c.number)
        if len(rows) < batch:
            return


def _archive(c: Complaint, cutoff: datetime) -> None:
    note = _("Archived by the monthly archive: closed before %(date)s.") % {
        "date": timezone.localtime(cutoff).strftime("%Y-%m-%d")}
    _move(c, Status.ARCHIVED, actor=None, action="archive", note=note, fields={"archived_at": timezone.now()},
          customer_visible=False)


def _mask_name(name: str) -> str:
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def _mask_ref(text: str) -> str:
    if "@" in text:
        return mask_email(text)
    return mask_phone(text) if text else ""


def _anonymise(c: Complaint) -> None:
    cu = c.customer
    masked = {"name": _mask_name(cu.name), "phone": mask_phone(cu.phone) if cu.phone else "",
              "email": mask_email(cu.email) if cu.email else "",
              "member_no": mask_phone(cu.member_no) if cu.member_no else ""}
    if Complaint.objects.filter(customer_id=cu.pk).exclude(pk=c.pk).exists():
        # The customer still has other complaints that need their data: give this one a masked copy.
        c.customer = Customer.objects.create(anonymous=True, region=cu.region, industry=cu.industry, level=cu.level,
                                             created_at=cu.created_at, **masked)
    else:
        for name, value in masked.items():
            setattr(cu, name, value)
        cu.anonymous = True  # never matched to a new complaint again
        cu.save(update_fields=[*masked, "anonymous"])
    c.channel_ref = _mask_ref(c.channel_ref)
    c.search_text = searchable(c)
    c.save(update_fields=["customer", "channel_ref", "search_text", "updated_at"])
    files = [path_of(a) for a in c.attachments.all()]
    c.attachments.all().delete()
    # Files go once the rows are gone for good; a rollback leaves both in place.
    transaction.on_commit(lambda: [p.unlink(missing_ok=True) for p in files])
    years = int(config.get("retention.years"))
    event(c, EventKind.FIELD, actor=None, action=ANONYMISE, after={"attachments_deleted": len(files)},
          note=_("Retention period of %(n)s years ended: personal data masked, attachments deleted.")
          % {"n": years})


def run(*, now: datetime | None = None, dry_run: bool = False, batch: int = BATCH) -> RunResult:
    now = now or timezone.now()
    result = RunResult(dry_run=dry_run)
    cutoff = archive_cutoff(now)
    keep_until = retention_cutoff(now)
    if dry_run:
        result.archived = list(due_for_archive(cutoff).order_by("id").values_list("number", flat=True))
        if keep_until is not None:
            # Complaints archived by this same run would be anonymised too, if they are old enough.
            old = Q(status=Status.ARCHIVED) | Q(pk__in=due_for_archive(cutoff).values("pk"))
            done = Event.objects.filter(complaint_id=OuterRef("pk"), action=ANONYMISE)
            result.anonymised = list(
                Complaint.objects.filter(old).filter(Q(closed_at__lt=keep_until)
                                                     | Q(closed_at__isnull=True, archived_at__lt=keep_until))
                .exclude(Exists(done)).order_by("id").values_list("number", flat=True))
        return result
    _in_batches(due_for_archive(cutoff), lambda c: _archive(c, cutoff), result.archived, result.failed, batch)
    if keep_until is not None:
        _in_batches(due_for_anonymising(keep_until), _anonymise, result.anonymised, result.failed, batch)
    if result.archived or result.anonymised or result.failed:
        log.info("archive job: %s", result.as_dict())
    return result
