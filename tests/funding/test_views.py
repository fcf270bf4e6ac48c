"""Funding pages: the plan page, saving with clear messages, the public notice and its objection form, projects."""

import pytest
from django.urls import reverse

from minsheng.funding import services
from minsheng.funding.models import FundingPlan, Objection
from tests.factories.funding import WAN, decided_plan, frozen_call, plan_in_notice

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
    data = {"notice_days": 5, "allow_partial": "on", f"grant_{lines[0].pk}": "200", f"reason_{lines[0].pk}": ""}
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
