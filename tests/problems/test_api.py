"""The problem API: public report and tracking (same rate limits as the pages), officers' scoped read."""

import pytest

from minsheng.problems import services as problems
from minsheng.problems import views as problem_views
from minsheng.problems.models import Problem
from tests.problems.conftest import report

pytestmark = pytest.mark.django_db

REPORT = {"title": "海滩海漂垃圾多", "description": "大鹏海滩海漂垃圾多，人工清理跟不上，希望有清理设备。",
          "domain": "D07", "district": "dapeng", "contact_email": "sea@example.cn"}


def test_anyone_reports_and_gets_a_code_but_not_back_the_contact(client):
    response = client.post("/api/v1/problems/public/", REPORT, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    problem = Problem.objects.get()
    assert body["tracking_code"] == problem.tracking_code and "contact_email" not in body
    assert problem.domain.code == "D07" and problem.contact_email == "sea@example.cn"


@pytest.mark.parametrize("bad", [{"title": ""}, {"domain": "D99"}, {"description": "短"},
                                 {"contact_email": "nope"}, {"tracking_code": "MS-2026-AAAAAAA", "title": ""}])
def test_bad_reports_are_400_and_write_nothing(client, bad):
    response = client.post("/api/v1/problems/public/", {**REPORT, **bad}, content_type="application/json")
    assert response.status_code == 400 and not Problem.objects.exists()


def test_reports_share_the_pages_rate_limit(client):
    limit = int(problem_views.SUBMIT_RATE.split("/")[0])
    for _ in range(limit):
        assert client.post("/api/v1/problems/public/", REPORT, content_type="application/json").status_code == 201
    assert client.post("/api/v1/problems/public/", REPORT, content_type="application/json").status_code == 429


def test_tracking_by_code_and_its_limit(client, officer):
    problem = report()
    problems.reject_problem(problem=problem, by=officer, reason="不属于支持范围")
    body = client.get(f"/api/v1/problems/track/{problem.tracking_code}/").json()
    assert body["state"] == "rejected" and [s["state"] for s in body["steps"]] == ["new", "rejected"]
    assert body["steps"][1]["note"] == "不属于支持范围" and officer.username not in str(body)
    assert client.get("/api/v1/problems/track/MS-2026-AAAAAAA/").status_code == 404
    limit = int(problem_views.TRACK_RATE.split("/")[0])
    for _ in range(limit - 2):
        client.get("/api/v1/problems/track/MS-2026-AAAAAAA/")
    assert client.get(f"/api/v1/problems/track/{problem.tracking_code}/").status_code == 429


def test_officers_read_with_filters_and_department_officers_without_contacts(client, officer, dept_health):
    in_scope = report(title="社区康复设备缺乏", domain="D01", contact_email="x@example.cn")
    out_of_scope = report(title="课后托管课程少", domain="D05")
    client.force_login(officer)
    assert {row["tracking_code"] for row in client.get("/api/v1/problems/").json()["results"]} == {
        in_scope.tracking_code, out_of_scope.tracking_code}
    assert [row["id"] for row in client.get("/api/v1/problems/?domain=D05").json()["results"]] == [out_of_scope.pk]
    assert client.get(f"/api/v1/problems/{in_scope.pk}/").json()["contact_email"] == "x@example.cn"
    client.force_login(dept_health)
    assert [row["id"] for row in client.get("/api/v1/problems/").json()["results"]] == [in_scope.pk]
    assert client.get(f"/api/v1/problems/{in_scope.pk}/").json()["contact_email"] is None
    assert client.get(f"/api/v1/problems/{out_of_scope.pk}/").status_code == 404
