"""Progress reports and the mid-term check in a real browser: the applicant opens the project, files the report
for its first period by typing into the form, ticking an achievement from the register and attaching an evidence
file, and submitting it, then reads both on the report page; the officer opens it from the list of waiting
reports and accepts it, records a passed mid-term check, and requests the mid-term tranche, which cites the check."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.roles import Role
from minsheng.outcomes.models import Achievement
from minsheng.projects.models import ProgressReport
from tests.e2e import page_checks
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(db):
    project = approved_project(call=CallFactory(report_every_months=6, midterm_check=True))
    officer = user_for_role(Role.OFFICER, username="e2e_officer")
    applicant = user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation)
    book = contracts.issue(project, by=officer)
    contracts.confirm(book, revision=1, by=applicant)
    contracts.countersign(book, by=officer)
    today = timezone.localdate()      # begun eight months ago: the first period has ended
    TaskBook.objects.filter(pk=book.pk).update(starts_on=today - timedelta(days=240),
                                               ends_on=today + timedelta(days=480))
    achievement = Achievement.objects.create(organisation=project.organisation, kind=Achievement.Kind.PAPER,
                                             title="社区慢病管理模型论文", identifier="10.1000/e2e.2027",
                                             achieved_on=today - timedelta(days=30))
    achievement.projects.add(project)
    return {"project": project, "book": book, "achievement": achievement}


def test_a_report_filed_accepted_and_the_midterm_tranche_requested_on_the_check(page, world):
    project, book = world["project"], world["book"]
    sign_in(page, "e2e_applicant")
    page.goto(f"/contracts/projects/{project.pk}/")
    expect(page.locator("[data-ms-project-late]")).to_be_visible()
    page.click("[data-ms-progress-link]")
    page.click("[data-ms-file='1']")
    for milestone in book.milestones.all():
        page.select_option(f"#m{milestone.pk}_status", "in_progress")
        page.fill(f"#m{milestone.pk}_work", "完成两个社区的设备部署")
    for indicator in book.indicators.all():
        page.fill(f"#i{indicator.pk}_value", "1")
        page.fill(f"#i{indicator.pk}_evidence", "专利受理通知书 2027100001")
    page.get_by_label("社区慢病管理模型论文", exact=False).check()
    page.set_input_files("#evidence_files", {"name": "部署验收单.pdf", "mimeType": "application/pdf",
                                             "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"})
    page.fill("#problems", "部分传感器到货延迟两周")
    page.click("[data-ms-submit-report]")
    expect(page.locator("[data-ms-report-state]")).to_have_attribute("data-ms-report-state", "submitted")
    cited = page.locator(f"[data-ms-cited='{world['achievement'].pk}']")
    expect(cited).to_contain_text("社区慢病管理模型论文")
    expect(cited).to_contain_text("10.1000/e2e.2027")
    expect(page.locator("[data-ms-report-files]")).to_contain_text("部署验收单.pdf")
    with page.expect_download() as download:
        page.get_by_role("link", name="部署验收单.pdf").click()
    assert download.value.suggested_filename == "部署验收单.pdf"
    page.context.clear_cookies()

    sign_in(page, "e2e_officer")
    page.goto("/projects/")
    page.locator(f"[data-ms-queue-row='{project.number}-1'] a.btn").click()
    expect(page.locator("body")).to_contain_text("部分传感器到货延迟两周")
    page.fill("textarea[name=comments]", "进展符合任务书要求")
    page.click("[data-ms-accept]")
    expect(page.locator("[data-ms-report-state]")).to_have_attribute("data-ms-report-state", "accepted")
    page.get_by_role("link", name="进展报告").last.click()
    page.check("input[name=result][value=pass]")
    page.fill("textarea[name=findings]", "各节点按计划推进，经费使用规范")
    page.click("form[data-ms-midterm-form] button[type=submit]")
    expect(page.locator("[data-ms-midterm-result]")).to_have_attribute("data-ms-midterm-result", "pass")

    midterm = Tranche.objects.get(project=project, condition=Tranche.Condition.MIDTERM)
    page.goto(f"/contracts/projects/{project.pk}/")
    expect(page.locator(f"[data-ms-cites-check='{midterm.order}']")).to_be_visible()
    page.click(f"form[data-ms-request='{midterm.order}'] button")
    expect(page.locator(f"[data-ms-tranche='{midterm.order}']")).to_have_attribute("data-ms-tranche-state",
                                                                                    "requested")
    expect(page.locator(f"[data-ms-tranche='{midterm.order}']")).to_contain_text("中期检查")
    report = ProgressReport.objects.get(project=project)
    assert report.state == ProgressReport.State.ACCEPTED

    # On a phone every new page reads without scrolling sideways and passes the page checks.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/projects/{project.pk}/", f"/projects/reports/{report.pk}/", "/projects/"):
        page.goto(url)
        assert_no_sideways_scroll(page)
        found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
        assert not found, (url, found)
    page.context.clear_cookies()
    sign_in(page, "e2e_applicant")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/projects/{project.pk}/periods/2/")
    assert_no_sideways_scroll(page)
    found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
    assert not found, found
