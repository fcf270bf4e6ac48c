"""Who sees which application (pages and API), the pages themselves, and the printed PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import department, user_for_role
from tests.factories.applications import ApplicationFactory, complete_application
from tests.factories.calls import CallFactory, add_rule

pytestmark = pytest.mark.django_db

PAGES = ["applications:detail", "applications:pdf", "applications:submit", "applications:attachments"]


@pytest.mark.parametrize("route", PAGES)
def test_another_organisations_application_answers_404(client, stranger, draft, route):
    client.force_login(stranger)
    assert client.get(reverse(route, args=[draft.pk])).status_code == 404
    assert client.get(reverse("applications:edit", args=[draft.pk, "summary"])).status_code == 404
    assert client.get(f"/api/v1/applications/{draft.pk}/").status_code == 404
    assert client.put(f"/api/v1/applications/{draft.pk}/sections/objectives/",
                      {"version": draft.version, "data": {"objectives": "x"}},
                      content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/applications/{draft.pk}/submit/").status_code == 404


def test_lists_are_scoped(client, applicant, stranger, officer, draft, django_assert_max_num_queries):
    other = ApplicationFactory(organisation=stranger.organisation)
    client.force_login(applicant)
    page = client.get(reverse("applications:list")).content.decode()
    assert draft.number in page and other.number not in page
    assert [a["number"] for a in client.get("/api/v1/applications/").json()["results"]] == [draft.number]
    client.force_login(officer)
    for _ in range(19):
        ApplicationFactory()
    with django_assert_max_num_queries(20):
        page = client.get(reverse("applications:list")).content.decode()
    assert draft.number in page and other.number in page


def test_department_officers_see_only_co_owned_calls_read_only(client, draft):
    health = department("health")
    co_owned = ApplicationFactory(call=CallFactory(co_owners=[health]))
    dept = user_for_role("department_officer", department=health)
    client.force_login(dept)
    assert client.get(reverse("applications:detail", args=[co_owned.pk])).status_code == 200
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("applications:edit", args=[co_owned.pk, "summary"])).status_code == 403
    assert client.post(reverse("applications:submit", args=[co_owned.pk])).status_code == 403


def test_experts_see_nothing(client, draft):
    client.force_login(user_for_role("expert"))
    assert client.get(reverse("applications:list")).status_code == 403
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 403  # no access at all
    assert client.get(f"/api/v1/applications/{draft.pk}/").status_code == 403


def test_start_from_an_open_call(client, applicant, call):
    client.force_login(applicant)
    url = reverse("applications:start") + f"?call={call.pk}"
    assert call.title_zh in client.get(url).content.decode()
    response = client.post(url, {"call": call.pk, "title": "家庭医生签约服务平台"})
    application = applicant.organisation.applications.get()
    assert response["Location"] == reverse("applications:edit", args=[application.pk, "summary"])
    assert application.title == "家庭医生签约服务平台" and application.created_by == applicant


def test_every_section_page_renders_with_the_meter(client, applicant, draft):
    client.force_login(applicant)
    for key in ["summary", "objectives", "route", "indicators", "team", "budget", "ip", "partners", "milestones"]:
        response = client.get(reverse("applications:edit", args=[draft.pk, key]))
        assert response.status_code == 200 and b"data-ms-completeness" in response.content
    assert client.get(reverse("applications:edit", args=[draft.pk, "nonsense"])).status_code == 404


def test_review_page_shows_the_rules_with_their_clause_before_submission(client, applicant, draft):
    complete_application(draft, own_share=__import__("decimal").Decimal("0.2"))
    add_rule(draft.call, "own_funding_share", min_percent=50)
    client.force_login(applicant)
    page = client.get(reverse("applications:submit", args=[draft.pk])).content.decode()
    assert 'data-ms-outcome="fail"' in page and "M20" in page and "20.0%" in page
    draft.refresh_from_db()
    assert draft.state == "draft" and not draft.rule_results.exists()


def test_printed_pdf_reads_back_in_chinese(client, applicant, draft):
    complete_application(draft)
    client.force_login(applicant)
    response = client.get(reverse("applications:pdf", args=[draft.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for words in [draft.number, "社区慢病远程管理平台", "可穿戴设备采集血压血糖数据", "平台上线", "王主任"]:
        assert words in text


def test_the_open_calls_page_links_applicants_to_start(client, applicant, officer, call):
    client.force_login(applicant)
    page = client.get(reverse("calls:detail", args=[call.pk])).content.decode()
    assert f'{reverse("applications:start")}?call={call.pk}' in page
    client.force_login(officer)
    assert "data-ms-apply" not in client.get(reverse("calls:detail", args=[call.pk])).content.decode()


def test_admin_shows_applications_read_only(client, draft):
    client.force_login(user_for_role("admin", username="site_admin"))
    assert draft.number in client.get("/admin/applications/application/").content.decode()
    page = client.get(f"/admin/applications/application/{draft.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_a_budget_saved_with_totals_that_disagree_says_so_instead_of_a_plain_saved(client, applicant, draft):
    client.force_login(applicant)
    url = reverse("applications:edit", args=[draft.pk, "budget"])
    response = client.post(url, {"version": draft.version, "budget_equipment": "100", "fund_city_rd": "50",
                                 "fund_own": "40"}, follow=True)
    text = response.content.decode()
    assert "alert-warning" in text and "已保存，但尚未完成" in text and "相差 10 万元" in text
    assert "alert-success" not in text
    draft.refresh_from_db()
    response = client.post(url, {"version": draft.version, "budget_equipment": "90", "fund_city_rd": "50",
                                 "fund_own": "40"}, follow=True)
    assert "alert-success" in response.content.decode()
    draft.refresh_from_db()
    autosave = client.post(url, {"version": draft.version, "budget_equipment": "95", "fund_city_rd": "50",
                                 "fund_own": "40"}, HTTP_X_AUTOSAVE="1").json()
    assert autosave["saved"] and "尚未完成" in autosave["status"] and "相差 5 万元" in autosave["status"]


def test_a_draft_is_discarded_not_withdrawn(client, applicant, draft):
    from minsheng.applications.models import Application
    from minsheng.core.models import AuditEvent

    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "data-ms-discard" in page and "data-ms-withdraw" not in page and ">撤回</button>" not in page
    # Posting the withdrawal form's way (a reason) is refused for a draft: there is nothing to withdraw.
    client.post(reverse("applications:withdraw", args=[draft.pk]), {"reason": "不申报了"})
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT
    client.post(reverse("applications:withdraw", args=[draft.pk]), {"discard": "draft"})
    draft.refresh_from_db()
    assert draft.state == Application.State.WITHDRAWN and "草稿" in draft.state_reason
    assert AuditEvent.objects.filter(action="applications.application.discard").count() == 1
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "data-ms-discard" not in page and "data-ms-withdrawn" in page


def test_a_submitted_application_is_withdrawn_with_a_reason_and_never_discarded(client, applicant, draft):
    from minsheng.applications import services
    from minsheng.applications.models import Application

    ready = complete_application(draft)
    services.submit(ready, by=applicant)
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[ready.pk])).content.decode()
    assert "data-ms-withdraw" in page and "data-ms-discard" not in page
    client.post(reverse("applications:withdraw", args=[ready.pk]), {"discard": "draft"})
    ready.refresh_from_db()
    assert ready.state == Application.State.SUBMITTED
