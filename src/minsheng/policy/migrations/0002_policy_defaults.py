"""The policy defaults: 深府办〔2012〕53号 with its 24 clauses and the reference data that cites them.

The data lives in ../data/policy_defaults.json (built by scripts/extract_policy.py from the notice), so
the migration needs nothing outside the repository. Everything it creates stays editable in admin.
"""

import datetime
import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "policy_defaults.json"


def read_defaults() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def load_defaults(apps, schema_editor):
    data = read_defaults()
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    Clause = apps.get_model("policy", "Clause")
    Department = apps.get_model("policy", "Department")
    District = apps.get_model("policy", "District")
    Domain = apps.get_model("policy", "Domain")
    FocusDirection = apps.get_model("policy", "FocusDirection")
    FundingMode = apps.get_model("policy", "FundingMode")
    SupportType = apps.get_model("policy", "SupportType")
    FundingSource = apps.get_model("policy", "FundingSource")

    v = data["version"]
    version, _ = PolicyVersion.objects.update_or_create(code=v["code"], defaults={
        "title_zh": v["title_zh"], "title_en": v["title_en"], "issuer": v["issuer"],
        "issued_on": _date(v["issued_on"]), "effective_from": _date(v["effective_from"]),
        "effective_to": _date(v["effective_to"]),
    })
    for c in data["clauses"]:
        Clause.objects.update_or_create(version=version, code=c["code"], defaults={
            key: c[key] for key in ("number", "part", "title_zh", "title_en", "text_zh", "asks_en",
                                    "platform_zh", "platform_en")
        })
    departments = {}
    for d in data["departments"]:
        departments[d["code"]], _ = Department.objects.update_or_create(code=d["code"], defaults={
            key: d[key] for key in ("name_zh", "name_en", "is_coordinator", "order")
        })
    for d in data["districts"]:
        District.objects.update_or_create(code=d["code"], defaults={
            key: d[key] for key in ("name_zh", "name_en", "division_code", "order")
        })
    for d in data["domains"]:
        domain, _ = Domain.objects.update_or_create(code=d["code"], defaults={
            "name_zh": d["name_zh"], "name_en": d["name_en"], "clause_code": d["clause_code"],
            "lead_department": departments[d["lead_department"]],
        })
        domain.focus_directions.all().delete()
        FocusDirection.objects.bulk_create([
            FocusDirection(domain=domain, name_zh=f["name_zh"], name_en=f["name_en"], order=f["order"])
            for f in d["focus_directions"]
        ])
    for model, key in ((FundingMode, "funding_modes"), (SupportType, "support_types")):
        for item in data[key]:
            model.objects.update_or_create(code=item["code"], defaults={
                field: item[field] for field in ("name_zh", "name_en", "clause_code", "order")
            })
    for item in data["funding_sources"]:
        FundingSource.objects.update_or_create(code=item["code"], defaults={
            field: item[field] for field in ("name_zh", "name_en", "is_government", "clause_code", "order")
        })


def unload_defaults(apps, schema_editor):
    data = read_defaults()

    def codes(key):
        return [item["code"] for item in data[key]]

    FocusDirection = apps.get_model("policy", "FocusDirection")
    FocusDirection.objects.filter(domain__code__in=codes("domains")).delete()
    apps.get_model("policy", "Domain").objects.filter(code__in=codes("domains")).delete()
    apps.get_model("policy", "Clause").objects.filter(version__code=data["version"]["code"]).delete()
    apps.get_model("policy", "PolicyVersion").objects.filter(code=data["version"]["code"]).delete()
    apps.get_model("policy", "Department").objects.filter(code__in=codes("departments")).delete()
    apps.get_model("policy", "District").objects.filter(code__in=codes("districts")).delete()
    apps.get_model("policy", "FundingMode").objects.filter(code__in=codes("funding_modes")).delete()
    apps.get_model("policy", "SupportType").objects.filter(code__in=codes("support_types")).delete()
    apps.get_model("policy", "FundingSource").objects.filter(code__in=codes("funding_sources")).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_defaults, unload_defaults),
    ]
