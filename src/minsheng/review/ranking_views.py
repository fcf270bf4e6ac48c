"""A call's ranking (M17) with priority bonuses (M19, M22 …), its Excel export, and the reviews behind each number.
Officers only: reviewer names appear here and nowhere an applicant can reach."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from minsheng.applications.models import Application
from minsheng.calls.models import Call
from minsheng.core import listing
from minsheng.core.exports import export_response
from minsheng.review import reviewing
from minsheng.review.models import Review
from minsheng.review.views import permission

PAGE_SIZE = 50


def _num(value):
    return None if value is None else round(value, 2)


FLAGS = {"few_reviews": lambda r: not r.enough_reviews, "disagreement": lambda r: r.disagreement,
         "not_normalised": lambda r: any(f.code == "not_normalised" for f in r.flags),
         "tie": lambda r: r.tie, "unranked": lambda r: r.final is None}


def _flag_choices() -> list[tuple[str, str]]:
    return [("few_reviews", str(_("Fewer than 3 valid reviews"))), ("disagreement", str(_("Reviewers disagree"))),
            ("not_normalised", str(_("Some reviewers not normalised"))), ("tie", str(_("Tie"))),
            ("unranked", str(_("No valid review yet")))]


RANKING = listing.Listing(
    kind="review.ranking", search=(), default_sort="rank", facet="flag",
    filters=(listing.Filter("flag", gettext_lazy("flag"), "", _flag_choices),),
    sorts={"rank": (), "number": (), "reviews": (), "weighted": (), "normalised": (), "final": ()})
COLUMNS = (listing.Column(gettext_lazy("Rank"), "rank"),
           listing.Column(gettext_lazy("Application"), "number"),
           listing.Column(gettext_lazy("Valid reviews"), "reviews"),
           listing.Column(gettext_lazy("Raw weighted mean"), "weighted"),
           listing.Column(gettext_lazy("Normalised mean"), "normalised"),
           listing.Column(gettext_lazy("Priority bonuses")),
           listing.Column(gettext_lazy("Final score"), "final"),
           listing.Column(gettext_lazy("Flags")))
BIN = 10     # points per bar of the score distribution


def _sorted(results: list, sort: str, numbers: dict) -> list:
    """The results in the order the list asks; missing numbers (unranked) last in either direction."""
    key = sort.lstrip("-")
    if key == "rank":
        ordered = list(results)          # the ranking's own order: rank, then the unranked
        return ordered[::-1] if sort.startswith("-") else ordered
    value = {"number": lambda r: numbers[r.proposal], "reviews": lambda r: len(r.reviews),
             "weighted": lambda r: r.weighted_mean, "normalised": lambda r: r.normalised_mean,
             "final": lambda r: r.final}[key]
    present = [r for r in results if value(r) is not None]
    present.sort(key=lambda r: (value(r), numbers[r.proposal]), reverse=sort.startswith("-"))
    return present + [r for r in results if value(r) is None]


def _distribution(results: list) -> list[list]:
    """How many applications have a final score in each band of BIN points (bonuses can pass 100)."""
    finals = [r.final for r in results if r.final is not None]
    if not finals:
        return []
    top = max(100, int(max(finals) // BIN * BIN))
    counts = dict.fromkeys(range(0, top + 1, BIN), 0)
    for value in finals:
        counts[min(top, max(0, int(value // BIN * BIN)))] += 1
    return [[f"{low}–{low + BIN}", n] for low, n in counts.items()]


@require_safe
@permission("review.view_ranking")
def ranking(request, call_pk: int):
    """The summary (counts per flag, the distribution of final scores) over the whole call, and one page of rows,
    filtered by flag and sorted as asked (M17): the page does not grow with the call."""
    call = get_object_or_404(Call, pk=call_pk)
    results, result = reviewing.ranking_result(call)
    state = listing.parse(RANKING, request.GET)
    state.counts = {code: sum(1 for r in results if test(r)) for code, test in FLAGS.items()}
    flag = state.values.get("flag")
    shown = [r for r in results if FLAGS[flag](r)] if flag else results
    numbers = dict(Application.objects.filter(call=call, state=Application.State.PASSED)
                   .values_list("pk", "number"))
    page_obj = listing.page_of(request, _sorted(shown, state.sort, numbers), size=PAGE_SIZE)
    apps = Application.objects.filter(pk__in=[r.proposal for r in page_obj.object_list]).in_bulk()
    rows = [reviewing.RankingRow(apps[r.proposal], r, []) for r in page_obj.object_list]
    ranked = sum(1 for r in results if r.final is not None)
    return render(request, "review/ranking.html", {
        "call": call, "rows": rows, "page_obj": page_obj, "result": result, "state": state,
        "filters": listing.filter_widgets(state), "columns": listing.column_links(COLUMNS, state),
        "summary": {"applications": len(results), "ranked": ranked, "unranked": len(results) - ranked},
        "chart": _distribution(results), "export_url": reverse("review:ranking_export", kwargs={"call_pk": call.pk}),
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
    results, result = reviewing.ranking_result(call)
    own = next((r for r in results if r.proposal == application.pk), None)
    if own is None:
        return render(request, "review/ranking_reviews.html", {"call": call, "application": application,
                                                               "items": [], "row": None})
    reviews = {r.pk: r for r in Review.objects.filter(pk__in=[s.review for s in own.reviews])
               .select_related("assignment__expert__person")}
    row = reviewing.RankingRow(application, own, [reviews[s.review] for s in own.reviews])
    by_review = {s.review: s for s in row.result.reviews}
    criteria = reviewing.criteria(call)
    items = [{"review": review, "score": by_review[review.pk],
              "stats": result.reviewers.get(review.assignment.expert_id),
              "scores": [review.scores.get(str(c.pk)) for c in criteria]} for review in row.reviews]
    return render(request, "review/ranking_reviews.html", {"call": call, "application": application, "row": row,
                                                           "items": items, "criteria": criteria})
