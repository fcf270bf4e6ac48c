"""The contracts pages as their users meet them: each page and action as the right role and the wrong one, another
organisation's objects (an id changed in the URL) answering 404 and showing nothing, the signed PDF's download,
and bad input answered in the Chinese users read."""

import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minsheng.contracts import services
from minsheng.contracts.models import Expenditure, TaskBook, Tranche
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.contracts.helpers import first_paid, under_way
from tests.factories import user_for_role
from tests.factories.contracts import approved_project
from tests.once import drawn

pytestmark = pytest.mark.django_db
D = Decimal
State = Tranche.State


@pytest.fixture
def w(project, officer, finance, applicant):
    """Our project (the applicant's organisation) and another organisation's, with everyone who may look."""
    other = approved_project()
    return SimpleNamespace(
        project=project, officer=officer, finance=finance, applicant=applicant, other=other,
        other_applicant=user_for_role(Role.APPLICANT, organisation=other.organisation),
        auditor=user_for_role(Role.AUDITOR), expert=user_for_role(Role.EXPERT))


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _said(response) -> str:
    """The messages the page shows after the request, joined."""
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _text(response) -> str:
    return response.content.decode()


# --- Reading ---------------------------------------------------------------------------------------

def test_the_project_list_shows_an_applicant_only_its_own_projects(client, w):
    page = _text(_as(client, w.applicant).get(reverse("contracts:project_list")))
    assert w.project.number in page and w.other.number not in page
    page = _text(_as(client, w.officer).get(reverse("contracts:project_list")))
    assert w.project.number in page and w.other.number in page
    assert _as(client, w.expert).get(reverse("contracts:project_list")).status_code == 403
    assert _as(client, None).get(reverse("contracts:project_list")).status_code == 302   # to the login page


def test_the_project_page_for_each_role(client, w):
    url = reverse("contracts:project", args=[w.project.pk])
    for user in (w.applicant, w.officer, w.finance, w.auditor):
        assert _as(client, user).get(url).status_code == 200, user.role
    assert _as(client, w.expert).get(url).status_code == 403
    response = _as(client, w.other_applicant).get(url)
    assert response.status_code == 404
    assert w.project.number not in _text(response) and w.project.title not in _text(response)


def test_another_organisations_objects_answer_404_to_an_id_changed_in_the_url(client, w):
    """The applicant of the other organisation tries every page and action of ours, by id: nothing is shown,
    nothing changes."""
    tranches = first_paid(w.project, w.officer, w.applicant, w.finance)
    book = TaskBook.objects.get(project=w.project)
    record = services.record_expenditure(w.project, by=w.applicant, category="equipment", amount=D("1000"),
                                         spent_on=timezone.localdate(), description="试剂", voucher="记-1")
    events = AuditEvent.objects.count()
    _as(client, w.other_applicant)
    for name, pk, data in [
        ("contracts:project", w.project.pk, None),
        ("contracts:task_book", book.pk, None),
        ("contracts:pdf", book.pk, None),
        ("contracts:budget", book.pk, {"revision": 1, "equipment": "200"}),
        ("contracts:confirm", book.pk, {"revision": 1}),
        ("contracts:expenditure_add", w.project.pk,
         drawn({"spent_on": timezone.localdate().isoformat(), "category": "equipment", "amount": "1",
                "description": "x"})),
        ("contracts:expenditure_reverse", record.pk, drawn({"reason": "x"})),
    ]:
        url = reverse(name, args=[pk])
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == 404, name
        assert w.project.number not in _text(response), name
    # tranche steps belong to officers and finance: an applicant is refused before any lookup
    assert client.post(reverse("contracts:tranche_request", args=[tranches[1].pk]),
                       drawn({"note": "x"})).status_code == 403
    assert AuditEvent.objects.count() == events
    assert Expenditure.objects.count() == 1


def test_the_signed_pdf_is_downloaded_by_those_who_may_read_it(client, w):
    under_way(w.project, w.officer, w.applicant)
    book = TaskBook.objects.get(project=w.project)
    url = reverse("contracts:pdf", args=[book.pk])
    for user in (w.applicant, w.officer, w.finance, w.auditor):
        response = _as(client, user).get(url)
        assert response.status_code == 200, user.role
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-SHA256"] == book.pdf_sha256 and response.content.startswith(b"%PDF")
    assert _as(client, w.other_applicant).get(url).status_code == 404
    assert _as(client, w.expert).get(url).status_code == 403
    assert _as(client, None).get(url).status_code == 302
    draft = services.issue(w.other, by=w.officer)                 # not signed: no PDF
    assert _as(client, w.officer).get(reverse("contracts:pdf", args=[draft.pk])).status_code == 404


def test_pages_carry_no_inline_script_or_style(client, w):
    first_paid(w.project, w.officer, w.applicant, w.finance)
    for name, args in [("contracts:project", [w.project.pk]), ("contracts:overview", []),
                       ("contracts:finance_queue", [])]:
        page = _text(_as(client, w.finance).get(reverse(name, args=args)))
        assert ' style="' not in page, name
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, (name, tag)


# --- The task book ---------------------------------------------------------------------------------

def test_issuing_is_for_officers(client, w):
    url = reverse("contracts:issue", args=[w.project.pk])
    assert _as(client, w.applicant).post(url).status_code == 403
    assert _as(client, w.finance).post(url).status_code == 403
    assert _as(client, w.officer).get(url).status_code == 405
    response = _as(client, w.officer).post(url)
    book = TaskBook.objects.get(project=w.project)
    assert response.status_code == 302 and response.url == reverse("contracts:task_book", args=[book.pk])
    again = client.post(url)
    assert "该项目的任务书已经下达" in _said(again)
    assert TaskBook.objects.filter(project=w.project).count() == 1


def test_the_budget_form_explains_bad_input_in_chinese(client, w):
    book = services.issue(w.project, by=w.officer)
    url = reverse("contracts:budget", args=[book.pk])
    assert _as(client, w.officer).post(url, {"revision": 1, "equipment": "200"}).status_code == 403
    _as(client, w.applicant)
    response = client.post(url, {"revision": 1, "equipment": "一百", "labour": "100"})
    assert response.status_code == 400
    assert "请更正下方标出的内容" in _text(response) and "输入一个数字" in _text(response)
    response = client.post(url, {"revision": 1, "equipment": "150", "labour": "100"})
    assert response.status_code == 409
    assert "两者必须一致" in _text(response) and "250" in _text(response)
    response = client.post(url, {"revision": 1, "equipment": "120", "labour": "80"})
    assert response.status_code == 302 and "已保存" in _said(response)
    book.refresh_from_db()
    assert {line.category: line.amount for line in book.budget_lines.all()} == {
        "equipment": D("1200000.00"), "labour": D("800000.00")}


def test_the_split_must_add_up_to_one_hundred(client, w):
    book = services.issue(w.project, by=w.officer)
    url = reverse("contracts:split", args=[book.pk])
    assert _as(client, w.applicant).post(url, {"revision": 1, "signing": 100}).status_code == 403
    response = _as(client, w.officer).post(url, {"revision": 1, "signing": 60, "midterm": 30, "acceptance": 20})
    assert response.status_code == 409 and "现合计为 110%" in _text(response)
    response = client.post(url, {"revision": 1, "signing": 101})
    assert response.status_code == 400 and "请更正下方标出的内容" in _text(response)
    response = client.post(url, {"revision": 1, "signing": 60, "midterm": 20, "acceptance": 20})
    assert response.status_code == 302
    book.refresh_from_db()
    assert [part["percent"] for part in book.split] == [60, 20, 20]


def test_confirming_a_task_book_changed_since_it_was_read_is_refused(client, w):
    book = services.issue(w.project, by=w.officer)
    url = reverse("contracts:confirm", args=[book.pk])
    assert _as(client, w.officer).post(url, {"revision": 1}).status_code == 403
    services.set_split(book, percents={"signing": 40, "midterm": 40, "acceptance": 20}, revision=1, by=w.officer)
    response = _as(client, w.applicant).post(url, {"revision": 1})
    assert response.status_code == 302 and "在您打开页面之后" in _said(response)
    book.refresh_from_db()
    assert book.state == TaskBook.State.DRAFT
    client.post(url, {"revision": book.revision})
    book.refresh_from_db()
    assert book.state == TaskBook.State.CONFIRMED


def test_countersigning_and_new_versions_are_for_officers(client, w):
    book = services.issue(w.project, by=w.officer)
    sign = reverse("contracts:countersign", args=[book.pk])
    response = _as(client, w.officer).post(sign)                     # not confirmed yet
    assert "只有承担单位已确认的任务书才能会签" in _said(response)
    services.confirm(book, revision=1, by=w.applicant)
    for user in (w.applicant, w.finance):
        assert _as(client, user).post(sign).status_code == 403
    assert _as(client, w.officer).post(sign).status_code == 302
    book.refresh_from_db()
    assert book.state == TaskBook.State.SIGNED
    revise = reverse("contracts:revise", args=[book.pk])
    assert _as(client, w.applicant).post(revise, {"reason": "调整"}).status_code == 403
    response = _as(client, w.officer).post(revise, {"reason": ""})
    assert response.status_code == 400 and "该字段是必填项" in _text(response)
    response = client.post(revise, {"reason": "调整里程碑"})
    assert response.status_code == 302 and TaskBook.objects.filter(project=w.project, number=2).exists()


# --- Tranches --------------------------------------------------------------------------------------

def test_requesting_a_later_tranche_needs_its_basis(client, w):
    tranches = under_way(w.project, w.officer, w.applicant)
    url = reverse("contracts:tranche_request", args=[tranches[1].pk])
    assert _as(client, w.finance).post(url, drawn({"note": "中期检查通过"})).status_code == 403
    response = _as(client, w.officer).post(url, drawn({"note": ""}))
    assert response.status_code == 302 and "请说明本批次拨付的依据" in _said(response)
    assert Tranche.objects.get(pk=tranches[1].pk).state == State.PLANNED
    response = client.post(url, drawn({"note": "中期检查通过"}))
    assert response.url == reverse("contracts:project", args=[w.project.pk])
    assert Tranche.objects.get(pk=tranches[1].pk).state == State.REQUESTED


def test_approving_is_for_finance_and_returns_to_the_queue(client, w):
    first = under_way(w.project, w.officer, w.applicant)[0]
    services.request_tranche(first, by=w.officer)
    url = reverse("contracts:tranche_approve", args=[first.pk])
    for user in (w.officer, w.applicant, w.auditor):
        assert _as(client, user).post(url, drawn()).status_code == 403
    response = _as(client, w.finance).post(url, drawn({"next": "queue"}))
    assert response.url == reverse("contracts:finance_queue") and "已审批" in _said(response)
    again = client.post(url, drawn())   # another page, drawn before the approval
    assert "不能审批" in _said(again)


def test_finance_returns_a_request_and_the_officer_reads_why(client, w):
    first = under_way(w.project, w.officer, w.applicant)[0]
    services.request_tranche(first, by=w.officer)
    url = reverse("contracts:tranche_return", args=[first.pk])
    for user in (w.officer, w.applicant, w.other_applicant, w.auditor):
        assert _as(client, user).post(url, drawn({"reason": "x"})).status_code == 403
    queue = _text(_as(client, w.finance).get(reverse("contracts:finance_queue")))
    assert f'data-ms-return="{first.order}"' in queue and "退回项目主管" in queue
    response = client.post(url, drawn({"reason": "  ", "next": "queue"}))
    assert response.url == reverse("contracts:finance_queue")
    assert "请说明将拨付申请退回项目主管的原因" in _said(response)
    assert Tranche.objects.get(pk=first.pk).state == State.REQUESTED
    response = client.post(url, drawn({"reason": "开户许可证复印件不清晰，请重新提供。"}))
    assert response.url == reverse("contracts:project", args=[w.project.pk])
    assert "已退回项目主管" in _said(response)
    assert Tranche.objects.get(pk=first.pk).state == State.PLANNED

    page = _text(_as(client, w.officer).get(reverse("contracts:project", args=[w.project.pk])))
    assert "开户许可证复印件不清晰，请重新提供。" in page and "退回：" in page
    assert f'data-ms-request="{first.order}"' in page                  # and can request it again
    client.post(reverse("contracts:tranche_request", args=[first.pk]), drawn())
    assert Tranche.objects.get(pk=first.pk).state == State.REQUESTED
    services.approve_tranche(first, by=w.finance)
    stale = _as(client, w.finance).post(url, drawn({"reason": "再次退回"}))    # a page opened before the approval
    assert "不能退回" in _said(stale)
    assert Tranche.objects.get(pk=first.pk).state == State.APPROVED


def test_recording_a_payment_explains_bad_dates(client, w):
    first = under_way(w.project, w.officer, w.applicant)[0]
    services.request_tranche(first, by=w.officer)
    services.approve_tranche(first, by=w.finance)
    url = reverse("contracts:tranche_pay", args=[first.pk])
    payment = drawn({"paid_on": timezone.localdate(), "reference": "X"})
    assert _as(client, w.officer).post(url, payment).status_code == 403
    _as(client, w.finance)
    response = client.post(url, drawn({"paid_on": "2027-02-30", "reference": "ICBC-1"}))
    assert "请填写支付日期和银行流水号" in _said(response)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url, drawn({"paid_on": tomorrow.isoformat(), "reference": "ICBC-1"}))
    assert "支付日期不能晚于今天" in _said(response)
    assert Tranche.objects.get(pk=first.pk).state == State.APPROVED
    client.post(url, drawn({"paid_on": timezone.localdate().isoformat(), "reference": "ICBC-1"}))
    assert Tranche.objects.get(pk=first.pk).state == State.PAID


# --- Expenditures ----------------------------------------------------------------------------------

def _expense(amount="10", **extra):
    return drawn({"spent_on": timezone.localdate().isoformat(), "category": "equipment", "amount": amount,
                  "description": "采购血压计 20 台", "voucher": "记-2027-015", **extra})


def test_the_organisation_records_spending_and_the_page_shows_it_by_category(client, w):
    first_paid(w.project, w.officer, w.applicant, w.finance)
    url = reverse("contracts:expenditure_add", args=[w.project.pk])
    for user in (w.officer, w.auditor, w.expert):
        assert _as(client, user).post(url, _expense()).status_code == 403
    response = _as(client, w.applicant).post(url, _expense("12.5"))
    assert response.status_code == 302 and "已登记 12.5 万元的经费支出" in _said(response)
    _as(client, w.finance).post(url, _expense("3", category="labour", description="劳务费"))
    page = _text(_as(client, w.applicant).get(reverse("contracts:project", args=[w.project.pk])))
    equipment = re.search(r'data-ms-category="equipment">(.*?)</tr>', page).group(1)
    assert "100.00" in equipment and "20.00" in equipment and "12.50" in equipment   # budget, paid share, spent
    assert re.search(r"data-ms-spent-total>\s*15.50<", page)
    assert 'id="ms-category-chart"' in page and "采购血压计 20 台" in page and "记-2027-015" in page
    project_list = _text(client.get(reverse("contracts:project_list")))
    assert "15.50" in project_list


def test_bad_expenditure_input_is_explained_in_chinese(client, w):
    first_paid(w.project, w.officer, w.applicant, w.finance)             # 40 万元 paid
    url = reverse("contracts:expenditure_add", args=[w.project.pk])
    _as(client, w.applicant)
    response = client.post(url, _expense("十万"))
    assert response.status_code == 400 and "输入一个数字" in _text(response)
    response = client.post(url, _expense("120000"))                    # 元 typed where 万元 is asked
    assert response.status_code == 400
    assert "您是否按元填写了？120000 元即 12 万元" in _text(response)
    response = client.post(url, _expense("41"))
    assert response.status_code == 409
    assert "超过项目目前已拨付的 40 万元" in _text(response) and "只能支出已到账的经费" in _text(response)
    response = client.post(url, _expense(category="travel"))           # not in the budget
    assert response.status_code == 400 and "选择一个有效的选项" in _text(response)
    response = client.post(url, _expense(spent_on=(timezone.localdate() + timedelta(days=1)).isoformat()))
    assert response.status_code == 409 and "支出日期不能晚于今天" in _text(response)
    response = client.post(url, _expense(description=""))
    assert response.status_code == 400 and "该字段是必填项" in _text(response)
    assert not Expenditure.objects.exists()


def test_spending_waits_for_the_first_payment(client, w):
    under_way(w.project, w.officer, w.applicant)
    page = _text(_as(client, w.applicant).get(reverse("contracts:project", args=[w.project.pk])))
    assert "data-ms-expenditure-form" not in page and "首批拨款支付后即可登记经费支出" in page
    response = client.post(reverse("contracts:expenditure_add", args=[w.project.pk]), _expense())
    assert response.status_code == 409 and "只能支出已到账的经费" in _text(response)


def test_a_record_is_reversed_not_edited(client, w):
    first_paid(w.project, w.officer, w.applicant, w.finance)
    record = services.record_expenditure(w.project, by=w.applicant, category="equipment", amount=D("300000"),
                                         spent_on=timezone.localdate(), description="设备", voucher="记-9")
    url = reverse("contracts:expenditure_reverse", args=[record.pk])
    assert _as(client, w.officer).post(url, drawn({"reason": "x"})).status_code == 403
    assert _as(client, w.other_applicant).post(url, drawn({"reason": "x"})).status_code == 404
    response = _as(client, w.applicant).post(url, drawn({"reason": ""}))
    assert "请说明冲销这条记录的原因" in _said(response)
    response = client.post(url, drawn({"reason": "金额多录一位"}))
    assert response.url == reverse("contracts:project", args=[w.project.pk]) and "已冲销" in _said(response)
    assert "已被冲销" in _said(client.post(url, drawn({"reason": "again"})))
    page = _text(client.get(reverse("contracts:project", args=[w.project.pk])))
    assert f'data-ms-expenditure="{record.pk}" data-ms-reversed' in page and "金额多录一位" in page
    assert services.spent(w.project) == D("0")


# --- Finance's pages and exports -------------------------------------------------------------------

def test_the_queue_and_the_overview_are_for_money_roles(client, w):
    first_paid(w.project, w.officer, w.applicant, w.finance)
    services.record_expenditure(w.project, by=w.applicant, category="labour", amount=D("50000"),
                                spent_on=timezone.localdate(), description="劳务", voucher="")
    for name in ("contracts:finance_queue", "contracts:overview"):
        assert _as(client, w.applicant).get(reverse(name)).status_code == 403
        assert _as(client, w.expert).get(reverse(name)).status_code == 403
    page = _text(_as(client, w.finance).get(reverse("contracts:overview")))
    assert re.search(r"data-ms-total-spent>\s*5.00<", page)
    call_row = re.search(rf'data-ms-call="{w.project.call.code}">(.*?)</tr>', page, re.S).group(1)
    assert "5.00" in call_row and "40.00" in call_row
    source_row = re.search(r'data-ms-source="city_rd">(.*?)</tr>', page, re.S).group(1)
    assert "5.00" in source_row


def test_the_expenditure_export(client, w):
    first_paid(w.project, w.officer, w.applicant, w.finance)
    services.record_expenditure(w.project, by=w.applicant, category="equipment", amount=D("20000"),
                                spent_on=timezone.localdate(), description="试剂耗材", voucher="记-3")
    url = reverse("contracts:call_expenditures", args=[w.project.call_id])
    assert _as(client, w.applicant).get(url).status_code == 403
    response = _as(client, w.finance).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "项目编号" and rows[1][0] == w.project.number and rows[1][5] == 2
    assert AuditEvent.objects.filter(action="contracts.expenditure.export", actor=w.finance).count() == 1


@pytest.mark.parametrize("rows", [1, 20])
def test_the_project_list_query_count_does_not_grow_with_rows(client, officer, django_assert_max_num_queries,
                                                              rows):
    for _ in range(rows):
        services.issue(approved_project(), by=officer)
    _as(client, officer)
    # The first page after signing in also stamps the session's idle deadline (five queries on PostgreSQL).
    client.get(reverse("contracts:project_list"))
    with django_assert_max_num_queries(12):
        page = _text(client.get(reverse("contracts:project_list")))
    assert page.count("data-ms-project=") == rows
