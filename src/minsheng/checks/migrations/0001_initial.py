"""CheckDecision moves from applications to checks: the app's state only, the table keeps its name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('applications', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables stay as they are, under the names they had.
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='CheckDecision',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('decision', models.CharField(choices=[('pass', 'Pass'), ('return', 'Return for correction'), ('reject', 'Reject')], max_length=10, verbose_name='decision')),
                    ('reason', models.TextField(blank=True, verbose_name='reason')),
                    ('deadline', models.DateTimeField(blank=True, null=True, verbose_name='correction deadline')),
                    ('decided_at', models.DateTimeField(auto_now_add=True)),
                    ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='check_decisions', to='applications.application')),
                    ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'formal-check decision',
                    'verbose_name_plural': 'formal-check decisions',
                    'db_table': 'applications_checkdecision',
                    'ordering': ['application', '-decided_at'],
                },
            ),
        ]),
    ]
