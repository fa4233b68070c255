"""PostgreSQL: the report reads the complaint table only; index it for that, drop the deadline index.

Since complaints/0006 the report takes the first-cycle clock outcomes and the survey state from the
complaint row, so `report_deadline_outcome` (0001) serves nothing any more while every deadline the
engine and the sweep insert still writes it: dropped.

`cmp_received` (received_at), which every report scan of a period starts from, becomes a covering
index: the same key under the same name, plus the columns the report's narrower scans read — the
filters, the access rule (department, owner, registrar, id), the distributions and `rated`. The
distributions, the ratings and the previous period's count then read the index alone (index-only)
instead of fetching ~82,000 rows of a month: the figures of a month at a million complaints take
~60 ms less (~460 → ~400 ms; a supervisor's ~285 → ~225 ms; docs/PERFORMANCE.md). No index is
added, so registering a complaint writes as many as before, and one less per deadline row; the
entries are wider (97 MB instead of 21 MB at a million complaints). Of the included
columns only region, product and rated are in no other index: an update that changes them can no
longer be a HOT update — rare edits, and `rated` once per complaint. The main scan still reads the
rows (texts, timestamps, clock outcomes), which is why those are not included.

SQLite keeps the plain index of the model state (the model state is unchanged here).
"""

from django.db import migrations

COVERED = ("priority", "channel", "problem_type_id", "region", "product", "department_id", "owner_id",
           "registered_by_id", "id", "rated")
RECEIVED = "CREATE INDEX cmp_received ON complaints_complaint (received_at)"
DEADLINE_OUTCOME = ("CREATE INDEX IF NOT EXISTS report_deadline_outcome ON deadlines_deadline "
                    "(complaint_id, cycle, kind) INCLUDE (met, breached_at)")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS report_deadline_outcome")
    schema_editor.execute("DROP INDEX IF EXISTS cmp_received")
    schema_editor.execute(f"{RECEIVED} INCLUDE ({', '.join(COVERED)})")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS cmp_received")
    schema_editor.execute(RECEIVED)
    schema_editor.execute(DEADLINE_OUTCOME)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_deadline_outcome_index"),
        ("complaints", "0006_report_columns"),
    ]

    operations = [migrations.RunPython(forward, backward)]
