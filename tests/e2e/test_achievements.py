"""Achievements in a real browser (M18, M19): the applicant starts from the home page, records an achievement from a
patent already in the IP register and a product with its medical device registration certificate (a mistyped
certificate number is refused with the format, nothing saved), by typing, choosing and clicking; the officer opens
the list of achievements to verify and verifies both. Every page reads on a 390 px phone."""

import datetime

import pytest
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.outcomes.models import Achievement
from tests.e2e import page_checks
from tests.e2e.choices import pick
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_phone import assert_no_sideways_scroll
from tests.factories import user_for_role
from tests.factories.contracts import approved_project
from tests.factories.outcomes import IPAssetFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db, tmp_path):
    project = approved_project()
    patent = IPAssetFactory(owner=project.organisation, title="一种慢病风险预测方法及系统",
                            next_fee_due=datetime.date.today() + datetime.timedelta(days=20))
    user_for_role(Role.APPLICANT, username="e2e_applicant", organisation=project.organisation)
    user_for_role(Role.OFFICER, username="e2e_officer")
    certificate = tmp_path / "医疗器械注册证.pdf"
    certificate.write_bytes(PDF)
    return {"project": project, "patent": patent, "certificate": certificate}


def checked(page):
    assert_no_sideways_scroll(page)
    found = {kind: problems for kind, problems in page_checks.check_html(page.content()).items() if problems}
    assert not found, (page.url, found)


def test_the_applicant_records_a_patent_and_a_certified_product_and_the_officer_verifies_them(page, world):
    project, patent = world["project"], world["patent"]
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "e2e_applicant")
    # The home page warns of the patent's annual fee and leads to the achievements.
    expect(page.locator(f"[data-ms-ip-warning='fee'][data-ms-asset='{patent.pk}']")).to_be_visible()
    checked(page)
    page.click("[data-ms-home-achievements]")
    page.click("[data-ms-create]")
    checked(page)

    # 1. From the IP register: the patent is chosen, not typed.
    page.select_option("#id_kind", "invention_patent")
    page.select_option("#id_ip_asset", label=f"发明专利 · {patent.title} ({patent.number})")
    pick(page, "projects", project.number)
    page.fill("#id_achieved_on", "2025-03-18")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-ms-state]").first).to_have_attribute("data-ms-state", "unverified")
    expect(page.locator("[data-ms-ip-asset]")).to_contain_text(patent.number)
    expect(page.locator("[data-ms-projects]")).to_contain_text(project.number)
    checked(page)

    # 2. A product with its certificate: a mistyped number is refused with the format, nothing is saved.
    page.goto("/outcomes/achievements/new/")
    page.select_option("#id_kind", "product")
    page.fill("#id_title", "便携式十二导联心电监测仪")
    pick(page, "projects", project.number)
    page.fill("#id_achieved_on", "2025-09-02")
    page.select_option("#id_certificate", "medical_device")
    page.fill("#id_identifier", "粤械注准2025207")
    page.set_input_files("#id_evidence", str(world["certificate"]))
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-ms-field='identifier'] .invalid-feedback")).to_contain_text("国械注准20213090123")
    assert Achievement.objects.count() == 1
    checked(page)
    page.fill("#id_identifier", "粤械注准20252070123")
    page.set_input_files("#id_evidence", str(world["certificate"]))
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-ms-identifier]")).to_have_text("粤械注准20252070123")
    expect(page.locator("[data-ms-evidence]")).to_have_text("医疗器械注册证.pdf")
    page.context.clear_cookies()

    # The officer lists what waits for verification and verifies both.
    sign_in(page, "e2e_officer")
    page.goto("/outcomes/achievements/")
    page.select_option("#filter-state", "unverified")
    expect(page.locator("[data-ms-list=achievements] tbody tr")).to_have_count(2)
    checked(page)
    for title in ("便携式十二导联心电监测仪", patent.title):
        page.goto("/outcomes/achievements/?state=unverified")
        page.get_by_role("link", name=title).click()
        checked(page)
        page.click("[data-ms-verify]")
        expect(page.locator("[data-ms-verified]")).to_be_visible()
    assert set(Achievement.objects.values_list("state", flat=True)) == {"verified"}
    page.goto("/outcomes/achievements/?state=unverified")
    expect(page.locator("[data-ms-empty]")).to_be_visible()
