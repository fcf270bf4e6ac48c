"""Scores and ranking from written reviews (M17: competitive merit selection). Pure Python, no Django.

Every number is traceable: a proposal's result lists the reviews behind it, each review its weighted score, and
each reviewer the mean and spread their scores were normalised with.

* Weighted score of a review: each criterion's score placed on 0–1 within its scale, weighted, summed, on 0–100.
* Normalised score: reviewers differ in severity, so each review's weighted score becomes a z-score over that
  reviewer's own reviews in the round, mapped back onto the round's overall mean and standard deviation, so the
  result still reads like a 0–100 score. A reviewer with fewer than MIN_REVIEWS_TO_NORMALISE reviews, or who gave
  every proposal the same score, cannot be normalised: their reviews keep their weighted score, and say so.
* A proposal with fewer than `min_reviews` valid reviews is flagged; so is one whose reviewers disagree (the
  spread of weighted scores above `disagreement_spread`).
* Priority bonuses from the call's rules (M19, M22 …) are added last and listed separately, each with its clause.
* Ranking by final score, then by normalised mean; equal final scores (to two decimals) share a rank and are
  marked as ties (standard competition ranking: 1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MIN_REVIEWS_TO_NORMALISE = 3
ROUND = 2  # decimals shown and compared for ties


class ScoringError(ValueError):
    """A review that does not fit the rubric: a missing criterion, a score outside the scale."""


@dataclass(frozen=True)
class Criterion:
    key: Hashable
    weight: float          # any positive weights; they are used as shares of their sum
    scale_min: float = 0
    scale_max: float = 10

    def __post_init__(self):
        if not self.weight > 0:
            raise ScoringError(f"criterion {self.key!r}: the weight must be positive")
        if not self.scale_min < self.scale_max:
            raise ScoringError(f"criterion {self.key!r}: the scale's lowest score must be below its highest")


@dataclass(frozen=True)
class Review:
    key: Hashable          # the review's id, for tracing
    proposal: Hashable
    reviewer: Hashable
    scores: Mapping[Hashable, float]


@dataclass(frozen=True)
class Bonus:
    clause: str            # e.g. "M22"
    points: float
    reason: str = ""


@dataclass
class ReviewScore:
    review: Hashable
    reviewer: Hashable
    weighted: float
    normalised: float
    normalised_by_reviewer: bool  # False: the reviewer could not be normalised; `normalised` = `weighted`


@dataclass
class ReviewerStats:
    reviewer: Hashable
    reviews: int
    mean: float
    sd: float
    normalisable: bool


@dataclass
class Flag:
    """Why a proposal's numbers need a second look: `few_reviews`, `disagreement` or `not_normalised`, with the
    values that tripped it (the platform words them in the reader's language)."""
    code: str
    values: dict = field(default_factory=dict)


@dataclass
class ProposalResult:
    proposal: Hashable
    reviews: list[ReviewScore]
    weighted_mean: float | None
    normalised_mean: float | None
    spread: float | None
    bonuses: list[Bonus]
    bonus_total: float
    final: float | None
    enough_reviews: bool
    disagreement: bool
    rank: int | None = None
    tie: bool = False
    flags: list[Flag] = field(default_factory=list)


@dataclass
class Ranking:
    proposals: list[ProposalResult]        # in rank order; unranked (no valid review) last
    reviewers: dict[Hashable, ReviewerStats]
    round_mean: float
    round_sd: float


def weighted_score(scores: Mapping[Hashable, float], criteria: Sequence[Criterion]) -> float:
    """One review's score on 0–100: each criterion on 0–1 within its scale, weighted by its share of the weights."""
    total_weight = sum(c.weight for c in criteria)
    if not criteria:
        raise ScoringError("the rubric has no criteria")
    result = 0.0
    for criterion in criteria:
        if criterion.key not in scores or scores[criterion.key] is None:
            raise ScoringError(f"no score for criterion {criterion.key!r}")
        value = float(scores[criterion.key])
        if math.isnan(value) or not criterion.scale_min <= value <= criterion.scale_max:
            raise ScoringError(f"criterion {criterion.key!r}: {value} is outside "
                               f"{criterion.scale_min}–{criterion.scale_max}")
        share = (value - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)
        result += criterion.weight / total_weight * share
    return 100.0 * result


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _sd(values: Sequence[float]) -> float:
    """Population standard deviation (the reviewer's scores are the whole round, not a sample)."""
    if len(values) < 2:
        return 0.0
    mean = _mean(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def rank(reviews: Iterable[Review], criteria: Sequence[Criterion], *, proposals: Iterable[Hashable] = (),
         bonuses: Mapping[Hashable, Sequence[Bonus]] | None = None, min_reviews: int = 3,
         disagreement_spread: float = 30.0) -> Ranking:
    """The round's ranking. `proposals` adds proposals with no review yet, so they appear (flagged, unranked)."""
    reviews = list(reviews)
    return rank_weighted([(r, weighted_score(r.scores, criteria)) for r in reviews], proposals=proposals,
                         bonuses=bonuses, min_reviews=min_reviews, disagreement_spread=disagreement_spread)


def rank_weighted(scored: Iterable[tuple[Review, float]], *, proposals: Iterable[Hashable] = (),
                  bonuses: Mapping[Hashable, Sequence[Bonus]] | None = None, min_reviews: int = 3,
                  disagreement_spread: float = 30.0) -> Ranking:
    """The ranking from reviews whose weighted scores are already known (each review's `weighted_score`, computed
    once by a caller that also checks which reviews fit the rubric); `rank` is this after `weighted_score`."""
    bonuses = bonuses or {}
    scored = list(scored)
    reviews = [review for review, _value in scored]
    weighted = {review.key: value for review, value in scored}
    if len(weighted) != len(reviews):
        raise ScoringError("two reviews share one key")

    by_reviewer: dict[Hashable, list[Review]] = defaultdict(list)
    for review in reviews:
        by_reviewer[review.reviewer].append(review)
    all_scores = list(weighted.values())
    round_mean = _mean(all_scores) if all_scores else 0.0
    round_sd = _sd(all_scores)

    stats: dict[Hashable, ReviewerStats] = {}
    for reviewer, own in by_reviewer.items():
        values = [weighted[r.key] for r in own]
        sd = _sd(values)
        stats[reviewer] = ReviewerStats(reviewer, len(values), _mean(values), sd,
                                        normalisable=len(values) >= MIN_REVIEWS_TO_NORMALISE and sd > 1e-9)

    per_proposal: dict[Hashable, list[ReviewScore]] = defaultdict(list)
    for review in reviews:
        s = stats[review.reviewer]
        value = weighted[review.key]
        normalised = round_mean + (value - s.mean) / s.sd * round_sd if s.normalisable else value
        per_proposal[review.proposal].append(ReviewScore(review.key, review.reviewer, value, normalised,
                                                         s.normalisable))

    results = []
    for proposal in dict.fromkeys([*per_proposal, *proposals]):
        scored = per_proposal.get(proposal, [])
        own_bonuses = list(bonuses.get(proposal, ()))
        bonus_total = sum(b.points for b in own_bonuses)
        if scored:
            weighted_values = [s.weighted for s in scored]
            weighted_mean = _mean(weighted_values)
            normalised_mean = _mean([s.normalised for s in scored])
            spread = max(weighted_values) - min(weighted_values)
            final = normalised_mean + bonus_total
        else:
            weighted_mean = normalised_mean = spread = final = None
        result = ProposalResult(proposal, scored, weighted_mean, normalised_mean, spread, own_bonuses, bonus_total,
                                final, enough_reviews=len(scored) >= min_reviews,
                                disagreement=spread is not None and spread > disagreement_spread)
        if not result.enough_reviews:
            result.flags.append(Flag("few_reviews", {"count": len(scored), "needed": min_reviews}))
        if result.disagreement:
            result.flags.append(Flag("disagreement", {"spread": round(spread, ROUND), "limit": disagreement_spread}))
        if any(not s.normalised_by_reviewer for s in scored):
            result.flags.append(Flag("not_normalised"))
        results.append(result)

    ranked = sorted((r for r in results if r.final is not None),
                    key=lambda r: (-round(r.final, ROUND), -round(r.normalised_mean, ROUND), str(r.proposal)))
    previous = None
    for position, result in enumerate(ranked, start=1):
        key = round(result.final, ROUND)
        if previous is not None and key == round(previous.final, ROUND):
            result.rank = previous.rank
            result.tie = previous.tie = True
        else:
            result.rank = position
        previous = result
    unranked = [r for r in results if r.final is None]
    return Ranking(ranked + unranked, stats, round_mean, round_sd)
