from django.db import migrations


def forwards(apps, schema_editor):
    from loopdesk.deadlines.defaults import install

    install(apps)


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_sla_policies_and_deadlines")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
