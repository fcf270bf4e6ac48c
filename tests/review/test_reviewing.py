"""Reviewing (M17): the expert's workspace and proposal page, the rubric form, drafts, deadline, one submission,
404 outside the assignment, and reviewer identity kept from other experts and from applicants."""

from datetime import timedelta
from io import BytesIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.review import assignment as service
from minsheng.review import reviewing
from minsheng.review.models import Assignment, ConflictDeclaration, Review
from tests.factories import UserFactory
from tests.factories.applications import ApplicationFactory
from tests.factories.review_work import accepted, review_world, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = review_world(n_applications=2, n_experts=3, k=2)
    w.pair = accepted(w.applications[0], w.experts[0])
    w.other = accepted(w.applications[0], w.experts[1])
    return w


def scores(w, a=8, b=6):
    return {f"score_{w.criteria[0].pk}": str(a), f"score_{w.criteria[1].pk}": str(b)}


def post(client, w, data):
    client.force_login(w.users[w.experts[0].pk])
    return client.post(reverse("review:proposal", kwargs={"pk": w.applications[0].pk}), data)


def test_workspace_lists_only_own_assignments_with_deadlines(client, world):
    client.force_login(world.users[world.experts[0].pk])
    page = client.get(reverse("review:my_assignments")).content.decode()
    assert world.applications[0].title in page and world.applications[1].title not in page
    assert timezone.localtime(world.call.review_ends_at).strftime("%Y-%m-%d %H:%M") in page
    assert world.experts[1].person.name not in page


def test_proposal_page_shows_the_rubric_and_no_other_reviewer(client, world):
    submitted_review(world.other, {str(world.criteria[0].pk): 3, str(world.criteria[1].pk): 4})
    client.force_login(world.users[world.experts[0].pk])
    page = client.get(reverse("review:proposal", kwargs={"pk": world.applications[0].pk})).content.decode()
    assert "创新性" in page and "可行性" in page and world.applications[0].summary in page
    assert world.experts[1].person.name not in page


def test_an_unassigned_or_conflicted_proposal_answers_404(client, world):
    client.force_login(world.users[world.experts[0].pk])
    assert client.get(reverse("review:proposal", kwargs={"pk": world.applications[1].pk})).status_code == 404
    assert client.get(reverse("review:proposal", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("review:proposal_attachment", kwargs={"pk": world.applications[1].pk,
                                                                    "attachment_pk": 1})).status_code == 404
    ConflictDeclaration.objects.create(expert=world.experts[0], application=world.applications[0], reason="亲属")
    assert client.get(reverse("review:proposal", kwargs={"pk": world.applications[0].pk})).status_code == 404


def test_draft_saves_partial_scores_then_submits_once(client, world):
    response = post(client, world, {f"score_{world.criteria[0].pk}": "7", "comments": "初稿", "action": "save"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.state == Review.State.DRAFT and review.scores == {str(world.criteria[0].pk): 7.0}
    response = post(client, world, {**scores(world), "recommendation": "fund", "comments": "好", "action": "submit"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED and review.submitted_at
    assert Assignment.objects.get(pk=world.pair.pk).state == Assignment.State.COMPLETED
    # the submission's two steps (states.REVIEW, states.ASSIGNMENT), each its own event in the expert's name
    submitted = AuditEvent.objects.get(action="review.review.submit")
    assert (submitted.old["state"], submitted.new["state"], submitted.new["comments"]) == ("draft", "submitted", "好")
    assert submitted.new["recommendation"] == "fund" and submitted.new["submitted_at"]
    completed = AuditEvent.objects.get(action="review.assignment.complete")
    assert completed.target_id == str(world.pair.pk) and completed.actor_id == world.users[world.experts[0].pk].pk
    again = post(client, world, {**scores(world, 1, 1), "recommendation": "reject", "action": "submit"})
    assert (again.status_code == 400 and "已提交".encode() in again.content) or b"already submitted" in again.content
    review.refresh_from_db()
    assert review.scores[str(world.criteria[0].pk)] == 8.0


def test_a_score_outside_the_scale_gets_a_clear_message_and_nothing_saved(client, world):
    response = post(client, world, {**scores(world, 11, 5), "recommendation": "fund", "action": "submit"})
    assert response.status_code == 400
    assert "0" in response.content.decode() and "10" in response.content.decode()
    assert not Review.objects.exists()
    response = post(client, world, {**scores(world, "abc", 5), "action": "save"})
    assert response.status_code == 400 and not Review.objects.exists()


def test_submission_needs_every_score_and_a_recommendation(world):
    user = world.users[world.experts[0].pk]
    with pytest.raises(ValidationError, match="请对每项评审指标评分"):
        reviewing.save(world.pair, by=user, scores={str(world.criteria[0].pk): 5}, comments="", recommendation="fund",
                       submit=True)
    with pytest.raises(ValidationError, match="请选择评审建议"):
        reviewing.save(world.pair, by=user, scores={str(c.pk): 5 for c in world.criteria}, comments="",
                       recommendation="", submit=True)


def test_a_review_after_the_deadline_is_refused_by_the_server_clock(client, world):
    later = world.call.review_ends_at + timedelta(seconds=1)
    with mock.patch("minsheng.core.clock.now", return_value=later):
        response = post(client, world, {**scores(world), "recommendation": "fund", "action": "submit"})
    assert response.status_code == 400 and not Review.objects.exists()
    assert b"closed" in response.content or "截止".encode() in response.content or \
        b"can no longer" in response.content


def test_accept_and_decline_from_the_workspace(client):
    w = review_world(n_applications=1, n_experts=3, k=1)
    service.run(w.call, by=w.officer)
    service.publish(w.call, by=w.officer)
    pair = Assignment.objects.get()
    client.force_login(w.users[pair.expert_id])
    page = client.get(reverse("review:my_assignments")).content.decode()
    assert w.applications[0].title in page
    # Not accepted yet: the proposal page tells the expert to accept first; the form cannot be saved.
    response = client.post(reverse("review:respond", kwargs={"pk": pair.pk}), {"answer": "decline", "reason": ""})
    assert response.status_code == 302 and Assignment.objects.get(pk=pair.pk).state == Assignment.State.PUBLISHED
    client.post(reverse("review:respond", kwargs={"pk": pair.pk}), {"answer": "decline", "reason": "时间冲突"})
    assert Assignment.objects.get(pk=pair.pk).state == Assignment.State.DECLINED
    assert Assignment.objects.filter(state=Assignment.State.PUBLISHED).exclude(expert=pair.expert).count() == 1
    # Another expert's invitation answers 404.
    other = Assignment.objects.get(state=Assignment.State.PUBLISHED)
    assert client.post(reverse("review:respond", kwargs={"pk": other.pk}), {"answer": "accept"}).status_code == 404


def test_applicants_never_see_a_reviewer_name(client, world):
    """Every page and API answer an applicant can reach about its application carries no reviewer's name."""
    submitted_review(world.other, {str(world.criteria[0].pk): 7, str(world.criteria[1].pk): 9})
    application = world.applications[0]
    applicant = UserFactory(role=Role.APPLICANT, organisation=application.organisation)
    client.force_login(applicant)
    names = [e.person.name for e in world.experts] + [world.users[e.pk].get_full_name() for e in world.experts]
    urls = [reverse("accounts:home"), reverse("applications:list"),
            reverse("applications:detail", kwargs={"pk": application.pk}),
            "/api/v1/applications/", f"/api/v1/applications/{application.pk}/"]
    for url in urls:
        response = client.get(url)
        body = response.content.decode(errors="replace")
        for name in names:
            assert name not in body, (url, name)
    pdf = client.get(reverse("applications:pdf", kwargs={"pk": application.pk}))
    assert pdf.status_code == 200
    text = "".join(p.extract_text() or "" for p in PdfReader(BytesIO(pdf.content)).pages)
    assert application.number in text
    assert not [name for name in names if name in text]
    # The review pages themselves: 403 for an applicant, never a name.
    for name in ("review:my_assignments",):
        response = client.get(reverse(name))
        assert response.status_code == 403
    response = client.get(reverse("review:ranking", kwargs={"call_pk": world.call.pk}))
    assert response.status_code == 403


def test_an_application_from_another_call_is_never_visible(client, world):
    stranger = ApplicationFactory()
    client.force_login(world.users[world.experts[0].pk])
    assert client.get(reverse("review:proposal", kwargs={"pk": stranger.pk})).status_code == 404
