"""Transfers (成果转化, M18): each rule and each bad input with its message and nothing written; verification by
an officer who can see the projects; the pages, the Excel export, the API (public and scoped) and the public pages
of the transfer rate."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.outcomes import queries, services
from minsheng.outcomes.models import Transfer, TransferReceipt
from minsheng.policy.models import District
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.contracts import approved_project
from tests.factories.outcomes import accepted_project, achievement_of, transfer_of

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def project(own_org):
    return approved_project(organisation=own_org)


@pytest.fixture
def standard(project):
    return achievement_of(project, title="慢病管理服务规范")


@pytest.fixture
def company(db):
    return OrganisationFactory(name_zh="深圳市受让科技有限公司", kind="enterprise")


def values(chosen, **kw):
    base = {"kind": "exclusive_licence", "title": "专利独占许可合同", "contract_on": D(2025, 3, 1),
            "value": Decimal("1200000"), "achievements": list(chosen), "counterparty_name": "深圳市某医疗器械有限公司",
            "counterparty_kind": "enterprise"}
    base.update(kw)
    return services.TransferValues(**base)


def nothing_written():
    return (not Transfer.objects.exists() and not TransferReceipt.objects.exists()
            and not AuditEvent.objects.filter(action__startswith="outcomes.transfer").exists())


# --- Recording ---------------------------------------------------------------------------------------------------

def test_an_applicant_records_a_licence_of_its_own_achievement(applicant, own_org, standard, company):
    transfer = services.create_transfer(by=applicant, values=values([standard], counterparty=company,
                                                                    counterparty_name=""))
    assert transfer.organisation == own_org and transfer.state == "unverified"
    assert list(transfer.achievements.all()) == [standard] and transfer.counterparty == company
    event = AuditEvent.objects.get(action="outcomes.transfer.create")
    assert event.clause == "M18"


def test_a_counterparty_abroad_cites_m22(applicant, standard):
    transfer = services.create_transfer(by=applicant, values=values([standard], counterparty_region="HK",
                                                                    counterparty_name="香港某大学",
                                                                    counterparty_kind="university"))
    assert transfer.abroad
    assert AuditEvent.objects.get(action="outcomes.transfer.create").clause == "M18, M22"


@pytest.mark.parametrize(("change", "field"), [
    ({"value": Decimal("-1")}, "value"),
    ({"value": None}, "value"),
    ({"contract_on": None}, "contract_on"),
    ({"title": " "}, "title"),
    ({"counterparty_name": ""}, "counterparty"),
    ({"counterparty_kind": ""}, "counterparty_kind"),
    ({"achievements": []}, "achievements"),
    ({"kind": "gift"}, "kind"),
])
def test_bad_input_names_the_field_and_writes_nothing(applicant, standard, change, field):
    with pytest.raises(ValidationError) as caught:
        services.create_transfer(by=applicant, values=values(change.pop("achievements", [standard]), **change))
    assert field in caught.value.message_dict
    assert nothing_written()


def test_a_future_contract_date_is_refused(applicant, standard):
    with pytest.raises(ValidationError) as caught:
        services.create_transfer(by=applicant, values=values([standard],
                                                             contract_on=clock.today() + datetime.timedelta(days=1)))
    assert "future" in caught.value.message_dict["contract_on"][0]
    assert nothing_written()


def test_another_organisations_achievement_is_refused(applicant, other_org, standard):
    theirs = achievement_of(approved_project(organisation=other_org), title="他人的标准")
    with pytest.raises(ValidationError) as caught:
        services.create_transfer(by=applicant, values=values([standard, theirs]))
    assert "another organisation's achievement" in caught.value.message_dict["achievements"][0]
    assert nothing_written()


def test_a_value_ten_thousand_times_off_is_warned_and_saved_once_confirmed(applicant, standard, project):
    typed_in_yuan = project.call.budget * 2      # e.g. 1,200,000 typed where 万元 is asked
    with pytest.raises(ValidationError) as caught:
        services.create_transfer(by=applicant, values=values([standard], value=typed_in_yuan))
    message = caught.value.message_dict["value"][0]
    assert "did you type yuan" in message and "the value is right" in message
    assert nothing_written()
    transfer = services.create_transfer(by=applicant, values=values([standard], value=typed_in_yuan,
                                                                    confirm_value=True))
    assert transfer.value == typed_in_yuan


def test_own_production_is_the_organisation_itself(applicant, own_org, standard):
    transfer = services.create_transfer(by=applicant, values=values([standard], kind="own_production",
                                                                    counterparty_name="", value=Decimal("0")))
    assert transfer.counterparty == own_org


def test_a_licence_to_itself_is_refused(applicant, own_org, standard):
    with pytest.raises(ValidationError) as caught:
        services.create_transfer(by=applicant, values=values([standard], counterparty=own_org))
    assert "counterparty" in caught.value.message_dict
    assert nothing_written()


# --- Money received ----------------------------------------------------------------------------------------------

@pytest.fixture
def licence(applicant, standard):
    return services.create_transfer(by=applicant, values=values([standard]))


def test_money_received_by_year(applicant, licence):
    services.add_receipt(licence, by=applicant, amount=Decimal("300000"), received_on=D(2025, 4, 1))
    services.add_receipt(licence, by=applicant, amount=Decimal("200000"), received_on=D(2025, 9, 1))
    assert [(r.year, r.amount) for r in licence.receipts.all()] == [(2025, Decimal("300000")),
                                                                   (2025, Decimal("200000"))]
    assert services.received_total(licence) == Decimal("500000")
    assert AuditEvent.objects.filter(action="outcomes.transfer.receive", clause="M18").count() == 2


@pytest.mark.parametrize(("amount", "day", "field"), [
    (Decimal("100"), D(2025, 2, 28), "received_on"),      # before the contract date
    (Decimal("-100"), D(2025, 4, 1), "amount"),
    (Decimal("0"), D(2025, 4, 1), "amount"),
    (None, D(2025, 4, 1), "amount"),
    (Decimal("100"), None, "received_on"),
])
def test_bad_money_received_is_refused(applicant, licence, amount, day, field):
    with pytest.raises(ValidationError) as caught:
        services.add_receipt(licence, by=applicant, amount=amount, received_on=day)
    assert field in caught.value.message_dict
    assert not TransferReceipt.objects.exists()
    assert not AuditEvent.objects.filter(action="outcomes.transfer.receive").exists()


def test_before_the_contract_date_says_so(applicant, licence):
    with pytest.raises(ValidationError) as caught:
        services.add_receipt(licence, by=applicant, amount=Decimal("100"), received_on=D(2025, 2, 28))
    assert "before the contract date 2025-03-01" in caught.value.message_dict["received_on"][0]


def test_more_than_the_contract_value_is_warned_then_recorded_when_confirmed(applicant, licence):
    services.add_receipt(licence, by=applicant, amount=Decimal("1000000"), received_on=D(2025, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.add_receipt(licence, by=applicant, amount=Decimal("300000"), received_on=D(2025, 5, 1))
    assert "more than the contract value of 120 万元" in caught.value.message_dict["amount"][0]
    assert licence.receipts.count() == 1
    services.add_receipt(licence, by=applicant, amount=Decimal("300000"), received_on=D(2025, 5, 1),
                         confirm_over=True)
    assert services.received_total(licence) == Decimal("1300000")


def test_the_contract_date_cannot_move_after_money_received(applicant, licence, standard):
    services.add_receipt(licence, by=applicant, amount=Decimal("1000"), received_on=D(2025, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.update_transfer(licence, by=applicant, values=values([standard], contract_on=D(2025, 5, 1)))
    assert "contract_on" in caught.value.message_dict
    assert Transfer.objects.get().contract_on == D(2025, 3, 1)


def test_another_organisation_cannot_add_money(other_org, licence):
    stranger = user_for_role(Role.APPLICANT, organisation=other_org)
    with pytest.raises(PermissionDenied):
        services.add_receipt(licence, by=stranger, amount=Decimal("1"), received_on=D(2025, 4, 1))


# --- Verification --------------------------------------------------------------------------------------------------

def test_an_officer_verifies_and_then_it_cannot_be_changed(officer, applicant, licence, standard):
    services.verify(licence, by=officer, seen="unverified")
    assert licence.state == "verified" and licence.verified_by == officer
    with pytest.raises((ValidationError, PermissionDenied)):
        services.update_transfer(licence, by=applicant, values=values([standard], title="改"))
    services.unverify(licence, by=officer, reason="合同金额与附件不符", seen="verified")
    assert Transfer.objects.get().state == "unverified"
    assert AuditEvent.objects.filter(action__in=["outcomes.transfer.verify", "outcomes.transfer.unverify"],
                                     clause="M18").count() == 2


def test_an_officer_who_cannot_see_the_projects_is_refused(licence, own_org):
    other_district = District.objects.exclude(pk=own_org.district_id).first()
    district_officer = user_for_role(Role.DISTRICT_OFFICER, district=other_district)
    with pytest.raises(PermissionDenied) as caught:
        services.verify(licence, by=district_officer)
    assert "cannot see the projects" in str(caught.value)
    assert Transfer.objects.get().state == "unverified"
    assert not AuditEvent.objects.filter(action="outcomes.transfer.verify").exists()


def test_an_applicant_does_not_verify(applicant, licence):
    with pytest.raises(PermissionDenied):
        services.verify(licence, by=applicant)


# --- Pages ---------------------------------------------------------------------------------------------------------

def form_data(achievement, **kw):
    data = {"kind": "exclusive_licence", "title": "专利独占许可合同", "achievements": [achievement.pk],
            "counterparty_name": "深圳市某医疗器械有限公司", "counterparty_kind": "enterprise",
            "counterparty_region": "mainland", "value": "120", "contract_on": "2025-03-01"}
    data.update(kw)
    return data


def test_the_form_records_a_transfer_in_wan(client, applicant, standard):
    client.force_login(applicant)
    response = client.post(reverse("outcomes:transfer_create"), form_data(standard))
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and transfer.value == Decimal("1200000")


def test_an_achievement_id_changed_in_the_post_is_refused(client, applicant, other_org, standard):
    theirs = achievement_of(approved_project(organisation=other_org), title="他人的标准")
    client.force_login(applicant)
    response = client.post(reverse("outcomes:transfer_create"), form_data(standard, achievements=[theirs.pk]))
    assert response.status_code == 200
    assert "不属于本单位" in response.context["form"].errors["achievements"][0]
    assert nothing_written()


def test_an_absurd_value_is_refused_by_the_form(client, applicant, standard):
    client.force_login(applicant)
    response = client.post(reverse("outcomes:transfer_create"), form_data(standard, value="1000000000"))
    assert "value" in response.context["form"].errors
    response = client.post(reverse("outcomes:transfer_create"), form_data(standard, value="-5"))
    assert response.context["form"].errors["value"]
    assert nothing_written()


def test_the_receipt_form_shows_its_errors(client, applicant, licence):
    client.force_login(applicant)
    url = reverse("outcomes:transfer_receipt", args=[licence.pk])
    response = client.post(url, {"amount": "10", "received_on": "2025-01-01"})
    assert response.status_code == 422 and "合同日期" in response.content.decode()
    assert client.post(url, {"amount": "10", "received_on": "2025-04-01"}).status_code == 302
    assert licence.receipts.get().amount == Decimal("100000")


def test_pages_are_scoped(client, applicant, other_org, licence):
    theirs = transfer_of([achievement_of(approved_project(organisation=other_org))], on=D(2025, 1, 1))
    client.force_login(applicant)
    assert list(client.get(reverse("outcomes:transfers")).context["page_obj"]) == [licence]
    assert client.get(reverse("outcomes:transfer_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("outcomes:transfer_detail", args=[licence.pk])).status_code == 200
    assert client.get(f"/api/v1/outcomes/transfers/{theirs.pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/outcomes/transfers/").json()["results"]] == [licence.pk]


def test_the_public_api_reads_verified_transfers_without_private_details(client, officer, licence, other_org):
    transfer_of([achievement_of(approved_project(organisation=other_org))], on=D(2025, 1, 1), verified=False)
    services.verify(licence, by=officer)
    rows = client.get("/api/v1/outcomes/transfers/public/").json()["results"]
    assert [row["id"] for row in rows] == [licence.pk]
    assert "value" not in rows[0] and "counterparty_contact" not in rows[0] and "receipts" not in rows[0]
    assert client.get("/api/v1/outcomes/transfers/").status_code in (401, 403)
    client.force_login(officer)
    row = client.get(f"/api/v1/outcomes/transfers/{licence.pk}/").json()
    assert Decimal(row["value"]) == Decimal("1200000")


def test_the_export_filters_by_call_and_domain(client, officer, licence, project, other_org):
    transfer_of([achievement_of(approved_project(organisation=other_org))], on=D(2025, 1, 1))
    client.force_login(officer)
    response = client.get(reverse("outcomes:transfer_export"), {"call": project.call.code})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "专利独占许可合同" and rows[1][5] == 120
    domain = project.call.domains.first()
    response = client.get(reverse("outcomes:transfer_export"), {"domain": domain.code})
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) >= 2
    assert AuditEvent.objects.filter(action="outcomes.transfer.export").count() == 2


def test_the_verify_page_refuses_an_officer_outside_the_scope(client, licence, own_org):
    other_district = District.objects.exclude(pk=own_org.district_id).first()
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district=other_district))
    response = client.post(reverse("outcomes:transfer_verify", args=[licence.pk]), {"seen": "unverified"},
                           follow=True)
    assert "无权查看" in response.content.decode()
    assert Transfer.objects.get().state == "unverified"


# --- The project page and the public pages of the rate -------------------------------------------------------------

def test_the_project_lists_its_transfers(applicant, licence, project):
    assert list(queries.transfers_of(project, applicant)) == [licence]
    assert list(queries.transfers_of(project, None)) == []        # the public sees verified ones only


def test_the_domain_page_shows_the_rate_with_its_definition(client, own_org, officer):
    accepted = accepted_project(on=D(2024, 6, 1), organisation=own_org)
    domain = accepted.call.domains.first()
    standard = achievement_of(accepted)
    achievement_of(accepted, kind="software", title="软件")
    url = reverse("outcomes:domain", args=[domain.code])
    page = client.get(url)
    assert page.status_code == 200 and page.context["rate"].rate == 0
    assert "可转化成果" in page.content.decode()
    transfer_of([standard], on=D(2024, 7, 1))
    page = client.get(url)
    assert page.context["rate"].rate == Decimal("0.5") and page.context["rate"].project_share == 1
    assert [year for year, _rate in page.context["by_year"]] == [2024]
    overview = client.get(reverse("outcomes:transfer_rate"))
    assert overview.status_code == 200 and overview.context["rate"].projects_accepted == 1
    clause = client.get(reverse("policy:clause_detail", args=["M18"]))
    assert "可转化成果" in clause.content.decode() and "data-ms-indicator" in clause.content.decode()


def test_the_domain_page_of_an_unknown_domain_is_404(client):
    assert client.get(reverse("outcomes:domain", args=["D99"])).status_code == 404


def test_the_project_page_shows_its_transfers(client, applicant, officer, licence, project, other_org):
    client.force_login(applicant)
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "data-ms-project-transfers" in page and licence.title in page
    assert reverse("outcomes:transfer_detail", args=[licence.pk]) in page


def test_the_edit_form_corrects_an_unverified_transfer(client, applicant, licence, standard):
    client.force_login(applicant)
    url = reverse("outcomes:transfer_edit", args=[licence.pk])
    assert client.get(url).context["form"].initial["value"] == "120"
    response = client.post(url, form_data(standard, title="专利独占许可合同（补充）", value="130"))
    assert response.status_code == 302
    licence.refresh_from_db()
    assert (licence.title, licence.value) == ("专利独占许可合同（补充）", Decimal("1300000"))
    assert AuditEvent.objects.filter(action="outcomes.transfer.update", clause="M18").count() == 1


@pytest.mark.parametrize("rows", [1, 15])
def test_the_list_runs_a_fixed_number_of_queries(client, officer, own_org, rows, django_assert_max_num_queries):
    achievement = achievement_of(approved_project(organisation=own_org))
    for _ in range(rows):
        transfer_of([achievement], on=D(2025, 1, 1))
    client.force_login(officer)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("outcomes:transfers")).status_code == 200
