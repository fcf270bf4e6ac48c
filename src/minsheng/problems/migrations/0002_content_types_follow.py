"""The content types of the moved models take their new app label, so that what points at them (the admin's log
of changes) stays attached and a backup names only content types that exist. Nothing else changes: the tables are
as they were (0001)."""

from django.db import migrations

MOVED = [("calls", "problems", "problem"), ("calls", "problems", "problemstep")]


def forwards(apps, schema_editor, moved=MOVED):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old, new, model in moved:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def backwards(apps, schema_editor):
    forwards(apps, schema_editor, [(new, old, model) for old, new, model in MOVED])


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('problems', '0001_initial'),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
