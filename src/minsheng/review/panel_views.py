"""The review panel's pages (会评, M17): the officer's panel page and the member's page. Thin: writes in panel.py.

The member's page shows the written reviews anonymised (评审专家 A, B, C … per application, never a name or an
organisation of a reviewer) and leaves out every application the member is conflicted with; a user who is not a
member of the call's panel gets 404.
"""

import string

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minsheng.applications.models import Application
from minsheng.calls.models import Call
from minsheng.review import panel as service
from minsheng.review import queries
from minsheng.review.conflicts import find_conflicts
from minsheng.review.models import PanelMember, PanelVote
from minsheng.review.views import _errors, permission


def _call(pk: int) -> Call:
    return get_object_or_404(Call, pk=pk)


def _panel(call: Call):
    panel = service.panel_of(call)
    if panel is None:
        raise Http404
    return panel


def _act(request, action) -> bool:
    try:
        action()
    except ValidationError as error:
        _errors(request, error)
        return False
    return True


def _back(call: Call):
    return redirect("review:panel", call_pk=call.pk)


# --- The officer ---------------------------------------------------------------------------------------------

@require_safe
@permission("review.manage_panel")
def panel(request, call_pk: int):
    call = _call(call_pk)
    current = service.panel_of(call)
    rows = service.ranked_rows(call)
    context = {"call": call, "panel": current, "rows": [], "members": [], "candidates": [],
               "has_ranking": bool(rows)}
    if current is not None:
        members = list(PanelMember.objects.filter(panel=current).select_related("expert__person__organisation"))
        conflicted: dict[int, list[str]] = {}
        if members and rows:
            found = find_conflicts([r.application for r in rows], [m.expert for m in members])
            for i, application in enumerate(found.applications):
                for j, member in enumerate(members):
                    if found.matrix[i, j]:
                        conflicted.setdefault(member.pk, []).append(application.number)
        taken = {m.expert_id for m in members}
        tallies = service.tallies(current)
        context.update({
            "can_open": request.user.has_perm("review.panel.open", current),
            "can_freeze": request.user.has_perm("review.panel.freeze", current),
            "members": [{"member": m, "conflicts": conflicted.get(m.pk, [])} for m in members],
            "candidates": [e for e in queries.active_experts() if e.pk not in taken],
            "rows": [{"row": r, "tally": tallies.get(r.application.pk, {}).get("tally", {}),
                      "votes": tallies.get(r.application.pk, {}).get("votes", [])} for r in rows],
        })
    return render(request, "review/panel.html", context)


@require_POST
@permission("review.manage_panel")
def convene(request, call_pk: int):
    call = _call(call_pk)
    raw = request.POST.get("meets_at", "").strip()
    meets_at = None
    if raw:
        try:
            meets_at = parse_datetime(raw[:30])
        except ValueError:
            meets_at = None
        if meets_at is None:
            messages.error(request, _("The meeting time is not a valid date and time."))
            return _back(call)
        if timezone.is_naive(meets_at):
            meets_at = timezone.make_aware(meets_at)
    if _act(request, lambda: service.convene(call, by=request.user, meets_at=meets_at)):
        messages.success(request, _("Panel convened. Add its members, then open the session."))
    return _back(call)


@require_POST
@permission("review.manage_panel")
def member_add(request, call_pk: int):
    call = _call(call_pk)
    current = _panel(call)
    raw = request.POST.get("expert", "")
    expert = queries.active_experts().filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
    if expert is None:
        messages.error(request, _("Choose an active expert of the pool."))
    elif _act(request, lambda: service.add_member(current, expert, by=request.user)):
        messages.success(request, _("%(name)s is now a member of the panel.") % {"name": expert.person.name})
    return _back(call)


@require_POST
@permission("review.manage_panel")
def member_remove(request, call_pk: int, pk: int):
    call = _call(call_pk)
    member = get_object_or_404(PanelMember.objects.select_related("expert__person"), pk=pk, panel=_panel(call))
    if _act(request, lambda: service.remove_member(member, by=request.user)):
        messages.success(request, _("%(name)s was removed from the panel.") % {"name": member.expert.person.name})
    return _back(call)


@require_POST
@permission("review.manage_panel")
def open_session(request, call_pk: int):
    call = _call(call_pk)
    if _act(request, lambda: service.open_session(_panel(call), by=request.user)):
        messages.success(request, _("The session is open: members can now vote and adjust scores."))
    return _back(call)


@require_POST
@permission("review.manage_panel")
def minutes(request, call_pk: int):
    call = _call(call_pk)
    current = _panel(call)
    if _act(request, lambda: service.record_minutes(current, by=request.user,
                                                     minutes=request.POST.get("minutes", ""))):
        messages.success(request, _("Minutes saved."))
    return _back(call)


@require_POST
@permission("review.manage_panel")
def freeze(request, call_pk: int):
    call = _call(call_pk)
    if _act(request, lambda: service.freeze(_panel(call), by=request.user)):
        messages.success(request, _("The final ranking is frozen."))
    return _back(call)


# --- The member ----------------------------------------------------------------------------------------------

def _seat(request, call: Call):
    current = service.panel_of(call)
    member = service.member_of(current, request.user)
    if member is None:
        raise Http404
    return current, member


def _label(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < len(letters) else f"{letters[index // 26 - 1]}{letters[index % 26]}"


@require_safe
@permission("review.sit_on_panel")
def member_page(request, call_pk: int):
    call = _call(call_pk)
    current, member = _seat(request, call)
    rows = service.visible_applications(member, service.ranked_rows(call))
    own = {v.application_id: v for v in PanelVote.objects.filter(member=member)}
    items = []
    for row in rows:
        weighted = {s.review: s.weighted for s in row.result.reviews}
        reviews = [{"label": _("Expert %(letter)s") % {"letter": _label(i)}, "weighted": weighted.get(r.pk),
                    "recommendation": r.get_recommendation_display(), "comments": r.comments}
                   for i, r in enumerate(sorted(row.reviews, key=lambda r: r.pk))]
        items.append({"row": row, "reviews": reviews, "vote": own.get(row.application.pk),
                      "verdict": service.written_verdict(row.reviews)})
    return render(request, "review/panel_member.html", {
        "call": call, "panel": current, "member": member, "items": items, "choices": PanelVote.Vote.choices,
        "open": current.state == current.State.IN_SESSION})


@require_POST
@permission("review.sit_on_panel")
def member_vote(request, call_pk: int, pk: int):
    call = _call(call_pk)
    current, _member = _seat(request, call)
    application = get_object_or_404(Application, pk=pk, call=call)
    if _act(request, lambda: service.vote(current, by=request.user, application=application,
                                          choice=request.POST.get("vote", ""),
                                          adjusted_score=request.POST.get("adjusted_score", "")[:30],
                                          reason=request.POST.get("reason", ""))):
        messages.success(request, _("Your vote on %(number)s is saved.") % {"number": application.number})
    return redirect(reverse("review:panel_member", kwargs={"call_pk": call.pk}) + f"#application-{application.pk}")
