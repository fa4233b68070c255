from django.db import migrations


def forwards(apps, schema_editor):
    from loopdesk.classification.defaults import install

    install(apps)


class Migration(migrations.Migration):
    dependencies = [("classification", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
