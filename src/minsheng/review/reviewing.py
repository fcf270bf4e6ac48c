"""Writing reviews and ranking a call (M17; bonuses M19, M22 …). One transaction and one audit event per write.

A review follows its call's rubric (calls.RubricCriterion: weight, scale). Drafts save whatever is filled in
(each score still inside its scale); submitting needs every score, a recommendation, and the deadline not passed
by the server clock (the assignment's due time, which is the call's review end unless a replacement got more
time). A review is submitted once. The ranking is review/scoring.py over the submitted reviews, with the
priority bonuses of the formal check (RuleResult.bonus) shown separately, each citing its clause.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, FloatField, Func, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import RuleResult
from minsheng.core import audit, clock, workflow
from minsheng.core.permissions import is_system, require
from minsheng.review import scoring, work_rules  # noqa: F401  (work_rules registers the permissions)
from minsheng.review.models import Assignment, Review

CLAUSE = "M17"


def _local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def criteria(call) -> list:
    return list(call.criteria.order_by("order", "pk"))


def deadline(assignment: Assignment):
    return assignment.due_at or assignment.application.call.review_ends_at


def is_open(assignment: Assignment) -> bool:
    return assignment.state == Assignment.State.ACCEPTED and clock.now() <= deadline(assignment)


def parse_scores(call, data) -> dict[str, float]:
    """Scores from form data `score_<criterion pk>`; a blank is left out, anything else must fit the scale."""
    scores, errors = {}, []
    for criterion in criteria(call):
        raw = str(data.get(f"score_{criterion.pk}", "")).strip()
        if raw == "":
            continue
        try:
            value = Decimal(raw)
        except ArithmeticError:
            errors.append(gettext("%(name)s: “%(value)s” is not a number.") % {"name": criterion.name_zh,
                                                                             "value": raw[:20]})
            continue
        if not value.is_finite() or not criterion.scale_min <= value <= criterion.scale_max:
            errors.append(gettext("%(name)s: the score must be between %(low)s and %(high)s.")
                          % {"name": criterion.name_zh, "low": criterion.scale_min, "high": criterion.scale_max})
            continue
        scores[str(criterion.pk)] = float(value)
    if errors:
        raise ValidationError(errors)
    return scores


@transaction.atomic
def save(assignment: Assignment, *, by, scores: dict, comments: str, recommendation: str,
         submit: bool) -> Review:
    """Save a draft or submit the review of an accepted assignment."""
    require(by, "review.write_review")
    current = Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    if not is_system(by) and current.expert.person_id != by.person_id:
        raise PermissionDenied
    review = Review.objects.select_for_update().filter(assignment=current).first()
    if review is not None and review.state == Review.State.SUBMITTED:
        raise ValidationError(_("This review was already submitted on %(when)s; it cannot be changed or submitted "
                                "again.") % {"when": _local(review.submitted_at)})
    if current.state != Assignment.State.ACCEPTED:
        raise ValidationError(_("Accept the invitation before writing the review."))
    if clock.now() > deadline(current):
        raise ValidationError(_("The review closed at %(when)s (Beijing time); it can no longer be saved or "
                                "submitted.") % {"when": _local(deadline(current))})
    rubric = criteria(current.application.call)
    if recommendation and recommendation not in Review.Recommendation.values:
        raise ValidationError(_("Choose a recommendation from the list."))
    if submit:
        missing = [c.name_zh for c in rubric if str(c.pk) not in scores]
        if missing:
            raise ValidationError(_("Score every criterion before submitting: %(names)s.")
                                  % {"names": "、".join(missing)})
        if not recommendation:
            raise ValidationError(_("Choose a recommendation before submitting."))
        if not rubric:
            raise ValidationError(_("The call has no review criteria; ask the programme officer."))
    created = review is None
    review = review or Review(assignment=current)
    old = {} if created else audit.snapshot(review)
    review.scores, review.comments, review.recommendation = scores, comments.strip()[:5000], recommendation
    review.save()
    if not submit:
        audit.record(action=f"review.review.{'create' if created else 'update'}", by=by, target=review, old=old,
                     new=audit.snapshot(review), clause=CLAUSE, reason=gettext("Review draft saved"))
        return review
    # Submitting: the review's content is saved above, the two steps below record the submission.
    review.submitted_at = clock.now()
    new = {k: v for k, v in audit.snapshot(review).items() if k != "state"}
    workflow.move(review, "submit", by=by, reason=gettext("Review submitted"), old=old, new=new,
                  submitted_at=review.submitted_at)
    workflow.move(current, "complete", by=by, reason=gettext("Review submitted"))
    return review


# --- Ranking -------------------------------------------------------------------------------------------

@dataclass
class RankingRow:
    application: object
    result: scoring.ProposalResult
    reviews: list[Review]

    @property
    def flag_texts(self) -> list[str]:
        return [flag_text(f) for f in self.result.flags]


def flag_text(flag: scoring.Flag) -> str:
    """A ranking flag in the reader's language."""
    if flag.code == "few_reviews":
        return ngettext("only %(count)d valid review, %(needed)d needed",
                        "only %(count)d valid reviews, %(needed)d needed", flag.values["count"]) % flag.values
    if flag.code == "disagreement":
        return gettext("reviewers disagree: spread %(spread).2f above %(limit)g") % flag.values
    return gettext("some reviewers could not be normalised (too few reviews in their round, or all their scores "
                   "equal): their raw scores are used")


def bonuses_of(applications) -> dict[int, list[scoring.Bonus]]:
    """Priority bonuses from the latest round of each application's formal check, each with its clause.
    `applications`: applications or their primary keys (a queryset of them is one subquery)."""
    last = RuleResult.objects.filter(application=OuterRef("application")).order_by("-round").values("round")[:1]
    english = translation_en()
    out: dict[int, list[scoring.Bonus]] = {}
    for app_id, clause, bonus, zh, en in (
            RuleResult.objects.filter(application__in=applications, passed=True, bonus__gt=0, round=Subquery(last))
            .order_by("rule__order", "pk")
            .values_list("application_id", "clause_code", "bonus", "explanation_zh", "explanation_en")):
        out.setdefault(app_id, []).append(scoring.Bonus(clause, float(bonus), en if english else zh))
    return out


def translation_en() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


class ScoreOf(Func):
    """One criterion's score in a review's `scores` (keyed by the criterion's primary key as text), as a number,
    read by the database: the ranking reads thousands of reviews without decoding their JSON in Python."""

    output_field = FloatField()

    def __init__(self, key: str):
        super().__init__(F("scores"))
        self.key = key

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(JSON_EXTRACT({sql}, %s) AS REAL)", [*params, f'$."{self.key}"']

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) ->> %s)::double precision", [*params, self.key]


def _rubric(call) -> list[scoring.Criterion]:
    return [scoring.Criterion(str(c.pk), float(c.weight), c.scale_min, c.scale_max) for c in criteria(call)]


def ranking_result(call) -> tuple[list[scoring.ProposalResult], scoring.Ranking]:
    """The call's ranking from the submitted reviews' numbers alone, without a model instance per review: the
    results of the applications that passed the formal check, in rank order (unranked last), and the round.

    The normalisation needs every review of each reviewer, so the ranking is computed over the whole call in
    Python (review/scoring.py), from four columns per review; a page shows a slice of it."""
    from minsheng.applications.models import Application

    rubric = _rubric(call)
    if not rubric:
        return [], scoring.Ranking([], {}, 0.0, 0.0)
    passed = Application.objects.filter(call=call, state=Application.State.PASSED)
    proposals = list(passed.order_by("number").values_list("pk", flat=True))
    keys = [c.key for c in rubric]
    scored = []
    for pk, app_id, expert_id, *values in (
            Review.objects.filter(assignment__application__call=call, state=Review.State.SUBMITTED).order_by("pk")
            .values_list("pk", "assignment__application_id", "assignment__expert_id",
                         *(ScoreOf(key) for key in keys))):
        scores = {key: value for key, value in zip(keys, values, strict=True) if value is not None}
        try:
            scored.append((scoring.Review(pk, app_id, expert_id, scores), scoring.weighted_score(scores, rubric)))
        except scoring.ScoringError:
            continue            # a review that no longer fits the rubric (a criterion added since) is not valid
    result = scoring.rank_weighted(scored, proposals=proposals, bonuses=bonuses_of(passed))
    shown = set(proposals)
    return [p for p in result.proposals if p.proposal in shown], result


def ranking(call) -> tuple[list[RankingRow], scoring.Ranking]:
    """The call's ranking over submitted reviews with each row's application and reviews (the export, the panel,
    the API); applications without any valid review come last, unranked."""
    from minsheng.review.assignment import applications_of

    results, ranked = ranking_result(call)
    apps = {a.pk: a for a in applications_of(call)}
    by_pk = {r.pk: r for r in Review.objects.filter(assignment__application__call=call, state=Review.State.SUBMITTED)
             .select_related("assignment__expert__person")}
    rows = [RankingRow(apps[p.proposal], p, [by_pk[s.review] for s in p.reviews])
            for p in results if p.proposal in apps]
    return rows, ranked
