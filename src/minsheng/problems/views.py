"""Livelihood-problem pages (M05): the public form and tracking page, the officers' triage list, detail and
decisions, and the Excel export. Thin: scope, rules and writes live in services.py and rules.py."""

import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.core import listing
from minsheng.core.exports import export_response
from minsheng.core.limits import limited
from minsheng.core.listing import Column
from minsheng.core.permissions import allowed, permission_required, require
from minsheng.core.views import rate_limited
from minsheng.outcomes import queries as outcomes
from minsheng.problems import forms, states
from minsheng.problems import services as problems
from minsheng.problems.models import Problem
from minsheng.registry.forms import apply_service_errors

SUBMIT_RATE = "10/h"   # reports from one address
TRACK_RATE = "30/h"    # code lookups from one address: enough for a person, far too few to enumerate codes
FORM_TOKEN_SECONDS = 60 * 60


PAGE = listing.ListPage(
    slug="problem", title=Problem._meta.verbose_name_plural, listing=problems.PROBLEMS, clauses=("M05",),
    search_hint=_("Tracking code, title, description or who is affected"), row_template="problems/_row.html",
    columns=(Column(_("tracking code")), Column(_("title"), "title"), Column(_("domain"), "domain"),
             Column(_("district"), "district"), Column(_("source")), Column(_("state"), "state"),
             Column(_("received"), "created")))


def _visible(request, pk: int) -> Problem:
    problem = get_object_or_404(problems.problems_for(request.user), pk=pk)
    if not allowed(request.user, "calls.view_problem", problem):
        raise Http404
    return problem


# --- Public: submit and track --------------------------------------------------------------------

def _claim_token(request):
    """The form is sent once: a repeat of the same token (a double click, a reload) finds the first result."""
    token = request.POST.get("form_token", "")
    if len(token) != 32 or not token.isalnum():
        return None, None
    key = f"problems:form:{token}"
    if cache.add(key, "pending", FORM_TOKEN_SECONDS):
        return key, None
    return key, cache.get(key)


@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    user = request.user
    if request.method == "POST":
        key, earlier = _claim_token(request)
        if earlier and earlier != "pending":
            return render(request, "problems/submitted.html", {"code": earlier, "repeat": True})
        if earlier == "pending":
            messages.warning(request, _("This form is already being sent. Please wait a moment."))
            return redirect("problems:submit")
        if limited(request, "problems.submit", SUBMIT_RATE):
            if key:
                cache.delete(key)
            return rate_limited(request)
        form = forms.ProblemForm(request.POST, user=user)
        if form.is_valid():
            try:
                problem = problems.submit_problem(by=user, values=form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if key:
                    cache.set(key, problem.tracking_code, FORM_TOKEN_SECONDS)
                return render(request, "problems/submitted.html", {"code": problem.tracking_code,
                                                                         "problem": problem})
        if key:
            cache.delete(key)
        token = request.POST.get("form_token", "")
    else:
        form = forms.ProblemForm(user=user)
        token = uuid.uuid4().hex
    return render(request, "problems/submit.html", {"form": form, "form_token": token})


def tracking_context(problem: Problem) -> dict:
    """What the public tracking page (and API) shows: public words only, no officers' or internal names."""
    steps = [{"state": s.state, "label": s.get_state_display(), "text": problems.public_step_text(s.state),
              "note": s.note, "at": s.at} for s in problem.steps.all()]
    root = problems.merge_root(problem) if problem.state == Problem.State.MERGED else None
    followed = []
    if root is not None:
        merged_at = steps[-1]["at"] if steps else problem.updated_at
        followed = [{"state": s.state, "label": s.get_state_display(), "text": problems.public_step_text(s.state),
                     "note": s.note, "at": s.at}
                    for s in root.steps.filter(at__gte=merged_at).exclude(state=Problem.State.NEW)]
    current = root or problem
    published = [t.call for t in current.topics.select_related("call") if t.call.state == t.call.State.PUBLISHED]
    return {"problem": problem, "steps": steps, "followed": followed,
            "current_state": current.get_state_display(), "published_calls": published,
            "results": outcomes.public_results(published)}


@require_safe
def track(request):
    context = {"form": forms.TrackForm(), "result": None}
    if "code" in request.GET:
        if limited(request, "problems.track", TRACK_RATE):
            return rate_limited(request)
        form = forms.TrackForm(request.GET)
        context["form"] = form
        if form.is_valid():
            try:
                problem = problems.find_by_code(form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc)
            else:
                context["result"] = tracking_context(problem)
    return render(request, "problems/track.html", context)


@require_safe
def results(request):
    """From problem to result (从需求到成果, M05 → M18): the problems that became topics of published calls, with
    the public fields of each problem only (title, domain, district; never the submitter, the description or the
    tracking code) and what each call produced as far as it is public: the projects funded on it (title and
    organisation, as the funding notice shows them), their verified achievements and verified demonstration
    sites with the people served."""
    rows = []
    for problem in problems.public_topic_problems():
        calls = [t.call for t in problem.topics.all() if t.call.state == t.call.State.PUBLISHED]
        if calls:
            rows.append((problem, outcomes.public_results(calls)))
    return render(request, "problems/results.html", {"rows": rows})


# --- Officers: list, export, detail, triage ------------------------------------------------------

@require_safe
@permission_required("calls.view_problem")
def problem_list(request):
    context = listing.page_context(request, PAGE, problems.problems_for(request.user),
                                   listing.parse(PAGE.listing, request.GET), export_url=reverse("problems:export"))
    return render(request, "core/list.html", {
        **context,
        "create_url": reverse("problems:submit"), "can_add": True,
    })


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@require_safe
@permission_required("calls.view_problem")
def export(request):
    user = request.user
    state = listing.parse(PAGE.listing, request.GET)
    with_contact = user.has_perm("calls.view_problem_contact")
    headers = [_("tracking code"), _("title"), _("description"), _("domain"), _("district"), _("who is affected"),
               _("source"), _("reporting department"), _("state"), _("reason"), _("merged into"), _("received"),
               _("updated")]
    if with_contact:
        headers += [_("contact name"), _("contact phone"), _("contact e-mail")]

    def rows():
        for p in listing.apply(problems.problems_for(user), state):
            row = [p.tracking_code, p.title, p.description, p.domain or "", p.district or "", p.affected,
                   p.get_source_display(), p.department or "", p.get_state_display(), p.state_reason,
                   p.merged_into.tracking_code if p.merged_into_id else "", _when(p.created_at), _when(p.updated_at)]
            if with_contact:
                row += [p.contact_name, p.contact_phone, p.contact_email]
            yield row

    return export_response(
        request, group="problems.export", action="calls.problem.export", filename="livelihood-problems",
        title=PAGE.title, headers=headers, rows=rows, target_label=str(Problem._meta.verbose_name_plural),
        details={"filters": state.active}, clause=problems.CLAUSE)


def _detail_context(request, problem: Problem, **bound) -> dict:
    user = request.user
    # The triage steps this user may take on the problem now (its table: state and permission in one rule).
    triage_steps = states.WORKFLOW.steps_for(user, problem)
    can_triage = any(triage_steps.values())
    scope = problems.problems_for(user)
    context = {
        "problem": problem,
        "steps": problem.steps.all(),
        "topics": problem.topics.select_related("call"),
        "merged_here": problem.merged_problems.order_by("pk"),
        "can_see_contact": user.has_perm("calls.view_problem_contact", problem),
        "can_see_history": user.has_perm("calls.view_problem_history", problem),
        "can_triage": can_triage,
        "triage_steps": triage_steps,
    }
    if can_triage:
        context.update({
            "similar": problems.similar_problems(problem, queryset=scope),
            "accept_form": bound.get("accept_form") or forms.AcceptForm(initial={"domain": problem.domain_id}),
            "reject_form": bound.get("reject_form") or forms.RejectForm(),
            "merge_form": bound.get("merge_form") or forms.MergeForm(scope=scope),
            "topic_form": bound.get("topic_form") or forms.TopicForm(problem=problem),
        })
    return context


@require_safe
@permission_required("calls.view_problem")
def problem_detail(request, pk: int):
    problem = _visible(request, pk)
    return render(request, "problems/detail.html", _detail_context(request, problem))


def _triage(request, pk: int, form_name: str, make_form, decide):
    """Shared by the four decisions: scope (404), permission (403), form, service, message, redirect."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("problems:detail", kwargs={"pk": pk}))
    require(request.user, "calls.triage_problem")
    problem = _visible(request, pk)
    if not allowed(request.user, "calls.triage_problem", problem):
        raise Http404
    seen = request.POST.get("seen", "")
    if seen in Problem.State.values:
        # Decide on what the officer saw: if someone else decided since, this decision is refused.
        problem.state = seen
    form = make_form(problem)
    if form.is_valid():
        try:
            message = decide(problem, form.cleaned_data)
        except problems.TransitionRefused as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect("problems:detail", pk=problem.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("problems:detail", pk=problem.pk)
    messages.error(request, _("The decision was not recorded; see the form below."))
    problem.refresh_from_db()
    response = render(request, "problems/detail.html", _detail_context(request, problem, **{form_name: form}))
    response.status_code = 400
    return response


@require_POST
def accept(request, pk: int):
    def decide(problem, data):
        problems.accept_problem(problem=problem, by=request.user, note=data["note"], domain=data["domain"])
        return _("Problem %(code)s is accepted.") % {"code": problem.tracking_code}

    return _triage(request, pk, "accept_form", lambda p: forms.AcceptForm(request.POST), decide)


@require_POST
def reject(request, pk: int):
    def decide(problem, data):
        problems.reject_problem(problem=problem, by=request.user, reason=data["reason"])
        return _("Problem %(code)s is not taken up; the submitter can read the reason.") % {
            "code": problem.tracking_code}

    return _triage(request, pk, "reject_form", lambda p: forms.RejectForm(request.POST), decide)


@require_POST
def merge(request, pk: int):
    def decide(problem, data):
        problems.merge_problem(problem=problem, into=data["into"], by=request.user, note=data["note"])
        problem.refresh_from_db()
        return _("Problem %(code)s is merged into %(into)s.") % {
            "code": problem.tracking_code, "into": problem.merged_into.tracking_code}

    scope = problems.problems_for(request.user)
    return _triage(request, pk, "merge_form", lambda p: forms.MergeForm(request.POST, scope=scope), decide)


@require_POST
def make_topic(request, pk: int):
    def decide(problem, data):
        topic = problems.turn_into_topic(problem=problem, by=request.user, call=data["call"], title=data["title"],
                                         description=data["description"])
        return _("Problem %(code)s is now the topic “%(topic)s” of %(call)s.") % {
            "code": problem.tracking_code, "topic": topic.title, "call": topic.call}

    return _triage(request, pk, "topic_form", lambda p: forms.TopicForm(request.POST, problem=p), decide)
