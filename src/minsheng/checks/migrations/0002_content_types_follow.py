"""The content type of the moved model takes its new app label, so that what points at it (the admin's log of
changes) stays attached and a backup names only content types that exist. The table is as it was (0001)."""

from django.db import migrations

MOVED = [("applications", "checks", "checkdecision")]


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
        ('checks', '0001_initial'),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
