"""The default talent tags (M21): the city's talent categories and the national titles officers record."""

from django.db import migrations

TALENT_TAGS = [
    ("outstanding", "杰出人才", "Distinguished talent"),
    ("national_leader", "国家级领军人才", "National leading talent"),
    ("local_leader", "地方级领军人才", "Local leading talent"),
    ("reserve", "后备级人才", "Reserve talent"),
    ("peacock", "海外高层次人才（孔雀计划）", "Overseas high-level talent (Peacock Programme)"),
    ("young_top", "青年拔尖人才", "Young top talent"),
    ("academician", "院士", "Academician"),
    ("state_council_allowance", "享受国务院特殊津贴专家", "Expert receiving the State Council special allowance"),
]


def add_tags(apps, schema_editor):
    TalentTag = apps.get_model("registry", "TalentTag")
    for order, (code, name_zh, name_en) in enumerate(TALENT_TAGS, start=1):
        TalentTag.objects.update_or_create(code=code, defaults={"name_zh": name_zh, "name_en": name_en,
                                                                "order": order * 10})


def remove_tags(apps, schema_editor):
    TalentTag = apps.get_model("registry", "TalentTag")
    TalentTag.objects.filter(code__in=[code for code, _zh, _en in TALENT_TAGS], people__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_unique_names"),
    ]

    operations = [
        migrations.RunPython(add_tags, remove_tags),
    ]
