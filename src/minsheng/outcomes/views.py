"""The IP register's pages (M19): list with search, filters and Excel export, detail, create and edit.
Thin: scope from queries.py, permissions from rules.py, writes from services.py. The list is a core.listing list
(core/list.html); the form reuses the registry's template, whose shape these pages share."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from minsheng.core import clock, listing
from minsheng.core.exports import export_response
from minsheng.core.listing import Column
from minsheng.core.permissions import allowed, permission_required
from minsheng.outcomes import forms, queries, services
from minsheng.outcomes.models import IPAsset
from minsheng.registry.forms import apply_service_errors

PAGE = listing.ListPage(
    slug="ip", title=IPAsset._meta.verbose_name_plural, listing=queries.IP_ASSETS, clauses=("M19",),
    search_hint=_("Title, number, owner or credit code"), row_template="outcomes/ip/_row.html",
    columns=(Column(_("title"), "title"), Column(_("kind"), "kind"), Column(_("number"), "number"),
             Column(_("owner"), "owner"), Column(_("domain")), Column(_("status"), "status"),
             Column(_("granted on"), "granted"), Column(_("next annual fee due"), "fee")))


def _visible(request, pk: int) -> IPAsset:
    asset = get_object_or_404(queries.ip_assets_for(request.user), pk=pk)
    if not allowed(request.user, "outcomes.view_ipasset", asset):
        raise Http404
    return asset


@require_safe
@permission_required("outcomes.view_ipasset")
def asset_list(request):
    context = listing.page_context(request, PAGE, queries.ip_assets_for(request.user),
                                   listing.parse(PAGE.listing, request.GET), export_url=reverse("outcomes:export"))
    return render(request, "core/list.html", {
        **context,
        "create_url": reverse("outcomes:create"), "can_add": request.user.has_perm("outcomes.add_ipasset"),
    })


def _date(value) -> str:
    return value.isoformat() if value else ""


@require_safe
@permission_required("outcomes.view_ipasset")
def export(request):
    state = listing.parse(PAGE.listing, request.GET)
    rows = ([a.title, a.get_kind_display(), a.number, a.owner.name_zh, a.owner.credit_code,
             a.domain or "", a.get_status_display(), _date(a.filed_on), _date(a.granted_on), _date(a.expires_on),
             _date(a.next_fee_due)]
            for a in listing.apply(queries.ip_assets_for(request.user), state))
    headers = [_("title"), _("kind"), _("number"), _("owner"), _("unified social credit code"), _("domain"),
               _("status"), _("filed on"), _("granted on"), _("expires on"), _("next annual fee due")]
    return export_response(
        request, group="ip.export", action="outcomes.ipasset.export", filename="ip-assets", title=PAGE.title,
        headers=headers, rows=rows, target_label=str(IPAsset._meta.verbose_name_plural),
        details={"filters": state.active}, clause=services.CLAUSE)


@require_safe
@permission_required("outcomes.view_ipasset")
def asset_detail(request, pk: int):
    asset = _visible(request, pk)
    today = clock.today()
    return render(request, "outcomes/ip/detail.html", {
        "object": asset, "kind": PAGE,
        "can_edit": request.user.has_perm("outcomes.change_ipasset", asset),
        "can_see_history": request.user.has_perm("outcomes.view_ipasset_history", asset),
        "fee_overdue": bool(asset.next_fee_due and asset.status != IPAsset.Status.LAPSED
                            and asset.next_fee_due < today),
        "expired": bool(asset.expires_on and asset.expires_on < today),
    })


def _values(form) -> dict:
    return dict(form.cleaned_data)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.add_ipasset")
def asset_create(request):
    user = request.user
    if request.method == "POST":
        form = forms.IPAssetForm(request.POST, user=user)
        if form.is_valid():
            try:
                asset = services.create_ip_asset(by=user, values=_values(form))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": asset})
                return redirect("outcomes:detail", pk=asset.pk)
    else:
        form = forms.IPAssetForm(user=user)
    return render(request, "registry/form.html", {
        "kind": PAGE, "form": form, "object": None, "title": gettext("Register an IP asset"),
        "cancel_url": reverse("outcomes:list"), "list_url": reverse("outcomes:list"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.change_ipasset")
def asset_edit(request, pk: int):
    user = request.user
    asset = _visible(request, pk)
    if not allowed(user, "outcomes.change_ipasset", asset):
        raise Http404
    if request.method == "POST":
        form = forms.IPAssetForm(request.POST, instance=copy.copy(asset), user=user)
        if form.is_valid():
            try:
                asset = services.update_ip_asset(asset=asset, by=user, changes=_values(form))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": asset})
                return redirect("outcomes:detail", pk=asset.pk)
    else:
        form = forms.IPAssetForm(instance=copy.copy(asset), user=user)
    return render(request, "registry/form.html", {
        "kind": PAGE, "form": form, "object": asset, "title": gettext("Edit IP asset"),
        "cancel_url": reverse("outcomes:detail", kwargs={"pk": asset.pk}), "list_url": reverse("outcomes:list"),
    })
