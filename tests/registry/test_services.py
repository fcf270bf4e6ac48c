"""The registry's services: every write audited with its clause, verification decided by one conditional update."""


import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.notifications.models import Notification
from minsheng.registry import services
from minsheng.registry.models import InnovationCarrier, Organisation, Person, TalentTag
from tests.factories import (
    CarrierFactory,
    OrganisationFactory,
    PartnerFactory,
    district,
    domain,
    user_for_role,
)
from tests.races import postgresql_only, race

pytestmark = pytest.mark.django_db

VALID_CODE = "91440300MA5FXXXXXM"
VALID_ID = "11010519491231002X"


def events(action):
    return AuditEvent.objects.filter(action=action)


def org_values(**extra):
    return {"credit_code": VALID_CODE, "name_zh": "深圳市服务测试科技有限公司", "kind": "enterprise",
            "district": district("futian"), **extra}


# --- Organisations --------------------------------------------------------------------------------

def test_create_organisation_starts_pending_and_is_audited(officer):
    organisation = services.create_organisation(by=officer, values=org_values(credit_code=" 91440300ma5fxxxxxm"[1:]
                                                                              .upper()))
    assert organisation.state == Organisation.State.PENDING
    event = events("registry.organisation.create").get()
    assert event.actor == officer and event.target_id == str(organisation.pk)
    assert event.new["credit_code"] == VALID_CODE


def test_create_organisation_refuses_a_wrong_credit_code_and_writes_nothing(officer):
    with pytest.raises(ValidationError) as caught:
        services.create_organisation(by=officer, values=org_values(credit_code="91440300MA5FXXXXX1"))
    assert "credit_code" in caught.value.message_dict
    assert not Organisation.objects.exists()
    assert not events("registry.organisation.create").exists()


def test_create_organisation_refuses_a_duplicate(officer):
    services.create_organisation(by=officer, values=org_values())
    with pytest.raises(ValidationError):
        services.create_organisation(by=officer, values=org_values(name_zh="另一个名字有限公司"))
    assert Organisation.objects.count() == 1


def test_only_officers_and_admins_create_organisations(own_org):
    for role in (Role.APPLICANT, Role.AUDITOR, Role.DISTRICT_OFFICER, Role.EXPERT):
        user = user_for_role(role, organisation=own_org) if role == Role.APPLICANT else user_for_role(role)
        with pytest.raises(PermissionDenied):
            services.create_organisation(by=user, values=org_values())
    assert not Organisation.objects.filter(credit_code=VALID_CODE).exists()


def test_update_organisation_records_only_what_changed(officer, own_org):
    services.update_organisation(organisation=own_org, by=officer, changes={"address": "深圳市福田区1号",
                                                                            "kind": own_org.kind})
    event = events("registry.organisation.update").get()
    assert event.old == {"address": "深圳市南山区科技园"} and event.new == {"address": "深圳市福田区1号"}


def test_applicant_edits_its_profile_but_not_the_credit_code_or_state(applicant, own_org):
    services.update_organisation(organisation=own_org, by=applicant, changes={"contact_name": "李四"})
    own_org.refresh_from_db()
    assert own_org.contact_name == "李四"
    for changes in ({"credit_code": VALID_CODE}, {"state": "pending"}, {"name_zh": "新名字有限公司"}):
        with pytest.raises(PermissionDenied):
            services.update_organisation(organisation=own_org, by=applicant, changes=changes)
    own_org.refresh_from_db()
    assert own_org.credit_code != VALID_CODE and own_org.state == Organisation.State.VERIFIED


def test_applicant_may_correct_the_chinese_name_before_verification(own_org):
    pending = OrganisationFactory(state=Organisation.State.PENDING)
    user = user_for_role(Role.APPLICANT, organisation=pending)
    services.update_organisation(organisation=pending, by=user, changes={"name_zh": "深圳市更正后科技有限公司"})
    pending.refresh_from_db()
    assert pending.name_zh == "深圳市更正后科技有限公司"


def test_applicant_may_not_edit_another_organisation(applicant, other_org):
    with pytest.raises(PermissionDenied):
        services.update_organisation(organisation=other_org, by=applicant, changes={"contact_name": "X"})


def test_verify_changes_state_audits_and_mails_the_applicants_after_commit(officer, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    user_for_role(Role.APPLICANT, organisation=organisation, email="lead@pending.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.verify_organisation(organisation=organisation, by=officer)
        assert mail.outbox == []  # nothing is sent before the decision is committed
    assert callbacks
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.VERIFIED
    assert organisation.verified_by == officer and organisation.verified_at is not None
    event = events("registry.organisation.verify").get()
    assert event.old == {"state": "pending"} and event.new["state"] == "verified" and event.actor == officer
    assert [m.to for m in mail.outbox] == [["lead@pending.cn"]]
    assert organisation.name_zh in mail.outbox[0].body
    assert mail.outbox[0].subject.endswith("] 贵单位已通过审核")
    told = Notification.objects.get()
    assert (told.recipient.email, told.kind, told.target, told.subject) == (
        "lead@pending.cn", "registry.organisation_decision", organisation, "贵单位已通过审核")
    assert told.url == f"/registry/organisations/{organisation.pk}/"


def test_reject_needs_a_reason_and_sends_it(officer, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    user_for_role(Role.APPLICANT, organisation=organisation, email="lead@rejected.cn")
    with pytest.raises(ValidationError) as caught:
        services.reject_organisation(organisation=organisation, by=officer, reason="   ")
    assert "reason" in caught.value.message_dict
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.PENDING and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_organisation(organisation=organisation, by=officer, reason="营业执照与名称不符")
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.REJECTED
    assert organisation.state_reason == "营业执照与名称不符" and organisation.verified_by is None
    event = events("registry.organisation.reject").get()
    assert event.reason == "营业执照与名称不符"
    assert "营业执照与名称不符" in mail.outbox[0].body
    assert "营业执照与名称不符" in Notification.objects.get(recipient__email="lead@rejected.cn").body


def test_only_officers_decide(own_org):
    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    for role in (Role.AUDITOR, Role.DEPARTMENT_OFFICER, Role.FINANCE, Role.EXPERT):
        with pytest.raises(PermissionDenied):
            services.verify_organisation(organisation=organisation, by=user_for_role(role))
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.PENDING


def test_a_decided_organisation_cannot_be_decided_again(officer):
    organisation = OrganisationFactory(state=Organisation.State.VERIFIED)
    with pytest.raises(TransitionRefused):
        services.reject_organisation(organisation=organisation, by=officer, reason="迟到的驳回")
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.VERIFIED
    assert not events("registry.organisation.reject").exists()


def test_two_officers_deciding_from_the_same_page_exactly_one_wins(officer):
    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    # Both officers loaded the page while it was pending: two stale copies of the same row.
    first = Organisation.objects.get(pk=organisation.pk)
    second = Organisation.objects.get(pk=organisation.pk)
    services.verify_organisation(organisation=first, by=officer)
    other_officer = user_for_role(Role.OFFICER)
    with pytest.raises(TransitionRefused) as caught:
        services.reject_organisation(organisation=second, by=other_officer, reason="重复")
    assert "已通过审核" in caught.value.messages[0] and "未作任何更改" in caught.value.messages[0]
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.VERIFIED and organisation.verified_by == officer
    assert events("registry.organisation.verify").count() == 1
    assert not events("registry.organisation.reject").exists()


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_verifying_at_the_same_moment_exactly_one_succeeds():
    """Two threads, two connections, one row: the conditional update lets exactly one through.
    (The stale-copy test above checks the same rule on every database.)"""
    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    officers = [user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)]
    stale = [Organisation.objects.get(pk=organisation.pk) for _ in officers]
    actions = [lambda u=user, o=copy: services.verify_organisation(organisation=o, by=u)
               for user, copy in zip(officers, stale, strict=True)]
    assert race(actions) == ["refused", "won"]
    assert events("registry.organisation.verify").count() == 1


# --- People (M21) ---------------------------------------------------------------------------------

def test_create_person_keeps_only_the_masked_identity_number_and_cites_m21(applicant, own_org):
    tag = TalentTag.objects.get(code="young_top")
    person = services.create_person(by=applicant, values={"name": "王五", "organisation": own_org},
                                    domains=[domain("D01")], talent_tags=[tag], identity_number=VALID_ID)
    person.refresh_from_db()
    assert person.id_number_masked == "110105********002X"
    assert person.birth_year == 1949 and person.gender == Person.Gender.FEMALE
    event = events("registry.person.create").get()
    assert event.clause == "M21"
    assert VALID_ID not in str(event.new) and "19491231" not in str(event.new)
    assert event.new["talent_tags"] == [tag.pk]


def test_identity_number_with_a_wrong_check_digit_is_refused(applicant, own_org):
    with pytest.raises(ValidationError) as caught:
        services.create_person(by=applicant, values={"name": "王五", "organisation": own_org},
                               identity_number="110105194912310021")
    assert "identity_number" in caught.value.message_dict
    assert not Person.objects.filter(name="王五").exists()


def test_identity_number_must_agree_with_the_year_of_birth(applicant, own_org):
    with pytest.raises(ValidationError) as caught:
        services.create_person(by=applicant, values={"name": "王五", "organisation": own_org, "birth_year": 1980},
                               identity_number=VALID_ID)
    assert "birth_year" in caught.value.message_dict


def test_the_same_person_is_not_registered_twice_in_one_organisation(applicant, own_org):
    values = {"name": "王五", "organisation": own_org}
    services.create_person(by=applicant, values=dict(values), identity_number=VALID_ID)
    with pytest.raises(ValidationError):
        services.create_person(by=applicant, values=dict(values), identity_number=VALID_ID)
    assert Person.objects.filter(name="王五").count() == 1


def test_applicant_registers_people_of_its_own_organisation_only(applicant, other_org):
    with pytest.raises(PermissionDenied):
        services.create_person(by=applicant, values={"name": "外单位人员", "organisation": other_org})
    assert not Person.objects.filter(name="外单位人员").exists()


def test_update_person_cites_m21_when_talent_tags_change(officer, own_person):
    tag = TalentTag.objects.get(code="academician")
    services.update_person(person=own_person, by=officer, changes={"position": "首席科学家"})
    assert events("registry.person.update").get().clause == ""
    services.update_person(person=own_person, by=officer, changes={"talent_tags": [tag]})
    event = events("registry.person.update").order_by("-seq").first()
    assert event.clause == "M21" and event.new == {"talent_tags": [tag.pk]}


def test_applicant_may_not_move_a_person_to_another_organisation(applicant, own_person, other_org):
    with pytest.raises(PermissionDenied):
        services.update_person(person=own_person, by=applicant, changes={"organisation": other_org})
    own_person.refresh_from_db()
    assert own_person.organisation_id == applicant.organisation_id


# --- Carriers, service institutions, facilities, partners ------------------------------------------

def test_carriers_cite_m02_and_infrastructure_m01(officer, own_org):
    values = {"name_zh": "深圳市测试重点实验室", "kind": InnovationCarrier.Kind.KEY_LAB, "level": "municipal",
              "domain": domain("D02"), "host": own_org}
    lab = services.create_carrier(by=officer, values=values)
    infrastructure = services.create_carrier(by=officer, values={
        **values, "name_zh": "国家测试基础设施", "kind": InnovationCarrier.Kind.INFRASTRUCTURE, "level": "national"})
    clauses = dict(events("registry.innovationcarrier.create").values_list("target_id", "clause"))
    assert clauses == {str(lab.pk): "M02", str(infrastructure.pk): "M01"}


def test_applicant_registers_carriers_only_for_its_own_organisation(applicant, own_org, other_org):
    values = {"name_zh": "本单位工程实验室", "kind": "engineering_lab", "level": "municipal",
              "domain": domain("D01"), "host": own_org}
    carrier = services.create_carrier(by=applicant, values=values)
    assert carrier.host == own_org
    with pytest.raises(PermissionDenied):
        services.create_carrier(by=applicant, values={**values, "name_zh": "他单位实验室", "host": other_org})
    with pytest.raises(PermissionDenied):
        services.update_carrier(carrier=carrier, by=applicant, changes={"host": other_org})
    other = CarrierFactory(host=other_org)
    with pytest.raises(PermissionDenied):
        services.update_carrier(carrier=other, by=applicant, changes={"description": "改"})


def test_duplicate_carrier_name_is_refused(officer, own_org):
    existing = CarrierFactory(host=own_org)
    with pytest.raises(ValidationError) as caught:
        services.create_carrier(by=officer, values={"name_zh": existing.name_zh, "kind": "key_lab",
                                                    "level": "municipal", "domain": domain("D01"), "host": own_org})
    assert caught.value.messages == ["已有同名创新载体登记（中文名称重复）。"]
    assert InnovationCarrier.objects.filter(name_zh=existing.name_zh).count() == 1


def test_service_institutions_and_facilities_cite_m03(officer, own_org):
    institution = services.create_service_institution(
        by=officer, values={"organisation": own_org, "service": "ip", "level": "municipal"},
        domains=[domain("D01"), domain("D08")])
    facility = services.create_facility(by=officer, values={"name_zh": "共享质谱仪", "kind": "instrument",
                                                            "host": own_org})
    services.update_facility(facility=facility, by=officer, changes={"booking_contact": "0755-1"})
    assert set(institution.domains.values_list("code", flat=True)) == {"D01", "D08"}
    for action in ("registry.serviceinstitution.create", "registry.sharedfacility.create",
                   "registry.sharedfacility.update"):
        assert events(action).get().clause == "M03"


def test_applicant_may_not_register_a_service_institution(applicant, own_org):
    with pytest.raises(PermissionDenied):
        services.create_service_institution(by=applicant, values={"organisation": own_org, "service": "ip"})


def test_partners_cite_m22(officer, own_org):
    partner = services.create_partner(by=officer, values={"name_zh": "香港服务测试大学", "region": "HK",
                                                          "kind": "university"}, partners_with=[own_org])
    services.update_partner(partner=partner, by=officer, changes={"website": "https://hk.example.org"})
    assert events("registry.cooperationpartner.create").get().clause == "M22"
    assert events("registry.cooperationpartner.update").get().clause == "M22"
    assert list(partner.partners_with.all()) == [own_org]


def test_applicant_may_not_write_partners(applicant):
    partner = PartnerFactory()
    with pytest.raises(PermissionDenied):
        services.update_partner(partner=partner, by=applicant, changes={"country": "X"})


def test_default_talent_tags_ship_with_english_names():
    tags = {tag.code: tag for tag in TalentTag.objects.all()}
    assert {"national_leader", "local_leader", "reserve", "peacock", "young_top", "academician",
            "state_council_allowance"} <= tags.keys()
    assert tags["peacock"].name_zh == "海外高层次人才（孔雀计划）"
    assert all(tag.name_en for tag in tags.values())
