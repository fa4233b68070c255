import datetime

from django.db import migrations

# 09:00–12:00 and 13:30–18:00, Monday to Friday.
DEFAULT_PERIODS = [(datetime.time(9, 0), datetime.time(12, 0)), (datetime.time(13, 30), datetime.time(18, 0))]


def create_defaults(apps, schema_editor):
    WorkingPeriod = apps.get_model("deadlines", "WorkingPeriod")
    if WorkingPeriod.objects.exists():
        return  # an admin already configured the week
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(weekday=weekday, start=start, end=end)
        for weekday in range(5)
        for start, end in DEFAULT_PERIODS
    )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
