"""Run the data checks now: `manage.py check_data [--check NAME ...] [--list]` (SPEC §6)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from loopdesk.monitoring import checks


class Command(BaseCommand):
    help = "Scan complaints for contradictory records, missing required fields and likely duplicates."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="append", dest="names", metavar="NAME",
                            help=f"Run only this check (repeatable): {', '.join(checks.CHECKS)}.")
        parser.add_argument("--list", action="store_true", dest="show_list", help="List the checks and exit.")

    def handle(self, *args, names: list[str] | None = None, show_list: bool = False, **options) -> None:
        if show_list:
            for name, check in checks.CHECKS.items():
                self.stdout.write(f"{name}\t{check.label}")
            return
        unknown = sorted(set(names or []) - set(checks.CHECKS))
        if unknown:
            raise CommandError(f"Unknown check(s): {', '.join(unknown)}. Known: {', '.join(checks.CHECKS)}.")
        result = checks.scan(names)
        self.stdout.write(json.dumps({name: r.as_dict() for name, r in result.items()}))
