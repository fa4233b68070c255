"""Archive closed complaints that are due and anonymise archived ones past retention, now."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from loopdesk.complaints import archiving


class Command(BaseCommand):
    help = ("Archive complaints closed before the start of the previous month (setting archive.after_days) and "
            "mask the personal data of archived complaints past the retention period (retention.years), in "
            "their free text too.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would change; change nothing.")
        parser.add_argument("--verbose-numbers", action="store_true", help="Also print the complaint numbers.")

    def handle(self, *args, dry_run: bool = False, verbose_numbers: bool = False, **options) -> None:
        result = archiving.run(dry_run=dry_run)
        out = result.as_dict()
        if verbose_numbers or dry_run:
            out |= {"archived_numbers": result.archived, "anonymised_numbers": result.anonymised,
                    "texts_scrubbed_numbers": result.texts_scrubbed, "failed_numbers": result.failed}
        self.stdout.write(json.dumps(out, ensure_ascii=False))
