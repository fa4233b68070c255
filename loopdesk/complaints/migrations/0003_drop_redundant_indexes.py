"""PostgreSQL: drop complaint indexes that another index already serves; every intake writes each one.

- the single-column indexes Django adds for the foreign keys customer, department, owner and
  problem_type: a composite index starts with the same column (cmp_repeat_lookup, cmp_dept_status,
  cmp_owner_status, cmp_type_id) and serves the same lookups and foreign-key checks;
- the varchar_pattern_ops twins of number, intake_key and order_no: they only serve LIKE 'prefix%',
  which nothing runs; equality and IN use the unique constraint or the plain index.

The model state is unchanged (the schema editor drops these names with IF EXISTS when a field
changes), so SQLite keeps them and reversing recreates them under Django's names.
"""

from django.db import migrations

TABLE = "complaints_complaint"
FK_COLUMNS = ("customer_id", "department_id", "owner_id", "problem_type_id")
LIKE_COLUMNS = ("number", "intake_key", "order_no")


def _redundant(cursor) -> list[str]:
    # Non-unique single-column btree indexes on the columns above, whatever their generated names.
    cursor.execute(
        """
        SELECT i.relname, a.attname, opc.opcname
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
        JOIN pg_opclass opc ON opc.oid = x.indclass[0]
        JOIN pg_am am ON am.oid = i.relam
        WHERE t.relname = %s AND x.indnatts = 1 AND NOT x.indisunique AND am.amname = 'btree'
          AND x.indexprs IS NULL AND x.indpred IS NULL
        """,
        [TABLE],
    )
    names = []
    for name, column, opclass in cursor.fetchall():
        if column in FK_COLUMNS or (column in LIKE_COLUMNS and opclass in ("varchar_pattern_ops", "text_pattern_ops")):
            names.append(name)
    return names


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in _redundant(cursor):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    for column in FK_COLUMNS:
        name = schema_editor._create_index_name(TABLE, [column])
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {qn(TABLE)} ({qn(column)})")
    for column in LIKE_COLUMNS:
        name = schema_editor._create_index_name(TABLE, [column], suffix="_like")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {qn(name)} ON {qn(TABLE)} ({qn(column)} varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_search_index")]
    operations = [migrations.RunPython(drop, recreate)]
