"""The facts the reports count, on the complaint row: first-cycle clock outcomes and survey state.

Until now the report probed, for every complaint of the period, the first cycle of its two clocks
and whether a survey link and a rating exist: ~0.9 s of the monthly report at a million complaints.
From here on the domain writes these columns when the fact becomes known (deadlines/engine.py,
complaints/surveys.py, complaints/actions.py); this migration fills them once from the rows that
already record the facts, with one set-based UPDATE (SQLite and PostgreSQL alike).

The outcome of a clock's cycle is the one the report has always used: met; missed when it finished
late or was breached (the sweep set breached_at) before finishing; otherwise not decided (NULL).
"""

from django.db import migrations, models
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Subquery, Value, When

CLOCKS = {"first_response_met": "first_response", "resolution_met": "resolution"}


def backfill(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    Deadline = apps.get_model("deadlines", "Deadline")
    SurveyToken = apps.get_model("complaints", "SurveyToken")
    Satisfaction = apps.get_model("complaints", "Satisfaction")

    def outcome(kind: str) -> Subquery:
        first_cycle = Deadline.objects.filter(complaint_id=OuterRef("pk"), kind=kind, cycle=1)
        decided = Case(When(met__isnull=False, then=F("met")), When(breached_at__isnull=False, then=Value(False)),
                       default=None, output_field=BooleanField())
        return Subquery(first_cycle.annotate(o=decided).values("o")[:1])

    # One statement: every complaint row is written once, whatever its number.
    Complaint.objects.update(
        **{column: outcome(kind) for column, kind in CLOCKS.items()},
        survey_invited=Exists(SurveyToken.objects.filter(complaint_id=OuterRef("pk"))),
        rated=Exists(Satisfaction.objects.filter(complaint_id=OuterRef("pk"))),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_room_for_updates"),
        ("deadlines", "0003_sla_policies_and_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint", name="first_response_met",
            field=models.BooleanField(editable=False, null=True, verbose_name="first response on time"),
        ),
        migrations.AddField(
            model_name="complaint", name="resolution_met",
            field=models.BooleanField(editable=False, null=True, verbose_name="resolution on time"),
        ),
        migrations.AddField(
            model_name="complaint", name="survey_invited",
            field=models.BooleanField(db_default=False, default=False, editable=False,
                                      verbose_name="survey link sent"),
        ),
        migrations.AddField(
            model_name="complaint", name="rated",
            field=models.BooleanField(db_default=False, default=False, editable=False,
                                      verbose_name="rated by the customer"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
