"""The audit trail as people read it: one sentence per change in the page's language, labels from the models,
choice labels, money in 万元, times in Asia/Shanghai, records by name, nothing internal; the audit pages and the
call page show no action code, field name or amount in 元."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from minsheng.calls.models import Call
from minsheng.core import audit, readable, services
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.problems import services as problems
from tests.contracts.helpers import first_paid
from tests.factories import department, domain, user_for_role
from tests.factories.calls import CallFactory, ProgrammeFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def visible(html: str) -> str:
    """The text a person reads: tags and their attributes removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sentences_of(instance, language: str) -> list[str]:
    with translation.override(language):
        return [s for item in readable.read(audit.history_for(instance)) for s in item.sentences]


@pytest.fixture
def officer():
    return user_for_role(Role.OFFICER, username="zhangsan", last_name="张", first_name="三")


@pytest.fixture
def problem():
    return problems.submit_problem(by=None, values={
        "title": "老旧小区加装电梯难", "description": "老旧小区没有电梯，老人上下楼非常困难，希望有低成本的加装方案。",
        "contact_phone": "13912345678"})


def test_a_state_change_reads_as_a_sentence_in_chinese_and_english(problem, officer):
    problems.accept_problem(problem=problem, by=officer, domain=domain("D04"))
    assert "张三 将状态从「已收到」改为「已受理」" in sentences_of(problem, "zh-hans")
    english = sentences_of(problem, "en")
    assert "张三 changed the state from “Received” to “Accepted”" in english
    assert any(s.startswith("张三 set the domain to “D04 ") for s in english)


def test_money_reads_in_wan_and_times_in_shanghai(officer):
    programme = ProgrammeFactory(budget=Decimal("50000000"))
    services.update_audited(programme, by=officer, changes={"budget": Decimal("62500000")})
    assert sentences_of(programme, "zh-hans") == ["张三 将预算总额从「5,000.00 万元」改为「6,250.00 万元」"]

    call = CallFactory(draft=True, opens_at=datetime.datetime(2027, 1, 4, 9, tzinfo=SHANGHAI),
                       closes_at=datetime.datetime(2027, 3, 1, 17, 30, tzinfo=SHANGHAI),
                       review_ends_at=datetime.datetime(2027, 6, 30, 17, 30, tzinfo=SHANGHAI))
    closes = datetime.datetime(2027, 3, 31, 17, 30, tzinfo=SHANGHAI)
    services.update_audited(call, by=officer, changes={"closes_at": closes, "allow_partial_funding": False})
    said = sentences_of(call, "zh-hans")
    # stored in UTC, read in Beijing time
    assert "张三 将截止时间从「2027-03-01 17:30」改为「2027-03-31 17:30」" in said
    assert "张三 将允许部分资助从「是」改为「否」" in said


def test_referenced_records_read_by_name(officer):
    call = CallFactory(draft=True)
    health, education = department("health"), department("education")
    services.update_audited(call, by=officer, changes={"co_owners": [health, education]})
    (said,) = sentences_of(call, "zh-hans")
    assert said.startswith("张三 将共同负责部门设为「") or said.startswith("张三 将共同负责部门从")
    assert health.name_zh in said and education.name_zh in said


def test_a_creation_reads_as_who_did_what_and_leaves_internal_fields_out(problem):
    with translation.override("zh-hans"):
        (item,) = readable.read(audit.history_for(problem))
        assert item.summary == "公众：提交民生需求" or item.summary == "系统：提交民生需求"
        keys = [change.key for change in item.changes]
    assert "search_tokens" not in keys and "id" not in keys
    assert "title" in keys and "tracking_code" in keys
    phone = next(c for c in item.changes if c.key == "contact_phone")
    assert phone.personal and phone.new == "〔个人信息〕"


def test_a_personal_detail_changes_without_its_value(problem, officer):
    services.update_audited(problem, by=officer, changes={"contact_phone": "13700001111"})
    assert sentences_of(problem, "zh-hans") == ["张三 修改了联系电话"]
    assert sentences_of(problem, "en") == ["张三 changed the contact phone"]


def test_the_problem_page_history_has_no_raw_field_or_contact(client, problem, officer):
    problems.accept_problem(problem=problem, by=officer)
    client.force_login(officer)
    text = visible(client.get(reverse("problems:detail", args=[problem.pk])).content.decode())
    assert "张三 将状态从「已收到」改为「已受理」" in text
    for raw in ("contact_phone", "search_tokens", "tracking_code", "calls.problem", "id:"):
        assert raw not in text
    assert "13912345678" in text   # the officer sees the live contact details, above the history
    history = text[text.index("变更记录"):]
    assert "13912345678" not in history


def test_the_call_page_lists_labels_not_field_names(client, officer):
    call = CallFactory(draft=True)
    services.update_audited(call, by=officer, changes={
        "allow_partial_funding": False, "closes_at": call.closes_at + datetime.timedelta(days=2),
        "co_owners": [department("health")]})
    client.force_login(officer)
    text = visible(client.get(reverse("calls:detail", args=[call.pk])).content.decode())
    assert "张三 将允许部分资助从「是」改为「否」" in text
    for raw in ("allow_partial_funding", "co_owners", "closes_at", "calls.call.update"):
        assert raw not in text
    assert text.count("变更记录") == 1
    client.cookies["minsheng_language"] = "en"
    english = visible(client.get(reverse("calls:detail", args=[call.pk])).content.decode())
    assert "张三 changed the partial funding allowed from “yes” to “no”" in english


def test_the_audit_page_names_actions_and_targets_and_shows_wan(client):
    project = approved_project(grant=Decimal("800000"))
    officer = user_for_role(Role.OFFICER)
    tranche = first_paid(project, officer, user_for_role(Role.APPLICANT, organisation=project.organisation))[0]
    assert tranche.amount == Decimal("400000.00")
    client.force_login(user_for_role(Role.AUDITOR))
    html = client.get(reverse("core:audit_list"), {"action": "contracts.tranche"}).content.decode()
    text = visible(html)
    assert "支付拨款" in text and "批准拨付" in text and "拨付批次" in text
    assert "40.00 万元" in text
    assert "400000" not in text
    assert not re.search(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b", text), re.findall(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b", text)
    pay = AuditEvent.objects.get(action="contracts.tranche.pay")
    detail = visible(client.get(reverse("core:audit_detail", args=[pay.pk])).content.decode())
    assert "支付拨款" in detail and "40.00 万元" in detail and "contracts.tranche.pay" not in detail
    assert f"{project.number} #1" in detail


def test_the_audit_filter_offers_actions_by_name(client):
    officer = user_for_role(Role.OFFICER)
    problems.accept_problem(problem=problems.submit_problem(by=None, values={
        "title": "社区停车难", "description": "老旧小区停车位严重不足，晚上经常无处停车。"}), by=officer)
    client.force_login(user_for_role(Role.AUDITOR))
    html = client.get(reverse("core:audit_list")).content.decode()
    select = html[html.index('name="action"'):html.index("</select>", html.index('name="action"'))]
    assert '<option value="calls.problem.accept">民生需求 › 受理民生需求</option>' in select
    assert '<option value="calls">申报指南（全部）</option>' in select
    only = client.get(reverse("core:audit_list"), {"action": "calls.problem.accept"}).content.decode()
    assert re.findall(r'<tr data-ms-event="(\d+)"', only) == [
        str(AuditEvent.objects.get(action="calls.problem.accept").seq)]


def test_the_auditors_home_and_the_task_book_history_name_their_actions(client):
    project = approved_project()
    officer = user_for_role(Role.OFFICER)
    first_paid(project, officer, user_for_role(Role.APPLICANT, organisation=project.organisation))
    client.force_login(user_for_role(Role.AUDITOR))
    text = visible(client.get(reverse("accounts:home")).content.decode())
    assert "支付拨款" in text and "contracts.tranche.pay" not in text
    client.force_login(officer)
    book = project.task_books.get()
    text = visible(client.get(reverse("contracts:task_book", args=[book.pk])).content.decode())
    assert "签订任务书" in text and "contracts.taskbook" not in text


def test_reading_a_page_of_events_costs_a_few_queries(django_assert_max_num_queries, officer):
    for _ in range(20):
        call = CallFactory(draft=True, co_owners=[department("health")])
        services.update_audited(call, by=officer, changes={"co_owners": [department("education")],
                                                           "max_grant": Decimal("1500000")})
    events = list(AuditEvent.objects.order_by("-seq")[:50])
    with django_assert_max_num_queries(4):
        items = readable.read(events)
    assert len(items) == len(events) and all(item.sentences for item in items)


def test_the_time_of_a_deadline_reads_in_beijing_time():
    event = AuditEvent(action="applications.application.check_return", target_type="applications.application",
                       old={"state": "in_check"}, new={"state": "returned", "deadline": "2026-12-08T09:00:00+00:00"},
                       created_at=timezone.now())
    with translation.override("zh-hans"):
        (item,) = readable.read([event])
    deadline = next(c for c in item.changes if c.key == "deadline")
    assert deadline.label == "修改截止时间" and deadline.new == "2026-12-08 17:00"
    assert Call.State.DRAFT  # the states table is importable beside the reader


def test_lists_and_mappings_read_with_the_pages_punctuation():
    event = AuditEvent(action="applications.application.section.budget", target_type="applications.application",
                       old={"budget": {}}, new={"budget": {"equipment": "1500000.00", "labour": "1750000.00"}},
                       created_at=timezone.now())
    with translation.override("zh-hans"):
        (item,) = readable.read([event])
    assert item.changes[0].label == "分科目预算"
    assert item.changes[0].new == "设备费 150.00 万元；劳务费 175.00 万元"
    with translation.override("en"):
        (item,) = readable.read([event])
    assert item.changes[0].new == "Equipment 150.00 万元; Labour 175.00 万元"
    plan = AuditEvent(action="funding.plan.update", target_type="funding.fundingplan", old={},
                      new={"lines": {"MSZN-2026-005-0002": {"grant": "1990000.00", "cut_reason": "", "was": "0"}}},
                      created_at=timezone.now())
    with translation.override("zh-hans"):
        assert readable.read([plan])[0].changes[0].new == \
            "MSZN-2026-005-0002（资助金额 199.00 万元，核减理由 —，原值 0.00 万元）"
    with translation.override("en"):
        assert readable.read([plan])[0].changes[0].new == \
            "MSZN-2026-005-0002 (grant 199.00 万元, reason for the cut —, before 0.00 万元)"
