"""Scores and ranking (M17): the table from submitted reviews, flags, bonuses citing their clause, traceability,
the Excel export, the API; drafts never count."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.applications.models import RuleResult
from minsheng.core.models import AuditEvent
from minsheng.review import reviewing
from minsheng.review.models import Review
from tests.factories.calls import add_rule
from tests.factories.review_work import accepted, review_world, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = review_world(n_applications=3, n_experts=3, k=3)
    c1, c2 = (str(c.pk) for c in w.criteria)
    marks = {0: [(9, 9), (8, 9), (9, 8)], 1: [(5, 5), (6, 4), (2, 3)], 2: [(9, 9), (1, 1)]}
    for i, rows in marks.items():
        for j, (a, b) in enumerate(rows):
            submitted_review(accepted(w.applications[i], w.experts[j]), {c1: a, c2: b})
    draft = accepted(w.applications[2], w.experts[2])
    Review.objects.create(assignment=draft, scores={c1: 0, c2: 0})   # a draft never counts
    rule = add_rule(w.call, "ip_bonus")
    RuleResult.objects.create(application=w.applications[1], rule=rule, passed=True, clause_code="M19",
                              explanation_zh="已有发明专利", explanation_en="Holds an invention patent",
                              bonus=Decimal("2"))
    return w


def test_ranking_counts_submitted_reviews_flags_and_bonuses(world):
    rows, _result = reviewing.ranking(world.call)
    by_app = {r.application.pk: r.result for r in rows}
    first = by_app[world.applications[0].pk]
    assert first.rank == 1 and len(first.reviews) == 3 and first.enough_reviews
    few = by_app[world.applications[2].pk]
    assert len(few.reviews) == 2 and not few.enough_reviews and few.disagreement
    second = by_app[world.applications[1].pk]
    assert [(b.clause, b.points) for b in second.bonuses] == [("M19", 2.0)]
    assert second.final == pytest.approx(second.normalised_mean + 2)


def test_ranking_page_shows_normalised_scores_and_links_to_the_reviews(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("review:ranking", kwargs={"call_pk": world.call.pk})).content.decode()
    assert "data-ms-normalised" in page and "data-ms-few-reviews" in page and "data-ms-disagreement" in page
    trace = reverse("review:ranking_reviews", kwargs={"call_pk": world.call.pk, "pk": world.applications[0].pk})
    assert trace in page
    detail = client.get(trace).content.decode()
    assert world.experts[0].person.name in detail          # officers see who reviewed
    assert detail.count("data-ms-review=") == 3
    assert 'data-ms-bonus="M19"' in page


def test_ranking_export_is_a_workbook_with_every_application(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("review:ranking_export", kwargs={"call_pk": world.call.pk}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    numbers = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {a.number for a in world.applications}


def test_ranking_export_is_audited_and_rate_limited(client, world, room_in_window):
    client.force_login(world.officer)
    room_in_window(world.officer)
    url = reverse("review:ranking_export", kwargs={"call_pk": world.call.pk})
    statuses = [client.get(url).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    events = AuditEvent.objects.filter(action="review.ranking.export")
    assert events.count() == 10 and events.first().new == {"rows": 3}


def test_ranking_api_for_officers_only(client, world):
    client.force_login(world.officer)
    data = client.get(f"/api/v1/review/rankings/{world.call.pk}/").json()
    assert len(data) == 3 and data[0]["rank"] == 1 and data[0]["normalised_mean"] is not None
    client.force_login(world.users[world.experts[0].pk])
    assert client.get(f"/api/v1/review/rankings/{world.call.pk}/").status_code == 403
    own = client.get("/api/v1/review/my-reviews/").json()
    assert own["count"] == 3    # its own reviews only, never the other experts'
