"""Demonstration sites in a real browser (M18 with M16/M17, M05): the applicant records, from its project's page, a
site where the project's result is applied and the people it served in two quarters (a decrease without a reason
is refused with the figures, nothing saved), by typing, choosing and clicking; the officer finds the site among
those to verify and verifies it; a member of the public looks up the original problem's tracking code and reads
the call it became, the project funded on it, its verified achievement and the site with its people served.
Every page reads on a 390 px phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.outcomes import services
from minsheng.outcomes.models import DemonstrationSite, SiteReport
from minsheng.policy.models import District
from minsheng.problems import services as problems
from tests.e2e import page_checks
from tests.e2e.choices import pick
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.outcomes.test_achievements import values as achievement_values
from tests.outcomes.test_sites import last_ended_quarter
from tests.problems.conftest import report

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(db):
    officer = user_for_role(Role.OFFICER, username="e2e_officer")
    problem = report(title="独居老人用药无人提醒", contact_name="赵女士", contact_phone="13900139000")
    call = CallFactory(draft=True)
    problems.turn_into_topic(problem=problem, by=officer, call=call, title="社区慢病管理适宜技术")
    call.state = call.State.PUBLISHED
    call.save()
    project = approved_project(call=call)
    type(project).objects.filter(pk=project.pk).update(approved_at=timezone.now() - datetime.timedelta(days=500))
    applicant = user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation)
    achievement = services.create_achievement(by=applicant, values=achievement_values(project, title="智能提醒药盒"))
    services.verify(achievement, by=officer)
    return {"problem": problem, "project": project, "call": call, "achievement": achievement}


def checked(page):
    assert_no_sideways_scroll(page)
    found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
    assert not found, (page.url, found)


def test_a_site_with_people_served_is_verified_and_answers_the_problem_in_public(page, world):
    project, problem = world["project"], world["problem"]
    district = District.objects.order_by("order").first()
    since = timezone.localdate() - datetime.timedelta(days=300)
    later = last_ended_quarter(timezone.localdate())
    earlier = last_ended_quarter(datetime.date(later[0], 3 * later[1] - 2, 1))
    page.set_viewport_size({"width": 390, "height": 844})

    # The applicant starts from its project's page.
    sign_in(page, "e2e_applicant")
    page.goto(f"/projects/{project.pk}/")
    checked(page)
    page.click("[data-ms-add-site]")
    checked(page)
    page.select_option("#id_kind", "community")
    page.fill("#id_name", "莲花街道社区健康服务中心")
    page.select_option("#id_district", str(district.pk))
    page.fill("#id_address", "福田区莲花一村12栋")
    page.fill("#id_since", since.isoformat())
    pick(page, "projects", project.number)
    pick(page, "achievements", world["achievement"].title)
    page.fill("#id_link", "https://example.org/letter-of-use")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-ms-state]").first).to_have_attribute("data-ms-state", "unverified")
    expect(page.locator("[data-ms-no-reports]")).to_be_visible()
    checked(page)

    # Two quarters of people served; a decrease without a reason is refused, with the figures.
    def report_quarter(period, people, reason=""):
        page.fill("#id_year", str(period[0]))
        page.select_option("#id_quarter", str(period[1]))
        page.fill("#id_people_served", str(people))
        page.fill("#id_decrease_reason", reason)
        page.fill("#id_link", "https://example.org/statistics")
        page.click("[data-ms-report-submit]")

    report_quarter(earlier, 640)
    expect(page.locator(f"[data-ms-report='{earlier[0]}-{earlier[1]}'] [data-ms-people]")).to_have_text("640")
    report_quarter(later, 590)
    expect(page.locator("[data-ms-field='decrease_reason'] .invalid-feedback")).to_contain_text("640")
    assert SiteReport.objects.count() == 1
    checked(page)
    report_quarter(later, 590, "春节期间门诊停诊一周")
    expect(page.locator(f"[data-ms-report='{later[0]}-{later[1]}'] [data-ms-people]")).to_have_text("590")
    expect(page.locator("[data-ms-served-chart] canvas")).to_be_visible()
    checked(page)
    page.context.clear_cookies()

    # The officer lists the sites waiting for verification and verifies this one.
    sign_in(page, "e2e_officer")
    page.goto("/outcomes/sites/")
    page.select_option("#filter-state", "unverified")
    expect(page.locator("[data-ms-list=sites] tbody tr")).to_have_count(1)
    checked(page)
    page.get_by_role("link", name="莲花街道社区健康服务中心").click()
    page.click("[data-ms-verify]")
    expect(page.locator("[data-ms-verified]")).to_be_visible()
    assert DemonstrationSite.objects.get().state == "verified"
    page.context.clear_cookies()

    # A member of the public follows the problem: the call, the project, the achievement and the site answer it.
    page.goto("/problems/track/")
    page.fill("#id_code", problem.tracking_code)
    page.get_by_role("button", name="查询").click()
    results = page.locator("[data-ms-results]")
    expect(results).to_contain_text(world["call"].code)
    expect(results.locator("[data-ms-project-title]")).to_have_text(project.title)
    expect(results.locator("[data-ms-public-achievements]")).to_contain_text("智能提醒药盒")
    expect(results.locator("[data-ms-public-sites]")).to_contain_text("莲花街道社区健康服务中心")
    expect(results.locator("[data-ms-public-sites]")).to_contain_text("590")
    expect(page.locator("body")).not_to_contain_text("13900139000")
    checked(page)
    page.goto("/outcomes/sites/districts/")
    expect(page.locator(f"[data-ms-district='{district.code}'] [data-ms-people]")).to_have_text("590")
    checked(page)
