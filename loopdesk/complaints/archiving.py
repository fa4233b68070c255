"""Monthly archiving of closed complaints and the retention of personal data (SPEC §7 归档, §8).

`run()` is one pass of the job (background loop, Celery beat, `manage.py archive_closed`):

1. Archive: closed complaints whose closed_at is before the start of the previous month (or, with the
   setting "archive.after_days", more than that many days ago) become archived, by the system, with
   the same timeline event as the manual archive action. Archived complaints are read-only: no
   action in the workflow table starts from "archived".
2. Retention: archived complaints closed more than "retention.years" years ago lose their personal
   data, each step once, with its own timeline event:
   a. free text — phone numbers, e-mails, ID card and bank card numbers, and the customer's own name,
      phone, e-mail and member no., wherever they were written: the complaint's texts, notes,
      communication logs, sub-tasks, solutions, demand changes, ratings, escalation reasons,
      data-check findings, alert notes, messages about the complaint (outbox and inbox), knowledge
      articles drafted from it, the improvement problem it is grouped into, and the timeline's own
      notes and values (core/redact.py);
   b. the customer's name, phone, email and member no. are masked, the channel reference too,
      attachment files are deleted from storage.
   The complaint row and its events are never deleted, so the statistics and the history stay whole.

Every step is idempotent (a complaint is due until its event is written) and works in batches of
rows claimed with SKIP LOCKED, so two runners never act on the same complaint, walking the ids
upwards so a long backlog is read once. Archiving and 2b take each row under a savepoint; 2a masks
a whole batch with one query per table and redoes a failed batch row by row, so one bad row is
logged and skipped instead of stalling the job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loopdesk.complaints.access import mask_email, mask_phone
from loopdesk.complaints.actions import _move  # the manual archive's own step, so both write the same event
from loopdesk.complaints.attachments import path_of
from loopdesk.complaints.intake import searchable
from loopdesk.complaints.models import Complaint, Customer, Event, EventKind, Status
from loopdesk.complaints.timeline import event, record
from loopdesk.core import bulk, config
from loopdesk.core.redact import mask_personal_data, mask_value

log = logging.getLogger(__name__)
BATCH = 200
ANONYMISE = "anonymise"
SCRUB_TEXT = "scrub_text"

# Free text that may hold personal data: the complaint's own, then that of the rows that reach it,
# per model: (path from the row to its complaint, fields). JSON fields are masked value by value; models
# of apps not installed are skipped. A row reaching several complaints of a batch (an improvement problem
# groups many) is masked with what each of them may name.
COMPLAINT_TEXTS = ("subject", "description", "facts", "core_demand", "priority_override_reason", "cancel_reason",
                   "resolution_summary")
RELATED_TEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "complaints.Note": ("complaint", ("text", "next_step")),
    "complaints.Communication": ("complaint", ("summary", "customer_reaction", "next_step")),
    "complaints.SubTask": ("complaint", ("title", "result")),
    "complaints.Solution": ("complaint", ("measures", "approval_note", "customer_comment")),
    "complaints.DemandChange": ("complaint", ("old_demand", "new_demand", "confirmation")),
    "complaints.Satisfaction": ("complaint", ("comment",)),
    "complaints.Event": ("complaint", ("note", "before", "after")),
    "escalation.Escalation": ("complaint", ("reason",)),
    "monitoring.Finding": ("complaint", ("reason", "changes")),
    "monitoring.Alert": ("complaint", ("ack_note", "params")),
    # Messages about the complaint: the customer's address on survey invitations, texts in parameters.
    "notifications.OutboxMessage": ("complaint", ("address", "params", "last_error")),
    "notifications.InboxItem": ("complaint", ("params",)),
    # A knowledge article drafted from the complaint may quote it; an improvement problem describes the
    # complaints grouped into it.
    "knowledge.Article": ("source_complaint", ("title", "keywords", "script", "solution")),
    "improvement.Problem": ("links__complaint", ("title", "description", "what", "why", "when", "where", "who",
                                                 "how", "root_cause")),
    "improvement.Cause": ("problem__links__complaint", ("text",)),
}
# Columns computed from those texts, rebuilt once they are masked: model → (column, its function of the
# row, the related rows that function reads).
REBUILT: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "knowledge.Article": ("search_text", "loopdesk.knowledge.articles.searchable", ("problem_type__parent",)),
}


@dataclass
class RunResult:
    archived: list[str] = field(default_factory=list)
    anonymised: list[str] = field(default_factory=list)
    texts_scrubbed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {"archived": len(self.archived), "anonymised": len(self.anonymised),
                "texts_scrubbed": len(self.texts_scrubbed), "failed": len(self.failed), "dry_run": self.dry_run}


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


def _past_retention(cutoff: datetime, action: str, qs: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    """Archived (or in `qs`) complaints closed before the cutoff without the event of this retention step."""
    done = Event.objects.filter(complaint_id=OuterRef("pk"), action=action)
    old = Q(status=Status.ARCHIVED) if qs is None else Q(status=Status.ARCHIVED) | Q(pk__in=qs.values("pk"))
    return (Complaint.objects.filter(old)
            .filter(Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, archived_at__lt=cutoff))
            .exclude(Exists(done)))


def due_for_anonymising(cutoff: datetime) -> QuerySet[Complaint]:
    return _past_retention(cutoff, ANONYMISE)


def due_for_text_scrub(cutoff: datetime) -> QuerySet[Complaint]:
    return _past_retention(cutoff, SCRUB_TEXT)


def _claimed(qs: QuerySet[Complaint], batch: int, handle) -> None:
    """Call handle(rows) for batches of rows, each locked in its own transaction, by ascending id.

    Rows another runner holds are skipped (SKIP LOCKED) and left for the next run; walking the ids
    upwards reads a long backlog once instead of re-reading the rows already done on every batch.
    """
    after = 0
    while True:
        with transaction.atomic():
            rows = list(qs.filter(pk__gt=after).select_for_update(skip_locked=True, of=("self",))
                        .select_related("customer").order_by("id")[:batch])
            if rows:
                handle(rows)
        if len(rows) < batch:
            return
        after = rows[-1].pk


def _one_by_one(rows: list[Complaint], step, result_list: list[str], failed: list[str]) -> None:
    for c in rows:
        try:
            with transaction.atomic():
                step(c)
            result_list.append(c.number)
        except Exception:
            log.exception("archive job: complaint %s failed; skipped this run", c.number)
            failed.append(c.number)


def _in_batches(qs: QuerySet[Complaint], step, result_list: list[str], failed: list[str], batch: int) -> None:
    _claimed(qs, batch, lambda rows: _one_by_one(rows, step, result_list, failed))


def _in_set_batches(qs: QuerySet[Complaint], step, result_list: list[str], failed: list[str], batch: int) -> None:
    """Like _in_batches, with a step that takes the whole batch; a failed batch is redone row by row."""

    def handle(rows: list[Complaint]) -> None:
        try:
            with transaction.atomic():
                step(rows)
        except Exception:
            log.exception("archive job: a batch from complaint %s failed; redoing it row by row", rows[0].number)
            # Read again: the failed step may have changed the rows in memory before it was rolled back.
            _one_by_one(rows, lambda c: step([Complaint.objects.select_related("customer").get(pk=c.pk)]),
                        result_list, failed)
        else:
            result_list.extend(c.number for c in rows)

    _claimed(qs, batch, handle)


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


def _scrub_related(ids: list[int], keep: dict[int, list[str]], known: dict[int, list[str]],
                   counts: dict[int, int]) -> None:
    """Mask RELATED_TEXTS rows reaching these complaints, one query per table to read and one to write;
    a row's changes count on the first complaint it reaches."""
    for label, (path, fields) in RELATED_TEXTS.items():
        if not apps.is_installed(f"loopdesk.{label.split('.')[0]}"):
            continue
        model = apps.get_model(label)
        column, rebuild, reads = REBUILT.get(label, ("", "", ()))
        rows = model.objects.filter(**{f"{path}__in": ids}).annotate(reaches=F(path)).order_by("pk")
        rows = rows.select_related(*reads) if rebuild else rows.only("pk", *fields)
        names = [*fields, column] if rebuild else list(fields)
        dirty = []
        # Ordered by id, so the rows of one object reaching several complaints come together.
        for _pk, same in groupby(rows.iterator(chunk_size=2000), key=lambda r: r.pk):
            same = list(same)
            obj, cids = same[0], sorted({r.reaches for r in same})
            n = _masked(obj, fields, [k for c in cids for k in keep[c]], [k for c in cids for k in known[c]])
            if n:
                counts[cids[0]] += n
                if rebuild:
                    setattr(obj, column, import_string(rebuild)(obj))
                dirty.append((obj.pk, *(getattr(obj, f) for f in names)))
        if model is Event:
            Event.objects.mask_texts(names, dirty)
        else:
            bulk.update(model, names, dirty)


def _masked(obj, fields: tuple[str, ...], keep: list[str], known: list[str]) -> int:
    """Mask the personal data in these fields of obj (in memory); how many fields changed."""
    changed = 0
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, str):
            new = mask_personal_data(value, keep=keep, known=known)
        elif value is None:
            continue
        else:
            new = mask_value(value, keep=keep, known=known)
        if new != value:
            setattr(obj, name, new)
            changed += 1
    return changed


def _scrub_texts(rows: list[Complaint]) -> None:
    """Mask personal data in the free text of these complaints and of their records, one query per table
    to read and one to write, and say so on each complaint's timeline."""
    now = timezone.now()
    by_id = {c.pk: c for c in rows}
    # What each complaint's texts may name: its customer's own data (still there: this step runs before
    # the customer's data is masked) is masked wherever it appears; its order number is no card or phone.
    known = {c.pk: [c.customer.name, c.customer.phone, c.customer.email, c.customer.member_no] if c.customer_id
             else [] for c in rows}
    keep = {c.pk: [c.order_no] for c in rows}
    counts = dict.fromkeys(by_id, 0)
    changed = []
    for c in rows:
        n = _masked(c, COMPLAINT_TEXTS, keep[c.pk], known[c.pk])
        if n:
            counts[c.pk] += n
            c.search_text = searchable(c)
            c.updated_at = now
            changed.append(c)
    # One statement per table (core/bulk.py): Django's bulk_update builds a CASE per field and row,
    # which cost ten times the masking itself.
    complaint_fields = [*COMPLAINT_TEXTS, "search_text", "updated_at"]
    bulk.update(Complaint, complaint_fields, [(c.pk, *(getattr(c, f) for f in complaint_fields)) for c in changed])
    _scrub_related(list(by_id), keep, known, counts)
    years = int(config.get("retention.years"))
    record(Event(complaint=c, kind=EventKind.FIELD, actor=None, action=SCRUB_TEXT, at=now,
                 after={"texts_masked": counts[c.pk]}, note=_scrub_note(years, counts[c.pk])) for c in rows)


def _scrub_note(years: int, count: int) -> str:
    if not count:
        return _("Retention period of %(n)s years ended: free text checked, no phone numbers, e-mails, ID or "
                 "bank card numbers found.") % {"n": years}
    return ngettext("Retention period of %(n)s years ended: phone numbers, e-mails, ID and bank card numbers "
                    "masked in %(count)s text.",
                    "Retention period of %(n)s years ended: phone numbers, e-mails, ID and bank card numbers "
                    "masked in %(count)s texts.", count) % {"n": years, "count": count}


def run(*, now: datetime | None = None, dry_run: bool = False, batch: int = BATCH) -> RunResult:
    now = now or timezone.now()
    result = RunResult(dry_run=dry_run)
    cutoff = archive_cutoff(now)
    keep_until = retention_cutoff(now)
    if dry_run:
        result.archived = list(due_for_archive(cutoff).order_by("id").values_list("number", flat=True))
        if keep_until is not None:
            # Complaints archived by this same run would be anonymised too, if they are old enough.
            archiving_now = due_for_archive(cutoff)
            result.texts_scrubbed = list(_past_retention(keep_until, SCRUB_TEXT, archiving_now)
                                         .order_by("id").values_list("number", flat=True))
            result.anonymised = list(_past_retention(keep_until, ANONYMISE, archiving_now)
                                     .order_by("id").values_list("number", flat=True))
        return result
    _in_batches(due_for_archive(cutoff), lambda c: _archive(c, cutoff), result.archived, result.failed, batch)
    if keep_until is not None:
        # Free text first: it looks for the customer's own name and phone, which anonymising masks.
        _in_set_batches(due_for_text_scrub(keep_until), _scrub_texts, result.texts_scrubbed, result.failed, batch)
        _in_batches(due_for_anonymising(keep_until), _anonymise, result.anonymised, result.failed, batch)
    if result.archived or result.anonymised or result.texts_scrubbed or result.failed:
        log.info("archive job: %s", result.as_dict())
    return result
