"""Pages of programmes and calls (M17): the public calls list and call page with its PDF guide, the officers'
drafting, approval and publication, and the programmes with their envelopes. Thin: scopes in queries.py,
permissions in rules.py, writes in services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.calls import forms, guide, queries, services
from minsheng.calls.models import Call, Programme
from minsheng.core import clock
from minsheng.core.exports import export_response
from minsheng.core.money import in_wan
from minsheng.core.permissions import allowed, permission_required
from minsheng.policy.models import Domain
from minsheng.registry.forms import apply_service_errors

PAGE_SIZE = 20


def _visible_call(request, pk: int, queryset=None) -> Call:
    call = get_object_or_404(queryset if queryset is not None else queries.calls_for(request.user), pk=pk)
    if not allowed(request.user, "calls.view_call", call):
        raise Http404
    return call


# --- Public calls ---------------------------------------------------------------------------------

def _filters(request) -> dict:
    when = request.GET.get("when", "")
    domain = request.GET.get("domain", "")
    state = request.GET.get("state", "")
    if when not in queries.PHASES:
        when = ""
    sees_drafts = request.user.has_perm("calls.view_unpublished_calls")   # only they may filter to drafts
    if state not in Call.State.values or not sees_drafts:
        state = ""
    return {"when": when, "domain": domain if Domain.objects.filter(code=domain).exists() else "", "state": state}


@require_safe
def call_list(request):
    chosen = _filters(request)
    queryset = queries.filter_calls(queries.calls_for(request.user), **chosen).order_by("-opens_at", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    for call in page:
        call.phase = queries.phase(call, now)
    user = request.user
    sees_drafts = user.has_perm("calls.view_unpublished_calls")
    return render(request, "calls/call_list.html", {
        "page_obj": page, "chosen": chosen, "domains": Domain.objects.all(),
        "phases": [("open", _("Open now")), ("upcoming", _("Upcoming")), ("closed", _("Closed"))],
        "states": Call.State.choices if sees_drafts else [],
        "can_add": user.is_authenticated and user.has_perm("calls.add_call"),
        "can_export": user.is_authenticated and user.has_perm("calls.export_call"),
        "query": request.GET.urlencode(),
    })


EXPORT_HEADERS = [_("Call number"), _("Title"), _("Programme"), _("State"), _("Domains"), _("Funding mode"),
                  _("Support type"), _("Budget (万元)"), _("Maximum grant (万元)"), _("Co-funding share (%)"),
                  _("Opens"), _("Closes"), _("Review ends"), _("Public notice"), _("Co-owning departments")]


def _export_row(call: Call) -> list:
    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    return [call.code, call.title, call.programme.name, call.get_state_display(),
            "、".join(d.code for d in call.domains.all()), call.funding_mode.name, call.support_type.name,
            float(in_wan(call.budget)), float(in_wan(call.max_grant)), float(call.cofunding_ratio),
            local(call.opens_at), local(call.closes_at), local(call.review_ends_at), local(call.notice_at),
            "、".join(d.name for d in call.co_owners.all())]


@require_safe
@permission_required("calls.export_call")
def call_export(request):
    chosen = _filters(request)
    return export_response(
        request, group="calls.export", action="calls.call.export", filename="calls", title=_("Calls"),
        headers=EXPORT_HEADERS,
        rows=lambda: (_export_row(call) for call in queries.filter_calls(queries.calls_for(request.user), **chosen)
                      .order_by("-opens_at", "pk")),
        details={"filters": {k: v for k, v in chosen.items() if v}}, clause=services.CLAUSE)


def _actions(user, call: Call) -> dict:
    signed_in = user.is_authenticated
    return {
        "can_edit": signed_in and user.has_perm("calls.edit_draft_call", call),
        "can_submit": signed_in and user.has_perm("calls.call.submit", call),
        "can_approve": signed_in and user.has_perm("calls.call.publish", call),
        "drafted_by_me": signed_in and call.drafted_by_id == user.pk,
        "can_return": signed_in and user.has_perm("calls.call.return", call),
        "can_withdraw": signed_in and user.has_perm("calls.call.withdraw", call),
        "can_see_history": signed_in and user.has_perm("calls.view_unpublished_calls"),
    }


@require_safe
def call_detail(request, pk: int):
    call = _visible_call(request, pk, queries.detail_queryset(request.user))
    now = clock.now()
    call.phase = queries.phase(call, now)
    return render(request, "calls/call_detail.html", {
        "call": call, "phase": queries.phase(call, now), "now": now,
        "remaining": max(0, int((call.closes_at - now).total_seconds())),
        "rules": guide.rule_lines(call), "reason_form": forms.ReasonForm(), **_actions(request.user, call),
    })


@require_safe
def call_guide(request, pk: int):
    call = _visible_call(request, pk, queries.detail_queryset(request.user))
    response = HttpResponse(guide.render_guide(call), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{call.code}.pdf"'
    return response


# --- Drafting -------------------------------------------------------------------------------------

def _edit(request, call: Call | None):
    bound = request.method == "POST"
    data = request.POST if bound else None
    form = forms.CallForm(data, instance=call or Call())
    initial_topics = [{"id": t.pk, "title": t.title, "description": t.description, "problems": list(t.problems.all())}
                      for t in call.topics.all()] if call else []
    initial_criteria = [{"id": c.pk, "name_zh": c.name_zh, "name_en": c.name_en, "description": c.description,
                         "weight": c.weight, "scale_min": c.scale_min, "scale_max": c.scale_max}
                        for c in call.criteria.all()] if call else []
    topics = forms.TopicFormSet(data, prefix="topics", initial=None if bound else initial_topics,
                                form_kwargs={"call": call})
    criteria = forms.CriterionFormSet(data, prefix="criteria", initial=None if bound else initial_criteria)
    ruleset = forms.RuleSetForm(data, call=call, prefix=None)
    if bound and all([form.is_valid(), topics.is_valid(), criteria.is_valid(), ruleset.is_valid()]):
        content = forms.call_content(form, topics, criteria, ruleset, call)
        try:
            saved = services.save_call(by=request.user, content=content, call=call)
        except ValidationError as exc:
            _spread_errors(exc, form, topics, criteria, ruleset)
        else:
            messages.success(request, _("Saved: %(call)s.") % {"call": saved})
            return redirect("calls:detail", pk=saved.pk)
    return render(request, "calls/call_form.html", {
        "call": call, "form": form, "topics": topics, "criteria": criteria, "ruleset": ruleset,
        "rule_groups": ruleset.group_fields(),
    })


# The services speak of amounts in 元; the forms' fields hold them in 万元.
WAN_FIELDS = {"budget": "budget_wan", "max_grant": "max_grant_wan"}


def _in_wan(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({WAN_FIELDS.get(name, name): errors for name, errors in exc.error_dict.items()})


def _spread_errors(exc: ValidationError, form, topics, criteria, ruleset) -> None:
    """A service's errors on the form that has the field; the rest on the call form's top."""
    exc = _in_wan(exc)
    if not hasattr(exc, "error_dict"):
        apply_service_errors(form, exc)
        return
    for name, errors in exc.error_dict.items():
        if name in ruleset.fields:
            target = ruleset
        elif name == "topics":
            topics._non_form_errors = topics.error_class([e.message % (e.params or {}) for e in errors])
            continue
        elif name == "criteria":
            criteria._non_form_errors = criteria.error_class([e.message % (e.params or {}) for e in errors])
            continue
        else:
            target = form
        apply_service_errors(target, ValidationError({name: errors}))


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.add_call")
def call_create(request):
    return _edit(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.change_call")
def call_edit(request, pk: int):
    call = _visible_call(request, pk)
    if call.state != Call.State.DRAFT:
        messages.error(request, _("The call is “%(state)s” and can no longer be edited. Only drafts can be edited; "
                                  "a published call is what applicants read.") % {"state": call.get_state_display()})
        return redirect("calls:detail", pk=call.pk)
    return _edit(request, call)


def _step(request, pk: int, act, success):
    call = _visible_call(request, pk)
    try:
        act(call)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except PermissionDenied:
        messages.error(request, _("You may not take this step on this call."))
    else:
        messages.success(request, success)
    return redirect("calls:detail", pk=call.pk)


def _reason(request) -> str:
    form = forms.ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@require_POST
@permission_required("calls.submit_call")
def call_submit(request, pk: int):
    return _step(request, pk, lambda call: services.submit_call(call=call, by=request.user),
                 _("The call has been sent for approval. A second officer or a co-owning department approves it."))


@require_POST
@permission_required("calls.approve_call")
def call_approve(request, pk: int):
    return _step(request, pk, lambda call: services.publish_call(call=call, by=request.user),
                 _("The call is approved and published; applicants can read it now."))


@require_POST
@permission_required("calls.return_call")
def call_return(request, pk: int):
    return _step(request, pk,
                 lambda call: services.return_call(call=call, by=request.user, reason=_reason(request)),
                 _("The call has been sent back to draft with your reason."))


@require_POST
@permission_required("calls.withdraw_call")
def call_withdraw(request, pk: int):
    return _step(request, pk,
                 lambda call: services.withdraw_call(call=call, by=request.user, reason=_reason(request)),
                 _("The call has been withdrawn."))


# --- Programmes -----------------------------------------------------------------------------------

@require_safe
@permission_required("calls.view_programme")
def programme_list(request):
    programmes = list(queries.programmes_for(request.user))
    for programme in programmes:
        taken = programme.committed or 0
        programme.taken_share = round(float(taken / programme.budget * 100), 1) if programme.budget else 0.0
    return render(request, "calls/programme_list.html", {
        "programmes": programmes, "can_add": request.user.has_perm("calls.add_programme")})


@require_safe
@permission_required("calls.view_programme")
def programme_detail(request, pk: int):
    programme = get_object_or_404(queries.programmes_for(request.user), pk=pk)
    return render(request, "calls/programme_detail.html", {
        "programme": programme, "usage": queries.usage(programme),
        "calls": programme.calls.order_by("-opens_at"),
        "can_edit": request.user.has_perm("calls.change_programme", programme),
        "can_add_call": request.user.has_perm("calls.add_call")})


def _programme_form(request, programme: Programme | None):
    form = forms.ProgrammeForm(request.POST or None, instance=programme or Programme())
    if request.method == "POST" and form.is_valid():
        try:
            if programme is None:
                saved = services.create_programme(by=request.user, values=form.values())
            else:
                saved = services.update_programme(programme=programme, by=request.user, changes=form.values())
        except ValidationError as exc:
            apply_service_errors(form, _in_wan(exc))
        else:
            messages.success(request, _("Saved: %(programme)s.") % {"programme": saved})
            return redirect("calls:programme_detail", pk=saved.pk)
    return render(request, "calls/programme_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.add_programme")
def programme_create(request):
    return _programme_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.change_programme")
def programme_edit(request, pk: int):
    programme = get_object_or_404(queries.programmes_for(request.user), pk=pk)
    return _programme_form(request, programme)
