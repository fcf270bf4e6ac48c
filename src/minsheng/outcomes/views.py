"""The IP register's pages (M19): list with search, filters, warnings and Excel export, detail, create, edit and
the lapse; the achievements' pages (M18): list, export, record, detail with verification, edit, evidence file.
Thin: scope from queries.py, permissions from rules.py, writes from services.py. The list is a core.listing list
(core/list.html); the form reuses the registry's template, whose shape these pages share."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.core import clock, listing
from minsheng.core.exports import export_response
from minsheng.core.listing import Column
from minsheng.core.permissions import allowed, permission_required
from minsheng.core.widgets import search_reply
from minsheng.outcomes import forms, queries, services
from minsheng.outcomes.models import Achievement, DemonstrationSite, IPAsset, SiteReport
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
    return render(request, "outcomes/ip/list.html", {
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
        "can_lapse": (asset.status != IPAsset.Status.LAPSED
                      and request.user.has_perm("outcomes.record_lapse", asset)),
        "projects": list(asset.projects.all()),
        "achievements": list(asset.achievements.all()),
        "warnings": queries.ip_warnings(IPAsset.objects.filter(pk=asset.pk), today),
        "fee_overdue": bool(asset.next_fee_due and asset.status != IPAsset.Status.LAPSED
                            and asset.next_fee_due < today),
        "expired": bool(asset.expires_on and asset.expires_on < today),
    })


def _values(form) -> dict:
    values = dict(form.cleaned_data)
    if form.fields.get("status") is not None and form.fields["status"].disabled:
        values.pop("status", None)
    return values


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
        if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
            return reply
    return render(request, "outcomes/ip/form.html", {
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
        if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
            return reply
    return render(request, "outcomes/ip/form.html", {
        "kind": PAGE, "form": form, "object": asset, "title": gettext("Edit IP asset"),
        "cancel_url": reverse("outcomes:detail", kwargs={"pk": asset.pk}), "list_url": reverse("outcomes:list"),
    })


# --- Lapses (M19) -----------------------------------------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.record_lapse")
def asset_lapse(request, pk: int):
    asset = _visible(request, pk)
    if not allowed(request.user, "outcomes.record_lapse", asset):
        raise Http404
    if asset.status == IPAsset.Status.LAPSED:
        messages.info(request, _("This right's lapse is already recorded."))
        return redirect("outcomes:detail", pk=asset.pk)
    form = forms.LapseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_lapse(asset, by=request.user, lapsed_on=form.cleaned_data["lapsed_on"],
                                  reason=form.cleaned_data["lapse_reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The lapse is recorded; this right no longer counts as held (M19)."))
            return redirect("outcomes:detail", pk=asset.pk)
    return render(request, "outcomes/ip/form.html", {
        "kind": PAGE, "form": form, "object": asset, "title": gettext("Record a lapse"),
        "cancel_url": reverse("outcomes:detail", kwargs={"pk": asset.pk}), "list_url": reverse("outcomes:list"),
    })


# --- Shared by achievements, sites and transfers: verification and evidence (M18) --------------------------------

def verification_context(user, obj) -> dict:
    """What the record's page needs for the Verify and "take back" buttons."""
    label = obj._meta.label_lower   # outcomes.achievement, outcomes.demonstrationsite, outcomes.transfer
    return {"can_verify": allowed(user, f"{label}.verify", obj),
            "can_unverify": allowed(user, f"{label}.unverify", obj),
            "unverify_form": forms.UnverifyForm(initial={"seen": obj.state})}


def _refused(request, exc) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))


def verify_then_show(request, obj, detail: str):
    """The Verify button: the outcome as a message on the record's page."""
    form = forms.VerifyForm(request.POST)
    try:
        services.verify(obj, by=request.user, seen=form.cleaned_data["seen"] if form.is_valid() else None)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Verified: %(name)s.") % {"name": obj})
    return redirect(detail, pk=obj.pk)


def unverify_then_show(request, obj, detail: str):
    """Taking a verification back, with its reason: the outcome as a message on the record's page."""
    form = forms.UnverifyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the verification is taken back."))
        services.unverify(obj, by=request.user, reason=form.cleaned_data["reason"], seen=form.cleaned_data["seen"])
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The verification is taken back; the organisation may correct it."))
    return redirect(detail, pk=obj.pk)


def evidence_download(obj):
    """An achievement's, a site's, a report's or a transfer's evidence file, as an attachment."""
    if not obj.evidence:
        raise Http404
    response = FileResponse(obj.evidence.open("rb"), as_attachment=True, filename=obj.evidence_name,
                            content_type=obj.evidence_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response



# --- Achievements (M18) -------------------------------------------------------------------------------------------

ACHIEVEMENTS = listing.ListPage(
    slug="achievements", title=Achievement._meta.verbose_name_plural, listing=queries.ACHIEVEMENTS,
    clauses=("M18",), search_hint=_("Title, number, organisation or project number"),
    row_template="outcomes/achievements/_row.html",
    columns=(Column(_("title"), "title"), Column(_("kind"), "kind"), Column(_("organisation"), "organisation"),
             Column(_("projects")), Column(_("date"), "date"), Column(_("verification"), "state")))


def _achievement(request, pk: int) -> Achievement:
    achievement = get_object_or_404(queries.achievements_for(request.user), pk=pk)
    if not allowed(request.user, "outcomes.view_achievement", achievement):
        raise Http404
    return achievement


@require_safe
@permission_required("outcomes.view_achievement")
def achievement_list(request):
    queryset = queries.achievements_for(request.user).prefetch_related("projects")
    context = listing.page_context(request, ACHIEVEMENTS, queryset, listing.parse(ACHIEVEMENTS.listing, request.GET),
                                   export_url=reverse("outcomes:achievement_export"))
    return render(request, "core/list.html", {
        **context, "create_url": reverse("outcomes:achievement_create"),
        "can_add": request.user.has_perm("outcomes.add_achievement"),
    })


@require_safe
@permission_required("outcomes.view_achievement")
def achievement_export(request):
    state = listing.parse(ACHIEVEMENTS.listing, request.GET)
    rows = ([a.title, a.get_kind_display(), a.identifier, a.organisation.name_zh,
             "、".join(p.number for p in a.projects.all()), _date(a.achieved_on), a.get_state_display(),
             a.link, a.evidence_name]
            for a in listing.apply(queries.achievements_for(request.user).prefetch_related("projects"), state))
    headers = [_("title"), _("kind"), _("number or identifier"), _("organisation"), _("projects"), _("date"),
               _("verification"), _("link"), _("evidence file")]
    return export_response(
        request, group="achievements.export", action="outcomes.achievement.export", filename="achievements",
        title=ACHIEVEMENTS.title, headers=headers, rows=rows,
        target_label=str(Achievement._meta.verbose_name_plural), details={"filters": state.active},
        clause=services.ACHIEVEMENT_CLAUSE)


def _achievement_values(form) -> services.AchievementValues:
    data = form.cleaned_data
    return services.AchievementValues(
        kind=data["kind"], title=data.get("title") or "", achieved_on=data.get("achieved_on"),
        projects=list(data.get("projects") or []), organisation=data.get("organisation") or form.organisation,
        ip_asset=data.get("ip_asset"), certificate=data.get("certificate") or "",
        identifier=data.get("identifier") or "", link=data.get("link") or "", description=data.get("description") or "")


def _evidence(form):
    upload = form.cleaned_data.get("evidence")
    return services.Evidence(upload, form.cleaned_data["evidence_type"]) if upload else None


def _achievement_form_page(request, form, achievement=None):
    if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
        return reply
    return render(request, "outcomes/achievements/form.html", {
        "kind": ACHIEVEMENTS, "form": form, "object": achievement,
        "title": gettext("Edit achievement") if achievement else gettext("Record an achievement"),
        "cancel_url": (reverse("outcomes:achievement_detail", kwargs={"pk": achievement.pk}) if achievement
                       else reverse("outcomes:achievements")),
        "list_url": reverse("outcomes:achievements"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.add_achievement")
def achievement_create(request):
    user = request.user
    form = forms.AchievementForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            achievement = services.create_achievement(by=user, values=_achievement_values(form),
                                                      evidence=_evidence(form))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded: %(name)s. A programme officer will verify it.")
                             % {"name": achievement})
            return redirect("outcomes:achievement_detail", pk=achievement.pk)
    return _achievement_form_page(request, form)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.view_achievement")
def achievement_edit(request, pk: int):
    user = request.user
    achievement = _achievement(request, pk)
    if not allowed(user, "outcomes.change_achievement", achievement):
        raise PermissionDenied
    form = forms.AchievementForm(request.POST or None, request.FILES or None, user=user, instance=achievement)
    if request.method == "POST" and form.is_valid():
        try:
            achievement = services.update_achievement(achievement, by=user, values=_achievement_values(form),
                                                      evidence=_evidence(form))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": achievement})
            return redirect("outcomes:achievement_detail", pk=achievement.pk)
    return _achievement_form_page(request, form, achievement)


@require_safe
@permission_required("outcomes.view_achievement")
def achievement_detail(request, pk: int):
    achievement = _achievement(request, pk)
    user = request.user
    return render(request, "outcomes/achievements/detail.html", {
        "object": achievement, "kind": ACHIEVEMENTS, "projects": list(achievement.projects.all()),
        "can_edit": allowed(user, "outcomes.change_achievement", achievement),
        **verification_context(user, achievement),
        "can_see_history": allowed(user, "outcomes.view_achievement_history", achievement),
    })


@require_POST
@permission_required("outcomes.verify_achievement")
def achievement_verify(request, pk: int):
    return verify_then_show(request, _achievement(request, pk), "outcomes:achievement_detail")




@require_POST
@permission_required("outcomes.verify_achievement")
def achievement_unverify(request, pk: int):
    return unverify_then_show(request, _achievement(request, pk), "outcomes:achievement_detail")




@require_safe
@permission_required("outcomes.view_achievement")
def achievement_evidence(request, pk: int):
    return evidence_download(_achievement(request, pk))




# --- Demonstration sites and people served (M18 with M16/M17) ------------------------------------------------------

SITES = listing.ListPage(
    slug="sites", title=DemonstrationSite._meta.verbose_name_plural, listing=queries.SITES, clauses=("M18", "M16"),
    search_hint=_("Site, address, organisation or project number"), row_template="outcomes/sites/_row.html",
    columns=(Column(_("site name"), "name"), Column(_("kind of site"), "kind"), Column(_("district"), "district"),
             Column(_("organisation"), "organisation"), Column(_("projects")), Column(_("applied since"), "since"),
             Column(_("people served (latest quarter)")), Column(_("verification"), "state")))


def _site(request, pk: int) -> DemonstrationSite:
    site = get_object_or_404(queries.sites_for(request.user), pk=pk)
    if not allowed(request.user, "outcomes.view_site", site):
        raise Http404
    return site


@require_safe
@permission_required("outcomes.view_site")
def site_list(request):
    queryset = queries.sites_for(request.user).prefetch_related("projects", "reports")
    context = listing.page_context(request, SITES, queryset, listing.parse(SITES.listing, request.GET),
                                   export_url=reverse("outcomes:site_export"))
    return render(request, "core/list.html", {
        **context, "create_url": reverse("outcomes:site_create"),
        "can_add": request.user.has_perm("outcomes.add_site"),
    })


@require_safe
@permission_required("outcomes.view_site")
def site_export(request):
    state = listing.parse(SITES.listing, request.GET)
    rows = []
    for s in listing.apply(queries.sites_for(request.user).prefetch_related("projects", "reports"), state):
        latest = queries.latest_report(s)
        rows.append([s.name, s.get_kind_display(), s.district.name, s.address, s.organisation.name_zh,
                     "、".join(p.number for p in s.projects.all()), _date(s.since),
                     latest.period_label if latest else "", latest.people_served if latest else "",
                     s.get_state_display(), s.link, s.evidence_name])
    headers = [_("site name"), _("kind of site"), _("district"), _("address"), _("organisation"), _("projects"),
               _("applied since"), _("latest quarter"), _("people served"), _("verification"), _("link"),
               _("evidence file")]
    return export_response(
        request, group="sites.export", action="outcomes.demonstrationsite.export", filename="demonstration-sites",
        title=SITES.title, headers=headers, rows=rows, target_label=str(DemonstrationSite._meta.verbose_name_plural),
        details={"filters": state.active}, clause=services.SITE_CLAUSE)


def _site_values(form) -> services.SiteValues:
    data = form.cleaned_data
    return services.SiteValues(
        kind=data.get("kind") or "", name=data.get("name") or "", district=data.get("district"),
        address=data.get("address") or "", since=data.get("since"), projects=list(data.get("projects") or []),
        achievements=list(data.get("achievements") or []),
        organisation=data.get("organisation") or form.organisation, description=data.get("description") or "",
        link=data.get("link") or "")


def _site_form_page(request, form, site=None):
    if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
        return reply
    return render(request, "outcomes/sites/form.html", {
        "kind": SITES, "form": form, "object": site,
        "title": gettext("Edit demonstration site") if site else gettext("Record a demonstration site"),
        "cancel_url": (reverse("outcomes:site_detail", kwargs={"pk": site.pk}) if site
                       else reverse("outcomes:sites")),
        "list_url": reverse("outcomes:sites"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.add_site")
def site_create(request):
    user = request.user
    form = forms.SiteForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.create_site(by=user, values=_site_values(form), evidence=_evidence(form))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded: %(name)s. Report the people it serves each quarter; a programme "
                                        "officer will verify it.") % {"name": site})
            return redirect("outcomes:site_detail", pk=site.pk)
    return _site_form_page(request, form)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("outcomes.view_site")
def site_edit(request, pk: int):
    user = request.user
    site = _site(request, pk)
    if not allowed(user, "outcomes.change_site", site):
        raise PermissionDenied
    form = forms.SiteForm(request.POST or None, request.FILES or None, user=user, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.update_site(site, by=user, values=_site_values(form), evidence=_evidence(form))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": site})
            return redirect("outcomes:site_detail", pk=site.pk)
    return _site_form_page(request, form, site)


def _site_page(request, site, report_form=None, status=200):
    user = request.user
    reports = sorted(site.reports.all(), key=lambda r: (r.year, r.quarter))
    return render(request, "outcomes/sites/detail.html", {
        "object": site, "kind": SITES, "projects": list(site.projects.all()),
        "achievements": list(site.achievements.all()), "reports": reports,
        "chart": queries.site_chart(site),
        "can_edit": allowed(user, "outcomes.change_site", site),
        "can_report": allowed(user, "outcomes.report_site", site),
        "report_form": report_form or forms.SiteReportForm(),
        **verification_context(user, site),
        "can_see_history": allowed(user, "outcomes.view_site_history", site),
    }, status=status)


@require_safe
@permission_required("outcomes.view_site")
def site_detail(request, pk: int):
    return _site_page(request, _site(request, pk))


@require_POST
@permission_required("outcomes.view_site")
def site_report(request, pk: int):
    """Add one quarter's people served; a refusal shows the site page again with the form and its message."""
    user = request.user
    site = _site(request, pk)
    if not allowed(user, "outcomes.report_site", site):
        raise PermissionDenied
    form = forms.SiteReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_people_served(site, by=user, values=services.ReportValues(
                year=data["year"], quarter=int(data["quarter"]), people_served=data["people_served"],
                decrease_reason=data.get("decrease_reason") or "", link=data.get("link") or ""),
                evidence=_evidence(form))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("People served are recorded."))
            return redirect("outcomes:site_detail", pk=site.pk)
    return _site_page(request, site, report_form=form, status=400)


@require_POST
@permission_required("outcomes.verify_site")
def site_verify(request, pk: int):
    return verify_then_show(request, _site(request, pk), "outcomes:site_detail")




@require_POST
@permission_required("outcomes.verify_site")
def site_unverify(request, pk: int):
    return unverify_then_show(request, _site(request, pk), "outcomes:site_detail")




@require_safe
@permission_required("outcomes.view_site")
def site_evidence(request, pk: int):
    return evidence_download(_site(request, pk))


@require_safe
@permission_required("outcomes.view_site")
def site_report_evidence(request, pk: int, report: int):
    site = _site(request, pk)
    return evidence_download(get_object_or_404(SiteReport, site=site, pk=report))


@require_safe
def site_districts(request):
    """The public overview (M18, M16): verified sites by district, the people they served in their latest reported
    quarter, and their kinds, as a table and a bar chart."""
    rows = queries.by_district()
    return render(request, "outcomes/sites/districts.html", {
        "rows": rows, "total_sites": sum(r.sites for r in rows), "total_people": sum(r.people for r in rows),
        "chart": {"labels": [r.district.name for r in rows], "series": [[r.sites for r in rows],
                                                                         [r.people for r in rows]]},
    })
