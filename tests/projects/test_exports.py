"""A call's projects and progress reports in Excel (M17): read back with openpyxl, each project's execution and
its indicators against their targets as the latest accepted report gives them."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minsheng.contracts.models import TaskBook
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.projects import queries, services
from tests.contracts.helpers import first_paid
from tests.factories import user_for_role
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db


def filing(project, value):
    book = queries.signed_book(project)
    return services.Filing(milestones={m.pk: ("done", "完成") for m in book.milestones.all()},
                           indicators={i.pk: (value, "证明") for i in book.indicators.all()}, problems="无")


@pytest.fixture
def reported(project, officer, applicant):
    """Period 1 filed and accepted with half of every target reached, period 2 not yet due; a second project of
    the same call approved but not begun."""
    today = timezone.localdate()
    TaskBook.objects.filter(project=project, state=TaskBook.State.SIGNED).update(
        starts_on=today - timedelta(days=240), ends_on=today + timedelta(days=480))
    book = queries.signed_book(project)
    report = services.submit_report(project, 1, services.Filing(
        milestones={m.pk: ("done", "完成") for m in book.milestones.all()},
        indicators={i.pk: (str(i.target / 2), "证明") for i in book.indicators.all()}, problems="芯片到货晚"),
        by=applicant)
    services.accept_report(report, by=officer, comments="同意")
    services.record_midterm(project, by=officer, result="pass", findings="进展正常")
    fresh = approved_project(call=project.call)
    return {"book": book, "fresh": fresh}


def sheet(response):
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_calls_projects_with_their_execution_and_indicators(client, project, officer, reported):
    client.force_login(officer)
    headers, rows = sheet(client.get(reverse("projects:call_projects", args=[project.call_id])))
    assert [row[0] for row in rows] == sorted([project.number, reported["fresh"].number])
    values = list(next(r for r in rows if r[0] == project.number))
    assert values[4] == 80                                         # the grant, in 万元
    assert values[7] == 1 and values[8] == 0                       # one report filed, none late
    assert values[9] == "通过"
    indicators = reported["book"].indicators.all()
    assert len(headers) == 10 + 3 * len(indicators) + 2
    for i, indicator in enumerate(indicators):
        target, reached, share = values[10 + 3 * i: 13 + 3 * i]
        assert target == float(indicator.target) and reached == float(indicator.target / 2) and share == 50
    assert values[-2:] == [50, 1]                                  # the average per cent, from period 1's report
    fresh = list(next(r for r in rows if r[0] == reported["fresh"].number))
    assert fresh[7:9] == [0, 0] and fresh[-2:] == [None, None]
    event = AuditEvent.objects.filter(action="funding.project.export").get()
    assert event.new["rows"] == 2 and event.clause == "M17"


def test_the_calls_progress_reports(client, project, officer, reported):
    client.force_login(officer)
    _headers, rows = sheet(client.get(reverse("projects:call_reports", args=[project.call_id])))
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == project.number and row[3] == 1 and row[13] == "芯片到货晚" and row[14] == "同意"
    assert row[10] == f"{reported['book'].milestones.count()}/{reported['book'].milestones.count()}"
    assert AuditEvent.objects.filter(action="projects.progressreport.export").count() == 1


def test_an_organisation_cannot_export_and_officers_find_the_links(client, project, applicant, officer, reported):
    client.force_login(applicant)
    assert client.get(reverse("projects:call_projects", args=[project.call_id])).status_code == 403
    client.force_login(officer)
    page = client.get(reverse("projects:queue")).content.decode()
    assert reverse("projects:call_projects", args=[project.call_id]) in page
    assert reverse("projects:call_reports", args=[project.call_id]) in page
    page = client.get(reverse("contracts:overview")).content.decode()
    assert reverse("projects:call_projects", args=[project.call_id]) in page


def test_finance_reads_the_money_paid(client, project, officer):
    finance = user_for_role(Role.FINANCE)
    paid = approved_project(call=project.call)
    first_paid(paid, officer, user_for_role(Role.APPLICANT, organisation=paid.organisation), finance)
    client.force_login(finance)
    _headers, rows = sheet(client.get(reverse("projects:call_projects", args=[project.call_id])))
    assert len(rows) == 2
    assert next(r for r in rows if r[0] == paid.number)[5] == 40       # half of the 80 万元 grant
