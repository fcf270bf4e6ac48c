"""Pages of the expert pool, the expert's own profile, avoidance requests and a call's conflicts. Thin: scopes
from queries.py, permissions from rules.py, writes from services.py, conflicts from conflicts.py."""

from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.applications.models import Application
from minsheng.core import listing
from minsheng.core.exports import export_response
from minsheng.core.widgets import search_reply
from minsheng.policy.models import Domain
from minsheng.review import conflicts, forms, queries, services, states
from minsheng.review.models import Assignment, AvoidanceRequest, ExpertProfile

RANKING_SIZE = 30
CONFLICT_PAGE_SIZE = 50


def permission(perm: str):
    """Anonymous visitors go to the login page; a signed-in user whose role lacks the permission gets 403."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # The rule itself, not User.has_perm: a superuser is not an expert or an applicant.
            if not rules.has_perm(perm, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


def _errors(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


# --- The pool (officers) -----------------------------------------------------------------------------

@require_safe
@permission("review.view_pool")
def pool_list(request):
    filters = queries.parse_pool_filters(request.GET)
    queryset = queries.filter_pool(queries.pool_for(request.user), filters)
    page = Paginator(queryset, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "review/pool_list.html", {
        "page_obj": page, "filters": filters, "domains": Domain.objects.all(),
        "states": ExpertProfile.State.choices, "export_query": params.urlencode(),
        "can_manage": request.user.has_perm("review.manage_pool"),
        "calls": queries.calls_for_officer(request.user).only("pk", "code", "title_zh", "title_en"),
    })


def _export_rows(queryset):
    profiles = list(queryset.prefetch_related("past_employers__organisation", "availability"))
    for p in profiles:
        yield [
            p.person.name, str(p.person.organisation or ""), p.person.get_title_display(), p.get_state_display(),
            p.get_willingness_display(), "、".join(d.name for d in p.domains.all()),
            "、".join(f.name for f in p.focus_directions.all()), p.keywords, p.description, p.max_load, p.assigned,
            "；".join(f"{e.label} {e.from_year}–{e.to_year}" for e in p.past_employers.all()),
            "；".join(f"{w.starts_on}–{w.ends_on}" for w in p.availability.all()),
        ]


@require_safe
@permission("review.view_pool")
def pool_export(request):
    filters = queries.parse_pool_filters(request.GET)
    headers = [_("full name"), _("organisation"), _("professional title"), _("state"), _("willingness"),
               _("domains"), _("focus directions"), _("keywords"), _("description of expertise"),
               _("maximum proposals per round"), _("assigned now"), _("past employers"), _("availability")]
    return export_response(
        request, group="review.export", action="review.expertprofile.export", filename="expert-pool",
        title=_("Expert pool"), headers=headers,
        rows=lambda: _export_rows(queries.filter_pool(queries.pool_for(request.user), filters)),
        target_label=str(ExpertProfile._meta.verbose_name_plural), details={"filters": filters.active},
        clause=services.CLAUSE)


@require_http_methods(["GET", "HEAD", "POST"])
@permission("review.manage_pool")
def invite(request):
    form = forms.InviteForm(request.POST or None)
    if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
        return reply
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.invite_expert(person=form.cleaned_data["person"], by=request.user,
                                             reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is invited to the expert pool.") % {"name": profile.person.name})
            return redirect("review:expert_detail", pk=profile.pk)
    return render(request, "review/invite.html", {"form": form})


@require_safe
@permission("review.view_pool")
def expert_detail(request, pk: int):
    profile = get_object_or_404(queries.pool_for(request.user), pk=pk)
    return render(request, "review/expert_detail.html", {
        "profile": profile,
        "past_employers": profile.past_employers.select_related("organisation"),
        "availability": profile.availability.all(),
        "declarations": profile.declarations.select_related("organisation", "application"),
        # the pool steps the officer may take on this expert now (its state, from states.EXPERT)
        "steps": states.EXPERT.steps_for(request.user, profile),
        "reason_form": forms.ReasonForm(),
    })


DONE = {"approve": _("%(name)s is now an active member of the expert pool."),
        "suspend": _("%(name)s is suspended from the expert pool."),
        "reinstate": _("%(name)s is active in the expert pool again.")}


@require_POST
@permission("review.manage_pool")
def expert_transition(request, pk: int, action: str):
    profile = get_object_or_404(queries.pool_for(request.user), pk=pk)
    if action not in states.EXPERT.transitions:
        raise Http404
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.transition(profile=profile, step=action, by=request.user, reason=reason)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, DONE[action] % {"name": profile.person.name})
    return redirect("review:expert_detail", pk=profile.pk)


# --- The expert's own profile ----------------------------------------------------------------------

def _own_profile_or_page(request):
    profile = queries.own_profile(request.user)
    if profile is None:
        return None, render(request, "review/no_profile.html")
    return profile, None


@require_http_methods(["GET", "HEAD", "POST"])
@permission("review.change_own_profile")
def my_profile(request):
    profile, page = _own_profile_or_page(request)
    if page:
        return page
    form = forms.ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        changes["domains"] = list(changes["domains"])
        changes["focus_directions"] = list(changes["focus_directions"])
        try:
            services.update_profile(profile=queries.own_profile(request.user), by=request.user, changes=changes)
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your expert profile is saved."))
            return redirect("review:my_profile")
    return render(request, "review/my_profile.html", _my_context(profile, form=form))


def _my_context(profile, **forms_given):
    return {
        "profile": profile,
        "past_employers": profile.past_employers.select_related("organisation"),
        "availability": profile.availability.all(),
        "form": forms_given.get("form") or forms.ProfileForm(instance=profile),
        "employer_form": forms_given.get("employer_form") or forms.PastEmployerForm(),
        "availability_form": forms_given.get("availability_form") or forms.AvailabilityForm(),
    }


@require_POST
@permission("review.change_own_profile")
def my_employer_add(request):
    profile, page = _own_profile_or_page(request)
    if page:
        return page
    form = forms.PastEmployerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_past_employer(profile=profile, by=request.user, organisation=data["organisation"],
                                       name="" if data["organisation"] else data["employer"],
                                       from_year=data["from_year"], to_year=data["to_year"])
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("Past employer added."))
            return redirect("review:my_profile")
    return render(request, "review/my_profile.html", _my_context(profile, employer_form=form), status=400)


@require_POST
@permission("review.change_own_profile")
def my_employer_delete(request, pk: int):
    profile, page = _own_profile_or_page(request)
    if page:
        return page
    employer = get_object_or_404(profile.past_employers, pk=pk)
    services.remove_past_employer(employer=employer, by=request.user)
    messages.success(request, _("Past employer removed."))
    return redirect("review:my_profile")


@require_POST
@permission("review.change_own_profile")
def my_availability_add(request):
    profile, page = _own_profile_or_page(request)
    if page:
        return page
    form = forms.AvailabilityForm(request.POST)
    if form.is_valid():
        services.add_availability(profile=profile, by=request.user, **form.cleaned_data)
        messages.success(request, _("Availability added."))
        return redirect("review:my_profile")
    return render(request, "review/my_profile.html", _my_context(profile, availability_form=form), status=400)


@require_POST
@permission("review.change_own_profile")
def my_availability_delete(request, pk: int):
    profile, page = _own_profile_or_page(request)
    if page:
        return page
    window = get_object_or_404(profile.availability, pk=pk)
    services.remove_availability(window=window, by=request.user)
    messages.success(request, _("Availability removed."))
    return redirect("review:my_profile")


@require_http_methods(["GET", "HEAD", "POST"])
@permission("review.change_own_profile")
def my_declarations(request):
    profile, page = _own_profile_or_page(request)
    if page:
        return page
    # The applications the expert may name: those assigned to it, in any state but declined.
    assigned = (Application.objects.filter(assignments__expert=profile)
                .exclude(assignments__state=Assignment.State.DECLINED).order_by("number"))
    form = forms.DeclarationForm(request.POST or None, applications=assigned)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.declare_conflict(profile=profile, by=request.user, reason=data["reason"],
                                      organisation=data["organisation"], application=data["application"])
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your declaration is recorded; it takes effect at once."))
            return redirect("review:my_declarations")
    return render(request, "review/declarations.html", {
        "profile": profile, "form": form,
        "declarations": profile.declarations.select_related("organisation", "application"),
    })


# --- Avoidance requests (回避申请) -------------------------------------------------------------------

@require_safe
@permission("review.request_avoidance")
def avoid_index(request):
    applications = (queries.applications_for_applicant(request.user).exclude(state=Application.State.WITHDRAWN)
                    .annotate(named=Count("avoidance_requests")).order_by("-updated_at"))
    return render(request, "review/avoid_index.html", {
        "applications": applications, "open_states": services.AVOIDANCE_STATES, "max": services.MAX_AVOIDANCE})


@require_http_methods(["GET", "HEAD", "POST"])
@permission("review.request_avoidance")
def avoid(request, application_pk: int):
    application = get_object_or_404(queries.applications_for_applicant(request.user), pk=application_pk)
    form = forms.AvoidanceForm(request.POST or None)
    open_ = application.state in services.AVOIDANCE_STATES
    if request.method == "POST" and form.is_valid():
        try:
            services.request_avoidance(application=application, person=form.cleaned_data["person"],
                                       reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("The expert is named; they will not review this application."))
            return redirect("review:avoid", application_pk=application.pk)
    requests = application.avoidance_requests.select_related("person", "person__organisation")
    return render(request, "review/avoid.html", {
        "application": application, "form": form, "requests": requests, "open": open_,
        "full": len(requests) >= services.MAX_AVOIDANCE, "max": services.MAX_AVOIDANCE,
    }, status=400 if form.errors else 200)


@require_POST
@permission("review.request_avoidance")
def avoid_withdraw(request, application_pk: int, pk: int):
    application = get_object_or_404(queries.applications_for_applicant(request.user), pk=application_pk)
    avoidance = get_object_or_404(AvoidanceRequest.objects.filter(application=application), pk=pk)
    try:
        services.withdraw_avoidance(request=avoidance, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("review:avoid", application_pk=application.pk)


# --- A call's conflicts and affinity (officers) ------------------------------------------------------

@require_safe
@permission("review.view_conflicts")
def call_conflicts(request, call_pk: int):
    """The call's conflicts (M17): the summary over every pair of its applications and the pool's active experts,
    and one page of the conflicted pairs, filtered by reason and searched by application or expert on the server,
    so that the page does not grow with the pool. The affinity ranking of one application on demand."""
    call = get_object_or_404(queries.calls_for_officer(request.user), pk=call_pk)
    applications = list(queries.call_applications(call))
    # The rules need only the experts' keys; names are read for the page's rows alone.
    experts = list(queries.active_experts().select_related(None).prefetch_related(None).only("pk"))
    result = conflicts.find_conflicts(applications, experts)
    reason = request.GET.get("reason", "")
    if reason not in conflicts.CODES:
        reason = ""
    q = " ".join(str(request.GET.get("q", "")).split())[:listing.SEARCH_MAX_LENGTH]
    pairs = [(i, j, reasons) for (i, j), reasons in sorted(result.reasons.items())
             if not reason or any(r.code == reason for r in reasons)]
    if q:
        pairs = _searched(pairs, applications, experts, q)
    page_obj = listing.page_of(request, pairs, size=CONFLICT_PAGE_SIZE)
    shown = ExpertProfile.objects.select_related("person__organisation").in_bulk(
        [experts[j].pk for _i, j, _reasons in page_obj.object_list])
    chosen, ranking = None, []
    selected = request.GET.get("application", "")
    if selected.isdigit():
        index = next((i for i, a in enumerate(applications) if a.pk == int(selected)), None)
        if index is None:
            raise Http404
        chosen = applications[index]
        ranking = _ranking(applications, list(queries.active_experts()), result, index)
    english = (get_language() or "").startswith("en")
    labels = {code: en if english else zh for code, (zh, en) in conflicts.CODES.items()}
    return render(request, "review/call_conflicts.html", {
        "call": call, "applications": applications, "experts": experts, "result": result,
        "counts": [(labels[code], code, n) for code, n in result.counts().items()],
        "pairs": [(applications[i], shown[experts[j].pk], reasons) for i, j, reasons in page_obj.object_list],
        "page_obj": page_obj, "reason": reason, "q": q, "conflicted_pairs": len(result.reasons),
        "chosen": chosen, "ranking": ranking, "years": result.years,
    })


def _searched(pairs, applications, experts, q: str) -> list:
    """The pairs whose application (number or title) or expert (name) holds every term of the search."""
    terms = q.split()[:listing.SEARCH_MAX_TERMS]
    apps = set()
    for application in applications:
        text = f"{application.number} {application.title}".lower()
        if all(term.lower() in text for term in terms):
            apps.add(application.pk)
    named = ExpertProfile.objects.filter(pk__in={experts[j].pk for _i, j, _r in pairs})
    for term in terms:
        named = named.filter(person__name__icontains=term)
    names = set(named.values_list("pk", flat=True))
    return [(i, j, reasons) for i, j, reasons in pairs if applications[i].pk in apps or experts[j].pk in names]


def _ranking(applications, experts, result, index) -> list[dict]:
    """Every expert for one application, best affinity first, with the words behind the score and conflicts."""
    if not experts:
        return []
    scores = queries.call_affinity(applications, experts)
    order = sorted(range(len(experts)), key=lambda j: (-float(scores.scores[index, j]), experts[j].pk))
    rows = []
    for j in order[:RANKING_SIZE]:
        explanation = scores.explain(index, j)
        rows.append({"expert": experts[j], "explanation": explanation,
                     "reasons": result.reasons.get((index, j), [])})
    return rows
