"""CheckDecision now belongs to the checks app (checks 0001): the state forgets it here; the table
applications_checkdecision stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0001_initial'),
        ('checks', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='CheckDecision',
            ),
        ]),
    ]
