"""Import an announced holiday schedule (e.g. the State Council notice for a new year) from CSV."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from loopdesk.deadlines.models import CalendarDay, DayKind, DaySource

# Admins copy from the Chinese notice, so its words are accepted too.
KINDS = {
    "holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY,
}
NAME_MAX = CalendarDay._meta.get_field("name").max_length


def parse_schedule(path: Path) -> list[tuple[date, str, str]]:
    """Rows of ``date,kind,name`` (header and ``#`` comments optional); every bad line is reported."""
    try:
        # utf-8-sig: files saved by Excel start with a BOM.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    rows: list[tuple[date, str, str]] = []
    errors: list[str] = []
    seen: set[date] = set()
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#") or (number == 1 and cells[0].lower() == "date"):
            continue
        if len(cells) < 2:
            errors.append(f"line {number}: expected date,kind,name")
            continue
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            errors.append(f"line {number}: bad date {cells[0]!r} (use YYYY-MM-DD)")
            continue
        kind = KINDS.get(cells[1].lower())
        name = ",".join(cells[2:]).strip()
        if kind is None:
            errors.append(f"line {number}: bad kind {cells[1]!r} (use holiday or workday)")
        elif day in seen:
            errors.append(f"line {number}: {day} appears twice")
        elif len(name) > NAME_MAX:
            errors.append(f"line {number}: name longer than {NAME_MAX} characters")
        else:
            seen.add(day)
            rows.append((day, kind, name))
    if errors:
        raise CommandError("Nothing imported:\n" + "\n".join(errors))
    if not rows:
        raise CommandError(f"No days found in {path}.")
    return rows


class Command(BaseCommand):
    help = "Import an announced holiday schedule from a CSV file with the columns date,kind,name."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV: date (YYYY-MM-DD), kind (holiday|workday), name")
        parser.add_argument(
            "--source", choices=[DaySource.OFFICIAL, DaySource.ORG], default=DaySource.OFFICIAL,
            help="official (default): an announced national schedule; org: organisation days",
        )
        parser.add_argument(
            "--replace", action="store_true",
            help="first delete existing days of this source in the years the file covers",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        source = options["source"]
        rows = parse_schedule(path)
        years = sorted({day.year for day, _kind, _name in rows})
        created = updated = kept = 0
        with transaction.atomic():
            if options["replace"]:
                CalendarDay.objects.filter(source=source, date__year__in=years).delete()
            existing = {c.date: c for c in CalendarDay.objects.filter(date__in=[day for day, _k, _n in rows])}
            for day, kind, name in rows:
                current = existing.get(day)
                if current is None:
                    CalendarDay.objects.create(date=day, kind=kind, name=name, source=source)
                    created += 1
                elif current.source == DaySource.ORG and source == DaySource.OFFICIAL:
                    kept += 1  # organisation days override official ones, so an import must not erase them
                else:
                    current.kind, current.name, current.source = kind, name, source
                    current.save(update_fields=["kind", "name", "source"])
                    updated += 1
        self.stdout.write(self.style.SUCCESS(
            f"Imported {source} days for {', '.join(map(str, years))}: "
            f"{created} created, {updated} updated, {kept} organisation days kept."
        ))
