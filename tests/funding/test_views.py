"""Funding pages: the plan page, saving with clear messages, the public notice and its objection form, projects."""

import re
from html.parser import HTMLParser

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


class _Forms(HTMLParser):
    """Every <form> of a page, and any form opened inside another (which a browser silently drops)."""

    def __init__(self):
        super().__init__()
        self.depth, self.nested, self.forms, self.ids = 0, 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "form":
            self.nested += self.depth > 0
            self.depth += 1
            self.forms.append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def _forms(body: str) -> _Forms:
    parser = _Forms()
    parser.feed(body)
    return parser


def test_the_plan_page_nests_no_form_and_every_grant_names_the_plan_form(client):
    from minsheng.policy.models import Department

    world = frozen_call(co_owners=[Department.objects.get(code="health")])
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    client.force_login(world.officer)
    body = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk})).content.decode()
    parsed = _forms(body)
    assert parsed.nested == 0
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids"
    lines = list(plan.lines.order_by("rank"))
    for line in lines:
        for name in (f"grant_{line.pk}", f"reason_{line.pk}"):
            field = re.search(rf'<[^>]*name="{name}"[^>]*>', body).group(0)
            assert 'form="ms-plan-form"' in field
    assert re.search(r'<button[^>]*form="ms-plan-form"[^>]*data-ms-save', body)
    funded = [line for line in lines if line.funded]
    assert body.count("data-ms-cofunding-form=") == len(funded)      # one form per funded line, side by side
    # Saving what the page sends works: the form's fields are all there.
    data = {"notice_days": "7", **{f"grant_{line.pk}": str(line.grant / WAN) for line in lines},
            **{f"reason_{line.pk}": line.cut_reason for line in lines}}
    assert client.post(reverse("funding:plan_save", kwargs={"call_pk": world.call.pk}), data).status_code == 302
    plan.refresh_from_db()
    assert plan.notice_days == 7


def _proposed_with_co_owner(code="health", officer=True):
    from minsheng.core.roles import Role
    from minsheng.policy.models import Department
    from tests.factories import user_for_role

    department = Department.objects.get(code=code)
    world = frozen_call(co_owners=[department])
    if officer:
        world.users["department"] = user_for_role(Role.DEPARTMENT_OFFICER, department=department, last_name="周",
                                                  first_name="部门")
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    return world, plan


def test_the_proposer_reads_why_instead_of_an_approve_button_but_may_return_it(client):
    world, _plan = _proposed_with_co_owner()
    client.force_login(world.officer)
    body = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk})).content.decode()
    assert "data-ms-approve" not in body and "data-ms-approval-refusal" in body
    assert "该资助方案由您提出，须由另一名经办人员审批" in body
    assert "data-ms-return" in body


def test_everyone_sees_whose_confirmation_the_plan_waits_for(client):
    world, plan = _proposed_with_co_owner()
    for user in (world.second_officer, world.users["department"]):
        client.force_login(user)
        body = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk})).content.decode()
        part = re.search(r'<li data-ms-co-owner="health" data-ms-waiting>.*?</li>', body, re.S).group(0)
        assert "市卫生人口计生部门" in part and "周部门" in part
        assert "data-ms-approve" not in body
    client.force_login(world.second_officer)
    body = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk})).content.decode()
    assert "尚待共同负责部门确认：市卫生人口计生部门" in body
    # The approval refused by the service all the same, with the same words.
    client.post(reverse("funding:plan_approve", kwargs={"call_pk": world.call.pk}), {"reason": "同意"})
    plan.refresh_from_db()
    assert plan.state == FundingPlan.State.PROPOSED
    services.confirm(plan, by=world.users["department"])
    body = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk})).content.decode()
    assert "data-ms-approve" in body and "data-ms-approval-refusal" not in body
    assert 'data-ms-confirmed="health"' in body


def test_a_co_owner_that_lost_its_last_officer_is_named_as_the_reason_the_plan_waits(client):
    world, _plan = _proposed_with_co_owner(code="civil_affairs", officer=False)
    client.force_login(world.second_officer)
    body = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk})).content.decode()
    assert "data-ms-no-officer" in body and "平台上没有在岗的经办人" in body


def test_the_decision_waits_for_the_notice_with_its_note_and_button_both_disabled(client):
    world = frozen_call()
    plan_in_notice(world)
    client.force_login(world.officer)
    body = client.get(reverse("funding:plan", kwargs={"call_pk": world.call.pk})).content.decode()
    assert re.search(r'<textarea[^>]*id="decide-reason"[^>]*disabled', body)
    assert re.search(r'<button[^>]*data-ms-decide disabled', body)
    assert "data-ms-decide-waits" in body
