"""Problem and ProblemStep move from calls to problems: the app's state only, the tables keep their names."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('calls', '0002_partial_funding_on_the_call'),
        ('policy', '0005_rule_templates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables stay as they are, under the names they had.
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Problem',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ('tracking_code', models.CharField(max_length=20, unique=True, verbose_name='tracking code')),
                    ('title', models.CharField(max_length=200, verbose_name='title')),
                    ('description', models.TextField(verbose_name='description')),
                    ('affected', models.CharField(blank=True, max_length=300, verbose_name='who is affected')),
                    ('source', models.CharField(choices=[('public', 'Public'), ('department', 'Department')], default='public', max_length=12, verbose_name='source')),
                    ('contact_name', models.CharField(blank=True, max_length=60, verbose_name='contact name')),
                    ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='contact phone')),
                    ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='contact e-mail')),
                    ('state', models.CharField(choices=[('new', 'Received'), ('accepted', 'Accepted'), ('merged', 'Merged'), ('rejected', 'Not taken up'), ('topic', 'Became a call topic')], db_index=True, default='new', max_length=10, verbose_name='state')),
                    ('state_reason', models.TextField(blank=True, verbose_name='reason')),
                    ('search_tokens', models.TextField(blank=True, editable=False)),
                    ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='policy.department', verbose_name='reporting department')),
                    ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='policy.district', verbose_name='district')),
                    ('domain', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='policy.domain', verbose_name='domain')),
                    ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_problems', to='problems.problem', verbose_name='merged into')),
                    ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                ],
                options={
                    'verbose_name': 'livelihood problem',
                    'verbose_name_plural': 'livelihood problems',
                    'db_table': 'calls_problem',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='ProblemStep',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('state', models.CharField(choices=[('new', 'Received'), ('accepted', 'Accepted'), ('merged', 'Merged'), ('rejected', 'Not taken up'), ('topic', 'Became a call topic')], max_length=10, verbose_name='state')),
                    ('note', models.TextField(blank=True, verbose_name='public note')),
                    ('at', models.DateTimeField(auto_now_add=True, verbose_name='time')),
                    ('problem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='problems.problem')),
                ],
                options={
                    'verbose_name': 'problem step',
                    'verbose_name_plural': 'problem steps',
                    'db_table': 'calls_problemstep',
                    'ordering': ['at', 'pk'],
                },
            ),
        ]),
    ]
