"""Partial funding is the call's published rule (M17), no longer a setting of its plan: each plan's choice moves
to its call before the plan's field goes."""

from django.db import migrations


def plan_setting_to_call(apps, schema_editor):
    FundingPlan = apps.get_model("funding", "FundingPlan")
    Call = apps.get_model("calls", "Call")
    for call_id in FundingPlan.objects.filter(allow_partial=False).values_list("call_id", flat=True):
        Call.objects.filter(pk=call_id).update(allow_partial_funding=False)


def call_setting_to_plan(apps, schema_editor):
    FundingPlan = apps.get_model("funding", "FundingPlan")
    for plan in FundingPlan.objects.select_related("call"):
        FundingPlan.objects.filter(pk=plan.pk).update(allow_partial=plan.call.allow_partial_funding)


class Migration(migrations.Migration):

    dependencies = [
        ("funding", "0003_objector_name"),
        ("calls", "0002_partial_funding_on_the_call"),
    ]

    operations = [
        migrations.RunPython(plan_setting_to_call, call_setting_to_plan),
        migrations.RemoveField(model_name="fundingplan", name="allow_partial"),
    ]
