"""Authenticator secrets encrypted at rest (keyed by SECOND_FACTOR_KEY, outside the database), and recovery codes.

Existing secrets are encrypted in place; going back decrypts them again.
"""

import django.db.models.deletion
from django.db import migrations, models

from minsheng.accounts import crypto


def encrypt_secrets(apps, schema_editor):
    SecondFactor = apps.get_model("accounts", "SecondFactor")
    for device in SecondFactor.objects.using(schema_editor.connection.alias).only("pk", "secret").iterator():
        device.secret_encrypted = crypto.encrypt(device.secret)
        device.save(update_fields=["secret_encrypted"])


def decrypt_secrets(apps, schema_editor):
    SecondFactor = apps.get_model("accounts", "SecondFactor")
    for device in SecondFactor.objects.using(schema_editor.connection.alias).only("pk", "secret_encrypted").iterator():
        device.secret = crypto.decrypt(device.secret_encrypted)
        device.save(update_fields=["secret"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_second_factor"),
    ]

    operations = [
        migrations.AddField(
            model_name="secondfactor",
            name="secret_encrypted",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        # A default for the clear column only so that going back can add it again to a table that has rows.
        migrations.AlterField(
            model_name="secondfactor",
            name="secret",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RemoveField(
            model_name="secondfactor",
            name="secret",
        ),
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(verbose_name="made at")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="used at")),
                ("device", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="recovery_codes",
                                             to="accounts.secondfactor", verbose_name="second factor")),
            ],
            options={
                "verbose_name": "recovery code",
                "verbose_name_plural": "recovery codes",
                "constraints": [models.UniqueConstraint(fields=("device", "digest"),
                                                        name="recovery_code_unique_per_device")],
            },
        ),
    ]
