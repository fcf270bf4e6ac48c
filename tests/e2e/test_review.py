"""Expert review in a real browser: the officer runs and publishes the assignment for a call (with its quality
chart), an expert accepts and scores a proposal, the ranking shows the normalised score, and the applicant's
pages show no reviewer identity."""

import pytest
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.review.models import Assignment, Review
from tests.e2e.test_foundation import sign_in
from tests.factories import UserFactory
from tests.factories.review_work import review_world, submitted_review

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_assign_publish_score_rank_and_no_identity_for_the_applicant(page, browser, live_server):
    from minsheng.engines import text

    text.tokens("预热分词词典")   # load jieba's dictionary before the clock of the first click starts
    page.set_default_timeout(60_000)
    w = review_world(n_applications=3, n_experts=4, k=3)
    sign_in(page, w.officer.username)
    page.goto(f"/review/assignment/{w.call.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-ms-run]")
    expect(page.locator("[data-ms-run-summary]")).to_be_visible()
    expect(page.locator("[data-ms-chart=histogram] canvas")).to_be_visible()
    expect(page.locator("[data-ms-infeasible]")).to_have_count(0)
    page.click("[data-ms-publish]")
    expect(page.locator("[data-ms-pair][data-ms-state=published]")).to_have_count(9)

    # An expert accepts an invitation and scores the proposal.
    pair = Assignment.objects.filter(application=w.applications[0]).order_by("pk").first()
    expert_user = w.users[pair.expert_id]
    expert_page = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    sign_in(expert_page, expert_user.username)
    expert_page.goto("/review/work/")
    expert_page.click(f"[data-ms-assignment='{pair.pk}'] [data-ms-accept]")
    expert_page.goto(f"/review/work/proposals/{w.applications[0].pk}/")
    c1, c2 = w.criteria
    expert_page.fill(f"[data-ms-score='{c1.pk}']", "11")
    expert_page.fill(f"[data-ms-score='{c2.pk}']", "7")
    expert_page.select_option("select[name=recommendation]", "fund")
    expert_page.click("[data-ms-submit]")
    expect(expert_page.locator(".alert-danger, .alert-error, [role=alert]").first).to_contain_text("10")
    expert_page.fill(f"[data-ms-score='{c1.pk}']", "9")
    expert_page.fill(f"[data-ms-score='{c2.pk}']", "7")
    expert_page.click("[data-ms-submit]")
    expect(expert_page.locator("[data-ms-submitted]")).to_be_visible()
    assert Review.objects.get(assignment=pair).state == Review.State.SUBMITTED
    for other in w.experts:
        if other.pk != pair.expert_id:
            expect(expert_page.locator("body")).not_to_contain_text(other.person.name)

    # More submitted reviews so that normalisation applies (each reviewer needs three).
    c = [str(x.pk) for x in w.criteria]
    for a in Assignment.objects.exclude(pk=pair.pk).select_related("application"):
        a.state = Assignment.State.ACCEPTED
        a.save(update_fields=["state"])
        submitted_review(a, {c[0]: 3 + (a.application_id % 3) * 2 + a.expert_id % 2, c[1]: 5})

    page.goto(f"/review/ranking/{w.call.pk}/")
    first_row = page.locator("[data-ms-ranking-table] tbody tr").first
    expect(first_row.locator("[data-ms-normalised]")).not_to_have_text("—")
    expect(page.locator("[data-ms-chart=bars] canvas")).to_be_visible()

    # The applicant's pages carry no reviewer identity.
    application = w.applications[0]
    applicant = UserFactory(role=Role.APPLICANT, organisation=application.organisation)
    applicant_page = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    sign_in(applicant_page, applicant.username)
    names = [e.person.name for e in w.experts]
    for url in ["/", "/applications/", f"/applications/{application.pk}/"]:
        applicant_page.goto(url)
        body = applicant_page.content()
        assert not [n for n in names if n in body], url
