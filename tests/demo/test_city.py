import io

import pytest
from django.core.management import call_command
from stdnum.cn import uscc

from minsheng.applications.models import Application
from minsheng.checks.models import CheckDecision
from minsheng.core import audit
from minsheng.core.models import AuditEvent
from minsheng.demo import city
from minsheng.funding.models import Project
from minsheng.registry.models import Organisation, Person
from minsheng.review.models import ExpertProfile

pytestmark = pytest.mark.django_db

FACTOR = 0.01   # a hundredth of the city: 20 organisations, 200 applications, 50 projects, 2,000 audit events


def run_demo(*options) -> str:
    out = io.StringIO()
    call_command("demo", "--no-progress", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_city() -> str:
    return run_demo("--scale", "city", "--city-factor", str(FACTOR))


def test_city_scale_adds_a_decade_in_bulk_with_a_valid_audit_chain():
    run_demo()
    demo_events = AuditEvent.objects.count()
    assert "城市数据已生成" in run_city()   # the command speaks Chinese first
    size = city.sizes(FACTOR)
    city_orgs = Organisation.objects.filter(contact_email__startswith="city")
    assert city_orgs.count() == size["organisations"]
    assert all(uscc.is_valid(code) for code in city_orgs.values_list("credit_code", flat=True))
    assert Person.objects.filter(email__endswith="@city.demo.minsheng.cn", in_expert_pool=True).count() \
        == size["experts"]
    assert ExpertProfile.objects.filter(person__email__endswith="@city.demo.minsheng.cn").count() == size["experts"]
    decade = Application.objects.filter(call__programme__name_zh__contains="城市规模数据")
    assert decade.count() == size["applications"]
    # Lists and facets have something to show: every year, several states and districts.
    assert set(decade.values_list("call__programme__year", flat=True)) == set(city.YEARS)
    assert decade.values("state").distinct().count() >= 5
    assert decade.values("organisation__district").distinct().count() >= 5
    assert Project.objects.filter(call__programme__name_zh__contains="城市规模数据").count() == size["projects"]
    assert CheckDecision.objects.filter(application__in=decade).count() >= size["applications"] // 2
    assert AuditEvent.objects.count() - demo_events == size["audit_events"]
    assert AuditEvent.objects.filter(seq__gt=demo_events).filter(created_at__year__gte=2026).count() == 0
    assert list(audit.verify()) == []
    # A second run adds nothing, and the chain still verifies.
    assert "未新增任何数据" in run_city()
    assert AuditEvent.objects.count() == demo_events + size["audit_events"]
    assert list(audit.verify()) == []
