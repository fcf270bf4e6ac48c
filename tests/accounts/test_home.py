"""Each role's home page: the right template, real content from the user's scope."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from minsheng.core import audit
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.policy.models import Domain, FundingSource
from minsheng.registry.models import Organisation, TalentTag
from tests.core.test_inbox import INBOX_MAX_QUERIES
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, district, domain, user_for_role

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.mark.parametrize("role", [str(r) for r in Role])
def test_each_role_gets_its_own_home_page(client, role):
    user = user_for_role(role)
    response, text = home(client, user)
    assert f'data-ms-home="{role}"' in text
    assert f"accounts/home/{role}.html" in [t.name for t in response.templates]
    assert str(Role(role).label) in text
    assert reverse("accounts:profile") in text


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_account_without_a_role_is_refused(client):
    user = UserFactory(role="")
    client.force_login(user)
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 403


def test_applicant_sees_own_organisation_state_and_people(client):
    organisation = OrganisationFactory(name_zh="深圳市首页测试有限公司", state=Organisation.State.PENDING)
    PersonFactory.create_batch(3, organisation=organisation)
    PersonFactory(organisation=OrganisationFactory())  # someone else's
    user = user_for_role(Role.APPLICANT, organisation=organisation)
    response, text = home(client, user)
    assert "深圳市首页测试有限公司" in text
    assert 'data-ms-verification="pending"' in text
    assert "待审核" in text
    assert response.context["people_count"] == 3
    assert reverse("registry:organisation_detail", kwargs={"pk": organisation.pk}) in text
    assert reverse("registry:person_list") in text


def test_applicant_of_a_verified_organisation_is_told_so_with_the_date(client):
    verified_at = datetime(2026, 3, 9, 17, 30, tzinfo=UTC)  # 01:30 on the 10th in Shanghai
    organisation = OrganisationFactory(state=Organisation.State.VERIFIED, verified_at=verified_at)
    _response, text = home(client, user_for_role(Role.APPLICANT, organisation=organisation))
    assert 'data-ms-verification="verified"' in text
    assert "贵单位已于 2026-03-10 通过审核" in text


def test_a_verified_organisation_without_a_recorded_date_reads_without_a_gap(client):
    organisation = OrganisationFactory(state=Organisation.State.VERIFIED, verified_at=None)
    _response, text = home(client, user_for_role(Role.APPLICANT, organisation=organisation))
    assert 'data-ms-verification="verified"' in text
    assert "于 通过" not in text
    assert "贵单位已通过审核" in text


def test_officer_sees_organisations_awaiting_verification_oldest_first(client):
    pending = [OrganisationFactory(name_zh=f"深圳市待审核{n:02d}有限公司", state=Organisation.State.PENDING)
               for n in range(12)]
    OrganisationFactory(name_zh="深圳市已认证有限公司", state=Organisation.State.VERIFIED)
    response, text = home(client, user_for_role(Role.OFFICER))
    assert response.context["pending_count"] == 12
    shown = response.context["pending"]
    assert [o.pk for o in shown] == [o.pk for o in pending[:10]]
    assert reverse("registry:organisation_detail", kwargs={"pk": pending[0].pk}) in text
    assert "深圳市待审核11有限公司" not in text
    assert "深圳市已认证有限公司" not in text
    assert response.context["counts"]["organisations_verified"] == 1


def test_department_officer_sees_the_domains_the_department_leads(client):
    user = user_for_role(Role.DEPARTMENT_OFFICER)  # the health department
    led = list(Domain.objects.filter(lead_department=user.department).order_by("code"))
    assert led, "the policy defaults give the health department at least one domain"
    response, text = home(client, user)
    assert [d.pk for d in response.context["domains"]] == [d.pk for d in led]
    first = led[0]
    assert f'data-ms-domain="{first.code}"' in text
    for direction in first.focus_directions.all():
        assert direction.name_zh in text
    assert f'{reverse("policy:index")}#{first.clause_code}' in text
    others = Domain.objects.exclude(lead_department=user.department)
    assert all(f'data-ms-domain="{d.code}"' not in text for d in others)


def test_district_officer_sees_the_district_organisations_by_type(client):
    nanshan, futian = district("nanshan"), district("futian")
    OrganisationFactory.create_batch(2, district=nanshan, kind=Organisation.Kind.ENTERPRISE)
    OrganisationFactory(district=nanshan, kind=Organisation.Kind.HOSPITAL, name_zh="南山测试医院")
    OrganisationFactory(district=futian, name_zh="福田测试单位")
    response, text = home(client, user_for_role(Role.DISTRICT_OFFICER, district=nanshan))
    assert response.context["organisation_count"] == 3
    by_kind = {row["value"]: row["count"] for row in response.context["by_kind"]}
    assert by_kind["enterprise"] == 2 and by_kind["hospital"] == 1 and by_kind["university"] == 0
    assert "南山测试医院" in text
    assert "福田测试单位" not in text


def test_finance_sees_every_funding_source_with_its_government_flag(client):
    response, text = home(client, user_for_role(Role.FINANCE))
    sources = list(FundingSource.objects.all())
    assert sources
    for source in sources:
        assert f'data-ms-source="{source.code}"' in text
    assert response.context["government_count"] == sum(s.is_government for s in sources)
    assert "data-ms-finance-duty" in text
    assert "拨款" in text


def test_auditor_sees_the_count_and_the_latest_events(client):
    from django.db import transaction

    with transaction.atomic():
        for number in range(12):
            audit.record(action="core.test.event", target_label=f"对象{number:02d}")
    response, text = home(client, user_for_role(Role.AUDITOR))
    assert response.context["event_count"] == AuditEvent.objects.count()
    events = response.context["events"]
    assert len(events) == 10
    assert events[0].seq == AuditEvent.objects.order_by("-seq").first().seq
    assert "对象11" in text and "对象00" not in text
    assert reverse("core:audit_list") in text


def test_expert_sees_their_person_record(client):
    tag = TalentTag.objects.create(code="test_tag", name_zh="测试人才称号", name_en="Test talent")
    person = PersonFactory(expertise="慢性病管理, 远程医疗、康复机器人", in_expert_pool=True)
    person.domains.set([domain("D01")])
    person.talent_tags.set([tag])
    user = user_for_role(Role.EXPERT, person=person)
    response, text = home(client, user)
    assert response.context["person"] == person
    for keyword in ["慢性病管理", "远程医疗", "康复机器人"]:
        assert keyword in text
    assert domain("D01").name_zh in text
    assert "测试人才称号" in text


def test_expert_without_a_person_record_is_told_what_happens(client):
    _response, text = home(client, user_for_role(Role.EXPERT))
    assert "data-ms-person-missing" in text


def test_admin_sees_user_counts_by_role(client):
    user_for_role(Role.OFFICER)
    user_for_role(Role.OFFICER)
    UserFactory(role=Role.FINANCE, is_active=False)
    admin = user_for_role(Role.ADMIN)
    response, text = home(client, admin)
    counts = {row["value"]: row["count"] for row in response.context["by_role"]}
    assert counts["officer"] == 2 and counts["admin"] == 1 and counts["finance"] == 0
    assert response.context["inactive_count"] == 1
    assert reverse("admin:index") in text


def test_home_pages_in_english(client):
    client.cookies["minsheng_language"] = "en"
    _response, text = home(client, user_for_role(Role.OFFICER))
    assert "Programme officer workspace" in text


@pytest.mark.parametrize("role", [str(r) for r in Role])
def test_home_queries_stay_few(client, role, django_assert_max_num_queries):
    user = user_for_role(role)
    client.force_login(user)
    # the page's own reads, and the inbox's (tests/core/test_inbox.py bounds it alone)
    with django_assert_max_num_queries(20 + INBOX_MAX_QUERIES):
        client.get(reverse("accounts:home"))
