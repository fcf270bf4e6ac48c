"""The notice's preamble on the policy version, and a note per district (Dapeng has no division code of its own).

Filled from the same data/policy_defaults.json as 0002.
"""

import json
from pathlib import Path

from django.db import migrations, models

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "policy_defaults.json"


def fill(apps, schema_editor):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    District = apps.get_model("policy", "District")
    PolicyVersion.objects.filter(code=data["version"]["code"], preamble_zh="").update(
        preamble_zh=data["version"]["preamble_zh"])
    for item in data["districts"]:
        District.objects.filter(code=item["code"], note_zh="", note_en="").update(
            note_zh=item["note_zh"], note_en=item["note_en"])


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0002_policy_defaults'),
    ]

    operations = [
        migrations.AddField(
            model_name='district',
            name='note_en',
            field=models.TextField(blank=True, verbose_name='note (English)'),
        ),
        migrations.AddField(
            model_name='district',
            name='note_zh',
            field=models.TextField(blank=True, verbose_name='note (Chinese)'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='preamble_zh',
            field=models.TextField(blank=True, verbose_name='preamble (Chinese)'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
