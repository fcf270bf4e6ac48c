"""A call's ranking (M17) with priority bonuses (M19, M22 …), its Excel export, and the reviews behind each number.
Officers only: reviewer names appear here and nowhere an applicant can reach."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from minsheng.applications.models import Application
from minsheng.calls.models import Call
from minsheng.core.exports import export_response
from minsheng.review import reviewing
from minsheng.review.views import permission


def _num(value):
    return None if value is None else round(value, 2)


@require_safe
@permission("review.view_ranking")
def ranking(request, call_pk: int):
    call = get_object_or_404(Call, pk=call_pk)
    rows, result = reviewing.ranking(call)
    chart = [[row.application.number, _num(row.result.final)] for row in rows if row.result.final is not None]
    return render(request, "review/ranking.html", {"call": call, "rows": rows, "result": result, "chart": chart,
                                                   "criteria": reviewing.criteria(call)})


@require_safe
@permission("review.view_ranking")
def ranking_export(request, call_pk: int):
    call = get_object_or_404(Call, pk=call_pk)
    headers = [_("Rank"), _("Tie"), _("Application number"), _("Project title"), _("Applicant organisation"),
               _("Valid reviews"), _("Raw weighted mean"), _("Normalised mean"), _("Spread"), _("Bonuses"),
               _("Bonus total"), _("Final score"), _("Flags")]

    def data():
        rows, _result = reviewing.ranking(call)
        return ([r.result.rank or "", _("tie") if r.result.tie else "", r.application.number, r.application.title,
                 r.application.organisation.name_zh, len(r.result.reviews), _num(r.result.weighted_mean),
                 _num(r.result.normalised_mean), _num(r.result.spread),
                 "；".join(f"{b.clause} +{b.points:g}" for b in r.result.bonuses), _num(r.result.bonus_total),
                 _num(r.result.final), "；".join(r.flag_texts)] for r in rows)

    return export_response(request, group="review.ranking_export", action="review.ranking.export",
                           filename=f"ranking-{call.code}", title=_("Ranking"), headers=headers, rows=data,
                           target=call, clause="M17")


@require_safe
@permission("review.view_ranking")
def ranking_reviews(request, call_pk: int, pk: int):
    """The submitted reviews behind one application's numbers: each reviewer, weighted and normalised score."""
    call = get_object_or_404(Call, pk=call_pk)
    application = get_object_or_404(Application, call=call, state=Application.State.PASSED, pk=pk)
    rows, result = reviewing.ranking(call)
    row = next((r for r in rows if r.application.pk == application.pk), None)
    if row is None:
        return render(request, "review/ranking_reviews.html", {"call": call, "application": application,
                                                               "items": [], "row": None})
    by_review = {s.review: s for s in row.result.reviews}
    criteria = reviewing.criteria(call)
    items = [{"review": review, "score": by_review[review.pk],
              "stats": result.reviewers.get(review.assignment.expert_id),
              "scores": [review.scores.get(str(c.pk)) for c in criteria]} for review in row.reviews]
    return render(request, "review/ranking_reviews.html", {"call": call, "application": application, "row": row,
                                                           "items": items, "criteria": criteria})
