"""The acceptance pages: what each person sees and the refusals they read (Chinese first), with nothing written."""

import json

import pytest
from django.urls import reverse

from minsheng.core.roles import Role
from minsheng.projects import acceptance
from minsheng.projects.models import Acceptance
from minsheng.review.models import ConflictDeclaration
from tests.factories import user_for_role
from tests.projects.acceptance_helpers import GOOD, ended_project, expert_for, filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return user_for_role(Role.OFFICER)


def _as(client, user):
    client.force_login(user)
    return client


def test_a_bad_value_is_refused_in_the_form_with_what_was_typed(client, officer):
    project, applicant = ended_project(officer)
    indicator = acceptance.queries.signed_book(project).indicators.first()
    response = _as(client, applicant).post(reverse("projects:acceptance_apply", args=[project.pk]),
                                           {f"i{indicator.pk}_delivered": "很多", "summary": "完成"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "不是数字" in body or "很多" in body
    assert 'value="很多"' in body
    assert not Acceptance.objects.filter(project=project).exists()


def test_the_page_shows_the_table_the_chart_and_the_checks(client, officer):
    project, applicant = ended_project(officer)
    item = acceptance.apply(project, filing(project, delivered="0.5"), by=applicant)
    response = _as(client, officer).get(reverse("projects:acceptance", args=[project.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    chart = json.loads(body.split('id="ms-completion-chart" type="application/json">')[1].split("</script>")[0])
    book = acceptance.queries.signed_book(project)
    assert chart["labels"] == [i.name for i in book.indicators.all()]
    assert chart["series"][0] == [row.rate for row in item.indicators.all()]
    assert all(rate < 100 for rate in chart["series"][0])
    assert "data-ms-check-form" in body and "data-ms-rule=\"achievements_described\"" in body


def test_a_verdict_without_scores_and_a_conflicted_score_are_refused_with_reasons(client, officer):
    project, applicant = ended_project(officer)
    item = acceptance.apply(project, filing(project), by=applicant)
    acceptance.decide_check(item, by=officer, passed=True)
    profile, expert = expert_for()
    acceptance.add_expert(item, profile, by=officer)
    response = _as(client, officer).post(reverse("projects:acceptance_verdict", args=[project.pk]),
                                         {"verdict": "pass"})
    assert response.status_code == 409 and "每位专家都须完成评分" in response.content.decode()
    ConflictDeclaration.objects.create(expert=profile, organisation=project.organisation, reason="曾任顾问")
    data = {f"score_{k}": v for k, v in GOOD.items()} | {"comments": "良好"}
    response = _as(client, expert).post(reverse("projects:acceptance_score", args=[project.pk]), data)
    assert response.status_code == 409 and "利益冲突" in response.content.decode()
    assert not item.experts.filter(scored_at__isnull=False).exists()
    item.refresh_from_db()
    assert item.state == Acceptance.State.REVIEW


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_state_reads_cleanly_in_both_languages(client, officer, language):
    """The page in review (panel, pool, verdict form) and decided (verdict, PDF link), checked by the same page
    checks as the walk over every page: valid HTML, labelled controls, no raw codes, no text of the other
    language, money in 万元."""
    from tests.e2e import page_checks

    project, applicant = ended_project(officer)
    item = acceptance.apply(project, filing(project, delivered="0.5"), by=applicant)
    acceptance.decide_check(item, by=officer, passed=True)
    profile, expert = expert_for()
    acceptance.add_expert(item, profile, by=officer)
    client.cookies["minsheng_language"] = language
    url = reverse("projects:acceptance", args=[project.pk])
    pages = [_as(client, officer).get(url), _as(client, expert).get(url)]
    acceptance.score(item, by=expert, scores=GOOD, comments="良好")
    acceptance.decide(item, by=officer, verdict="close", conditions="补齐指标")
    pages.append(_as(client, officer).get(url))
    pages.append(_as(client, applicant).get(url))
    for response in pages:
        assert response.status_code == 200
        found = {k: v for k, v in page_checks.check_html(response.content.decode()).items() if v}
        assert not found, found
