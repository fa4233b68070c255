"""Open complaints per owner, kept by triggers on the complaint table (see routing.models.OwnerLoad).

The triggers count every insert, delete and change of owner or status, however it is written (the
workflow, the admin, a bulk load), so the count cannot drift from the complaints. The open statuses
are written out here as they are today; tests/domain/test_owner_load.py fails if the model's
OPEN_STATUSES ever differ from them, which is when a new migration must replace the triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


OPEN = "('new', 'accepted', 'in_progress', 'awaiting_customer', 'solution_pending', 'reopened')"

POSTGRESQL = [f"""
CREATE FUNCTION routing_owner_load() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was bigint;
    now_ bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.owner_id IS NOT NULL AND OLD.status IN {OPEN} THEN was := OLD.owner_id; END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.owner_id IS NOT NULL AND NEW.status IN {OPEN} THEN now_ := NEW.owner_id; END IF;
    END IF;
    IF was IS NOT DISTINCT FROM now_ THEN
        RETURN NULL;
    END IF;
    -- Lower id first, so two hand-overs in opposite directions cannot deadlock on the counters.
    INSERT INTO routing_ownerload (user_id, open_count)
    SELECT v.u, v.d FROM (VALUES (was, -1), (now_, 1)) AS v(u, d) WHERE v.u IS NOT NULL ORDER BY v.u
    ON CONFLICT (user_id) DO UPDATE SET open_count = routing_ownerload.open_count + EXCLUDED.open_count;
    RETURN NULL;
END
$$""", """
CREATE TRIGGER cmp_owner_load AFTER INSERT OR DELETE OR UPDATE OF owner_id, status ON complaints_complaint
FOR EACH ROW EXECUTE FUNCTION routing_owner_load()"""]

SQLITE = [f"""
CREATE TRIGGER cmp_owner_load_insert AFTER INSERT ON complaints_complaint
WHEN NEW.owner_id IS NOT NULL AND NEW.status IN {OPEN}
BEGIN
    INSERT INTO routing_ownerload (user_id, open_count) VALUES (NEW.owner_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET open_count = open_count + 1;
END""", f"""
CREATE TRIGGER cmp_owner_load_delete AFTER DELETE ON complaints_complaint
WHEN OLD.owner_id IS NOT NULL AND OLD.status IN {OPEN}
BEGIN
    UPDATE routing_ownerload SET open_count = open_count - 1 WHERE user_id = OLD.owner_id;
END""", f"""
CREATE TRIGGER cmp_owner_load_update AFTER UPDATE OF owner_id, status ON complaints_complaint
BEGIN
    UPDATE routing_ownerload SET open_count = open_count - 1
    WHERE user_id = OLD.owner_id AND OLD.status IN {OPEN};
    INSERT INTO routing_ownerload (user_id, open_count)
    SELECT NEW.owner_id, 1 WHERE NEW.owner_id IS NOT NULL AND NEW.status IN {OPEN}
    ON CONFLICT (user_id) DO UPDATE SET open_count = open_count + 1;
END"""]

DROP = {
    "postgresql": ["DROP TRIGGER IF EXISTS cmp_owner_load ON complaints_complaint",
                   "DROP FUNCTION IF EXISTS routing_owner_load()"],
    "sqlite": [f"DROP TRIGGER IF EXISTS cmp_owner_load_{op}" for op in ("insert", "delete", "update")],
}

BACKFILL = f"""
INSERT INTO routing_ownerload (user_id, open_count)
SELECT owner_id, count(*) FROM complaints_complaint
WHERE owner_id IS NOT NULL AND status IN {OPEN} GROUP BY owner_id"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"no owner-load triggers for {vendor}")
    for sql in statements:
        schema_editor.execute(sql, params=None)
    schema_editor.execute(BACKFILL, params=None)


def backward(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('complaints', '0007_after_resolution_queue'),
        ('routing', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerLoad',
            fields=[
                ('user', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('open_count', models.IntegerField(default=0, verbose_name='open complaints')),
            ],
            options={
                'verbose_name': 'open complaints per owner',
                'verbose_name_plural': 'open complaints per owner',
            },
        ),
        migrations.RunPython(forward, backward),
    ]
