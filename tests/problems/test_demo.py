"""The demo parts of this stage: problems in every state the triage reaches, and IP assets that give the M19
rule organisations that pass and that fail. Built twice: the second run adds nothing."""

from collections import Counter

import pytest
from django.db.models import Count, Q

from minsheng.core.models import AuditEvent
from minsheng.demo import builder as demo
from minsheng.demo import problems as demo_problems
from minsheng.outcomes import numbers
from minsheng.outcomes.models import IPAsset
from minsheng.problems.models import Problem
from minsheng.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_problems_and_ip(monkeypatch):
    monkeypatch.setattr(demo, "PARTS", ["problems", "ip"])
    demo.DemoBuilder().build()
    counts = (Problem.objects.count(), IPAsset.objects.count())
    assert demo.DemoBuilder().build() == 0
    assert (Problem.objects.count(), IPAsset.objects.count()) == counts

    problems = Problem.objects.all()
    assert 40 <= problems.count() <= 45
    states = Counter(problems.values_list("state", flat=True))
    assert set(states) == {"new", "accepted", "merged", "rejected"}
    assert problems.values("domain").exclude(domain=None).distinct().count() == 10
    assert problems.filter(source=Problem.Source.DEPARTMENT).exists()
    assert all(p.merged_into.merged_into_id is None for p in problems.filter(state="merged"))
    assert all(p.steps.count() >= 2 for p in problems.exclude(state="new"))
    erased = problems.get(title=demo_problems.ERASED_ON_REQUEST)
    assert (erased.contact_name, erased.contact_email) == ("", "")
    assert AuditEvent.objects.filter(action="calls.problem.erase", target_id=str(erased.pk)).count() == 1

    for asset in IPAsset.objects.all():
        assert numbers.clean_number(asset.number, asset.kind) == asset.number
    granted = Organisation.objects.annotate(n=Count("ip_assets", filter=Q(
        ip_assets__kind="invention_patent", ip_assets__status="granted", ip_assets__domain__code="D01")))
    applicant_org = granted.get(name_zh="深圳智慧慢病管理科技有限公司")
    assert applicant_org.n >= 2
    assert granted.filter(n=0).count() > granted.filter(n__gt=0).count() > 3
    assert IPAsset.objects.filter(domain__code="D02", kind="invention_patent", status="granted").exists()
