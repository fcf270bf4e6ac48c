"""The calls pages: public list and page, the PDF guide, drafting through the edit page (万元, rules, topics),
the workflow buttons, scopes (drafts 404 for the public; departments see what they co-own), the export."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from minsheng.calls.models import Call, CallRule
from minsheng.policy.models import FundingMode, SupportType
from tests.calls.conftest import ZH
from tests.factories import department, domain
from tests.factories.calls import CallFactory, complete

pytestmark = pytest.mark.django_db


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def form_data(programme, **overrides):
    now = timezone.now()
    data = {
        "programme": programme.pk, "title_zh": "智慧医疗网页指南", "title_en": "Web call", "description": "说明",
        "domains": [domain("D01").pk], "funding_mode": FundingMode.objects.get(code="key_tech").pk,
        "support_type": SupportType.objects.get(code="competitive").pk, "budget_wan": "1000",
        "max_grant_wan": "200", "cofunding_ratio": "20", "reviewers_per_proposal": "5",
        "opens_at": _local(now + timedelta(days=1)), "closes_at": _local(now + timedelta(days=30)),
        "review_ends_at": _local(now + timedelta(days=60)), "notice_at": _local(now + timedelta(days=70)),
        "co_owners": [department("health").pk],
        "topics-TOTAL_FORMS": "1", "topics-INITIAL_FORMS": "0", "topics-0-title": "慢病随访",
        "topics-0-description": "社区", "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0",
        "criteria-0-name_zh": "创新性", "criteria-0-weight": "70", "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "10", "criteria-1-name_zh": "可行性", "criteria-1-weight": "30",
        "criteria-1-scale_min": "0", "criteria-1-scale_max": "10",
    }
    data.update(overrides)
    return data


def test_an_officer_drafts_a_call_in_wan_with_a_rule(client, officer, programme, template, dept_health):
    client.force_login(officer)
    response = client.post(reverse("calls:create"), form_data(
        programme, rule_test_min_patents="on", rule_test_min_patents_min_count="2",
        rule_test_min_patents_kinds=["hospital"]))
    call = Call.objects.get()
    assert response.status_code == 302 and response.url == reverse("calls:detail", args=[call.pk])
    assert call.budget == Decimal("10000000.00") and call.max_grant == Decimal("2000000.00")
    assert call.state == Call.State.DRAFT and call.topics.get().title == "慢病随访"
    assert CallRule.objects.get(call=call).params == {"min_count": 2, "kinds": ["hospital"], "mode": "required",
                                                      "strict": False}
    assert timezone.localtime(call.closes_at).tzinfo.key == "Asia/Shanghai"


def test_the_edit_page_shows_each_problem_on_its_field_and_saves_nothing(client, officer, programme, template):
    client.force_login(officer)
    response = client.post(reverse("calls:create"), form_data(
        programme, max_grant_wan="2000", rule_test_min_patents="on", rule_test_min_patents_min_count="0",
        **{"criteria-1-weight": "20"}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "did you type 元" in text
    assert "must be at least 1" in text
    assert "add up to 90" in text
    assert not Call.objects.exists()


def test_the_edit_page_builds_fields_from_the_schema(client, officer, template):
    client.force_login(officer)
    text = client.get(reverse("calls:create")).content.decode()
    assert 'name="rule_test_min_patents_min_count"' in text and 'min="1"' in text and 'max="50"' in text
    assert 'name="rule_test_min_patents_kinds"' in text and 'value="hospital"' in text
    assert 'name="rule_test_min_patents_mode"' in text


def test_editing_a_published_call_is_refused_with_a_message(client, officer):
    call = CallFactory()
    client.force_login(officer)
    response = client.get(reverse("calls:edit", args=[call.pk]), follow=True)
    assert "can no longer be edited" in response.content.decode()


def test_four_eyes_on_the_page(client, officer, officer2, programme):
    call = complete(CallFactory(programme=programme, drafted_by=officer, in_review=True))
    client.force_login(officer)
    page = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "data-ms-four-eyes" in page and "data-ms-approve" not in page
    response = client.post(reverse("calls:approve", args=[call.pk]), follow=True)
    assert "four eyes" in response.content.decode()
    call.refresh_from_db()
    assert call.state == Call.State.IN_REVIEW
    client.force_login(officer2)
    client.post(reverse("calls:approve", args=[call.pk]))
    call.refresh_from_db()
    assert call.state == Call.State.PUBLISHED


def test_submit_and_return_through_the_pages(client, officer, officer2, programme):
    call = complete(CallFactory(programme=programme, drafted_by=officer, draft=True))
    client.force_login(officer)
    client.post(reverse("calls:submit", args=[call.pk]))
    call.refresh_from_db()
    assert call.state == Call.State.IN_REVIEW
    client.force_login(officer2)
    response = client.post(reverse("calls:return", args=[call.pk]), {"reason": ""}, follow=True)
    call.refresh_from_db()
    assert call.state == Call.State.IN_REVIEW and response.status_code == 200
    client.post(reverse("calls:return", args=[call.pk]), {"reason": "请补充指标"})
    call.refresh_from_db()
    assert call.state == Call.State.DRAFT


def test_public_list_groups_by_phase_and_filters_by_domain(client):
    open_call = CallFactory(title_zh="开放中的指南")
    CallFactory(title_zh="即将开放的指南", upcoming=True)
    CallFactory(title_zh="已截止的指南", closed=True)
    CallFactory(title_zh="草稿指南", draft=True)
    CallFactory(title_zh="环境指南", domains=[domain("D02")])
    text = client.get(reverse("calls:list"), **ZH).content.decode()
    assert "开放中的指南" in text and "即将开放的指南" in text and "已截止的指南" in text
    assert "草稿指南" not in text
    only_open = client.get(reverse("calls:list") + "?when=open", **ZH).content.decode()
    assert "开放中的指南" in only_open and "已截止的指南" not in only_open and "即将开放的指南" not in only_open
    d02 = client.get(reverse("calls:list") + "?domain=D02", **ZH).content.decode()
    assert "环境指南" in d02 and "开放中的指南" not in d02
    assert f'data-ms-call="{open_call.code}"' in text


def test_drafts_are_404_for_the_public_and_visible_to_co_owners(client, dept_health, dept_education):
    draft = CallFactory(draft=True, co_owners=[department("health")])
    url = reverse("calls:detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("calls:guide", args=[draft.pk])).status_code == 404
    client.force_login(dept_education)
    assert client.get(url).status_code == 404
    client.force_login(dept_health)
    assert client.get(url).status_code == 200
    assert draft.title_en in client.get(reverse("calls:list") + "?state=draft").content.decode()


def test_call_page_shows_what_an_applicant_needs(client, template):
    call = complete(CallFactory(co_owners=[department("health")], budget=Decimal("30000000")))
    CallRule.objects.create(call=call, template=template, params={"min_count": 1, "kinds": ["hospital"]})
    text = client.get(reverse("calls:detail", args=[call.pk]), **ZH).content.decode()
    assert "3,000.00 万元" in text
    assert "测试专利数" in text and ">M19<" in text and ">M05<" in text
    assert "data-ms-countdown" in text and "北京时间" in text
    assert "创新性" in text and "60" in text
    assert department("health").name_zh in text


def test_pdf_guide_reads_back_in_chinese(client, template):
    call = complete(CallFactory(title_zh="智慧医疗与健康指南", co_owners=[department("health")]))
    CallRule.objects.create(call=call, template=template, params={"min_count": 3})
    response = client.get(reverse("calls:guide", args=[call.pk]), **ZH)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    expected = ("智慧医疗与健康指南", "基层慢病远程管理", "测试专利数", "创新性", "1,000.00 万元", "市卫生人口计生部门")
    for words in expected:
        assert words in text, words


def test_export_lists_calls_in_wan(client, officer):
    CallFactory(title_zh="导出指南", budget=Decimal("12345600"))
    CallFactory(title_zh="导出草稿", draft=True)
    client.force_login(officer)
    response = client.get(reverse("calls:export"), **ZH)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    titles = [row[1] for row in rows[1:]]
    assert "导出指南" in titles and "导出草稿" in titles
    row = next(r for r in rows if r[1] == "导出指南")
    assert row[7] == pytest.approx(1234.56)


def test_programme_page_shows_the_envelope_taken(client, officer, programme):
    CallFactory(programme=programme, budget=Decimal("20000000"))
    CallFactory(programme=programme, budget=Decimal("10000000"), state=Call.State.WITHDRAWN)
    client.force_login(officer)
    text = client.get(reverse("calls:programme_detail", args=[programme.pk]), **ZH).content.decode()
    assert "2,000.00 万元" in text and "3,000.00 万元" in text and "40.0%" in text
    assert "<svg" in text
    listing = client.get(reverse("calls:programme_list"), **ZH).content.decode()
    assert programme.name_zh in listing and "40.0%" in listing


def test_programme_form_takes_wan(client, officer):
    from minsheng.policy.models import FundingSource

    client.force_login(officer)
    response = client.post(reverse("calls:programme_create"), {
        "year": "2026", "source": FundingSource.objects.get(code="district").pk, "name_zh": "区级专项",
        "budget_wan": "6000"})
    assert response.status_code == 302
    from minsheng.calls.models import Programme

    assert Programme.objects.get(name_zh="区级专项").budget == Decimal("60000000.00")
    response = client.post(reverse("calls:programme_create"), {
        "year": "2026", "source": FundingSource.objects.get(code="district").pk, "name_zh": "太小",
        "budget_wan": "0.5"})
    assert response.status_code == 200 and "1 万元" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_does_not_grow(client, rows, django_assert_max_num_queries):
    for _ in range(rows):
        CallFactory(co_owners=[department("health")])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("calls:list")).status_code == 200


def test_the_edit_page_of_a_draft_keeps_its_topics_problems_and_rules(client, officer, programme, template,
                                                                      dept_health):
    from minsheng.problems.models import Problem

    problem = Problem.objects.create(tracking_code="MS-2026-EDIT001", title="社区慢病随访难", description="x",
                                     state=Problem.State.ACCEPTED)
    client.force_login(officer)
    client.post(reverse("calls:create"), form_data(programme, **{"topics-0-problems": [problem.pk]},
                                                   rule_test_min_patents="on", rule_test_min_patents_min_count="3"))
    call = Call.objects.get()
    assert list(call.topics.get().problems.all()) == [problem]
    text = client.get(reverse("calls:edit", args=[call.pk])).content.decode()
    assert f'value="{problem.pk}" selected' in text
    assert 'name="rule_test_min_patents" id="id_rule_test_min_patents" checked' in text or \
        ('name="rule_test_min_patents"' in text and "checked" in text)
    assert 'name="rule_test_min_patents_min_count" value="3"' in text
    assert 'name="budget_wan" value="1000"' in text
    topic = call.topics.get()
    data = form_data(programme, **{"topics-INITIAL_FORMS": "1", "topics-0-id": str(topic.pk),
                                   "topics-0-title": "改名", "topics-0-problems": [problem.pk]})
    assert client.post(reverse("calls:edit", args=[call.pk]), data).status_code == 302
    assert call.topics.get().pk == topic.pk and call.topics.get().title == "改名"
    assert not call.rules.exists()  # unticked: the rule is taken off


def test_a_programme_named_with_its_year_reads_its_year_once(client, officer):
    from tests.factories.calls import ProgrammeFactory

    named = ProgrammeFactory(year=2026, name_zh="2026年区级民生科技专项资金", name_en="2026 District livelihood fund")
    plain = ProgrammeFactory(year=2027, name_zh="区级民生科技专项资金", name_en="District livelihood fund")
    assert str(named) == "2026 District livelihood fund" and str(plain) == "2027 District livelihood fund"
    client.force_login(officer)
    listing = client.get(reverse("calls:programme_list"), **ZH).content.decode()
    assert "2026 2026年" not in listing and ">2026年区级民生科技专项资金<" in listing
    assert ">2027 区级民生科技专项资金<" in listing
    assert ">2026 2026年" not in client.get(reverse("calls:create"), **ZH).content.decode()   # the programme choice


def test_the_edit_page_names_who_acts_for_each_co_owner_and_ties_directions_to_domains(client, officer,
                                                                                         dept_health):
    from minsheng.policy.models import FocusDirection

    client.force_login(officer)
    text = client.get(reverse("calls:create"), **ZH).content.decode()
    assert f"市卫生人口计生部门（经办人：{dept_health.display_name}）" in text
    assert "市民政部门（平台上没有在岗的经办人，不能共同负责指南）" in text
    for direction in FocusDirection.objects.all():
        box = re.search(rf'<input[^>]*name="focus_directions" value="{direction.pk}"[^>]*>', text).group(0)
        assert f'data-ms-shown-with="domains={direction.domain_id}"' in box


def test_a_co_owner_without_an_officer_is_refused_on_its_field(client, officer, programme, dept_health):
    client.force_login(officer)
    response = client.post(reverse("calls:create"), form_data(
        programme, co_owners=[department("health").pk, department("civil_affairs").pk]), **ZH)
    assert response.status_code == 200 and not Call.objects.exists()
    text = response.content.decode()
    assert "市民政部门在平台上没有在岗的经办人" in text


def test_a_direction_outside_the_ticked_domains_is_still_refused_by_the_server(client, officer, programme,
                                                                                dept_health):
    stray = domain("D07").focus_directions.first()
    client.force_login(officer)
    response = client.post(reverse("calls:create"), form_data(programme, focus_directions=[stray.pk]))
    assert response.status_code == 200 and not Call.objects.exists()
    assert "belongs to a domain the call does not cover" in response.content.decode()


def test_the_call_sets_how_often_its_projects_report_and_whether_they_have_a_midterm_check(
        client, officer, programme, template, dept_health):
    client.force_login(officer)
    response = client.post(reverse("calls:create"), form_data(programme, report_every_months="3",
                                                              midterm_check="on"))
    call = Call.objects.get()
    assert response.status_code == 302 and call.report_every_months == 3 and call.midterm_check
    page = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert "data-ms-report-every" in page and "Every 3 months" in page


def test_a_call_left_without_a_frequency_keeps_six_months(client, officer, programme, template, dept_health):
    client.force_login(officer)
    client.post(reverse("calls:create"), form_data(programme))
    call = Call.objects.get()
    assert call.report_every_months == 6 and not call.midterm_check
