"""Scores and ranking: weighted scores, per-reviewer normalisation, flags, bonuses, ties (hypothesis properties)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.review.scoring import Bonus, Criterion, Review, ScoringError, rank, weighted_score

RUBRIC = [Criterion("innovation", 30), Criterion("feasibility", 30), Criterion("team", 20),
          Criterion("benefit", 20, scale_min=1, scale_max=5)]


def review(key, proposal, reviewer, value, benefit=3):
    return Review(key, proposal, reviewer, {"innovation": value, "feasibility": value, "team": value,
                                            "benefit": benefit})


def test_weighted_score_places_each_criterion_on_its_own_scale():
    top = {"innovation": 10, "feasibility": 10, "team": 10, "benefit": 5}
    bottom = {"innovation": 0, "feasibility": 0, "team": 0, "benefit": 1}
    assert weighted_score(top, RUBRIC) == pytest.approx(100)
    assert weighted_score(bottom, RUBRIC) == pytest.approx(0)
    half = {"innovation": 5, "feasibility": 5, "team": 5, "benefit": 3}
    assert weighted_score(half, RUBRIC) == pytest.approx(50)


@pytest.mark.parametrize(("scores", "message"), [
    ({"innovation": 11, "feasibility": 5, "team": 5, "benefit": 3}, "outside"),
    ({"innovation": 5, "feasibility": 5, "team": 5, "benefit": 0}, "outside"),
    ({"innovation": 5, "feasibility": 5, "team": 5}, "no score"),
    ({"innovation": float("nan"), "feasibility": 5, "team": 5, "benefit": 3}, "outside"),
])
def test_a_score_outside_the_rubric_is_refused_with_the_criterion_named(scores, message):
    with pytest.raises(ScoringError, match=message):
        weighted_score(scores, RUBRIC)


def test_bad_rubrics_are_refused():
    with pytest.raises(ScoringError):
        Criterion("x", 0)
    with pytest.raises(ScoringError):
        Criterion("x", 10, scale_min=5, scale_max=5)
    with pytest.raises(ScoringError, match="no criteria"):
        weighted_score({}, [])


def test_a_harsh_reviewer_does_not_sink_the_proposals_they_happen_to_review():
    # Reviewer H scores everything 4 points lower than reviewer L; they review different proposals.
    reviews = []
    for i, p in enumerate(["a", "b", "c"]):
        reviews.append(review(f"L{p}", p, "L", 6 + i))
        reviews.append(review(f"N{p}", p, "N", 5 + i))
    for i, p in enumerate(["d", "e", "f"]):
        reviews.append(review(f"H{p}", p, "H", 2 + i))
        reviews.append(review(f"M{p}", p, "M", 5 + i))
    result = {r.proposal: r for r in rank(reviews, RUBRIC, min_reviews=2).proposals}
    # Raw means differ by the harshness; normalised means of matching positions agree.
    assert result["a"].weighted_mean > result["d"].weighted_mean
    assert result["a"].normalised_mean == pytest.approx(result["d"].normalised_mean)
    assert result["c"].normalised_mean == pytest.approx(result["f"].normalised_mean)


def test_flags_for_too_few_reviews_disagreement_and_unnormalisable_reviewers():
    reviews = [review("1", "p", "A", 10), review("2", "p", "B", 0), review("3", "q", "A", 5)]
    ranking = rank(reviews, RUBRIC, proposals=["empty"], min_reviews=3, disagreement_spread=30)
    by = {r.proposal: r for r in ranking.proposals}
    assert not by["p"].enough_reviews and by["p"].disagreement
    assert [f.code for f in by["p"].flags][:2] == ["few_reviews", "disagreement"]
    assert by["p"].flags[0].values == {"count": 2, "needed": 3}
    assert "not_normalised" in [f.code for f in by["q"].flags]
    assert by["empty"].rank is None and by["empty"].final is None and ranking.proposals[-1].proposal == "empty"


def test_bonuses_are_added_last_and_kept_with_their_clause():
    reviews = [review(f"{r}{p}", p, r, 6) for p in "xy" for r in "ABC"]
    bonus = Bonus("M22", 3, "partner in Hong Kong")
    ranking = rank(reviews, RUBRIC, bonuses={"y": [bonus]})
    first, second = ranking.proposals
    assert first.proposal == "y" and first.bonuses == [bonus]
    assert first.final == pytest.approx(first.normalised_mean + 3)
    assert second.bonus_total == 0 and first.rank == 1 and second.rank == 2


def test_equal_final_scores_share_a_rank_and_are_marked_as_ties():
    reviews = [review(f"{r}{p}", p, r, v) for p, v in (("a", 8), ("b", 6), ("c", 6), ("d", 4)) for r in "ABC"]
    ranking = rank(reviews, RUBRIC)
    ranks = {r.proposal: (r.rank, r.tie) for r in ranking.proposals}
    assert ranks == {"a": (1, False), "b": (2, True), "c": (2, True), "d": (4, False)}


scores = st.integers(0, 10)


@st.composite
def rounds(draw):
    proposals = [f"p{i}" for i in range(draw(st.integers(1, 8)))]
    reviewers = [f"r{i}" for i in range(draw(st.integers(1, 6)))]
    reviews = []
    for p in proposals:
        for r in draw(st.lists(st.sampled_from(reviewers), unique=True, max_size=len(reviewers))):
            reviews.append(Review(f"{p}-{r}", p, r, {"innovation": draw(scores), "feasibility": draw(scores),
                                                      "team": draw(scores), "benefit": draw(st.integers(1, 5))}))
    return proposals, reviews


@given(rounds())
@settings(max_examples=200, deadline=None)
def test_properties_of_any_round(round_):
    proposals, reviews = round_
    ranking = rank(reviews, RUBRIC, proposals=proposals)
    assert sorted(r.proposal for r in ranking.proposals) == sorted(proposals)
    for result in ranking.proposals:
        for score in result.reviews:
            assert 0 <= score.weighted <= 100 + 1e-9
    # Ranks are standard competition ranks over the ranked proposals.
    ranked = [r for r in ranking.proposals if r.rank is not None]
    for position, result in enumerate(ranked, start=1):
        assert result.rank <= position
        assert result.rank == position or result.tie
    finals = [round(r.final, 2) for r in ranked]
    assert finals == sorted(finals, reverse=True)
    # Each normalisable reviewer's normalised scores have the round's mean.
    for reviewer, stats in ranking.reviewers.items():
        if stats.normalisable:
            own = [s.normalised for r in ranking.proposals for s in r.reviews if s.reviewer == reviewer]
            assert sum(own) / len(own) == pytest.approx(ranking.round_mean, abs=1e-6)
            assert math.isfinite(stats.sd) and stats.sd > 0
