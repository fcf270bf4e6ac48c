"""Input nobody should send, refused with a 400 and a message in the user's language, never a 500 (issue 10,
finding 4): too-deep JSON, lone surrogates, NUL characters, numbers no column holds, and digits outside 0–9
(core/strict_input.py). The same rule holds for the API, the pages' forms and query strings."""

import json

import pytest
from django.test import Client

from minsheng.applications.models import Application, BudgetLine
from minsheng.problems.models import Problem
from tests.factories import OrganisationFactory, PersonFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory

pytestmark = pytest.mark.django_db

PUBLIC = "/api/v1/problems/public/"
DEEP = "[" * 5000 + "]" * 5000
REPORT = {"title": "老人忘记服药", "description": "我父亲独居，经常忘记按时吃药，血压控制不好。"}


@pytest.fixture(autouse=True)
def _limits_off(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def client():
    # A server error is answered as in production (500) rather than raised, so the test sees what a caller sees.
    return Client(raise_request_exception=False)


@pytest.fixture
def draft(db):
    organisation = OrganisationFactory()
    applicant = user_for_role("applicant", organisation=organisation)
    return ApplicationFactory(call=CallFactory(), organisation=organisation, created_by=applicant,
                              lead=PersonFactory(organisation=organisation))


@pytest.fixture
def applicant_client(client, draft):
    client.force_login(draft.created_by)
    return client


def section(client, draft, name, data, *, raw=None):
    body = raw if raw is not None else json.dumps({"version": draft.version, "data": data})
    return client.put(f"/api/v1/applications/{draft.pk}/sections/{name}/", body, content_type="application/json")


def refused(response, code: str) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == code and body["request_id"]
    return body


# --- Too-deep JSON ----------------------------------------------------------------------------------------

def test_deep_json_to_the_anonymous_problem_api_is_refused_in_chinese(client):
    body = refused(client.post(PUBLIC, DEEP, content_type="application/json"), "too_deep")
    assert body["detail"] == "JSON 嵌套超过 32 层；没有任何请求需要这么多层。"
    assert not Problem.objects.exists()


def test_deep_json_is_refused_in_english_for_an_english_reader(client):
    response = client.post(PUBLIC, DEEP, content_type="application/json", headers={"Accept-Language": "en"})
    assert refused(response, "too_deep")["detail"] == ("The JSON is nested more than 32 levels deep; no request "
                                                       "needs that many.")


def test_deep_json_to_the_application_apis_is_refused(applicant_client, draft):
    refused(applicant_client.post("/api/v1/applications/", DEEP, content_type="application/json"), "too_deep")
    raw = '{"version": 1, "data": {"summary": ' + DEEP + "}}"
    refused(section(applicant_client, draft, "summary", None, raw=raw), "too_deep")
    # Deep, yet within what Python parses: still refused before any form walks it.
    raw = '{"version": 1, "data": ' + "[" * 40 + "]" * 40 + "}"
    refused(section(applicant_client, draft, "summary", None, raw=raw), "too_deep")


# --- Lone surrogates and NUL -----------------------------------------------------------------------------

def test_a_lone_surrogate_in_an_application_section_is_refused_and_nothing_is_saved(applicant_client, draft):
    raw = f'{{"version": {draft.version}, "data": {{"objectives": "提高\\ud800随访率"}}}}'
    body = refused(section(applicant_client, draft, "objectives", None, raw=raw), "lone_surrogate")
    assert body["field"] == "data.objectives" and "U+D800" in body["detail"]
    draft.refresh_from_db()
    assert draft.objectives == "" or "\ud800" not in draft.objectives


def test_a_lone_surrogate_in_a_key_is_refused(applicant_client, draft):
    raw = f'{{"version": {draft.version}, "data": {{"\\udc00": "x"}}}}'
    refused(section(applicant_client, draft, "objectives", None, raw=raw), "lone_surrogate")


def test_the_problem_api_refuses_a_surrogate_as_before(client):
    raw = json.dumps({**REPORT, "title": "老人\ud800忘记服药"})
    refused(client.post(PUBLIC, raw, content_type="application/json"), "lone_surrogate")


def test_nul_in_an_application_section_is_refused(applicant_client, draft):
    body = refused(section(applicant_client, draft, "objectives", {"objectives": "提高\x00随访率"}), "nul_character")
    assert body["detail"].startswith("data.objectives: ") and "NUL" in body["detail"]


def test_nul_in_a_query_string_is_refused_everywhere(client):
    refused(client.get("/api/v1/policy/measures/", {"q": "a\x00"}), "nul_character")
    page = client.get("/problems/track/", {"code": "MS\x00"})
    assert page.status_code == 400 and "NUL" in page.content.decode()


# --- The public problem form (HTML) ------------------------------------------------------------------------

def test_the_public_problem_form_with_a_nul_byte_answers_400_with_the_message_not_500(client):
    response = client.post("/problems/new/", {**REPORT, "title": "老人\x00忘记服药"})
    assert response.status_code == 400
    assert "无法接受" in response.content.decode() and "NUL" in response.content.decode()
    assert not Problem.objects.exists()


def test_the_public_problem_form_with_surrogate_bytes_reads_them_as_replacement_characters(client):
    # A form post cannot carry a surrogate: Django decodes the invalid UTF-8 as U+FFFD, which is text.
    body = "title=%ED%A0%80%E5%BF%98%E8%AE%B0&description=" + "%E5%BF%98" * 12
    response = client.post("/problems/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


# --- Digits outside 0–9 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [("٣", "3"), ("１２.５", "12.5"), ("۱۰", "10"), ("१२", "12")])
def test_other_script_digits_in_a_budget_are_refused_with_the_figure_meant(applicant_client, draft, typed, meant):
    response = section(applicant_client, draft, "budget", {"budget": {"equipment": typed}})
    body = refused(response, "foreign_digits")
    assert body["field"] == "data.budget.equipment"
    assert f"“{meant}”" in body["detail"] and "0–9" in body["detail"]
    assert not BudgetLine.objects.filter(application=draft).exists()


def test_the_same_budget_in_digits_0_to_9_is_saved(applicant_client, draft):
    response = section(applicant_client, draft, "budget", {"budget": {"equipment": "3"}})
    assert response.status_code == 200
    assert BudgetLine.objects.get(application=draft, category="equipment").amount == 30000


def test_other_script_digits_in_a_form_post_are_refused_the_same_way(client, draft):
    client.force_login(draft.created_by)
    response = client.post(f"/applications/{draft.pk}/edit/budget/", {"budget_equipment": "٣"})
    assert response.status_code == 400 and "“3”" in response.content.decode()
    autosave = client.post(f"/applications/{draft.pk}/edit/budget/", {"budget_equipment": "１２"},
                           headers={"X-Autosave": "1"})
    assert autosave.status_code == 400 and "“12”" in autosave.json()["detail"]
    assert not BudgetLine.objects.filter(application=draft).exists()


def test_other_script_digits_in_a_path_or_a_page_number_are_refused(applicant_client, draft):
    refused(applicant_client.get(f"/api/v1/applications/{'٣'}/"), "foreign_digits")
    refused(applicant_client.get("/api/v1/applications/", {"page": "１"}), "foreign_digits")


def test_free_text_keeps_its_full_width_digits(client):
    response = client.post(PUBLIC, {**REPORT, "title": "第３期改造后电梯仍常停运"}, content_type="application/json")
    assert response.status_code == 201
    assert Problem.objects.get().title == "第３期改造后电梯仍常停运"


# --- Numbers no column holds ------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["123456789012345678901234567890", "1e999", "NaN", "9" * 5000])
def test_numbers_no_column_holds_are_refused(applicant_client, number):
    response = applicant_client.post("/api/v1/applications/", f'{{"call": {number}}}',
                                     content_type="application/json")
    assert response.status_code == 400
    assert Application.objects.count() == 1  # the draft of the fixture, nothing started


def test_a_password_of_full_width_digits_is_not_a_number_and_never_repeated(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "１２３４５６７８９０１２"})
    assert response.status_code != 400 and "１２３４５６７８９０１２" not in response.content.decode()
