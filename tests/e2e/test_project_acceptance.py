"""Acceptance (验收) in a real browser, across three sign-ins: the applicant opens the project, applies for
acceptance by typing the delivered values, evidence, achievements and IP; the officer reads the formal check's
results, passes the check, is refused a conflicted expert with the conflict's reason and puts a free one on the
panel; the expert scores the acceptance on the rubric; the officer reads the table and chart of completion rates,
records the verdict, downloads the Chinese PDF and sees the acceptance tranche requested on the verdict."""

import pytest
from playwright.sync_api import expect

from minsheng.contracts.models import Tranche
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.projects import queries
from minsheng.projects.models import Acceptance
from minsheng.registry.models import Person
from tests.e2e import page_checks
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import user_for_role
from tests.factories.review import ExpertProfileFactory, expert_user
from tests.projects.acceptance_helpers import ended_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(db):
    officer = user_for_role(Role.OFFICER, username="e2e_officer")
    project, _applicant = ended_project(officer)
    user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation)
    expert = ExpertProfileFactory()
    expert_user(expert, username="e2e_expert")
    colleague = ExpertProfileFactory()
    Person.objects.filter(pk=colleague.person_id).update(organisation=project.organisation)
    return {"project": project, "book": queries.signed_book(project), "expert": expert, "colleague": colleague}


def _checked(page):
    found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
    assert not found, found


def test_applied_checked_scored_decided_and_the_final_tranche_released(page, world):
    project, book = world["project"], world["book"]
    sign_in(page, "e2e_applicant")
    page.goto(f"/contracts/projects/{project.pk}/")
    page.click("[data-ms-acceptance-link]")
    page.click("[data-ms-apply-link]")
    for indicator in book.indicators.all():
        page.fill(f"#i{indicator.pk}_delivered", f"{indicator.target.normalize():f}")
        page.fill(f"#i{indicator.pk}_evidence", "第三方检测报告 https://example.cn/report")
    page.fill("#summary", "完成了任务书规定的全部研究内容，示范应用运行稳定。")
    page.fill("#achievements", "平台在三个社区卫生服务中心示范应用，已与两家医院签订推广协议。")
    page.fill("#ip_produced", "发明专利申请 2 项；软件著作权 1 项。")
    page.click("[data-ms-apply-acceptance]")
    expect(page.locator("[data-ms-acceptance-state]")).to_have_attribute("data-ms-acceptance-state", "applied")
    expect(page.locator("[data-ms-rule='achievements_described']")).to_have_attribute("data-ms-passed", "yes")
    _checked(page)
    page.context.clear_cookies()

    sign_in(page, "e2e_officer")
    page.goto(f"/projects/{project.pk}/acceptance/")
    expect(page.locator("[data-ms-rule][data-ms-passed='no']")).to_have_count(0)
    page.fill("#check-comments", "材料齐全")
    page.click("[data-ms-check-pass]")
    expect(page.locator("[data-ms-acceptance-state]")).to_have_attribute("data-ms-acceptance-state", "review")
    page.select_option("#panel-expert", str(world["colleague"].pk))
    page.click("[data-ms-add-expert]")
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("同单位")
    page.select_option("#panel-expert", str(world["expert"].pk))
    page.click("[data-ms-add-expert]")
    expect(page.locator(f"[data-ms-member='{world['expert'].pk}']")).to_be_visible()
    expect(page.locator("[data-ms-verdict-form]")).to_be_visible()
    _checked(page)      # the panel, the pool with conflicts and the verdict form
    page.context.clear_cookies()

    sign_in(page, "e2e_expert")
    page.goto(f"/projects/{project.pk}/acceptance/")
    _checked(page)      # the scoring form
    for code, value in {"completion": "9", "quality": "9", "funds": "8", "transfer": "8", "ip": "8"}.items():
        page.fill(f"#score_{code}", value)
    page.fill("#score-comments", "指标全部完成，成果已在社区推广应用。")
    page.click("[data-ms-submit-score]")
    expect(page.locator("[data-ms-scored]")).to_be_visible()
    expect(page.locator("[data-ms-panel-score]")).to_have_text("85.50")
    page.context.clear_cookies()

    sign_in(page, "e2e_officer")
    page.goto(f"/projects/{project.pk}/acceptance/")
    rows = page.locator("[data-ms-acceptance-indicators] tbody tr")
    expect(rows).to_have_count(book.indicators.count())
    expect(page.locator("[data-ms-rate='100']")).to_have_count(book.indicators.count())
    expect(page.locator("[data-ms-acceptance-indicators] canvas").first).to_be_visible()
    page.check("#verdict-pass")
    page.click("[data-ms-record-verdict]")
    expect(page.locator("[data-ms-verdict]")).to_have_attribute("data-ms-verdict", "passed")
    expect(page.locator("[data-ms-score]")).to_have_text("85.50")
    with page.expect_download() as download:
        page.click("[data-ms-verdict-pdf]")
    assert download.value.suggested_filename == f"{project.number}-acceptance.pdf"

    final = Tranche.objects.get(project=project, condition=Tranche.Condition.ACCEPTANCE)
    page.goto(f"/contracts/projects/{project.pk}/")
    expect(page.locator(f"[data-ms-tranche='{final.order}']")).to_have_attribute("data-ms-tranche-state",
                                                                                  "requested")
    expect(page.locator(f"[data-ms-tranche='{final.order}']")).to_contain_text("验收结论")
    project.refresh_from_db()
    assert project.state == Project.State.ACCEPTED
    assert Acceptance.objects.get(project=project).state == Acceptance.State.PASSED

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/projects/{project.pk}/acceptance/")
    assert_no_sideways_scroll(page)
    _checked(page)


def test_an_early_application_is_refused_with_the_reason(page, db):
    officer = user_for_role(Role.OFFICER, username="e2e_officer2")
    project, _applicant = ended_project(officer, ended=False)
    user_for_role(Role.APPLICANT, username="e2e_early", organisation=project.organisation)
    book = queries.signed_book(project)
    sign_in(page, "e2e_early")
    page.goto(f"/projects/{project.pk}/acceptance/apply/")
    for indicator in book.indicators.all():
        page.fill(f"#i{indicator.pk}_delivered", "1")
    page.fill("#summary", "提前完成")
    page.click("[data-ms-apply-acceptance]")
    expect(page.locator("body")).to_contain_text("不允许提前验收")
    assert not Acceptance.objects.filter(project=project).exists()
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_sideways_scroll(page)
    _checked(page)
