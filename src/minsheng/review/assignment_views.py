"""The officer's assignment pages and the expert's invitations (M17). Thin: writes in assignment.py."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from minsheng.applications.models import Application
from minsheng.calls.models import STABLE_SUPPORT, Call
from minsheng.core import listing, progress
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


@dataclass(frozen=True)
class PairState(listing.Filter):
    """The applications with a pair in the chosen state (a declined invitation, a proposal not yet published …)."""

    def condition(self, value: str) -> Q:
        return Q(pk__in=Assignment.objects.filter(state=value).values("application_id"))


ASSIGNMENT = listing.Listing(
    kind="review.assignment", search=("number", "title"), default_sort="number",
    filters=(listing.Filter("short", gettext_lazy("Fewer reviewers than needed"), "short", listing.yes_no,
                            boolean=True),
             PairState("pair", gettext_lazy("With a pair that is"), "", listing.choices_of(Assignment.State))),
    sorts={"number": ("number",), "reviewers": ("reviewers", "number"), "affinity": ("affinity", "number")})
COLUMNS = (listing.Column(gettext_lazy("Application"), "number"),
           listing.Column(gettext_lazy("Reviewers"), "reviewers"),
           listing.Column(gettext_lazy("Affinity"), "affinity"))
PAGE_SIZE = 50


@require_safe
@permission("review.assign")
def call_assignment(request, call_pk: int):
    """The quality of the assignment from aggregates over the whole call, and one page of the applications with
    their reviewers, searched, filtered and sorted on the server: the page does not grow with the call."""
    call = _call(call_pk)
    quality = service.quality(call)
    state = listing.parse(ASSIGNMENT, request.GET)
    page_obj = listing.page_of(request, listing.apply(service.assignment_rows(call), state), size=PAGE_SIZE)
    pairs: dict[int, list[Assignment]] = {}
    for pair in (Assignment.objects.filter(application__in=[a.pk for a in page_obj.object_list],
                                           state__in=service.LIVE)
                 .select_related("expert__person__organisation").order_by("application_id", "pk")):
        pairs.setdefault(pair.application_id, []).append(pair)
    rows = [{"application": a, "pairs": pairs.get(a.pk, []), "total": a.affinity, "short": a.short}
            for a in page_obj.object_list]
    swappable = any(p.state == Assignment.State.PROPOSED for row in rows for p in row["pairs"])
    latest = service.latest_run(call)
    job = service.latest_job(call)
    # The job's outcome is shown while it is the newest thing that happened: a failure until a later run exists,
    # a success while its run is the latest.
    if job is not None and not job.live and not (
            (job.state == job.State.FAILED and (latest is None or job.created_at > latest.created_at))
            or (job.state == job.State.DONE and latest is not None and job.result.get("run") == latest.pk)):
        job = None
    return render(request, "review/assignment.html", {
        "call": call, "quality": quality, "run": latest, "job": job, "rows": rows, "page_obj": page_obj,
        "state": state, "filters": listing.filter_widgets(state), "columns": listing.column_links(COLUMNS, state),
        # one list of experts for the page's swap buttons, only when a pair on the page can be swapped
        "experts": list(queries.active_experts().prefetch_related(None).values_list("pk", "person__name"))
        if swappable else [],
        "pair_counts": [(s.value, s.label, quality["pairs"][s.value]) for s in Assignment.State
                        if quality["pairs"].get(s.value)],
        "k": call.reviewers_per_proposal, "overdue": service.overdue(call).count(),
        "chart": {"histogram": [[n, c] for n, c in quality["histogram"]], "distribution": quality["distribution"]},
    })


def _back(request, call: Call):
    """The assignment page as the officer left it (the page, filters and sort of the address it posted from)."""
    url = reverse("review:call_assignment", kwargs={"call_pk": call.pk})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


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
    """Start the run as a background job; the page then shows its progress, and its result once it is done."""
    call = _call(call_pk)
    _act(request, call_pk, lambda: service.start_run(call, by=request.user))
    return redirect("review:call_assignment", call_pk=call.pk)


@require_safe
@permission("review.assign")
def run_progress(request, call_pk: int):
    """The latest run's progress for the page's progress bar (JSON): only for those who may run the call's
    assignment; nothing of another kind of job or another call."""
    call = _call(call_pk)
    job = service.latest_job(call)
    return JsonResponse(progress.as_json(job, page=reverse("review:call_assignment", kwargs={"call_pk": call.pk})),
                        headers={"Cache-Control": "no-store"})


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
    return _back(request, call)


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
