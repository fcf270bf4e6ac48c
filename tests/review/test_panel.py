"""The review panel (会评, M17): convening, members, the session, votes and adjusted scores with their reasons,
minutes, the frozen final list; conflicted members never see an application; the member page is anonymised."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from minsheng.core import workflow
from minsheng.core.audit import AuditEvent
from minsheng.core.workflow import TransitionRefused
from minsheng.review import panel as service
from minsheng.review.models import ConflictDeclaration, ExpertProfile, Panel, PanelVote
from tests.factories.review import ExpertProfileFactory, expert_user
from tests.factories.review_work import accepted, review_world, submitted_review
from tests.races import postgresql_only, race

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three applications, each with three submitted reviews from experts 0–2; experts 3 and 4 sit on the panel,
    expert 4 declared a conflict with application 0."""
    w = review_world(n_applications=3, n_experts=5, k=3)
    c1, c2 = (str(c.pk) for c in w.criteria)
    marks = {0: [(9, 9, "fund"), (8, 9, "fund"), (9, 8, "changes")],
             1: [(5, 5, "reject"), (6, 4, "reject"), (4, 3, "fund")],
             2: [(7, 7, "fund"), (7, 6, "reject"), (6, 7, "changes")]}
    for i, rows in marks.items():
        for j, (a, b, recommendation) in enumerate(rows):
            submitted_review(accepted(w.applications[i], w.experts[j]), {c1: a, c2: b}, recommendation)
    ConflictDeclaration.objects.create(expert=w.experts[4], application=w.applications[0], reason="曾参与指导")
    return w


def convened(w, *members, open_session=True):
    panel = service.convene(w.call, by=w.officer)
    for i in members or (3, 4):
        service.add_member(panel, w.experts[i], by=w.officer)
    if open_session:
        service.open_session(panel, by=w.officer)
    panel.refresh_from_db()
    return panel


def vote(w, panel, expert, app, choice="fund", score=None, reason=""):
    return service.vote(panel, by=w.users[w.experts[expert].pk], application=w.applications[app], choice=choice,
                        adjusted_score=score, reason=reason)


# --- Services -----------------------------------------------------------------------------------------------

def test_convene_needs_an_officer_a_ranking_and_happens_once(world):
    with pytest.raises(PermissionDenied):
        service.convene(world.call, by=world.users[world.experts[0].pk])
    empty = review_world(n_applications=1, n_experts=1)
    with pytest.raises(ValidationError, match=r"no ranking|没有"):
        service.convene(empty.call, by=empty.officer)
    panel = service.convene(world.call, by=world.officer)
    assert panel.state == Panel.State.CONVENED and panel.convened_by == world.officer
    with pytest.raises(ValidationError):
        service.convene(world.call, by=world.officer)
    assert Panel.objects.filter(call=world.call).count() == 1
    event = AuditEvent.objects.filter(action="review.panel.convene").get()
    assert event.clause == "M17"


def test_members_are_active_experts_added_once(world):
    panel = service.convene(world.call, by=world.officer)
    service.add_member(panel, world.experts[3], by=world.officer)
    with pytest.raises(ValidationError):
        service.add_member(panel, world.experts[3], by=world.officer)
    invited = ExpertProfileFactory(state=ExpertProfile.State.INVITED)
    with pytest.raises(ValidationError):
        service.add_member(panel, invited, by=world.officer)
    assert panel.members.count() == 1


def test_the_session_needs_members_and_opens_once(world):
    panel = service.convene(world.call, by=world.officer)
    with pytest.raises(ValidationError):
        service.open_session(panel, by=world.officer)
    service.add_member(panel, world.experts[3], by=world.officer)
    officer = world.officer
    assert officer.has_perm("review.panel.open", panel) and not officer.has_perm("review.panel.freeze", panel)
    service.open_session(panel, by=world.officer)
    with pytest.raises(ValidationError):
        service.open_session(panel, by=world.officer)
    assert AuditEvent.objects.filter(action="review.panel.open").count() == 1
    # the page's buttons follow the table: open no more, freeze now, and never for a member
    assert not officer.has_perm("review.panel.open", panel) and officer.has_perm("review.panel.freeze", panel)
    assert not world.users[world.experts[3].pk].has_perm("review.panel.freeze", panel)


def test_votes_only_by_members_only_in_session(world):
    panel = convened(world, open_session=False)
    with pytest.raises(ValidationError, match=r"session|会议"):
        vote(world, panel, 3, 1)
    service.open_session(panel, by=world.officer)
    with pytest.raises(PermissionDenied):         # a reviewer who is not on the panel
        vote(world, panel, 0, 1)
    cast = vote(world, panel, 3, 1, choice="reserve")
    assert cast.vote == PanelVote.Vote.RESERVE and cast.adjusted_score is None


def test_a_conflicted_member_cannot_see_or_vote_on_the_application(world):
    panel = convened(world)
    member = service.member_of(panel, world.users[world.experts[4].pk])
    seen = {r.application.pk for r in service.visible_applications(member, service.ranked_rows(world.call))}
    assert world.applications[0].pk not in seen and world.applications[1].pk in seen
    with pytest.raises(Http404):
        vote(world, panel, 4, 0, choice="fund")
    assert not PanelVote.objects.filter(application=world.applications[0]).exists()
    vote(world, panel, 3, 0, choice="fund")      # the other member is not conflicted


def test_adjusting_or_voting_against_the_written_reviews_needs_a_reason(world):
    panel = convened(world)
    assert service.written_verdict(service.ranked_rows(world.call)[0].reviews) == "fund"
    with pytest.raises(ValidationError, match=r"reason|理由"):
        vote(world, panel, 3, 1, choice="fund")            # written reviews: 2 of 3 say do not fund
    with pytest.raises(ValidationError, match=r"reason|理由"):
        vote(world, panel, 3, 0, choice="reject")          # written reviews: all for funding
    with pytest.raises(ValidationError, match=r"reason|理由"):
        vote(world, panel, 3, 2, choice="fund", score="80")
    vote(world, panel, 3, 2, choice="reserve")              # not against anything, no adjustment: no reason needed
    cast = vote(world, panel, 3, 1, choice="fund", score="72.5", reason="示范场景价值高于函评判断")
    assert cast.adjusted_score == Decimal("72.50")


@pytest.mark.parametrize("score", ["101", "-1", "abc", "NaN", "1e400"])
def test_an_adjusted_score_outside_the_scale_is_refused_with_a_clear_message(world, score):
    panel = convened(world)
    with pytest.raises(ValidationError) as error:
        vote(world, panel, 3, 1, choice="reserve", score=score, reason="理由")
    assert "0" in error.value.messages[0] and "100" in error.value.messages[0]
    assert not PanelVote.objects.exists()


def test_a_vote_is_one_per_member_and_application_and_editable(world):
    panel = convened(world)
    vote(world, panel, 3, 2, choice="reserve")
    vote(world, panel, 3, 2, choice="fund", score="90", reason="补充材料后评价提高")
    assert PanelVote.objects.filter(application=world.applications[2]).count() == 1
    assert PanelVote.objects.get().adjusted_score == Decimal("90.00")
    events = AuditEvent.objects.filter(action__startswith="review.panel.vote").order_by("seq")
    assert list(events.values_list("action", flat=True)) == ["review.panel.vote", "review.panel.vote_change"]


def test_freeze_needs_minutes_computes_the_final_list_and_is_final(world):
    panel = convened(world)
    rows = {r.application.pk: r.result for r in service.ranked_rows(world.call)}
    third = world.applications[2].pk
    vote(world, panel, 3, 2, choice="fund", score=f"{rows[third].normalised_mean + 10:.2f}", reason="应用前景好")
    vote(world, panel, 4, 2, choice="fund", score=f"{rows[third].normalised_mean + 4:.2f}", reason="同意")
    vote(world, panel, 4, 1, choice="reject")
    with pytest.raises(ValidationError, match=r"minutes|纪要"):
        service.freeze(panel, by=world.officer)
    service.record_minutes(panel, by=world.officer, minutes="会议于第一会议室召开，五位专家出席。")
    frozen = service.freeze(panel, by=world.officer)
    assert frozen.state == Panel.State.FROZEN and frozen.frozen_by == world.officer
    entry = next(e for e in frozen.final_list if e["application"] == third)
    assert entry["adjusted_by"] == 2 and entry["adjustment"] == pytest.approx(7, abs=0.01)
    assert entry["final"] == pytest.approx(rows[third].final + 7, abs=0.01)
    assert entry["votes"] == {"fund": 2, "reserve": 0, "reject": 0}
    assert [e["rank"] for e in frozen.final_list] == sorted(e["rank"] for e in frozen.final_list)
    event = AuditEvent.objects.get(action="review.panel.freeze")
    assert event.clause == "M17" and event.new["final_list"] == frozen.final_list

    with pytest.raises(ValidationError):
        service.freeze(panel, by=world.officer)              # a second freeze
    with pytest.raises(ValidationError):
        vote(world, panel, 3, 1, choice="reserve")
    with pytest.raises(ValidationError):
        service.record_minutes(panel, by=world.officer, minutes="改写")
    with pytest.raises(ValidationError):
        service.add_member(panel, world.experts[0], by=world.officer)
    with pytest.raises(ValidationError):
        service.remove_member(panel.members.first(), by=world.officer)
    frozen.refresh_from_db()
    assert frozen.minutes.startswith("会议") and AuditEvent.objects.filter(action="review.panel.freeze").count() == 1


def test_equal_final_scores_share_a_rank_and_are_marked_as_ties(world):
    rows = service.ranked_rows(world.call)
    top, other = rows[0], rows[1]
    merit_gap = top.result.final - other.result.final
    votes = [PanelVote(application_id=other.application.pk, vote="fund",
                       adjusted_score=Decimal(f"{other.result.normalised_mean + merit_gap:.6f}"))]
    entries = service.final_list(rows, votes)
    assert entries[0]["rank"] == entries[1]["rank"] == 1 and entries[0]["tie"] and entries[1]["tie"]
    assert entries[2]["rank"] == 3 and not entries[2]["tie"]


def test_only_officers_freeze(world):
    panel = convened(world)
    service.record_minutes(panel, by=world.officer, minutes="纪要")
    with pytest.raises(PermissionDenied):
        service.freeze(panel, by=world.users[world.experts[3].pk])
    assert Panel.objects.get(pk=panel.pk).state == Panel.State.IN_SESSION


def test_the_state_move_is_conditional_so_a_stale_copy_loses(world):
    panel = convened(world)
    service.record_minutes(panel, by=world.officer, minutes="纪要")
    stale = Panel.objects.get(pk=panel.pk)
    service.freeze(panel, by=world.officer)
    with pytest.raises(TransitionRefused):      # the loser's conditional update matches no row
        workflow.move(stale, "freeze", by=world.officer)
    with pytest.raises(ValidationError):
        service.freeze(stale, by=world.officer)
    assert AuditEvent.objects.filter(action="review.panel.freeze").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_freezes_leave_one_winner():
    w = review_world(n_applications=2, n_experts=4, k=3)
    c1, c2 = (str(c.pk) for c in w.criteria)
    for i, app in enumerate(w.applications):
        for j in range(3):
            submitted_review(accepted(app, w.experts[j]), {c1: 5 + i + j, c2: 6})
    panel = convened(w, 3)
    service.record_minutes(panel, by=w.officer, minutes="纪要")
    assert race([lambda: service.freeze(Panel.objects.get(pk=panel.pk), by=w.officer)] * 2) == ["refused", "won"]
    assert AuditEvent.objects.filter(action="review.panel.freeze").count() == 1


def test_removing_a_member_removes_its_votes_and_is_audited(world):
    panel = convened(world)
    vote(world, panel, 3, 2, choice="reserve")
    member = panel.members.get(expert=world.experts[3])
    service.remove_member(member, by=world.officer)
    assert not PanelVote.objects.exists()
    assert AuditEvent.objects.get(action="review.panel.member_remove").old["votes_removed"] == [
        world.applications[2].pk]


# --- Pages --------------------------------------------------------------------------------------------------

def test_officer_runs_the_panel_through_its_pages(client, world):
    client.force_login(world.officer)
    url = reverse("review:panel", kwargs={"call_pk": world.call.pk})
    assert "data-ms-convene" in client.get(url).content.decode()
    kw = {"call_pk": world.call.pk}
    client.post(reverse("review:panel_convene", kwargs=kw), {"meets_at": "2026-12-05T09:30"})
    panel = Panel.objects.get(call=world.call)
    assert panel.meets_at is not None
    for i in (3, 4):
        client.post(reverse("review:panel_member_add", kwargs=kw), {"expert": world.experts[i].pk})
    client.post(reverse("review:panel_open", kwargs=kw))
    page = client.get(url).content.decode()
    assert 'data-ms-panel-state="session"' in page and "data-ms-member-conflicts" in page
    assert world.applications[0].number in page
    client.post(reverse("review:panel_minutes", kwargs=kw), {"minutes": "会议纪要正文"})
    client.post(reverse("review:panel_freeze", kwargs=kw))
    page = client.get(url).content.decode()
    assert "data-ms-frozen-list" in page and page.count("data-ms-final-row=") == 3
    ranking = client.get(reverse("review:ranking", kwargs=kw)).content.decode()
    assert f"{url}#frozen" in ranking


def test_officer_sees_bad_input_as_a_message(client, world):
    client.force_login(world.officer)
    kw = {"call_pk": world.call.pk}
    response = client.post(reverse("review:panel_convene", kwargs=kw), {"meets_at": "不是时间"}, follow=True)
    assert not Panel.objects.exists() and len(list(response.context["messages"])) == 1
    client.post(reverse("review:panel_convene", kwargs=kw))
    response = client.post(reverse("review:panel_open", kwargs=kw), follow=True)
    assert Panel.objects.get().state == Panel.State.CONVENED
    assert [m.level_tag for m in response.context["messages"]] == ["success", "error"]


def test_member_page_is_anonymised_and_leaves_out_conflicted_applications(client, world):
    panel = convened(world)
    client.force_login(world.users[world.experts[4].pk])
    page = client.get(reverse("review:panel_member", kwargs={"call_pk": world.call.pk})).content.decode()
    for reviewer in world.experts[:3]:
        assert reviewer.person.name not in page
        assert reviewer.person.organisation.name_zh not in page
    assert f'data-ms-panel-application="{world.applications[0].pk}"' not in page
    assert f'data-ms-panel-application="{world.applications[1].pk}"' in page
    assert page.count("data-ms-anonymous-review") == 6
    assert "data-ms-vote-form" in page and panel.state == Panel.State.IN_SESSION


def test_member_votes_through_the_page_and_conflicted_vote_answers_404(client, world):
    convened(world)
    client.force_login(world.users[world.experts[4].pk])
    kw = {"call_pk": world.call.pk}
    url = reverse("review:panel_vote", kwargs={**kw, "pk": world.applications[1].pk})
    response = client.post(url, {"vote": "fund", "adjusted_score": "150", "reason": "x"})
    assert response.status_code == 302 and not PanelVote.objects.exists()
    client.post(url, {"vote": "reserve", "adjusted_score": "", "reason": ""})
    assert PanelVote.objects.get().vote == "reserve"
    conflicted = reverse("review:panel_vote", kwargs={**kw, "pk": world.applications[0].pk})
    assert client.post(conflicted, {"vote": "fund", "reason": "理由"}).status_code == 404


def test_outsiders_get_404_and_members_find_the_panel_in_their_workspace(client, world):
    convened(world)
    kw = {"call_pk": world.call.pk}
    client.force_login(world.users[world.experts[0].pk])          # a reviewer, but not on the panel
    assert client.get(reverse("review:panel_member", kwargs=kw)).status_code == 404
    assert client.post(reverse("review:panel_vote", kwargs={**kw, "pk": world.applications[1].pk}),
                       {"vote": "fund"}).status_code == 404
    assert "data-ms-my-panel" not in client.get(reverse("review:my_assignments")).content.decode()
    outsider = expert_user(ExpertProfileFactory())
    client.force_login(outsider)
    assert client.get(reverse("review:panel_member", kwargs=kw)).status_code == 404
    client.force_login(world.users[world.experts[3].pk])
    workspace = client.get(reverse("review:my_assignments")).content.decode()
    assert f'data-ms-my-panel="{world.call.pk}"' in workspace
    assert reverse("review:panel_member", kwargs=kw) in workspace
