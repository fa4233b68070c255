# Intake writes: the repeat lookup reads the newest match first (id in the index), and the timeline
# has no separate complaint index (evt_complaint_at starts with it).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('classification', '0002_defaults'),
        ('complaints', '0007_after_resolution_queue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='complaint',
            name='cmp_repeat_lookup',
        ),
        migrations.AlterField(
            model_name='event',
            name='complaint',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='complaints.complaint'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['customer', 'problem_type', 'received_at', 'id'], name='cmp_repeat_lookup'),
        ),
    ]
