"""The API of progress reports and mid-term checks (M17): each report with its milestones and indicators, scoped
like the pages, and every answer as the published schema says."""

from datetime import timedelta

import pytest
import schemathesis
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from minsheng.contracts.models import TaskBook
from minsheng.core.roles import Role
from minsheng.projects import queries, services
from tests.api import fuzzing
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db

SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


def filing(project, value="3"):
    book = queries.signed_book(project)
    return services.Filing(milestones={m.pk: ("done", "样机完成") for m in book.milestones.all()},
                           indicators={i.pk: (value, "https://example.cn/p") for i in book.indicators.all()},
                           problems="无")


@pytest.fixture
def checked(project, officer, applicant):
    today = timezone.localdate()
    TaskBook.objects.filter(project=project, state=TaskBook.State.SIGNED).update(
        starts_on=today - timedelta(days=240), ends_on=today + timedelta(days=480))
    report = services.submit_report(project, 1, filing(project), by=applicant)
    services.accept_report(report, by=officer)
    services.record_midterm(project, by=officer, result="pass", findings="进展正常")
    return report


def _conforms(client, template: str, **parameters):
    path = template.format(**parameters)
    response, sent = fuzzing.send(client, "GET", path)
    assert response.status_code == 200
    fuzzing.check(SCHEMA[template]["GET"].Case(path_parameters=parameters), response, sent)
    return response.json()


def test_a_report_reads_with_its_milestones_and_indicators_as_documented(checked, officer):
    client = Client()
    client.force_login(officer)
    listed = _conforms(client, "/api/v1/projects/progress-reports/")
    assert [item["id"] for item in listed["results"]] == [checked.pk]
    detail = _conforms(client, "/api/v1/projects/progress-reports/{id}/", id=checked.pk)
    assert detail["state"] == "accepted" and detail["on_time"] is False    # filed after its due date
    book = queries.signed_book(checked.project)
    assert {row["code"] for row in detail["indicators"]} == set(book.indicators.values_list("code", flat=True))
    assert {row["value"] for row in detail["indicators"]} == {"3.00"}
    assert {row["status"] for row in detail["milestones"]} == {"done"}
    checks = _conforms(client, "/api/v1/projects/midterm-checks/")
    assert checks["results"][0]["result"] == "pass" and checks["results"][0]["passed"] is True
    assert client.get("/api/v1/projects/progress-reports/?state=submitted").json()["results"] == []
    assert client.get(f"/api/v1/projects/midterm-checks/?project={checked.project_id}").json()["count"] == 1


def test_an_applicant_reads_only_its_organisations_reports(checked, applicant, officer):
    other = approved_project(call=CallFactory())
    client = Client()
    client.force_login(user_for_role(Role.APPLICANT, organisation=other.organisation))
    assert client.get("/api/v1/projects/progress-reports/").json()["results"] == []
    assert client.get(f"/api/v1/projects/progress-reports/{checked.pk}/").status_code == 404
    assert client.get("/api/v1/projects/midterm-checks/").json()["results"] == []
    client.force_login(applicant)
    assert client.get(f"/api/v1/projects/progress-reports/{checked.pk}/").status_code == 200


def test_the_list_costs_the_same_for_many_reports(checked, officer, django_assert_max_num_queries):
    client = Client()
    client.force_login(officer)
    client.get("/api/v1/projects/progress-reports/")
    # one prefetch each for milestones, indicators and the cited achievements: constant, not per report
    with django_assert_max_num_queries(9):
        assert client.get("/api/v1/projects/progress-reports/").status_code == 200


def test_the_projects_api_schema_is_valid_and_has_no_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.validation import validate_schema
    from rest_framework.routers import DefaultRouter

    from minsheng.projects.api import ROUTES

    router = DefaultRouter()
    for prefix, viewset, basename in ROUTES:
        router.register(prefix, viewset, basename=basename)
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=[path("api/v1/", include(router.urls))]).get_schema(request=None,
                                                                                             public=True)
    assert not GENERATOR_STATS, f"schema warnings or errors: {dict(GENERATOR_STATS._warn_cache)} " \
                                f"{dict(GENERATOR_STATS._error_cache)}"
    validate_schema(schema)
    assert len(schema["paths"]) == 2 * len(ROUTES)


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "-1", "1.5"])
def test_a_project_filter_that_is_no_key_is_ignored(officer, value):
    client = Client()
    client.force_login(officer)
    for path in ("/api/v1/projects/progress-reports/", "/api/v1/projects/midterm-checks/"):
        assert client.get(path, {"project": value}).status_code == 200
