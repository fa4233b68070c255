# Dedupe keys as unique constraints: unique=True also made a LIKE index on PostgreSQL that nothing reads.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_fewer_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='inboxitem',
            name='dedupe_key',
            field=models.CharField(max_length=255),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='dedupe_key',
            field=models.CharField(max_length=255),
        ),
        migrations.AddConstraint(
            model_name='inboxitem',
            constraint=models.UniqueConstraint(fields=('dedupe_key',), name='inbox_dedupe_key'),
        ),
        migrations.AddConstraint(
            model_name='outboxmessage',
            constraint=models.UniqueConstraint(fields=('dedupe_key',), name='outbox_dedupe_key'),
        ),
    ]
