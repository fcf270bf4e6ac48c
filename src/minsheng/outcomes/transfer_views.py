"""The transfers' pages (成果转化, M18): list, Excel export, record and correct, detail with the money received,
verification; and the public pages of the transfer rate: a domain's page (its calls, funded projects and the rate
by year, district and call) and the overview by domain, district, year and call. Thin, like views.py: scope from
queries.py, permissions from rules.py, writes from services.py, the rate from transfer_rate.py (its definition
from the policy catalogue, shown wherever the figure is)."""

import datetime

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.core import clock, listing
from minsheng.core.exports import export_response
from minsheng.core.listing import Column
from minsheng.core.money import in_wan, wan
from minsheng.core.permissions import allowed, permission_required
from minsheng.core.widgets import search_reply
from minsheng.outcomes import forms, queries, services, transfer_rate
from minsheng.outcomes.models import Transfer
from minsheng.outcomes.views import evidence_download, unverify_then_show, verification_context, verify_then_show
from minsheng.policy.models import District, Domain
from minsheng.registry.forms import apply_service_errors

TRANSFERS = listing.ListPage(
    slug="transfers", title=Transfer._meta.verbose_name_plural, listing=queries.TRANSFERS, clauses=("M18",),
    search_hint=_("Contract, organisation, counterparty, achievement or project number"),
    row_template="outcomes/transfers/_row.html",
    columns=(Column(_("contract title"), "title"), Column(_("kind"), "kind"),
             Column(_("transferring organisation"), "organisation"), Column(_("counterparty")),
             Column(_("contract value (万元)"), "value"), Column(_("contract date"), "date"),
             Column(_("verification"), "state")))


def _transfer(request, pk: int) -> Transfer:
    transfer = get_object_or_404(queries.transfers_for(request.user), pk=pk)
    if not allowed(request.user, "outcomes.view_transfer", transfer):
        raise Http404
    return transfer


def _date(value) -> str:
    return value.isoformat() if value else ""


@require_safe
@permission_required("outcomes.view_transfer")
def transfer_list(request):
    queryset = queries.transfers_for(request.user).prefetch_related("achievements")
    context = listing.page_context(request, TRANSFERS, queryset, listing.parse(TRANSFERS.listing, request.GET),
                                   export_url=reverse("outcomes:transfer_export"))
    return render(request, "core/list.html", {
        **context, "create_url": reverse("outcomes:transfer_create"),
        "can_add": request.user.has_perm("outcomes.add_transfer"),
    })


@require_safe
@permission_required("outcomes.view_transfer")
def transfer_export(request):
    """The transfers the reader may see, filtered like the list (by call and domain among others): one row each,
    amounts in 万元 as numbers."""
    state = listing.parse(TRANSFERS.listing, request.GET)
    queryset = (listing.apply(queries.transfers_for(request.user), state)
                .prefetch_related("achievements__projects", "receipts"))
    rows = ([t.title, t.get_kind_display(), t.organisation.name_zh, t.counterparty_label,
             t.get_counterparty_region_display(), float(in_wan(t.value)),
             float(in_wan(sum((r.amount for r in t.receipts.all()), 0))), _date(t.contract_on),
             "、".join(a.title for a in t.achievements.all()),
             "、".join(sorted({p.number for a in t.achievements.all() for p in a.projects.all()})),
             t.get_state_display()]
            for t in queryset)
    headers = [_("contract title"), _("kind"), _("transferring organisation"), _("counterparty"),
               _("counterparty's region"), _("contract value (万元)"), _("money received (万元)"),
               _("contract date"), _("achievements"), _("projects"), _("verification")]
    return export_response(
        request, group="transfers.export", action="outcomes.transfer.export", filename="transfers",
        title=TRANSFERS.title, headers=headers, rows=rows, target_label=str(Transfer._meta.verbose_name_plural),
        details={"filters": state.active}, clause=services.TRANSFER_CLAUSE)


def _values(form) -> services.TransferValues:
    data = form.cleaned_data
    return services.TransferValues(
        kind=data["kind"], title=data.get("title") or "", contract_on=data.get("contract_on"),
        value=data.get("value"), achievements=list(data.get("achievements") or []),
        organisation=data.get("organisation") or form.organisation, counterparty=data.get("counterparty"),
        counterparty_name=data.get("counterparty_name") or "", counterparty_kind=data.get("counterparty_kind") or "",
        counterparty_region=data.get("counterparty_region") or Transfer.Region.MAINLAND,
        counterparty_contact=data.get("counterparty_contact") or "", link=data.get("link") or "",
        description=data.get("description") or "", confirm_value=bool(data.get("confirm_value")))


def _evidence(form):
    upload = form.cleaned_data.get("evidence")
    return services.Evidence(upload, form.cleaned_data["evidence_type"]) if upload else None


def _form_page(request, form, transfer=None):
    if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
        return reply
    return render(request, "outcomes/transfers/form.html", {
        "kind": TRANSFERS, "form": form, "object": transfer,
        "title": gettext("Edit transfer") if transfer else gettext("Record a transfer"),
        "cancel_url": (reverse("outcomes:transfer_detail", kwargs={"pk": transfer.pk}) if transfer
                       else reverse("outcomes:transfers")),
        "list_url": reverse("outcomes:transfers"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.add_transfer")
def transfer_create(request):
    user = request.user
    form = forms.TransferForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.create_transfer(by=user, values=_values(form), evidence=_evidence(form))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded: %(name)s. A programme officer will verify it.") % {"name": transfer})
            return redirect("outcomes:transfer_detail", pk=transfer.pk)
    return _form_page(request, form)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.view_transfer")
def transfer_edit(request, pk: int):
    user = request.user
    transfer = _transfer(request, pk)
    if not allowed(user, "outcomes.change_transfer", transfer):
        raise PermissionDenied
    form = forms.TransferForm(request.POST or None, request.FILES or None, user=user, instance=transfer)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.update_transfer(transfer, by=user, values=_values(form), evidence=_evidence(form))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": transfer})
            return redirect("outcomes:transfer_detail", pk=transfer.pk)
    return _form_page(request, form, transfer)


def _detail(request, transfer, receipt_form=None, status=200):
    user = request.user
    receipts = list(transfer.receipts.all())
    return render(request, "outcomes/transfers/detail.html", {
        "object": transfer, "kind": TRANSFERS, "achievements": list(transfer.achievements.all()),
        "receipts": receipts, "received": sum((r.amount for r in receipts), 0),
        "can_edit": allowed(user, "outcomes.change_transfer", transfer),
        "can_receive": allowed(user, "outcomes.add_transfer_receipt", transfer),
        "receipt_form": receipt_form or forms.ReceiptForm(),
        **verification_context(user, transfer),
        "can_see_history": allowed(user, "outcomes.view_achievement_history", transfer),
    }, status=status)


@require_safe
@permission_required("outcomes.view_transfer")
def transfer_detail(request, pk: int):
    return _detail(request, _transfer(request, pk))


@require_POST
@permission_required("outcomes.view_transfer")
def transfer_receipt(request, pk: int):
    transfer = _transfer(request, pk)
    if not allowed(request.user, "outcomes.add_transfer_receipt", transfer):
        raise PermissionDenied
    form = forms.ReceiptForm(request.POST)
    if form.is_valid():
        try:
            services.add_receipt(transfer, by=request.user, amount=form.cleaned_data["amount"],
                                 received_on=form.cleaned_data["received_on"],
                                 confirm_over=form.cleaned_data.get("confirm_over", False))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded: %(amount)s received.")
                             % {"amount": wan(form.cleaned_data["amount"], exact=True, unit=True)})
            return redirect("outcomes:transfer_detail", pk=transfer.pk)
    return _detail(request, transfer, receipt_form=form, status=422)


@require_POST
@permission_required("outcomes.verify_transfer")
def transfer_verify(request, pk: int):
    return verify_then_show(request, _transfer(request, pk), "outcomes:transfer_detail")




@require_POST
@permission_required("outcomes.verify_transfer")
def transfer_unverify(request, pk: int):
    return unverify_then_show(request, _transfer(request, pk), "outcomes:transfer_detail")




@require_safe
@permission_required("outcomes.view_transfer")
def transfer_evidence(request, pk: int):
    return evidence_download(_transfer(request, pk))




# --- The transfer rate's public pages (M18) --------------------------------------------------------------------

FIRST_DAY = datetime.date(2000, 1, 1)


def _period():
    return FIRST_DAY, clock.today()


def _by_year(projects, today: datetime.date) -> list[tuple[int, transfer_rate.Rate]]:
    """Each year's figure with that year's end as the period's end (as it was, or is so far, published)."""
    years = transfer_rate.years(projects, FIRST_DAY, today)
    return [(year, transfer_rate.rate_of(projects, datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)))
            for year in years]


def _rows(rates: dict, labels: dict) -> list[tuple[str, str, transfer_rate.Rate]]:
    return sorted(((key, labels.get(key, key) or "—", rate) for key, rate in rates.items()), key=lambda r: str(r[0]))


def _chart(by_year) -> dict:
    return {"labels": [str(year) for year, _rate in by_year],
            "series": [[float(rate.rate * 100) if rate.rate is not None else None for _year, rate in by_year],
                       [float(rate.project_share * 100) if rate.project_share is not None else None
                        for _year, rate in by_year]]}


def _calls():
    return apps.get_model("calls", "Call")


@require_safe
def domain_page(request, code: str):
    """A domain's public page: its clause, lead department and focus directions, its published calls, the number
    of funded projects, and the transfer rate (verified transfers, accepted projects) with its definition."""
    domain = get_object_or_404(Domain.objects.select_related("lead_department").prefetch_related("focus_directions"),
                               code=code)
    start, end = _period()
    projects = transfer_rate.all_projects().filter(call__domains=domain)
    Call = _calls()
    calls = list(Call.objects.filter(domains=domain, state=Call.State.PUBLISHED).order_by("-code"))
    by_year = _by_year(projects, end)
    return render(request, "outcomes/transfers/domain.html", {
        "domain": domain, "calls": calls, "funded": projects.count(),
        "rate": transfer_rate.rate_of(projects, start, end), "definition": transfer_rate.DEFINITION,
        "by_year": by_year, "chart": _chart(by_year),
        "by_district": _rows(transfer_rate.compute(projects, start, end, "district"),
                             {d.code: d.name for d in District.objects.all()}),
        "by_call": _rows(transfer_rate.compute(projects, start, end, "call"),
                         {c.code: c.title for c in Call.objects.all()}),
        "domains": Domain.objects.order_by("code"),
    })


@require_safe
def rate_overview(request):
    """The transfer rate of the whole programme, by domain, district, year and call (public)."""
    start, end = _period()
    projects = transfer_rate.all_projects()
    Call = _calls()
    by_year = _by_year(projects, end)
    return render(request, "outcomes/transfers/overview.html", {
        "rate": transfer_rate.rate_of(projects, start, end), "definition": transfer_rate.DEFINITION,
        "by_year": by_year, "chart": _chart(by_year),
        "by_domain": _rows(transfer_rate.compute(projects, start, end, "domain"),
                           {d.code: d.name for d in Domain.objects.all()}),
        "by_district": _rows(transfer_rate.compute(projects, start, end, "district"),
                             {d.code: d.name for d in District.objects.all()}),
        "by_call": _rows(transfer_rate.compute(projects, start, end, "call"),
                         {c.code: c.title for c in Call.objects.all()}),
        "domains": Domain.objects.order_by("code"),
    })
