"""The officer's assignment pages and the expert's invitations (M17). Thin: writes in assignment.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minsheng.applications.models import Application
from minsheng.calls.models import STABLE_SUPPORT, Call
from minsheng.review import assignment as service
from minsheng.review import queries, reviewing
from minsheng.review.models import Assignment, ExpertProfile, PanelMember
from minsheng.review.views import _errors, permission


@require_safe
@permission("review.assign")
def call_list(request):
    passed = Q(applications__state=Application.State.PASSED)
    calls = (Call.objects.annotate(passed=Count("applications", filter=passed, distinct=True),
                                   assigned=Count("applications__assignments", distinct=True, filter=Q(
                                       applications__assignments__state__in=service.LIVE)))
             .filter(passed__gt=0).exclude(support_type__code=STABLE_SUPPORT).order_by("-closes_at", "pk"))
    return render(request, "review/assignment_calls.html", {"calls": calls})


def _call(pk: int) -> Call:
    return get_object_or_404(Call, pk=pk)


@require_safe
@permission("review.assign")
def call_assignment(request, call_pk: int):
    call = _call(call_pk)
    quality = service.quality(call)
    run = service.latest_run(call)
    experts = list(queries.active_experts())
    return render(request, "review/assignment.html", {
        "call": call, "quality": quality, "run": run, "experts": experts,
        "k": call.reviewers_per_proposal, "overdue": service.overdue(call).count(),
        "chart": {"histogram": [[n, c] for n, c in quality["histogram"]],
                  "per_application": [[r["application"].number, r["total"]] for r in quality["rows"]]},
    })


def _act(request, call_pk: int, action) -> object:
    try:
        result = action()
    except ValidationError as error:
        _errors(request, error)
        return None
    return result


@require_POST
@permission("review.assign")
def run(request, call_pk: int):
    call = _call(call_pk)
    result = _act(request, call_pk, lambda: service.run(call, by=request.user))
    if result is not None:
        if result.complete:
            messages.success(request, _("Assignment computed: every application has its reviewers. Check it, then "
                                        "publish."))
        else:
            messages.warning(request, _("No complete assignment exists; the best partial one is proposed. See why "
                                        "below."))
    return redirect("review:call_assignment", call_pk=call.pk)


@require_POST
@permission("review.assign")
def swap(request, call_pk: int, pk: int):
    call = _call(call_pk)
    pair = get_object_or_404(Assignment, pk=pk, application__call=call)
    raw = request.POST.get("expert", "")
    expert = ExpertProfile.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
    if expert is None:
        messages.error(request, _("Choose an expert."))
    elif _act(request, call_pk, lambda: service.swap(pair, expert, by=request.user)) is not None:
        messages.success(request, _("%(name)s now reviews %(number)s.") % {"name": expert.person.name,
                                                                           "number": pair.application.number})
    return redirect("review:call_assignment", call_pk=call.pk)


@require_POST
@permission("review.assign")
def publish(request, call_pk: int):
    call = _call(call_pk)
    count = _act(request, call_pk, lambda: service.publish(call, by=request.user))
    if count is not None:
        messages.success(request, _("Published: %(n)s invitations sent to the experts.") % {"n": count})
    return redirect("review:call_assignment", call_pk=call.pk)


@require_POST
@permission("review.assign")
def replace_overdue(request, call_pk: int):
    call = _call(call_pk)
    count = _act(request, call_pk, lambda: service.replace_overdue(call, by=request.user))
    if count is not None:
        messages.success(request, _("%(n)s overdue reviews replaced; the other assignments are kept.") % {"n": count})
    return redirect("review:call_assignment", call_pk=call.pk)


# --- The expert's workspace ------------------------------------------------------------------------

@require_safe
@permission("review.respond")
def my_assignments(request):
    profile = queries.own_profile(request.user)
    visible = queries.applications_visible_to_expert(request.user)
    items = []
    if profile is not None:
        for a in (Assignment.objects.filter(expert=profile, application__in=visible)
                  .select_related("application__call").order_by("due_at", "pk")):
            review = getattr(a, "review", None)
            items.append({"assignment": a, "review": review, "deadline": reviewing.deadline(a),
                          "open": reviewing.is_open(a),
                          # the invitation can be answered now (states.ASSIGNMENT: accept and decline)
                          "can_respond": request.user.has_perm("review.assignment.accept", a)})
    panels = []
    if profile is not None and profile.state == ExpertProfile.State.ACTIVE:
        panels = list(PanelMember.objects.filter(expert=profile).select_related("panel__call")
                      .order_by("-panel__convened_at", "pk"))
    return render(request, "review/my_assignments.html", {"profile": profile, "items": items, "panels": panels})


@require_POST
@permission("review.respond")
def respond(request, pk: int):
    pair = service.my_assignment(request.user, pk)
    if not queries.applications_visible_to_expert(request.user).filter(pk=pair.application_id).exists():
        raise Http404
    accept = request.POST.get("answer") == "accept"
    result = _act(request, pk, lambda: service.respond(pair, by=request.user, accept=accept,
                                                       reason=request.POST.get("reason", "")))
    if result is not None:
        messages.success(request, _("Accepted: the application is in your list.") if accept else
                         _("Declined: the programme office finds another expert."))
    return redirect("review:my_assignments")
