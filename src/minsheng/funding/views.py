"""The officers' funding pages: calls, one call's plan (grants, cuts, co-funding, four eyes, notice, objections,
立项), the Excel export, projects and their decision PDF. Thin: scope from queries, writes from services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minsheng.applications.models import Application
from minsheng.calls.models import STABLE_SUPPORT
from minsheng.core import listing, once
from minsheng.core.exports import export_response
from minsheng.core.money import in_wan
from minsheng.core.permissions import require
from minsheng.funding import pdf, queries, rules, services
from minsheng.funding.forms import CoFundingForm, HandleForm, PlanForm, ReasonForm
from minsheng.funding.models import CoFunding, FundingPlan, Objection, PlanLine
from minsheng.policy.models import FundingSource

S = FundingPlan.State


def _call(request, call_pk):
    require(request.user, "funding.view_plan")
    return get_object_or_404(queries.calls_for(request.user), pk=call_pk)


def _plan(request, call_pk):
    return get_object_or_404(queries.plans_for(request.user), call_id=call_pk)


def _errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def cofunding_sources(user, plan):
    """The sources this user may record: district officers their district's funds, officers every other source."""
    sources = FundingSource.objects.exclude(pk=plan.call.programme.source_id)
    if user.has_perm("funding.record_cofunding"):
        return sources.exclude(code=services.DISTRICT_SOURCE)
    if user.has_perm("funding.commit_district_funds"):
        return sources.filter(code=services.DISTRICT_SOURCE)
    return sources.none()


def _chart(view) -> dict:
    """Running total of grants in rank order against the envelope (万元), for the ECharts line."""
    running, labels, totals = 0, [], []
    for line, _money in view.rows:
        if line.funded:
            running += line.grant
        labels.append(f"{line.rank}. {line.application.number}")
        totals.append(float(in_wan(running)))
    return {"labels": labels, "running": totals, "envelope": float(in_wan(view.plan.call.budget)),
            "envelope_label": _("Envelope"), "running_label": _("Running total")}


def _envelope_chart(envelopes) -> dict:
    """Per support type of the programme: approved, planned and still free money (万元), as stacked bars."""
    return {"labels": [e.support_type.name for e in envelopes],
            "series": [{"name": name, "data": [float(in_wan(max(getattr(e, field), 0))) for e in envelopes]}
                       for name, field in ((_("Approved projects"), "approved"), (_("In plans"), "planned"),
                                           (_("Not yet planned"), "remaining"))]}


@require_safe
@login_required
def call_list(request):
    require(request.user, "funding.view_plan")
    from minsheng.review.models import Panel

    frozen = Panel.objects.filter(state=Panel.State.FROZEN).values_list("call_id", flat=True)
    stable = Application.objects.filter(state=Application.State.PASSED,
                                        call__support_type__code=STABLE_SUPPORT).values_list("call_id")
    plans = {p.call_id: p for p in queries.plans_for(request.user)}
    calls = queries.calls_for(request.user).filter(Q(pk__in=[*frozen, *plans]) | Q(pk__in=stable)).order_by(
        "-closes_at")
    rows = [(c, plans.get(c.pk)) for c in calls]
    state = request.GET.get("state", "")
    if state in S.values:   # the inbox's link: only the calls whose plan is in this state
        rows = [(c, plan) for c, plan in rows if plan is not None and plan.state == state]
    return render(request, "funding/call_list.html", {"rows": rows})


def _page(request, call, plan, *, form=None, status=200):
    user = request.user
    envelopes = queries.programme_envelopes(call.programme)
    context = {"call": call, "plan": plan, "can_manage": user.has_perm("funding.manage_plan"),
               "stable": call.is_stable_support, "envelopes": envelopes,
               "envelope_chart": _envelope_chart(envelopes)}
    if plan is None:
        context["ready"] = bool(services.plan_basis(call))
        context["not_ready"] = "" if context["ready"] else services.not_ready_message(call)
    if plan is not None:
        view = queries.plan_view(plan)
        sources = cofunding_sources(user, plan)
        district_lines = ({line.pk for line, _m in view.rows if user.has_perm("funding.commit_district_funds", line)}
                          if user.has_perm("funding.commit_district_funds") else set())
        own = plan.call.programme.source
        shares = view.money.shares()
        can_propose = user.has_perm("funding.plan.propose", plan)
        if form is None and can_propose:
            form = PlanForm(plan=plan, lines=[line for line, _m in view.rows])
        cofunding_open = plan.state in (S.DRAFT, S.PROPOSED)
        may_record = user.has_perm("funding.record_cofunding")
        has_sources = sources.exists()

        def cofunding_form(line):
            """Each funded line's own form (its own ids), for whoever may record money for that line."""
            if not (has_sources and cofunding_open and line.funded and (may_record or line.pk in district_lines)):
                return None
            return CoFundingForm(sources=sources, envelope=call.budget, auto_id=f"cofunding-{line.pk}-%s")

        context["rows"] = [(line, money, form[f"grant_{line.pk}"] if form else None,
                            form[f"reason_{line.pk}"] if form else None, cofunding_form(line))
                           for line, money in view.rows]
        context.update({
            "view": view, "chart": _chart(view), "own_source": own,
            "shares": [(s.name, shares[s.code]) for s in FundingSource.objects.all() if s.code in shares],
            "form": form, "cofunding_open": cofunding_open, "district_lines": district_lines, "may_record": may_record,
            "can_approve": user.has_perm("funding.approve_plan", plan),
            # Who approves plans but may not approve this one now reads why instead of a button that would refuse.
            "approval_refusal": (rules.approval_refusal(user, plan)
                                 if user.has_perm("funding.see_approval_refusal", plan) else ""),
            "can_propose": can_propose,
            "can_return": user.has_perm("funding.plan.return", plan),
            "can_confirm": user.has_perm("funding.confirm_plan_part", plan),
            "co_owner_parts": queries.co_owner_parts(plan),
            "objections": queries.objections_of(plan),
            "open_objections": plan.objections.filter(state=Objection.State.OPEN).count(),
            "notice_open": services.notice_open(plan),
            "can_handle": user.has_perm("funding.handle_plan_objections", plan),
            "can_decide": user.has_perm("funding.plan.decide", plan),
            "handle_form": HandleForm(), "reason_form": ReasonForm(),
            "projects": plan.call.projects.all() if plan.state == S.DECIDED else [],
        })
    return render(request, "funding/plan.html", context, status=status)


@require_safe
@login_required
def plan(request, call_pk: int):
    call = _call(request, call_pk)
    return _page(request, call, getattr(call, "funding_plan", None) if hasattr(call, "funding_plan") else None)


def _run(request, call_pk, action, success):
    """Run one service; its refusal or `success` as messages; back to the plan page."""
    try:
        action()
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("funding:plan", call_pk=call_pk)


def _run_once(request, call_pk, name, action, success):
    """Like `_run`, for money: recorded once per form sent (core/once.py), so a form sent again after a lost answer
    says it was already recorded instead of recording twice."""
    try:
        once.record(request, key=once.form_key(request), action=name, write=action)
    except once.AlreadyRecorded as replay:
        messages.info(request, str(replay))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("funding:plan", call_pk=call_pk)


def _post(request, call_pk, permission, action, success):
    """Run one service on the call's plan (see `_run`)."""
    require(request.user, permission)
    plan = _plan(request, call_pk)
    return _run(request, call_pk, lambda: action(plan), success)


@require_POST
@login_required
def plan_create(request, call_pk: int):
    require(request.user, "funding.manage_plan")
    call = _call(request, call_pk)
    return _run(request, call.pk, lambda: services.create_plan(call, by=request.user), _("Funding plan started."))


@require_POST
@login_required
def plan_save(request, call_pk: int):
    require(request.user, "funding.manage_plan")
    plan = _plan(request, call_pk)
    lines = queries.lines_of(plan)
    form = PlanForm(request.POST, plan=plan, lines=lines)
    if form.is_valid():
        try:
            services.update_plan(plan, by=request.user, grants=form.grants(),
                                 notice_days=form.cleaned_data["notice_days"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    name = f"grant_{key}"
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Funding plan saved."))
            return redirect("funding:plan", call_pk=call_pk)
    return _page(request, plan.call, plan, form=form, status=400)


@require_POST
@login_required
def plan_suggest(request, call_pk: int):
    return _post(request, call_pk, "funding.manage_plan", lambda p: services.apply_suggestion(p, by=request.user),
                 _("The envelope was filled in rank order; check the cuts and their reasons."))


@require_POST
@login_required
def plan_propose(request, call_pk: int):
    return _post(request, call_pk, "funding.manage_plan", lambda p: services.propose(p, by=request.user),
                 _("Plan proposed; another officer must approve it."))


def _reason(request):
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@require_POST
@login_required
def plan_return(request, call_pk: int):
    return _post(request, call_pk, "funding.return_plan",
                 lambda p: services.return_plan(p, by=request.user, reason=_reason(request)),
                 _("Plan returned to draft."))


@require_POST
@login_required
def plan_confirm(request, call_pk: int):
    require(request.user, "funding.view_plan")
    plan = _plan(request, call_pk)
    require(request.user, "funding.confirm_plan", plan)
    return _post(request, call_pk, "funding.view_plan",
                 lambda p: services.confirm(p, by=request.user, note=request.POST.get("note", "")),
                 _("Your department's part of the plan is confirmed."))


@require_POST
@login_required
def plan_approve(request, call_pk: int):
    return _post(request, call_pk, "funding.approve_plan",
                 lambda p: services.approve(p, by=request.user, reason=_reason(request)),
                 _("Plan approved and published for public notice."))


@require_POST
@login_required
def plan_decide(request, call_pk: int):
    return _post(request, call_pk, "funding.decide",
                 lambda p: services.decide(p, by=request.user, reason=_reason(request)),
                 _("Projects approved; the applicants have been notified."))


@require_POST
@login_required
def cofunding_add(request, call_pk: int, pk: int):
    require(request.user, "funding.view_plan")
    plan = _plan(request, call_pk)
    line = get_object_or_404(PlanLine.objects.select_related("application__organisation"), plan=plan, pk=pk)
    sources = cofunding_sources(request.user, plan)
    if not sources.exists():
        raise PermissionDenied
    form = CoFundingForm(request.POST, sources=sources, envelope=plan.call.budget)
    if not form.is_valid():
        _errors(request, ValidationError(form.errors))
        return redirect("funding:plan", call_pk=call_pk)
    data = form.cleaned_data
    return _run_once(request, call_pk, "funding.cofunding.add", lambda: services.add_cofunding(
        line, by=request.user, source=data["source"], provider=data["provider"], amount=data["amount"]),
        _("Co-funding recorded."))


@require_POST
@login_required
def cofunding_remove(request, call_pk: int, pk: int):
    require(request.user, "funding.view_plan")
    plan = _plan(request, call_pk)
    # Looked up inside the write: sent again after it was removed, the form finds its token, not a missing record.
    return _run_once(request, call_pk, "funding.cofunding.remove", lambda: services.remove_cofunding(
        get_object_or_404(CoFunding, line__plan=plan, pk=pk), by=request.user), _("Co-funding removed."))


@require_POST
@login_required
def objection_handle(request, call_pk: int, pk: int):
    require(request.user, "funding.handle_objection")
    plan = _plan(request, call_pk)
    objection = get_object_or_404(Objection, plan=plan, pk=pk)
    form = HandleForm(request.POST)
    valid = form.is_valid()
    return _run(request, call_pk, lambda: services.handle_objection(
        objection, by=request.user, handling=form.cleaned_data["handling"] if valid else "",
        withdraw=bool(valid and form.cleaned_data["withdraw"])), _("The handling of the objection is recorded."))


@require_safe
@login_required
def export(request, call_pk: int):
    require(request.user, "funding.export_decisions")
    plan = _plan(request, call_pk)
    sources = list(FundingSource.objects.all())
    projects = {p.application_id: p.number for p in plan.call.projects.all()}
    headers = [_("Rank"), _("Application number"), _("Project number"), _("Project title"),
               _("Applicant organisation"), _("District"), _("Requested (万元)"), _("Grant (万元)"),
               _("Reason for the cut"), _("Withdrawn"), *[f"{s.name} (万元)" for s in sources],
               _("Government money (万元)"), _("Non-government money (万元)"), _("Leverage ratio")]

    def rows():
        view = queries.plan_view(plan)
        for line, money in view.rows:
            app = line.application
            yield [line.rank, app.number, projects.get(app.pk, ""), app.title, app.organisation.name_zh,
                   app.organisation.district.name if app.organisation.district else "", float(in_wan(line.requested)),
                   float(in_wan(line.grant)), line.cut_reason, _("yes") if line.withdrawn else "",
                   *[float(in_wan(money.by_source.get(s.code, 0))) for s in sources],
                   float(in_wan(money.public)), float(in_wan(money.private)),
                   "" if money.ratio is None else float(money.ratio)]
        whole = view.money
        yield ["", "", "", _("Whole call"), "", "", "", float(in_wan(view.total)), "", "",
               *[float(in_wan(whole.by_source.get(s.code, 0))) for s in sources],
               float(in_wan(whole.public)), float(in_wan(whole.private)),
               "" if whole.ratio is None else float(whole.ratio)]

    # The last row is the whole call's total, not a line of the plan.
    return export_response(
        request, group="funding.export", action="funding.plan.export", filename=f"funding-{plan.call.code}",
        title=_("Funding decisions"), headers=headers, rows=rows, count=lambda table: len(table) - 1, target=plan,
        reason=_("Funding decisions export"), clause="M20")


@require_safe
@login_required
def project_list(request):
    require(request.user, "funding.view_project")
    projects = queries.projects_for(request.user).order_by("-approved_at", "number")
    # A page at a time: a city approves thousands of projects over the years.
    return render(request, "funding/project_list.html", {"page_obj": listing.page_of(request, projects)})


def _project(request, pk):
    require(request.user, "funding.view_project")
    project = get_object_or_404(queries.projects_for(request.user), pk=pk)
    require(request.user, "funding.view_project", project)
    return project


@require_safe
@login_required
def project_detail(request, pk: int):
    project = _project(request, pk)
    lines = list(project.funding_lines.select_related("source"))
    from minsheng.funding.leverage import Money

    money = Money()
    for line in lines:
        money.add(line.source.code, line.amount, line.source.is_government)
    return render(request, "funding/project_detail.html", {"project": project, "lines": lines, "money": money})


@require_safe
@login_required
def project_pdf(request, pk: int):
    project = _project(request, pk)
    response = HttpResponse(pdf.render(project), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{project.number}.pdf"'
    return response
