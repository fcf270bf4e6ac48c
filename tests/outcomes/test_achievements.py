"""Achievements (M18) and the IP register's project links, warnings and lapses (M19): each rule, each bad input
with its message and nothing written, the audit events, and the query the acceptance and progress pages cite."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.outcomes import forms, identifiers, queries, services
from minsheng.outcomes.models import Achievement, IPAsset
from tests.factories import user_for_role
from tests.factories.contracts import approved_project
from tests.factories.outcomes import IPAssetFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = clock.today()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def project(own_org):
    return approved_project(organisation=own_org)


@pytest.fixture
def patent(own_org):
    return IPAssetFactory(owner=own_org, title="一种慢病风险预测方法")


def values(project, **kw):
    base = {"kind": "product", "title": "便携式心电监测仪", "achieved_on": datetime.date(2025, 6, 1),
            "projects": [project], "certificate": "medical_device", "identifier": "粤械注准20252070123"}
    base.update(kw)
    return services.AchievementValues(**base)


def events(action):
    return AuditEvent.objects.filter(action=action).count()


# --- identifiers -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "certificate", "typed", "clean"), [
    ("paper", "", "https://doi.org/10.1016/j.jbi.2021.103456", "10.1016/j.jbi.2021.103456"),
    ("dataset", "", "doi:10.5061/dryad.abc123", "10.5061/dryad.abc123"),
    ("standard", "", "gb/t 12345-2023", "GB/T 12345-2023"),
    ("product", "medical_device", "国械注准 20213090123", "国械注准20213090123"),
    ("product", "medical_device", "粤深械备20210123", "粤深械备20210123"),
    ("product", "drug", "国药准字H20230001", "国药准字H20230001"),
    ("product", "health_food", "国食健注G20200123", "国食健注G20200123"),
    ("clinical_trial", "", "chictr2000029308", "ChiCTR2000029308"),
    ("clinical_trial", "", "NCT01234567", "NCT01234567"),
    ("variety", "", "  CNA 2019 1234.5 ", "CNA 2019 1234.5"),
])
def test_identifiers_are_cleaned(kind, certificate, typed, clean):
    assert identifiers.clean_identifier(typed, kind, certificate) == clean


@pytest.mark.parametrize(("kind", "certificate", "typed", "code"), [
    ("paper", "", "10.12/abc", "doi"),
    ("standard", "", "国家标准第12号", "standard"),
    ("product", "medical_device", "国械注准2021409123", "medical_device"),
    ("product", "drug", "国药准字X20230001", "drug"),
    ("product", "health_food", "国食健注G2020012", "health_food"),
    ("clinical_trial", "", "CTR20201234", "trial"),
    ("standard", "", "", "required"),
])
def test_bad_identifiers_say_what_is_wrong(kind, certificate, typed, code):
    with pytest.raises(identifiers.IdentifierError) as caught:
        identifiers.clean_identifier(typed, kind, certificate)
    assert caught.value.code == code


# --- recording ---------------------------------------------------------------------------------------------------

def test_an_applicant_records_a_patent_from_the_register(applicant, project, patent):
    before = events("outcomes.achievement.create")
    achievement = services.create_achievement(by=applicant, values=values(
        project, kind="invention_patent", title="", ip_asset=patent, certificate="", identifier=""))
    assert achievement.organisation == applicant.organisation
    assert (achievement.title, achievement.identifier) == (patent.title, patent.number)
    assert list(achievement.projects.all()) == [project]
    assert achievement.state == Achievement.State.UNVERIFIED
    assert events("outcomes.achievement.create") == before + 1
    assert list(queries.achievements_of(project)) == [achievement]


def test_a_patent_is_never_typed_twice(applicant, project, patent, other_org):
    with pytest.raises(ValidationError) as caught:
        services.create_achievement(by=applicant, values=values(project, kind="invention_patent", ip_asset=None))
    assert "ip_asset" in caught.value.error_dict
    services.create_achievement(by=applicant, values=values(project, kind="invention_patent", ip_asset=patent))
    with pytest.raises(ValidationError, match="already recorded"):
        services.create_achievement(by=applicant, values=values(project, kind="invention_patent", ip_asset=patent))
    with pytest.raises(ValidationError, match="another organisation"):
        services.create_achievement(by=applicant, values=values(
            project, kind="invention_patent", ip_asset=IPAssetFactory(owner=other_org)))
    with pytest.raises(ValidationError, match="not a"):
        services.create_achievement(by=applicant, values=values(project, kind="utility_model", ip_asset=patent))
    assert Achievement.objects.count() == 1


def test_a_product_certificate_with_its_file(applicant, project):
    upload = SimpleUploadedFile("注册证.pdf", PDF, content_type="application/pdf")
    achievement = services.create_achievement(by=applicant, values=values(project),
                                              evidence=services.Evidence(upload, "application/pdf"))
    assert achievement.identifier == "粤械注准20252070123"
    assert achievement.evidence_name == "注册证.pdf" and achievement.evidence_size == len(PDF)
    assert achievement.evidence.read() == PDF


def test_a_certificate_number_in_the_wrong_format_is_refused_and_nothing_written(applicant, project):
    with pytest.raises(ValidationError) as caught:
        services.create_achievement(by=applicant, values=values(project, identifier="粤械注准2025"))
    assert "国械注准" in caught.value.error_dict["identifier"][0].messages[0]
    assert not Achievement.objects.exists()


def test_a_patent_number_with_a_wrong_check_digit_never_reaches_the_register(applicant):
    with pytest.raises(ValidationError) as caught:
        services.create_ip_asset(by=applicant, values={"kind": "invention_patent", "number": "ZL201080063196.8",
                                                       "title": "错误校验位", "status": "filed"})
    assert "check character" in caught.value.error_dict["number"][0].messages[0]
    assert not IPAsset.objects.filter(title="错误校验位").exists()


def test_a_project_of_another_organisation_is_refused(applicant, project, other_org):
    foreign = approved_project(organisation=other_org)
    with pytest.raises(ValidationError) as caught:
        services.create_achievement(by=applicant, values=values(project, projects=[project, foreign]))
    assert foreign.number in caught.value.error_dict["projects"][0].messages[0]
    assert not Achievement.objects.exists()
    with pytest.raises(ValidationError, match="Choose the project"):
        services.create_achievement(by=applicant, values=values(project, projects=[]))


def test_an_applicant_cannot_record_for_another_organisation(applicant, project, other_org):
    achievement = services.create_achievement(by=applicant, values=values(project, organisation=other_org))
    assert achievement.organisation == applicant.organisation


def test_evidence_is_required_where_no_number_is_checked(applicant, project):
    with pytest.raises(ValidationError) as caught:
        services.create_achievement(by=applicant, values=values(project, kind="adopted_report", certificate="",
                                                                 identifier=""))
    assert "evidence" in caught.value.error_dict
    achievement = services.create_achievement(by=applicant, values=values(
        project, kind="adopted_report", certificate="", identifier="", link="https://wsjkw.sz.gov.cn/x.html",
        description="市卫生健康委采纳"))
    assert achievement.link.startswith("https://")


def test_a_future_date_is_refused(applicant, project):
    with pytest.raises(ValidationError, match="future"):
        services.create_achievement(by=applicant, values=values(project,
                                                                achieved_on=TODAY + datetime.timedelta(days=3)))


def test_the_upload_check_reads_the_content(applicant):
    form = forms.AchievementForm(data={"kind": "paper"}, files={
        "evidence": SimpleUploadedFile("paper.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")},
        user=applicant)
    assert not form.is_valid()
    assert "PDF, PNG or JPEG" in form.errors["evidence"][0]


# --- verification --------------------------------------------------------------------------------------------------

def test_an_officer_verifies_and_takes_it_back(applicant, project, officer):
    achievement = services.create_achievement(by=applicant, values=values(project))
    services.verify(achievement, by=officer, seen="unverified")
    assert (achievement.state, achievement.verified_by) == ("verified", officer)
    assert events("outcomes.achievement.verify") == 1
    with pytest.raises(PermissionDenied):
        services.update_achievement(achievement, by=officer, values=values(project, title="改"))
    with pytest.raises(PermissionDenied):
        services.update_achievement(achievement, by=applicant, values=values(project, title="改"))
    with pytest.raises(ValidationError):
        services.verify(achievement, by=officer)
    with pytest.raises(ValidationError):
        services.unverify(achievement, by=officer, reason="  ")
    services.unverify(achievement, by=officer, reason="注册证扫描件不清晰")
    assert (achievement.state, achievement.verified_by) == ("unverified", None)
    event = AuditEvent.objects.get(action="outcomes.achievement.unverify")
    assert event.reason == "注册证扫描件不清晰" and event.clause == "M18"
    services.update_achievement(achievement, by=applicant, values=values(project, title="便携式心电监测仪（二代）"))
    assert achievement.title == "便携式心电监测仪（二代）"


def test_an_officer_who_cannot_see_the_projects_cannot_verify(applicant, project):
    achievement = services.create_achievement(by=applicant, values=values(project))
    department = user_for_role(Role.DEPARTMENT_OFFICER)
    with pytest.raises(PermissionDenied) as caught:
        services.verify(achievement, by=department)
    assert "cannot see the projects" in str(caught.value)
    with pytest.raises(PermissionDenied):
        services.verify(achievement, by=applicant)
    achievement.refresh_from_db()
    assert achievement.state == "unverified" and events("outcomes.achievement.verify") == 0


def test_the_citing_field_lists_the_projects_achievements(applicant, project, patent):
    one = services.create_achievement(by=applicant, values=values(project))
    two = services.create_achievement(by=applicant, values=values(project, kind="invention_patent", ip_asset=patent))
    field = forms.AchievementsField(project)
    assert {pk for pk, _label in field.choices} == {one.pk, two.pk}
    assert queries.achievement_choices(project)[0][1]


# --- the IP register --------------------------------------------------------------------------------------------

@override_settings(IP_WARNING_DAYS=60)
def test_warnings_before_fees_and_expiries(own_org):
    soon = IPAssetFactory(owner=own_org, next_fee_due=TODAY + datetime.timedelta(days=20))
    late = IPAssetFactory(owner=own_org, next_fee_due=TODAY - datetime.timedelta(days=3))
    expiring = IPAssetFactory(owner=own_org, expires_on=TODAY + datetime.timedelta(days=59))
    IPAssetFactory(owner=own_org, next_fee_due=TODAY + datetime.timedelta(days=90))
    lapsed = IPAssetFactory(owner=own_org, status=IPAsset.Status.LAPSED, next_fee_due=TODAY)
    found = {(w.asset, w.what, w.days_left) for w in queries.ip_warnings(IPAsset.objects.filter(owner=own_org))}
    assert found == {(soon, "fee", 20), (late, "fee", -3), (expiring, "expiry", 59)}
    assert lapsed not in {w.asset for w in queries.ip_warnings(IPAsset.objects.all())}
    assert len(queries.ip_warnings(IPAsset.objects.filter(owner=own_org), days=10)) == 1


def test_a_lapse_is_recorded_once_and_stops_counting(applicant, patent):
    from minsheng.applications.facts import gather
    from tests.factories.applications import ApplicationFactory

    application = ApplicationFactory(organisation=patent.owner)
    assert sum(gather(application).granted_ip.values()) == 1
    with pytest.raises(ValidationError) as caught:
        services.record_lapse(patent, by=applicant, lapsed_on=TODAY, reason=" ")
    assert "lapse_reason" in caught.value.error_dict
    services.record_lapse(patent, by=applicant, lapsed_on=TODAY, reason="未按期缴纳年费")
    assert (patent.status, patent.lapsed_on, patent.lapse_reason) == ("lapsed", TODAY, "未按期缴纳年费")
    assert sum(gather(application).granted_ip.values()) == 0
    with pytest.raises(ValidationError, match="once"):
        services.record_lapse(patent, by=applicant, lapsed_on=TODAY, reason="再次")
    assert events("outcomes.ipasset.lapse") == 1
    with pytest.raises(ValidationError, match="once"):
        services.update_ip_asset(asset=patent, by=applicant, changes={"status": "granted"})


def test_lapsed_is_not_typed_as_a_status(applicant):
    with pytest.raises(ValidationError, match="Record a lapse"):
        services.create_ip_asset(by=applicant, values={"kind": "invention_patent", "number": "ZL201080063196.9",
                                                       "title": "直接写失效", "status": "lapsed",
                                                       "filed_on": datetime.date(2010, 12, 1)})


def test_ip_links_only_the_owners_projects(applicant, project, other_org):
    asset = services.create_ip_asset(by=applicant, values={
        "kind": "invention_patent", "number": "ZL201080063196.9", "title": "关联项目", "status": "filed",
        "filed_on": datetime.date(2010, 12, 1), "projects": [project]})
    assert list(asset.projects.all()) == [project]
    foreign = approved_project(organisation=other_org)
    with pytest.raises(ValidationError, match="another organisation"):
        services.update_ip_asset(asset=asset, by=applicant, changes={"projects": [foreign]})
    assert list(asset.projects.all()) == [project]


# --- pages ---------------------------------------------------------------------------------------------------------

def test_the_department_officer_is_told_why_on_the_page(client, applicant, project):
    from django.urls import reverse

    achievement = services.create_achievement(by=applicant, values=values(project))
    client.force_login(user_for_role(Role.DEPARTMENT_OFFICER))
    detail = reverse("outcomes:achievement_detail", kwargs={"pk": achievement.pk})
    page = client.get(detail)
    assert page.status_code == 200 and not page.context["can_verify"]
    response = client.post(reverse("outcomes:achievement_verify", kwargs={"pk": achievement.pk}),
                           {"seen": "unverified"}, follow=True)
    assert "您无权查看" in response.content.decode()
    achievement.refresh_from_db()
    assert achievement.state == "unverified"


def test_the_applicants_home_warns_of_its_fees(client, applicant, own_org):
    IPAssetFactory(owner=own_org, title="一种将要缴费的专利", next_fee_due=TODAY + datetime.timedelta(days=10))
    IPAssetFactory(title="别人的专利", next_fee_due=TODAY + datetime.timedelta(days=10))
    client.force_login(applicant)
    html = client.get("/accounts/home/").content.decode()
    assert "一种将要缴费的专利" in html and "别人的专利" not in html
    assert "一种将要缴费的专利" in client.get("/outcomes/").content.decode()


def test_the_export_keeps_every_achievement_of_a_call_or_a_domain(client, officer, own_org, other_org):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    from minsheng.policy.models import Domain
    from tests.factories.calls import CallFactory
    from tests.factories.contracts import approved_project
    from tests.factories.outcomes import achievement_of

    first, second = Domain.objects.order_by("code")[:2]
    here = approved_project(organisation=own_org, call=CallFactory(domains=[first]))
    there = approved_project(organisation=other_org, call=CallFactory(domains=[second]))
    achievement_of(here, title="本领域的标准")
    achievement_of(here, title="本领域的软件", kind="software", verified=False)
    achievement_of(there, title="其他领域的标准")
    client.force_login(officer)

    def titles(**query):
        response = client.get(reverse("outcomes:achievement_export"), query)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        return sorted(row[0] for row in rows[1:])

    assert titles(domain=first.code) == ["本领域的标准", "本领域的软件"]
    assert titles(call=there.call.code) == ["其他领域的标准"]
