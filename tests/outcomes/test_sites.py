"""Demonstration sites and people served (M18 with M16/M17): each rule, each bad input with its message and nothing
written, the audit events, the public reads (never an unverified site or achievement), the pages, the export and
the API."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.outcomes import queries, services
from minsheng.outcomes.models import DemonstrationSite, SiteReport
from minsheng.policy.models import District
from tests.factories import user_for_role
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db
APPROVED = datetime.date(2024, 3, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _aged(project):
    type(project).objects.filter(pk=project.pk).update(
        approved_at=timezone.make_aware(datetime.datetime(APPROVED.year, APPROVED.month, APPROVED.day, 10)))
    project.refresh_from_db()
    return project


@pytest.fixture
def project(own_org):
    return _aged(approved_project(organisation=own_org))


@pytest.fixture
def other_project(other_org):
    return _aged(approved_project(organisation=other_org))


@pytest.fixture
def district():
    return District.objects.order_by("order").first()


def values(project, district, **kw):
    base = {"kind": "community", "name": "莲花街道社区健康服务中心", "district": district, "address": "福田区莲花路1号",
            "since": datetime.date(2024, 9, 1), "projects": [project], "link": "https://example.org/letter"}
    base.update(kw)
    return services.SiteValues(**base)


def report(site, by, year, quarter, people, **kw):
    return services.report_people_served(site, by=by, values=services.ReportValues(
        year=year, quarter=quarter, people_served=people, link=kw.pop("link", "https://example.org/stats"), **kw))


@pytest.fixture
def site(applicant, project, district):
    return services.create_site(by=applicant, values=values(project, district))


def test_an_applicant_records_a_site_of_its_own_project_unverified_with_an_audit_event(site, applicant, own_org):
    assert site.organisation == own_org and site.state == "unverified" and site.recorded_by == applicant
    event = AuditEvent.objects.get(action="outcomes.demonstrationsite.create")
    assert event.clause == "M18"


def test_people_served_rise_and_a_decrease_needs_its_reason(site, applicant):
    report(site, applicant, 2024, 4, 300)
    report(site, applicant, 2025, 1, 800)
    with pytest.raises(ValidationError) as refused:
        report(site, applicant, 2025, 2, 500)
    assert "go down from 800" in str(refused.value.message_dict["decrease_reason"])
    assert SiteReport.objects.count() == 2
    report(site, applicant, 2025, 2, 500, decrease_reason="中心装修停诊两个月")
    assert [r.people_served for r in site.reports.order_by("year", "quarter")] == [300, 800, 500]
    assert AuditEvent.objects.filter(action="outcomes.sitereport.create").count() == 3


def test_a_back_filled_period_may_not_make_the_next_one_go_down_silently(site, applicant):
    report(site, applicant, 2025, 1, 400)
    with pytest.raises(ValidationError) as refused:
        report(site, applicant, 2024, 4, 900)
    assert "fewer than this figure" in str(refused.value.message_dict["people_served"])
    assert SiteReport.objects.count() == 1


@pytest.mark.parametrize(("year", "quarter", "people", "field", "words"), [
    (2025, 1, -5, "people_served", "cannot be negative"),
    (2099, 1, 10, "year", "once the quarter has ended"),
    (2024, 1, 10, "year", "before the site applied the result"),
])
def test_bad_periods_and_figures_are_refused(site, applicant, year, quarter, people, field, words):
    with pytest.raises(ValidationError) as refused:
        report(site, applicant, year, quarter, people)
    assert words in str(refused.value.message_dict[field])
    assert SiteReport.objects.count() == 0


def test_a_period_is_reported_once(site, applicant):
    report(site, applicant, 2025, 1, 100)
    with pytest.raises(ValidationError) as refused:
        report(site, applicant, 2025, 1, 120)
    assert "cannot overlap" in str(refused.value.message_dict["year"])
    assert SiteReport.objects.count() == 1


def test_a_report_needs_its_evidence(site, applicant):
    with pytest.raises(ValidationError) as refused:
        report(site, applicant, 2025, 1, 100, link="")
    assert "evidence" in refused.value.message_dict
    assert SiteReport.objects.count() == 0


def test_a_site_of_another_organisations_project_or_achievement_is_refused(applicant, project, other_project,
                                                                           district, other_org):
    from tests.outcomes.test_achievements import values as achievement_values
    with pytest.raises(ValidationError) as refused:
        services.create_site(by=applicant, values=values(other_project, district))
    assert "another organisation's" in str(refused.value.message_dict["projects"])
    officer = user_for_role(Role.OFFICER)
    foreign = services.create_achievement(by=officer, values=achievement_values(
        other_project, organisation=other_org))
    with pytest.raises(ValidationError) as refused:
        services.create_site(by=applicant, values=values(project, district, achievements=[foreign]))
    assert "another organisation's" in str(refused.value.message_dict["achievements"])
    assert DemonstrationSite.objects.count() == 0
    assert not AuditEvent.objects.filter(action="outcomes.demonstrationsite.create").exists()


@pytest.mark.parametrize(("since", "words"), [
    (datetime.date(2023, 12, 1), "before the project was approved on 2024-03-01"),
    (datetime.date(2099, 1, 1), "in the future"),
])
def test_the_since_date_is_checked(applicant, project, district, since, words):
    with pytest.raises(ValidationError) as refused:
        services.create_site(by=applicant, values=values(project, district, since=since))
    assert words in str(refused.value.message_dict["since"])
    assert DemonstrationSite.objects.count() == 0


def test_a_site_needs_a_link_or_a_file(applicant, project, district):
    with pytest.raises(ValidationError) as refused:
        services.create_site(by=applicant, values=values(project, district, link=""))
    assert "evidence" in refused.value.message_dict


def test_an_officer_verifies_and_then_the_site_is_public_and_frozen(site, applicant, officer):
    assert not queries.public_sites().exists()
    services.verify(site, by=officer)
    assert site.state == "verified" and site.verified_by == officer
    assert list(queries.public_sites()) == [site]
    assert AuditEvent.objects.get(action="outcomes.demonstrationsite.verify").clause == "M18"
    with pytest.raises(PermissionDenied):      # a verified site is frozen until the verification is taken back
        services.update_site(site, by=officer, values=values(site.projects.first(), site.district, name="改名"))
    with pytest.raises(ValidationError):
        services.unverify(site, by=officer, reason="  ")
    services.unverify(site, by=officer, reason="佐证缺页")
    assert site.state == "unverified" and not queries.public_sites().exists()


def test_an_officer_who_cannot_see_the_projects_cannot_verify(site):
    district_officer = user_for_role(Role.DISTRICT_OFFICER)
    with pytest.raises(PermissionDenied) as refused:
        services.verify(site, by=district_officer)
    assert "cannot see the projects" in str(refused.value)
    site.refresh_from_db()
    assert site.state == "unverified"
    assert not AuditEvent.objects.filter(action="outcomes.demonstrationsite.verify").exists()


def test_an_applicant_cannot_verify_nor_touch_another_organisations_site(site, other_org):
    stranger = user_for_role(Role.APPLICANT, organisation=other_org)
    with pytest.raises(PermissionDenied):
        services.verify(site, by=stranger)
    with pytest.raises(PermissionDenied):
        report(site, stranger, 2025, 1, 10)
    with pytest.raises(PermissionDenied):
        services.update_site(site, by=stranger, values=values(site.projects.first(), site.district))


def test_by_district_counts_verified_sites_and_their_latest_quarter(site, applicant, officer, project, district):
    report(site, applicant, 2024, 4, 300)
    report(site, applicant, 2025, 1, 450)
    hidden = services.create_site(by=applicant, values=values(project, district, name="未核实的学校", kind="school"))
    report(hidden, applicant, 2025, 1, 9999)
    services.verify(site, by=officer)
    row = next(r for r in queries.by_district() if r.district == district)
    assert (row.sites, row.people) == (1, 450)
    assert row.kinds == {site.get_kind_display(): 1}


# --- pages, export, API ------------------------------------------------------------------------------------------

def test_the_report_form_shows_the_refusal_and_writes_nothing(client, site, applicant):
    report(site, applicant, 2025, 1, 800)
    client.force_login(applicant)
    response = client.post(f"/outcomes/sites/{site.pk}/report/", {
        "year": 2025, "quarter": 2, "people_served": 500, "link": "https://example.org/s"})
    assert response.status_code == 400
    assert "800 人降至 500 人" in response.content.decode()      # the page speaks Chinese
    assert site.reports.count() == 1


def test_a_changed_project_id_in_the_post_is_refused(client, applicant, other_project, district):
    client.force_login(applicant)
    response = client.post("/outcomes/sites/new/", {
        "kind": "school", "name": "某学校", "district": district.pk, "address": "某路", "since": "2024-09-01",
        "projects": [other_project.pk], "link": "https://example.org/x"})
    assert response.status_code == 200 and DemonstrationSite.objects.count() == 0


def test_the_export_opens_in_excel_with_the_latest_figures(client, site, applicant, officer):
    report(site, applicant, 2025, 1, 450)
    client.force_login(officer)
    call = site.projects.first().call.code
    response = client.get(f"/outcomes/sites/export/?call={call}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert any(row and row[0] == site.name and 450 in row for row in rows)
    domain = site.projects.first().application.domain.code
    response = client.get(f"/outcomes/sites/export/?call={call}&domain={domain}")
    assert any(row and row[0] == site.name for row in openpyxl.load_workbook(
        io.BytesIO(response.content)).active.iter_rows(values_only=True))
    response = client.get(f"/outcomes/sites/export/?call={call}&kind=school")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert not any(row and row[0] == site.name for row in rows)


def test_the_api_reads_scoped_and_public_sites_with_nested_reports(client, site, applicant, officer, other_org):
    report(site, applicant, 2025, 1, 450)
    assert client.get("/api/v1/outcomes/sites/public/").json()["count"] == 0
    assert client.get(f"/api/v1/outcomes/sites/public/{site.pk}/").status_code == 404
    services.verify(site, by=officer)
    body = client.get(f"/api/v1/outcomes/sites/public/{site.pk}/").json()
    assert body["reports"] == [{"year": 2025, "quarter": 1, "people_served": 450, "decrease_reason": ""}]
    assert "state" not in body and "link" not in body
    client.force_login(applicant)
    assert client.get("/api/v1/outcomes/sites/").json()["count"] == 1
    client.force_login(user_for_role(Role.APPLICANT, organisation=other_org))
    assert client.get("/api/v1/outcomes/sites/").json()["count"] == 0
    assert client.get(f"/api/v1/outcomes/sites/{site.pk}/").status_code == 404


def test_the_public_overview_by_district(client, site, applicant, officer):
    report(site, applicant, 2025, 1, 450)
    services.verify(site, by=officer)
    page = client.get("/outcomes/sites/districts/").content.decode()
    assert "data-ms-total-people>450<" in page and site.get_kind_display() in page


def last_ended_quarter(today: datetime.date) -> tuple[int, int]:
    """The last quarter that has ended by `today`."""
    quarter = (today.month - 1) // 3
    return (today.year, quarter) if quarter else (today.year - 1, 4)
