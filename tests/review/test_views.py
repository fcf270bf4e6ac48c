"""The pool's pages, the expert's own profile, the avoidance page and a call's conflicts with affinity."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.review.models import Availability, AvoidanceRequest, ExpertProfile, PastEmployer
from tests.factories import PersonFactory, UserFactory, domain, user_for_role
from tests.factories.applications import ApplicationFactory, SubmittedApplicationFactory
from tests.factories.review import ExpertProfileFactory, expert_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    client.force_login(user_for_role(Role.OFFICER))
    return client


def test_pool_list_filters_by_domain_state_load_and_availability(officer_client):
    sea = ExpertProfileFactory(keywords="海水淡化", max_load=12, domains=[domain("D07")])
    Availability.objects.create(profile=sea, starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 31))
    health = ExpertProfileFactory(state=ExpertProfile.State.INVITED, max_load=3, domains=[domain("D01")])
    url = reverse("review:pool_list")

    def shown(query):
        page = officer_client.get(url + query).content.decode()
        return {p.pk for p in (sea, health) if f'data-ms-expert="{p.pk}"' in page}

    assert shown("") == {sea.pk, health.pk}
    assert shown("?domain=D07") == {sea.pk}
    assert shown("?state=invited") == {health.pk}
    assert shown("?load=10") == {sea.pk}
    assert shown("?available_on=2026-12-15") == {sea.pk}
    assert shown("?available_on=2027-01-15") == set()
    assert shown("?q=海水") == {sea.pk}
    assert shown("?available_on=2026-02-31&load=abc") == {sea.pk, health.pk}   # bad values are ignored


@pytest.mark.parametrize("rows", [1, 20])
def test_pool_list_query_count_does_not_grow(officer_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        ExpertProfileFactory(domains=[domain("D01")])
    with django_assert_max_num_queries(14):
        response = officer_client.get(reverse("review:pool_list"))
    assert response.status_code == 200


def test_export_is_the_filtered_list_and_is_audited(officer_client):
    sea = ExpertProfileFactory(keywords="海水淡化", domains=[domain("D07")])
    ExpertProfileFactory(domains=[domain("D01")])
    PastEmployer.objects.create(profile=sea, name="某海洋研究所", from_year=2010, to_year=2020)
    response = officer_client.get(reverse("review:pool_export") + "?domain=D07")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2 and rows[1][0] == sea.person.name and "某海洋研究所 2010–2020" in rows[1][11]
    event = AuditEvent.objects.get(action="review.expertprofile.export")
    assert event.new == {"filters": {"domain": "D07"}, "rows": 1}


def test_officer_approves_an_invited_expert_through_the_page(officer_client):
    profile = ExpertProfileFactory(state=ExpertProfile.State.INVITED)
    page = officer_client.get(reverse("review:expert_detail", kwargs={"pk": profile.pk})).content.decode()
    assert "data-ms-approve" in page
    response = officer_client.post(reverse("review:expert_transition", kwargs={"pk": profile.pk, "action": "approve"}))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.state == ExpertProfile.State.ACTIVE
    # Suspending without a reason: a message, nothing changes.
    officer_client.post(reverse("review:expert_transition", kwargs={"pk": profile.pk, "action": "suspend"}))
    profile.refresh_from_db()
    assert profile.state == ExpertProfile.State.ACTIVE
    response = officer_client.post(reverse("review:expert_transition", kwargs={"pk": profile.pk, "action": "nope"}))
    assert response.status_code == 404


def test_expert_edits_profile_employers_and_availability(client):
    profile = ExpertProfileFactory(keywords="", description="")
    client.force_login(expert_user(profile))
    page = client.get(reverse("review:my_profile")).content.decode()
    assert "data-ms-empty-profile" in page
    response = client.post(reverse("review:my_profile"), {
        "domains": [domain("D07").pk], "keywords": "赤潮预警、风暴潮监测", "description": "海洋灾害预警研究",
        "max_load": 8, "willingness": "active"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.keyword_list == ["赤潮预警", "风暴潮监测"] and profile.max_load == 8
    response = client.post(reverse("review:my_employer_add"), {"employer": "不存在的研究院", "from_year": 2020,
                                                               "to_year": 2019})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    assert not PastEmployer.objects.exists()
    client.post(reverse("review:my_employer_add"), {"employer": profile.person.organisation.credit_code,
                                                    "from_year": 2015, "to_year": 2019})
    employer = PastEmployer.objects.get()
    assert employer.organisation == profile.person.organisation
    client.post(reverse("review:my_availability_add"), {"starts_on": "2026-12-01", "ends_on": "2026-12-20"})
    assert Availability.objects.filter(profile=profile).count() == 1
    # Another expert's rows answer 404.
    other = ExpertProfileFactory()
    theirs = PastEmployer.objects.create(profile=other, name="x", from_year=2010, to_year=2011)
    assert client.post(reverse("review:my_employer_delete", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.post(reverse("review:my_employer_delete", kwargs={"pk": employer.pk})).status_code == 302
    assert not PastEmployer.objects.filter(profile=profile).exists()


def test_expert_without_a_profile_is_told_so(client):
    client.force_login(user_for_role(Role.EXPERT, person=PersonFactory()))
    response = client.get(reverse("review:my_profile"))
    assert response.status_code == 200 and "data-ms-no-profile" in response.content.decode()


def test_expert_declares_a_conflict_with_an_organisation(client):
    profile = ExpertProfileFactory()
    application = SubmittedApplicationFactory()
    client.force_login(expert_user(profile))
    response = client.post(reverse("review:my_declarations"), {"organisation": "没有这个单位", "reason": "亲属"})
    assert response.status_code == 200 and not profile.declarations.exists()
    client.post(reverse("review:my_declarations"), {"organisation": application.organisation.name_zh,
                                                    "reason": "配偶在该单位任职"})
    assert profile.declarations.get().organisation == application.organisation


def test_avoid_page_for_the_applicant_only(client):
    application = ApplicationFactory()
    expert = ExpertProfileFactory()
    url = reverse("review:avoid", kwargs={"application_pk": application.pk})
    client.force_login(user_for_role(Role.APPLICANT))                    # another organisation
    assert client.get(url).status_code == 404
    client.force_login(user_for_role(Role.APPLICANT, organisation=application.organisation))
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "查无此人", "organisation": "无", "reason": "x"})
    assert response.status_code == 400 and not AvoidanceRequest.objects.exists()
    response = client.post(url, {"name": expert.person.name, "organisation": expert.person.organisation.name_zh,
                                 "reason": "存在竞争关系"})
    assert response.status_code == 302
    assert AvoidanceRequest.objects.get().person == expert.person


def test_call_conflicts_show_reasons_and_the_words_of_each_match(officer_client):
    application = SubmittedApplicationFactory(title="社区慢性病远程管理平台", keywords="慢性病管理、远程医疗",
                                              summary="面向社区卫生服务中心的慢性病管理与远程随访。")
    match = ExpertProfileFactory(keywords="慢性病管理、远程医疗", description="社区慢性病管理", domains=[domain("D01")])
    conflicted = ExpertProfileFactory(person=PersonFactory(organisation=application.organisation))
    empty = ExpertProfileFactory(keywords="", description="")
    unrelated = ExpertProfileFactory(keywords="海水淡化", description="海洋装备研究")
    url = reverse("review:call_conflicts", kwargs={"call_pk": application.call_id})
    page = officer_client.get(url + f"?application={application.pk}").content.decode()
    assert 'data-ms-conflicted-pairs="1"' in page
    assert f'data-ms-pair="{application.pk}-{conflicted.pk}"' in page and "现就职于申报单位" in page
    ranking = page[page.index("data-ms-ranking"):]
    assert ranking.index(f'data-ms-rank-expert="{match.pk}"') < ranking.index(f'data-ms-rank-expert="{unrelated.pk}"')
    row = ranking[ranking.index(f'data-ms-rank-expert="{match.pk}"'):]
    assert "慢性病管理" in row[:row.index("</tr>")]
    empty_row = ranking[ranking.index(f'data-ms-rank-expert="{empty.pk}"'):]
    assert "data-ms-empty-profile" in empty_row[:empty_row.index("</tr>")]
    assert officer_client.get(url + "?application=999999").status_code == 404


def test_an_expert_with_no_profile_text_scores_zero_and_is_flagged():
    from minsheng.review.queries import call_affinity

    application = SubmittedApplicationFactory(keywords="慢性病管理")
    empty = ExpertProfileFactory(keywords="", description="")
    full = ExpertProfileFactory(keywords="慢性病管理")
    scores = call_affinity([application], [empty, full])
    assert scores.scores[0, 0] == 0.0 and scores.scores[0, 1] > 0
    explanation = scores.explain(0, 0)
    assert explanation.empty_profile and explanation.terms == []


def test_avoid_index_lists_only_the_own_organisations_applications(client):
    own = ApplicationFactory()
    other = ApplicationFactory()
    client.force_login(user_for_role(Role.APPLICANT, organisation=own.organisation))
    page = client.get(reverse("review:avoid_index")).content.decode()
    assert f'data-ms-avoid-application="{own.pk}"' in page
    assert f'data-ms-avoid-application="{other.pk}"' not in page


def test_call_conflicts_page_one_page_of_pairs_filtered_on_the_server(officer_client, django_assert_max_num_queries):
    """The summary counts every pair; the table shows 50 at a time, by reason and by search, in the same number of
    queries for 3 conflicted experts as for 60."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = SubmittedApplicationFactory()
    org = application.organisation
    url = reverse("review:call_conflicts", kwargs={"call_pk": application.call_id})
    named = ExpertProfileFactory(person=PersonFactory(organisation=org, name="回避专家甲"))
    AvoidanceRequest.objects.create(application=application, person=named.person, reason="曾有合作纠纷",
                                    requested_by=UserFactory())
    for _ in range(2):
        ExpertProfileFactory(person=PersonFactory(organisation=org))
    ExpertProfileFactory()                                     # no conflict
    officer_client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = officer_client.get(url).content.decode()
    assert 'data-ms-conflicted-pairs="3"' in page and page.count("<tr data-ms-pair=") == 3
    for _ in range(57):
        ExpertProfileFactory(person=PersonFactory(organisation=org))
    with django_assert_max_num_queries(len(few)):
        page = officer_client.get(url).content.decode()
    assert 'data-ms-conflicted-pairs="60"' in page and 'data-ms-rows="60"' in page
    assert page.count("<tr data-ms-pair=") == 50 and 'data-ms-pages="2"' in page
    summary = page[page.index('data-ms-reason-count="same_organisation"'):].split("</div>")[0]
    assert summary.endswith("<strong>60</strong>")
    second = officer_client.get(url, {"page": 2}).content.decode()
    assert second.count("<tr data-ms-pair=") == 10
    by_reason = officer_client.get(url, {"reason": "named_by_applicant"}).content.decode()
    assert by_reason.count("<tr data-ms-pair=") == 1 and f'data-ms-pair="{application.pk}-{named.pk}"' in by_reason
    assert 'data-ms-conflicted-pairs="60"' in by_reason                    # the summary stays the call's
    by_name = officer_client.get(url, {"q": "回避专家甲"}).content.decode()
    assert by_name.count("<tr data-ms-pair=") == 1
    by_number = officer_client.get(url, {"q": application.number}).content.decode()
    assert 'data-ms-rows="60"' in by_number
    nothing = officer_client.get(url, {"q": "无此人"}).content.decode()
    assert "<tr data-ms-pair=" not in nothing and "data-ms-pairs" not in nothing
    assert officer_client.get(url, {"reason": "nonsense"}).content.decode().count("<tr data-ms-pair=") == 50
