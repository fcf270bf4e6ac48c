"""The public notice (公示) on the portal: approved plans with their funded projects, and the objection form.
Anonymous; only the fields on the approved list (project, organisation, lead, grant); objections rate-limited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from minsheng.core.views import rate_limited
from minsheng.funding import queries, services
from minsheng.funding.forms import ObjectionForm
from minsheng.funding.models import PlanLine
from minsheng.problems.views import limited

OBJECTION_RATE = "10/h"


@require_safe
def notice_list(request):
    plans = list(queries.public_plans())
    return render(request, "funding/notice_list.html", {
        "plans": [(p, services.notice_open(p)) for p in plans]})


def _notice(request, plan, form=None, status=200):
    lines = queries.public_lines(plan)
    is_open = services.notice_open(plan)
    return render(request, "funding/notice_detail.html", {
        "plan": plan, "call": plan.call, "lines": lines, "notice_open": is_open,
        "form": form or (ObjectionForm(lines=lines) if is_open else None)}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def notice_detail(request, pk: int):
    plan = get_object_or_404(queries.public_plans(), pk=pk)
    if request.method != "POST":
        return _notice(request, plan)
    if limited(request, "funding.objection", OBJECTION_RATE):
        return rate_limited(request)
    lines = queries.public_lines(plan)
    form = ObjectionForm(request.POST, lines=lines)
    if form.is_valid():
        line = PlanLine.objects.filter(plan=plan, pk=form.cleaned_data["line"]).first() \
            if form.cleaned_data["line"] else None
        try:
            services.lodge_objection(plan, contact=form.cleaned_data["contact"], text=form.cleaned_data["text"],
                                     name=form.cleaned_data["name"], line=line)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your objection has been received. The officer in charge will contact you."))
            return redirect("portal:notice_detail", pk=plan.pk)
    return _notice(request, plan, form=form, status=400)
