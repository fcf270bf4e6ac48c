"""The expert's proposal page with its review form, and the proposal's attachments (M17).

One scope: `queries.applications_visible_to_expert` (assigned, published to the expert, not conflicted).
Any other application id answers 404, whether it exists or not. Other experts' names and scores are never shown.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from minsheng.applications.models import Attachment
from minsheng.review import queries, reviewing
from minsheng.review.models import Assignment, Review
from minsheng.review.views import _errors, permission


def _assigned(request, pk: int) -> tuple:
    application = get_object_or_404(queries.applications_visible_to_expert(request.user)
                                    .select_related("call", "domain", "topic", "organisation"), pk=pk)
    pair = Assignment.objects.filter(application=application, expert__person_id=request.user.person_id).first()
    if pair is None:
        raise Http404
    return application, pair


@require_http_methods(["GET", "HEAD", "POST"])
@permission("review.write_review")
def proposal(request, pk: int):
    application, pair = _assigned(request, pk)
    review = Review.objects.filter(assignment=pair).first()
    values = {str(k): v for k, v in (review.scores if review else {}).items()}
    comments = review.comments if review else ""
    recommendation = review.recommendation if review else ""
    status = 200
    if request.method == "POST":
        comments = request.POST.get("comments", "")
        recommendation = request.POST.get("recommendation", "")
        values = {key[6:]: request.POST[key] for key in request.POST if key.startswith("score_")}
        submit = request.POST.get("action") == "submit"
        try:
            scores = reviewing.parse_scores(application.call, request.POST)
            reviewing.save(pair, by=request.user, scores=scores, comments=comments, recommendation=recommendation,
                           submit=submit)
        except ValidationError as error:
            _errors(request, error)
            status = 400
        else:
            messages.success(request, _("Review submitted. Thank you.") if submit else _("Draft saved."))
            return redirect("review:proposal", pk=application.pk)
    criteria = [{"criterion": c, "value": values.get(str(c.pk), "")} for c in reviewing.criteria(application.call)]
    return render(request, "review/proposal.html", {
        "application": application, "pair": pair, "review": review, "criteria": criteria, "comments": comments,
        "recommendation": recommendation, "recommendations": Review.Recommendation.choices,
        "deadline": reviewing.deadline(pair), "open": reviewing.is_open(pair) and not (
            review and review.state == Review.State.SUBMITTED),
    }, status=status)


@require_safe
@permission("review.write_review")
def attachment(request, pk: int, attachment_pk: int):
    application, _pair = _assigned(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                            content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
