"""The pages of progress reports and the mid-term check (M17): what each role sees and what its buttons do."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.roles import Role
from minsheng.projects import queries, services
from minsheng.projects.models import MidtermCheck, ProgressReport
from tests.factories import user_for_role
from tests.once import drawn

pytestmark = pytest.mark.django_db


@pytest.fixture
def begun(project):
    """The project's task book moved to have begun eight months ago: period 1 is past due, period 2 open."""
    today = timezone.localdate()
    TaskBook.objects.filter(project=project, state=TaskBook.State.SIGNED).update(
        starts_on=today - timedelta(days=240), ends_on=today + timedelta(days=480))
    return project


def form(project, value="1"):
    book = queries.signed_book(project)
    data = {f"m{m.pk}_status": "done" for m in book.milestones.all()}
    data.update({f"m{m.pk}_work": "样机完成" for m in book.milestones.all()})
    data.update({f"i{i.pk}_value": value for i in book.indicators.all()})
    data.update({f"i{i.pk}_evidence": "https://example.cn/p" for i in book.indicators.all()})
    data["problems"] = "供货延迟"
    return data


def test_the_project_page_links_the_reports_and_counts_the_late_ones(client, begun, applicant):
    client.force_login(applicant)
    page = client.get(reverse("contracts:project", args=[begun.pk])).content.decode()
    assert reverse("projects:project", args=[begun.pk]) in page
    assert 'data-ms-project-late="1"' in page
    page = client.get(reverse("projects:project", args=[begun.pk])).content.decode()
    assert 'data-ms-late-count="1"' in page and 'data-ms-period-status="late"' in page
    assert reverse("projects:file", args=[begun.pk, 1]) in page


def test_the_applicant_files_and_the_officer_accepts(client, begun, applicant, officer):
    client.force_login(applicant)
    assert client.get(reverse("projects:file", args=[begun.pk, 1])).status_code == 200
    response = client.post(reverse("projects:file", args=[begun.pk, 1]), form(begun))
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("projects:report", args=[report.pk])
    assert report.state == ProgressReport.State.SUBMITTED and report.problems == "供货延迟"
    page = client.get(response.url).content.decode()
    assert "data-ms-accept" not in page            # the applicant cannot decide
    client.force_login(officer)
    page = client.get(response.url).content.decode()
    assert "data-ms-accept" in page and "data-ms-return" in page
    assert client.post(reverse("projects:accept", args=[report.pk]), {"comments": ""}).status_code == 302
    report.refresh_from_db()
    assert report.state == ProgressReport.State.ACCEPTED
    assert queries.late_count(begun) == 0


def test_a_negative_value_shows_the_form_again_with_the_message(client, begun, applicant):
    client.force_login(applicant)
    response = client.post(reverse("projects:file", args=[begun.pk, 1]), form(begun, value="-3"))
    assert response.status_code == 400
    assert "不能为负数" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_tampered_indicator_is_refused_by_name(client, begun, applicant):
    client.force_login(applicant)
    response = client.post(reverse("projects:file", args=[begun.pk, 1]), {**form(begun), "i999999_value": "5"})
    assert response.status_code == 400 and "任务书没有的指标" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_return_needs_comments_on_the_page(client, begun, applicant, officer):
    client.force_login(applicant)
    client.post(reverse("projects:file", args=[begun.pk, 1]), form(begun))
    report = ProgressReport.objects.get()
    client.force_login(officer)
    response = client.post(reverse("projects:return", args=[report.pk]), {"comments": ""})
    assert response.status_code == 409 and "请写明" in response.content.decode()
    client.post(reverse("projects:return", args=[report.pk]), {"comments": "请补充专利受理通知书"})
    report.refresh_from_db()
    assert report.state == ProgressReport.State.RETURNED
    client.force_login(applicant)
    page = client.get(reverse("projects:file", args=[begun.pk, 1])).content.decode()
    assert "请补充专利受理通知书" in page and "样机完成" in page    # filed again from what it said


def test_the_officers_list_shows_late_and_waiting_reports(client, begun, officer):
    client.force_login(officer)
    page = client.get(reverse("projects:queue")).content.decode()
    assert f'data-ms-queue-row="{begun.number}-1"' in page


def test_the_midterm_button_waits_for_an_accepted_report_and_the_tranche_cites_the_check(
        client, begun, applicant, officer):
    client.force_login(officer)
    page = client.get(reverse("projects:project", args=[begun.pk])).content.decode()
    assert "data-ms-midterm-waiting" in page and "data-ms-midterm-form" not in page
    report = services.submit_report(begun, 1, _filing(begun), by=applicant)
    services.accept_report(report, by=officer)
    page = client.get(reverse("projects:project", args=[begun.pk])).content.decode()
    assert "data-ms-midterm-form" in page
    refused = client.post(reverse("projects:midterm", args=[begun.pk]),
                          {"result": "actions", "findings": "进度滞后", "actions": "补招人员"})
    assert refused.status_code == 409 and "整改期限" in refused.content.decode()
    assert "进度滞后" in refused.content.decode() and not MidtermCheck.objects.exists()   # what was typed stays
    response = client.post(reverse("projects:midterm", args=[begun.pk]),
                           {"result": "actions", "findings": "进度滞后", "actions": "补招人员",
                            "actions_due_on": (date.today() + timedelta(days=60)).isoformat()})
    assert response.status_code == 302 and MidtermCheck.objects.get().result == "actions"
    tranche = Tranche.objects.get(project=begun, condition=Tranche.Condition.MIDTERM)
    page = client.get(reverse("contracts:project", args=[begun.pk])).content.decode()
    assert f'data-ms-cites-check="{tranche.order}"' in page
    client.post(reverse("contracts:tranche_request", args=[tranche.pk]), drawn())
    tranche.refresh_from_db()
    assert tranche.state == Tranche.State.REQUESTED and "中期检查" in tranche.request_note


def _filing(project):
    book = queries.signed_book(project)
    return services.Filing(milestones={m.pk: ("done", "") for m in book.milestones.all()},
                           indicators={i.pk: ("1", "") for i in book.indicators.all()})


def test_finance_reads_but_cannot_file_and_another_organisation_gets_404(client, begun):
    client.force_login(user_for_role(Role.FINANCE))
    assert client.get(reverse("projects:project", args=[begun.pk])).status_code == 200
    assert client.get(reverse("projects:file", args=[begun.pk, 1])).status_code == 403
    client.force_login(user_for_role(Role.APPLICANT))
    assert client.get(reverse("projects:project", args=[begun.pk])).status_code == 404
