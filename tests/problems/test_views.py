"""The problem pages: public report (rate limit, double submit), tracking (wrong code, rate limit, public
words only), the triage list (scope, filters, search, query count), detail and decisions, the Excel export."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.calls.models import Topic
from minsheng.core.models import AuditEvent
from minsheng.problems import services as problems
from minsheng.problems import views as problem_views
from minsheng.problems.models import Problem
from tests.factories.calls import CallFactory
from tests.problems.conftest import report

pytestmark = pytest.mark.django_db

FORM = {"title": "路口行人绿灯时间太短", "description": "某路口行人绿灯只有十五秒，老人和残疾人走到一半就变红灯。",
        "affected": "老人、残疾人"}


def _post(client, **extra):
    token = client.get(reverse("problems:submit")).context["form_token"]
    return client.post(reverse("problems:submit"), {**FORM, "form_token": token, **extra})


def test_anyone_reports_and_sees_the_code(client):
    response = _post(client, contact_email="walker@example.cn")
    assert response.status_code == 200
    problem = Problem.objects.get()
    assert response.context["code"] == problem.tracking_code
    assert problem.tracking_code in response.content.decode()


def test_a_double_click_creates_one_problem(client):
    token = client.get(reverse("problems:submit")).context["form_token"]
    first = client.post(reverse("problems:submit"), {**FORM, "form_token": token})
    second = client.post(reverse("problems:submit"), {**FORM, "form_token": token})
    assert Problem.objects.count() == 1
    assert second.status_code == 200 and second.context["code"] == first.context["code"]
    assert second.context["repeat"]


def test_bad_input_re_shows_the_form_and_saves_nothing(client):
    response = _post(client, title="", description="短", contact_email="x@")
    assert response.status_code == 200
    assert {"title", "description", "contact_email"} <= set(response.context["form"].errors)
    assert not Problem.objects.exists()


def test_reports_are_rate_limited_per_address(client, settings):
    limit = int(problem_views.SUBMIT_RATE.split("/")[0])
    for _ in range(limit):
        assert _post(client).status_code == 200
    response = _post(client)
    assert response.status_code == 429
    assert Problem.objects.count() == limit
    # another address is not affected
    token = client.get(reverse("problems:submit")).context["form_token"]
    other = client.post(reverse("problems:submit"), {**FORM, "form_token": token}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_tracking_shows_public_words_only(client, officer):
    problem = report()
    problems.accept_problem(problem=problem, by=officer, note="将在下一批指南中研究")
    response = client.get(reverse("problems:track"), {"code": problem.tracking_code.lower()})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["result"]["problem"] == problem
    assert "将在下一批指南中研究" in html and 'data-ms-step="accepted"' in html
    assert officer.username not in html and officer.last_name + officer.first_name not in html


def test_a_merged_problem_follows_its_root(client, officer):
    root, duplicate = report(title="问题甲"), report(title="问题乙")
    problems.merge_problem(problem=duplicate, into=root, by=officer)
    problems.turn_into_topic(problem=root, by=officer, call=CallFactory(draft=True), title="草稿指南方向")
    result = client.get(reverse("problems:track"), {"code": duplicate.tracking_code}).context["result"]
    assert [s["state"] for s in result["steps"]] == ["new", "merged"]
    assert [s["state"] for s in result["followed"]] == ["topic"]
    assert result["published_calls"] == []  # a draft call's name is not public
    html = client.get(reverse("problems:track"), {"code": duplicate.tracking_code}).content.decode()
    assert "草稿指南方向" not in html and root.tracking_code not in html


def test_a_published_call_is_named_on_the_tracking_page(client, officer):
    problem = report()
    call = CallFactory(draft=True)
    problems.turn_into_topic(problem=problem, by=officer, call=call, title="方向")
    call.state = call.State.PUBLISHED
    call.save()
    result = client.get(reverse("problems:track"), {"code": problem.tracking_code}).context["result"]
    assert result["published_calls"] == [call]


@pytest.mark.parametrize("code", ["MS-2026-AAAAAAA", "nonsense", ""])
def test_a_wrong_code_gets_a_message_not_an_error(client, code):
    response = client.get(reverse("problems:track"), {"code": code})
    assert response.status_code == 200 and response.context["result"] is None
    assert response.context["form"].errors["code"]


def test_lookups_are_rate_limited(client):
    limit = int(problem_views.TRACK_RATE.split("/")[0])
    for _ in range(limit):
        assert client.get(reverse("problems:track"), {"code": "MS-2026-AAAAAAA"}).status_code == 200
    assert client.get(reverse("problems:track"), {"code": "MS-2026-AAAAAAA"}).status_code == 429
    assert client.get(reverse("problems:track")).status_code == 200  # the empty form costs nothing


def test_the_list_filters_searches_and_counts(client, officer):
    report(title="海滩垃圾太多", description="大鹏海滩海漂垃圾多，人工清理跟不上。", domain="D07", district="dapeng")
    accepted = report(title="学校门口交通拥堵", description="上下学时段学校门口交通严重拥堵。", domain="D09")
    problems.accept_problem(problem=accepted, by=officer)
    client.force_login(officer)
    url = reverse("problems:list")
    assert client.get(url).context["page_obj"].paginator.count == 2
    assert list(client.get(url, {"state": "accepted"}).context["page_obj"]) == [accepted]
    assert list(client.get(url, {"domain": "D09"}).context["page_obj"]) == [accepted]
    assert list(client.get(url, {"q": accepted.tracking_code}).context["page_obj"]) == [accepted]
    assert client.get(url, {"q": "垃圾"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"state": "nonsense"}).context["page_obj"].paginator.count == 2
    assert client.get(url).context["state"].counts == {"new": 1, "accepted": 1}


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_runs_a_fixed_number_of_queries(client, officer, rows, django_assert_max_num_queries):
    for i in range(rows):
        report(title=f"问题标题{i:02d}", domain="D01", district="futian")
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("problems:list")).status_code == 200


def test_department_officers_see_their_department_and_domains_only(client, dept_health, dept_education):
    own = report(title="本部门上报的问题", by=dept_health)
    led = report(title="卫生领域的公众问题", domain="D01")
    other = report(title="教育领域的公众问题", domain="D05")
    client.force_login(dept_health)
    listed = set(client.get(reverse("problems:list")).context["page_obj"])
    assert listed == {own, led}
    assert client.get(reverse("problems:detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("problems:detail", args=[led.pk]))
    assert page.status_code == 200 and not page.context["can_triage"]
    assert client.post(reverse("problems:accept", args=[led.pk])).status_code == 403
    client.force_login(dept_education)
    assert set(client.get(reverse("problems:list")).context["page_obj"]) == {other}


def test_detail_suggests_similar_and_the_officer_merges(client, officer):
    original = report(title="独居老人慢病用药无人提醒", description="独居老人经常忘记吃药，希望有智能药盒提醒。")
    duplicate = report(title="老人忘记服药", description="父亲独居，经常忘记吃药，希望有智能药盒提醒。")
    client.force_login(officer)
    page = client.get(reverse("problems:detail", args=[duplicate.pk]))
    assert page.context["similar"][0][0] == original
    response = client.post(reverse("problems:merge", args=[duplicate.pk]),
                           {"into": original.tracking_code, "seen": "new"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original


def test_a_decision_on_a_stale_page_is_refused_with_a_message(client, officer, officer2):
    problem = report()
    client.force_login(officer2)
    problems.accept_problem(problem=problem, by=officer)
    response = client.post(reverse("problems:reject", args=[problem.pk]), {"reason": "重复", "seen": "new"},
                           follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Problem.objects.get().state == Problem.State.ACCEPTED


def test_bad_triage_input_answers_400_and_changes_nothing(client, officer):
    problem = report()
    client.force_login(officer)
    assert client.post(reverse("problems:reject", args=[problem.pk]), {"reason": ""}).status_code == 400
    assert client.post(reverse("problems:merge", args=[problem.pk]), {"into": "MS-2026-AAAAAAA"}).status_code == 400
    assert client.post(reverse("problems:merge", args=[problem.pk]),
                       {"into": problem.tracking_code}).status_code == 400
    assert client.post(reverse("problems:topic", args=[problem.pk]), {"call": "999", "title": "x"}).status_code == 400
    published = CallFactory()
    assert client.post(reverse("problems:topic", args=[problem.pk]),
                       {"call": published.pk, "title": "x"}).status_code == 400
    assert Problem.objects.get().state == Problem.State.NEW and not Topic.objects.exists()


def test_the_officer_turns_a_problem_into_a_topic(client, officer, django_capture_on_commit_callbacks):
    problem = report(contact_email="c@example.cn")
    call = CallFactory(draft=True)
    client.force_login(officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("problems:topic", args=[problem.pk]),
                               {"call": call.pk, "title": "老旧小区加装电梯", "description": "低成本方案",
                                "seen": "new"})
    assert response.status_code == 302
    topic = call.topics.get()
    assert list(topic.problems.all()) == [problem] and len(mail.outbox) == 1


def test_the_export_matches_the_list_and_is_audited(client, officer, dept_health):
    report(title="海滩垃圾太多", domain="D07", contact_email="d@example.cn")
    report(title="卫生领域的问题", domain="D01", contact_email="e@example.cn")
    client.force_login(officer)
    response = client.get(reverse("problems:export"), {"domain": "D07"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "海滩垃圾太多" and "d@example.cn" in rows[1]
    event = AuditEvent.objects.get(action="calls.problem.export")
    assert event.new == {"filters": {"domain": "D07"}, "rows": 1} and event.clause == "M05"
    client.force_login(dept_health)  # a department officer: its scope, and no contact details
    rows = list(load_workbook(io.BytesIO(client.get(reverse("problems:export")).content)).active
                .iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "卫生领域的问题" and "e@example.cn" not in rows[1]
