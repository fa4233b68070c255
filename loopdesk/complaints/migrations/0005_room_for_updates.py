"""PostgreSQL: leave 15 % of each complaint page free, so updates stay on their page (HOT).

A complaint row is rewritten many times in its life (status, owner, escalation level, timestamps).
On a full page PostgreSQL must put the new version elsewhere and add it to every one of the
table's indexes, the Chinese full-text GIN index included: ~3 ms per row, which made the monitor
sweep's escalation updates the slowest part of a sweep at a million complaints. With free room on
the page, an update that changes no indexed column (escalation level, updated_at, last progress…)
touches no index. Applies to pages written from now on; `VACUUM FULL complaints_complaint` (or
pg_repack) rewrites an existing table with the room (docs/PERFORMANCE.md).
SQLite has no such setting.
"""

from django.db import migrations


def apply(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE complaints_complaint SET (fillfactor = 85)")


def revert(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE complaints_complaint RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_search_vector")]

    operations = [migrations.RunPython(apply, revert)]
