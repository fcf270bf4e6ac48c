"""From problem to result (M05 → M18): a problem's public tracking page and the public "from problem to result"
page show, per published call it became, the projects funded on it (title and organisation only), their verified
achievements and their verified demonstration sites with people served; never an unverified achievement or site,
never the submitter's details. The project page shows its achievements and sites."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.outcomes import services
from minsheng.policy.models import District
from minsheng.problems import services as problems
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.outcomes.test_achievements import values as achievement_values
from tests.outcomes.test_sites import last_ended_quarter
from tests.problems.conftest import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def traced(officer, applicant, own_org):
    problem = report(contact_name="张三丰", contact_phone="13800138000")
    call = CallFactory(draft=True)
    problems.turn_into_topic(problem=problem, by=officer, call=call, title="社区慢病管理")
    call.state = call.State.PUBLISHED
    call.save()
    project = approved_project(organisation=own_org, call=call)
    type(project).objects.filter(pk=project.pk).update(approved_at=timezone.now() - datetime.timedelta(days=800))
    shown = services.create_achievement(by=applicant, values=achievement_values(project, title="已核实的心电监测仪"))
    services.verify(shown, by=officer)
    services.create_achievement(by=applicant, values=achievement_values(
        project, title="未核实的论文", kind="paper", certificate="", identifier="10.1000/xyz123"))
    district = District.objects.order_by("order").first()
    site_values = {"kind": "community", "district": district, "address": "某路1号",
                   "since": timezone.localdate() - datetime.timedelta(days=700), "projects": [project],
                   "link": "https://example.org/letter"}
    site = services.create_site(by=applicant, values=services.SiteValues(name="已核实的社区中心", **site_values))
    year, quarter = last_ended_quarter(timezone.localdate())
    services.report_people_served(site, by=applicant, values=services.ReportValues(
        year=year, quarter=quarter, people_served=1234, link="https://example.org/stats"))
    services.verify(site, by=officer)
    services.create_site(by=applicant, values=services.SiteValues(name="未核实的学校", **site_values))
    return problem, project


def _public(html):
    assert "已核实的心电监测仪" in html and "已核实的社区中心" in html and "1234" in html
    assert "未核实的论文" not in html and "未核实的学校" not in html
    assert "张三丰" not in html and "13800138000" not in html


def test_the_tracking_page_shows_what_the_call_produced(client, traced):
    problem, project = traced
    html = client.get(reverse("problems:track"), {"code": problem.tracking_code}).content.decode()
    assert project.title in html and project.organisation.name_zh in html
    _public(html)
    assert project.number not in html          # the public notice names projects by title, not internal number


def test_the_results_page_lists_the_problem_with_public_fields_only(client, traced):
    problem, project = traced
    html = client.get(reverse("problems:results")).content.decode()
    assert problem.title in html and project.title in html
    _public(html)
    assert problem.tracking_code not in html and problem.description not in html


def test_the_project_page_shows_its_achievements_and_sites(client, traced, applicant):
    _problem, project = traced
    client.force_login(applicant)
    html = client.get(reverse("projects:project", kwargs={"pk": project.pk})).content.decode()
    assert "data-ms-project-sites" in html and "未核实的学校" in html and "已核实的社区中心" in html
    assert "data-ms-project-achievements" in html and "未核实的论文" in html


def test_the_tracking_page_shows_the_verified_transfers_of_the_verified_achievements(client, traced):
    from minsheng.outcomes.models import Achievement
    from tests.factories.outcomes import transfer_of

    problem, _project = traced
    verified = Achievement.objects.get(title="已核实的心电监测仪")
    shown = transfer_of([verified], on=timezone.localdate(), kind="exclusive_licence")
    hidden = transfer_of([verified], on=timezone.localdate(), verified=False)
    type(hidden).objects.filter(pk=hidden.pk).update(title="未核实的转让合同")
    html = client.get(reverse("problems:track"), {"code": problem.tracking_code}).content.decode()
    assert f'data-ms-public-transfer="{shown.pk}"' in html and "独占许可" in html and "深圳某科技有限公司" in html
    assert "未核实的转让合同" not in html
