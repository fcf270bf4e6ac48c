"""Funding pages: the plan page, saving with clear messages, the public notice and its objection form, projects."""

import pytest
from django.urls import reverse

from minsheng.funding import queries, services
from minsheng.funding.models import FundingPlan, Objection
from minsheng.policy.models import FundingSource, SupportType
from minsheng.review.models import Panel
from tests.factories.funding import WAN, decided_plan, frozen_call, plan_in_notice
from tests.once import drawn

pytestmark = pytest.mark.django_db


def test_plan_page_says_the_ranking_must_be_frozen_first(client):
    world = frozen_call()
    world.call.panel.state = "session"
    world.call.panel.save()
    client.force_login(world.officer)
    page = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk}))
    assert page.status_code == 200 and b"data-ms-not-frozen" in page.content
    assert b"data-ms-plan-create" not in page.content


def test_officer_builds_saves_and_proposes(client, django_assert_max_num_queries):
    world = frozen_call()
    client.force_login(world.officer)
    client.post(reverse("funding:plan_create", kwargs={"call_pk": world.call.pk}))
    plan = FundingPlan.objects.get(call=world.call)
    lines = list(plan.lines.order_by("rank"))
    url = reverse("funding:plan_save", kwargs={"call_pk": world.call.pk})
    data = {"notice_days": 5, f"grant_{lines[0].pk}": "200", f"reason_{lines[0].pk}": ""}
    page = client.post(url, data)
    assert page.status_code == 400 and "invalid-feedback" in page.content.decode()
    data[f"grant_{lines[0].pk}"] = "2000000"           # yuan typed into a 万元 field
    page = client.post(url, data)
    assert page.status_code == 400 and "您是否按元填写了" in page.content.decode()
    data.update({f"grant_{lines[0].pk}": "200", f"reason_{lines[0].pk}": "预算偏高", f"grant_{lines[1].pk}": "250"})
    assert client.post(url, data).status_code == 302
    lines[0].refresh_from_db()
    assert lines[0].grant == 200 * WAN
    with django_assert_max_num_queries(40):
        page = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk}))
    body = page.content.decode()
    assert "data-ms-funding-chart" in body and "data-ms-cutoff" in body and "预算偏高" in body
    client.post(reverse("funding:plan_propose", kwargs={"call_pk": world.call.pk}))
    client.post(reverse("funding:plan_approve", kwargs={"call_pk": world.call.pk}), {"reason": "同意"})
    plan.refresh_from_db()
    assert plan.state == FundingPlan.State.PROPOSED          # the proposer cannot approve
    client.force_login(world.second_officer)
    client.post(reverse("funding:plan_approve", kwargs={"call_pk": world.call.pk}), {"reason": "同意"})
    plan.refresh_from_db()
    assert plan.state == FundingPlan.State.NOTICE


def test_public_notice_and_objection(client):
    world = frozen_call()
    plan = plan_in_notice(world)
    page = client.get(reverse("portal:index"))
    assert reverse("portal:notice_list").encode() in page.content
    page = client.get(reverse("portal:notice_list"))
    assert world.call.title_zh.encode() in page.content
    url = reverse("portal:notice_detail", kwargs={"pk": plan.pk})
    page = client.get(url)
    body = page.content.decode()
    assert world.applications[0].title in body and "data-ms-objection-form" in body
    assert world.applications[3].title not in body          # not funded: not in the notice
    assert client.post(url, {"text": "有异议"}).status_code == 400
    assert client.post(url, {"contact": "13800000000", "text": "有异议"}).status_code == 302
    assert Objection.objects.filter(plan=plan).count() == 1


def test_projects_and_pdf(client):
    world = frozen_call()
    plan = decided_plan(world)
    project = plan.call.projects.first()
    client.force_login(world.officer)
    page = client.get(reverse("funding:project_detail", kwargs={"pk": project.pk}))
    assert project.number.encode() in page.content
    pdf = client.get(reverse("funding:project_pdf", kwargs={"pk": project.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    export = client.get(reverse("funding:export", kwargs={"call_pk": world.call.pk}))
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]
    assert services.frozen_ranking(world.call)


def test_stable_support_call_is_listed_planned_without_a_ranking_and_shown_beside_competitive(client):
    competitive = frozen_call()
    services.apply_suggestion(services.create_plan(competitive.call, by=competitive.officer), by=competitive.officer)
    stable = frozen_call(requests_wan=(100, 80), budget_wan=130, max_grant_wan=100,
                         programme=competitive.call.programme, support_type=SupportType.objects.get(code="stable"))
    Panel.objects.filter(call=stable.call).delete()
    client.force_login(stable.officer)
    listing = client.get(reverse("funding:call_list")).content.decode()
    assert f'data-ms-call="{stable.call.code}"' in listing and f'data-ms-call="{competitive.call.code}"' in listing
    url = reverse("funding:plan", kwargs={"call_pk": stable.call.pk})
    body = client.get(url).content.decode()
    assert "data-ms-stable" in body and "data-ms-plan-create" in body and "通过形式审查" in body
    client.post(reverse("funding:plan_create", kwargs={"call_pk": stable.call.pk}))
    client.post(reverse("funding:plan_suggest", kwargs={"call_pk": stable.call.pk}))
    plan = FundingPlan.objects.get(call=stable.call)
    assert [line.grant / WAN for line in plan.lines.order_by("rank")] == [100, 0]  # 30 left: under half of 80
    body = client.get(url).content.decode()
    assert 'data-ms-envelope="stable"' in body and 'data-ms-envelope="competitive"' in body
    assert "data-ms-envelope-chart" in body
    envelopes = {e.support_type.code: e for e in queries.programme_envelopes(stable.call.programme)}
    assert envelopes["stable"].envelope == 130 * WAN and envelopes["stable"].planned == 100 * WAN
    assert envelopes["competitive"].planned == 600 * WAN and envelopes["competitive"].approved == 0


def test_partial_funding_is_the_calls_published_rule(client):
    world = frozen_call(allow_partial_funding=False)
    page = client.get(reverse("calls:detail", kwargs={"pk": world.call.pk}))
    assert "全额资助或不予资助" in page.content.decode()


def test_co_funding_typed_in_yuan_is_refused_with_the_figure_meant_and_nothing_recorded(client):
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    line = plan.lines.get(rank=2)
    client.force_login(world.officer)
    url = reverse("funding:cofunding_add", kwargs={"call_pk": world.call.pk, "pk": line.pk})
    bank = FundingSource.objects.get(code="bank_loan")
    page = client.post(url, drawn({"source": bank.pk, "provider": "招商银行", "amount": "3000000"}), follow=True)
    assert "您是否按元填写了" in page.content.decode() and not line.cofunding.exists()
    page = client.post(url, drawn({"source": bank.pk, "provider": "招商银行", "amount": "300"}), follow=True)
    assert "配套资金已登记" in page.content.decode()
    assert line.cofunding.get().amount == 300 * WAN
