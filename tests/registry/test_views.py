"""The registry's pages: scopes (404 outside them), bad input, forms sent twice, search, filters, sorting,
public directories and verification."""

import re

import pytest
from django.urls import reverse

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.registry.models import CooperationPartner, InnovationCarrier, Organisation, Person
from tests.factories import (
    CarrierFactory,
    FacilityFactory,
    OrganisationFactory,
    PartnerFactory,
    PersonFactory,
    ServiceInstitutionFactory,
    district,
    domain,
    user_for_role,
)
from tests.registry.conftest import login

pytestmark = pytest.mark.django_db

VALID_CODE = "91440300MA5FXXXXXM"


def url(name, **kwargs):
    return reverse(f"registry:{name}", kwargs=kwargs or None)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def org_form(**extra):
    return {"credit_code": VALID_CODE, "name_zh": "深圳市页面测试科技有限公司", "kind": "enterprise", "size": "small",
            "district": district("futian").pk, "address": "深圳市福田区1号", **extra}


# --- Scope: another organisation's objects answer 404 ---------------------------------------------

def test_applicant_sees_its_own_organisation_and_nothing_else(client, applicant, own_org, other_org):
    login(client, applicant)
    assert client.get(url("organisation_detail", pk=own_org.pk)).status_code == 200
    assert client.get(url("organisation_detail", pk=other_org.pk)).status_code == 404
    assert client.get(url("organisation_edit", pk=other_org.pk)).status_code == 404
    listing = text(client.get(url("organisation_list")))
    assert own_org.name_zh in listing and other_org.name_zh not in listing
    assert client.get(f"/api/v1/registry/organisations/{other_org.pk}/").status_code == 404
    assert client.get(f"/api/v1/registry/organisations/{own_org.pk}/").status_code == 200


def test_applicant_sees_only_its_own_people(client, applicant, own_person, other_person):
    login(client, applicant)
    assert client.get(url("person_detail", pk=own_person.pk)).status_code == 200
    assert client.get(url("person_detail", pk=other_person.pk)).status_code == 404
    assert client.get(url("person_edit", pk=other_person.pk)).status_code == 404
    assert client.get(f"/api/v1/registry/people/{other_person.pk}/").status_code == 404
    listing = text(client.get(url("person_list")))
    assert own_person.name in listing and other_person.name not in listing


def test_a_missing_id_answers_404_like_another_organisations(client, applicant):
    login(client, applicant)
    assert client.get(url("organisation_detail", pk=999999)).status_code == 404


def test_expert_sees_only_its_own_person_record_and_no_organisations(client, own_person, other_person):
    expert = user_for_role(Role.EXPERT, person=own_person)
    login(client, expert)
    page = client.get(url("person_detail", pk=own_person.pk))
    assert page.status_code == 200 and own_person.phone in text(page)
    assert client.get(url("person_detail", pk=other_person.pk)).status_code == 404
    assert client.get(url("person_edit", pk=own_person.pk)).status_code == 403
    assert client.get(url("organisation_list")).status_code == 403
    assert client.get(url("organisation_detail", pk=own_person.organisation_id)).status_code == 403


def test_applicant_edits_only_carriers_its_organisation_hosts(client, applicant, own_org, other_org):
    own, other = CarrierFactory(host=own_org), CarrierFactory(host=other_org)
    login(client, applicant)
    assert client.get(url("carrier_edit", pk=own.pk)).status_code == 200
    assert client.get(url("carrier_edit", pk=other.pk)).status_code == 404
    form = client.get(url("carrier_create")).context["form"]
    assert list(form.fields["host"].queryset) == [own_org]
    # A host outside the choices is refused by the form, and nothing is written.
    response = client.post(url("carrier_create"), {"name_zh": "借用他单位名义的实验室", "kind": "key_lab",
                                                   "level": "municipal", "domain": domain().pk, "host": other_org.pk,
                                                   "governance": "hosted"})
    assert response.status_code == 200 and "host" in response.context["form"].errors
    assert not InnovationCarrier.objects.filter(name_zh="借用他单位名义的实验室").exists()


# --- Contact details only for those who manage the person -------------------------------------------

def test_personal_details_are_shown_only_to_those_who_manage_the_person(client, applicant, own_person, officer):
    for user, shown in ((applicant, True), (officer, True), (user_for_role(Role.AUDITOR), False),
                        (user_for_role(Role.DISTRICT_OFFICER), False)):
        login(client, user)
        page = text(client.get(url("person_detail", pk=own_person.pk)))
        assert (own_person.phone in page) is shown, user.role
        assert (own_person.id_number_masked in page) is shown, user.role


# --- Bad input: clear messages, nothing written ----------------------------------------------------

def test_wrong_credit_code_is_explained_and_nothing_is_saved(client, officer):
    login(client, officer)
    response = client.post(url("organisation_create"), org_form(credit_code="91440300MA5FXXXXX1"))
    assert response.status_code == 200
    assert "校验" in text(response), response.context["form"].errors  # the check character is wrong
    assert not Organisation.objects.filter(name_zh="深圳市页面测试科技有限公司").exists()
    response = client.post(url("organisation_create"), org_form(credit_code="12345"))
    assert "18" in text(response) and response.context["form"].errors["credit_code"]


def test_duplicate_credit_code_and_name_are_explained(client, officer, own_org):
    login(client, officer)
    response = client.post(url("organisation_create"), org_form(credit_code=own_org.credit_code))
    assert "已有单位使用该统一社会信用代码登记" in text(response)
    response = client.post(url("organisation_create"), org_form(name_zh=own_org.name_zh))
    assert "已有同名单位登记" in text(response)
    assert Organisation.objects.count() == 1


def test_identity_number_with_a_wrong_check_digit_is_explained(client, applicant):
    login(client, applicant)
    response = client.post(url("person_create"), {"name": "校验测试", "title": "none",
                                                  "identity_number": "110105194912310021"})
    assert response.status_code == 200
    assert "该身份证号码的校验码不正确" in text(response)
    assert not Person.objects.filter(name="校验测试").exists()


def test_identity_number_is_stored_masked(client, applicant, own_org):
    login(client, applicant)
    response = client.post(url("person_create"), {"name": "掩码测试", "title": "senior",
                                                  "identity_number": "11010519491231002X",
                                                  "domains": [domain("D01").pk]})
    assert response.status_code == 302
    person = Person.objects.get(name="掩码测试")
    assert person.organisation == own_org and person.id_number_masked == "110105********002X"
    assert "19491231" not in str(list(AuditEvent.objects.values_list("new", flat=True)))


def test_partner_abroad_needs_a_country(client, officer):
    login(client, officer)
    response = client.post(url("partner_create"), {"name_zh": "海外无国别研究所", "region": "abroad",
                                                   "kind": "institute"})
    assert "country" in response.context["form"].errors
    assert not CooperationPartner.objects.exists()


def test_a_form_sent_twice_creates_one_record(client, officer):
    login(client, officer)
    token = client.get(url("partner_create")).context["form_token"]
    data = {"name_zh": "香港重复提交大学", "region": "HK", "kind": "university", "form_token": token}
    first = client.post(url("partner_create"), data)
    second = client.post(url("partner_create"), data)
    partner = CooperationPartner.objects.get()
    assert first["Location"] == second["Location"] == url("partner_detail", pk=partner.pk)


def test_out_of_city_credit_code_is_accepted_with_a_notice(client, officer):
    login(client, officer)
    response = client.post(url("organisation_create"), org_form(credit_code="91110000MA0000000H"),
                           follow=True)
    assert response.status_code == 200, response.context["form"].errors if response.context.get("form") else ""
    assert Organisation.objects.filter(credit_code="91110000MA0000000H").exists()
    assert "4403" in text(response)


# --- Lists: search, filters, facet counts, sorting, pagination ---------------------------------------

def test_search_by_credit_code_and_name(client, officer):
    one = OrganisationFactory(name_zh="深圳市海洋观测有限公司")
    two = OrganisationFactory(name_zh="深圳市智慧交通有限公司")
    login(client, officer)
    page = text(client.get(url("organisation_list"), {"q": one.credit_code}))
    assert one.name_zh in page and two.name_zh not in page
    page = text(client.get(url("organisation_list"), {"q": "交通"}))
    assert two.name_zh in page and one.name_zh not in page


def test_filters_and_facet_counts(client, officer):
    OrganisationFactory.create_batch(3, state=Organisation.State.PENDING)
    OrganisationFactory.create_batch(2)
    login(client, officer)
    response = client.get(url("organisation_list"), {"state": "pending"})
    assert response.context["page_obj"].paginator.count == 3
    assert {o.state for o in response.context["page_obj"]} == {"pending"}
    state_filter = next(f for f in response.context["filters"] if f["name"] == "state")
    counts = {o["value"]: o["count"] for o in state_filter["options"]}
    assert counts["pending"] == 3 and counts["verified"] == 2
    # An unknown filter value is ignored rather than failing.
    assert client.get(url("organisation_list"), {"state": "nonsense", "sort": "drop table"}).status_code == 200


def test_people_filter_by_talent_tag_and_domain(client, officer):
    from minsheng.registry.models import TalentTag

    tagged = PersonFactory(name="带标签专家")
    tagged.talent_tags.add(TalentTag.objects.get(code="academician"))
    tagged.domains.add(domain("D07"))
    PersonFactory(name="无标签人员")
    login(client, officer)
    response = client.get(url("person_list"), {"talent": "academician", "domain": "D07"})
    assert [p.name for p in response.context["page_obj"]] == ["带标签专家"]


def test_sorting_both_ways_and_pages_of_25(client, officer):
    for index in range(30):
        OrganisationFactory(name_zh=f"深圳市排序测试{index:02d}有限公司")
    login(client, officer)
    ascending = client.get(url("organisation_list"), {"sort": "name"}).context["page_obj"]
    assert len(ascending.object_list) == 25 and ascending.paginator.num_pages == 2
    assert ascending.object_list[0].name_zh == "深圳市排序测试00有限公司"
    descending = client.get(url("organisation_list"), {"sort": "-name", "page": 1}).context["page_obj"]
    assert descending.object_list[0].name_zh == "深圳市排序测试29有限公司"
    second = client.get(url("organisation_list"), {"sort": "name", "page": 2}).context["page_obj"]
    assert len(second.object_list) == 5


def test_district_officer_starts_on_the_district_and_may_see_all(client):
    nanshan = OrganisationFactory(district=district("nanshan"))
    futian = OrganisationFactory(district=district("futian"))
    login(client, user_for_role(Role.DISTRICT_OFFICER, district=district("nanshan")))
    shown = list(client.get(url("organisation_list")).context["page_obj"])
    assert shown == [nanshan]
    everything = list(client.get(url("organisation_list"), {"district": ""}).context["page_obj"])
    assert set(everything) == {nanshan, futian}
    assert client.get(url("organisation_detail", pk=futian.pk)).status_code == 200


# --- Public directories -----------------------------------------------------------------------------

def test_public_directories_are_readable_anonymously(client):
    carrier = CarrierFactory(name_zh="公开目录测试实验室")
    facility = FacilityFactory(name_zh="公开目录测试仪器")
    institution = ServiceInstitutionFactory()
    assert carrier.name_zh in text(client.get(url("carrier_list")))
    assert facility.name_zh in text(client.get(url("facility_list")))
    assert institution.organisation.name_zh in text(client.get(url("service_list")))
    detail = text(client.get(url("carrier_detail", pk=carrier.pk)))
    assert carrier.name_zh in detail and "M02" in detail
    # The host is named, but its registry page (and the carrier's history) are not linked for the public.
    assert url("organisation_detail", pk=carrier.host_id) not in detail
    assert "ms-history" not in detail
    assert client.get(url("facility_detail", pk=facility.pk)).status_code == 200
    assert client.get(url("service_detail", pk=institution.pk)).status_code == 200
    assert client.get(url("carrier_create")).status_code == 302  # writing needs signing in
    assert client.get(url("partner_list")).status_code == 302  # partners are not public


# --- Detail pages ---------------------------------------------------------------------------------

def test_organisation_page_shows_related_records_and_history_to_government(client, officer, own_org, own_person):
    CarrierFactory(host=own_org, name_zh="本单位工程实验室")
    FacilityFactory(host=own_org, name_zh="本单位共享仪器")
    partner = PartnerFactory(name_zh="香港关联大学")
    partner.partners_with.add(own_org)
    login(client, officer)
    client.post(url("organisation_edit", pk=own_org.pk), {**org_form(credit_code=own_org.credit_code,
                                                                      name_zh=own_org.name_zh),
                                                           "address": "深圳市南山区新地址"})
    page = text(client.get(url("organisation_detail", pk=own_org.pk)))
    for expected in (own_person.name, "本单位工程实验室", "本单位共享仪器", "香港关联大学",
                     "registry.organisation.update"):
        assert expected in page


def test_applicant_sees_no_audit_history(client, applicant, own_org):
    login(client, applicant)
    page = text(client.get(url("organisation_detail", pk=own_org.pk)))
    assert "ms-history" not in page


def test_partner_links_are_shown_in_full_to_government_only(client, applicant, own_org, other_org, officer):
    partner = PartnerFactory()
    partner.partners_with.add(other_org)
    login(client, officer)
    assert other_org.name_zh in text(client.get(url("partner_detail", pk=partner.pk)))
    login(client, applicant)
    page = text(client.get(url("partner_detail", pk=partner.pk)))
    assert other_org.name_zh not in page
    partner.partners_with.add(own_org)
    assert "data-ms-works-with-own" in text(client.get(url("partner_detail", pk=partner.pk)))


# --- Verification through the pages ---------------------------------------------------------------

def test_officer_verifies_and_a_second_click_is_told_it_is_decided(client, officer):
    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    login(client, officer)
    page = client.get(url("organisation_detail", pk=organisation.pk))
    assert "data-ms-verify" in text(page)
    response = client.post(url("organisation_verify", pk=organisation.pk), follow=True)
    assert "alert-success" in text(response)
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.VERIFIED
    again = client.post(url("organisation_verify", pk=organisation.pk), follow=True)
    assert "alert-danger" in text(again) and "已不在待审核状态" in text(again)
    assert AuditEvent.objects.filter(action="registry.organisation.verify").count() == 1


def test_reject_without_a_reason_is_refused_with_a_message(client, officer):
    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    login(client, officer)
    response = client.post(url("organisation_reject", pk=organisation.pk), {"reason": " "}, follow=True)
    assert "alert-danger" in text(response)
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.PENDING
    client.post(url("organisation_reject", pk=organisation.pk), {"reason": "证照信息不一致"})
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.REJECTED and organisation.state_reason == "证照信息不一致"


def test_pages_speak_chinese_by_default_and_english_on_request(client, officer):
    login(client, officer)
    assert "单位" in text(client.get(url("organisation_list")))
    client.cookies["minsheng_language"] = "en"
    page = text(client.get(url("organisation_list")))
    assert "Organisations" in page and "Export to Excel" in page
