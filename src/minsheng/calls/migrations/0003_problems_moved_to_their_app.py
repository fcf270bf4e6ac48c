"""Problem and ProblemStep now belong to the problems app (problems 0001): the state forgets them here and the
topics' relation points at problems.Problem. The tables (calls_problem, calls_problemstep, calls_topic_problems)
stay as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0002_partial_funding_on_the_call'),
        ('problems', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='topic',
                name='problems',
                field=models.ManyToManyField(blank=True, related_name='topics', to='problems.problem', verbose_name='problems answered'),
            ),
            migrations.DeleteModel(
                name='ProblemStep',
            ),
            migrations.DeleteModel(
                name='Problem',
            ),
        ]),
    ]
