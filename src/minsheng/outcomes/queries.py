"""Reads of IP assets and achievements, scoped to what the user may see, and the lists' search, filters and
sorting (shared by the list pages, their Excel exports and the API). `achievements_of(project)` and
`achievement_choices(project)` are what acceptance files and progress reports cite achievements with;
`transfers_of(project)` is the project page's transfers section (M18)."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock
from minsheng.core.listing import Filter, Listing, choices_of, yes_no
from minsheng.core.roles import is_applicant, is_government
from minsheng.outcomes.models import Achievement, DemonstrationSite, IPAsset, SiteReport, Transfer
from minsheng.policy.queries import district_choices, domain_choices
from minsheng.registry.models import Organisation


def ip_assets_for(user) -> QuerySet[IPAsset]:
    """Government roles see every asset; an applicant its own organisation's; anyone else none."""
    queryset = IPAsset.objects.select_related("owner", "owner__district", "domain")
    if is_government(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(owner_id=user.organisation_id)
    return queryset.none()


def owner_choices_for(user) -> QuerySet[Organisation]:
    if is_applicant(user):
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.order_by("name_zh")


def warning_horizon(today: datetime.date | None = None) -> datetime.date:
    return (today or clock.today()) + datetime.timedelta(days=settings.IP_WARNING_DAYS)


def fee_warned(today: datetime.date | None = None) -> Q:
    """A granted right whose annual fee falls due within the warning horizon, or is past due (M19)."""
    return Q(status=IPAsset.Status.GRANTED, next_fee_due__lte=warning_horizon(today))


def expiry_warned(today: datetime.date | None = None) -> Q:
    """A right not lapsed whose term ends within the warning horizon, or has ended (M19)."""
    return ~Q(status=IPAsset.Status.LAPSED) & Q(expires_on__lte=warning_horizon(today))


@dataclass(frozen=True)
class Warned(Filter):
    """The rights with an early warning (ip_warnings: a fee due or an expiry within the horizon), or without."""

    def condition(self, value: str) -> Q:
        warned = fee_warned() | expiry_warned()
        return warned if value == "yes" else ~warned


IP_ASSETS = Listing(
    kind="ip",
    search=("title", "number", "owner__name_zh", "owner__credit_code"),
    filters=(
        Filter("kind", _("kind"), "kind", choices_of(IPAsset.Kind)),
        Filter("status", _("status"), "status", choices_of(IPAsset.Status)),
        Filter("domain", _("domain"), "domain__code", domain_choices),
        Filter("district", _("district"), "owner__district__code", district_choices),
        Warned("warning", _("early warning"), "", yes_no),
    ),
    sorts={"title": ("title",), "number": ("number",), "kind": ("kind",), "owner": ("owner__name_zh",),
           "status": ("status",), "granted": ("granted_on",), "fee": ("next_fee_due",)},
    default_sort="title",
    facet="status",
)


# --- IP warnings (M19 early warning) -------------------------------------------------------------------------

@dataclass(frozen=True)
class IPWarning:
    asset: IPAsset
    what: str                   # "fee" (annual fee due) or "expiry"
    due_on: datetime.date
    days_left: int              # negative: the date has passed

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_ago(self) -> int:
        return -self.days_left


def ip_warnings(assets: QuerySet[IPAsset], today: datetime.date | None = None,
                days: int | None = None) -> list[IPWarning]:
    """The annual fees and expiries of rights that have not lapsed, due within `days` (IP_WARNING_DAYS, 60 by
    default) or already past, soonest first (M19: the early-warning mechanism)."""
    today = today or clock.today()
    horizon = today + datetime.timedelta(days=settings.IP_WARNING_DAYS if days is None else days)
    rows = (assets.exclude(status=IPAsset.Status.LAPSED)
            .filter(Q(next_fee_due__lte=horizon) | Q(expires_on__lte=horizon))
            .select_related("owner").order_by("pk"))
    warnings = []
    for asset in rows:
        if asset.next_fee_due and asset.next_fee_due <= horizon and asset.status == IPAsset.Status.GRANTED:
            warnings.append(IPWarning(asset, "fee", asset.next_fee_due, (asset.next_fee_due - today).days))
        if asset.expires_on and asset.expires_on <= horizon:
            warnings.append(IPWarning(asset, "expiry", asset.expires_on, (asset.expires_on - today).days))
    return sorted(warnings, key=lambda w: (w.due_on, w.asset.title, w.what))


def ip_warnings_for(user, today: datetime.date | None = None) -> list[IPWarning]:
    return ip_warnings(ip_assets_for(user), today)


def project_choices_for(user, organisation=None) -> QuerySet:
    """The projects an IP asset or achievement may be linked to: the organisation's own (an applicant's, or the
    chosen organisation's for an officer); every project for an officer choosing before the organisation."""
    Project = Achievement.projects.rel.model
    queryset = Project.objects.select_related("organisation").order_by("number")
    if is_applicant(user):
        return queryset.filter(organisation_id=user.organisation_id)
    if organisation is not None:
        return queryset.filter(organisation=organisation)
    return queryset if is_government(user) else queryset.none()


# --- Achievements (M18) ---------------------------------------------------------------------------------------

# The achievements that are rights in the IP register: chosen from it, never typed twice.
ACHIEVEMENT_IP_KINDS = (Achievement.Kind.INVENTION_PATENT, Achievement.Kind.UTILITY_MODEL,
                        Achievement.Kind.SOFTWARE_COPYRIGHT)

def achievements_for(user) -> QuerySet[Achievement]:
    """Government roles see every achievement; an applicant its own organisation's; anyone else none."""
    queryset = Achievement.objects.select_related("organisation", "ip_asset", "verified_by")
    if is_government(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def public_achievements() -> QuerySet[Achievement]:
    """What anyone may read: verified achievements only."""
    return Achievement.objects.filter(state=Achievement.State.VERIFIED).select_related("organisation")


def achievements_of(project) -> QuerySet[Achievement]:
    """The achievements a project produced (alone or with others of its organisation), verified first: what an
    acceptance file or a progress report cites instead of retyping them."""
    return (Achievement.objects.filter(projects=project).select_related("ip_asset", "organisation")
            .order_by("-state", "-achieved_on", "title"))


def achievement_label(achievement: Achievement) -> str:
    state = "✓ " if achievement.state == Achievement.State.VERIFIED else ""
    number = f" ({achievement.identifier})" if achievement.identifier else ""
    return f"{state}{achievement.get_kind_display()} · {achievement.title}{number}"


def achievement_choices(project) -> list[tuple[int, str]]:
    """(pk, label) of the project's achievements, for a select or checkboxes (see forms.AchievementsField)."""
    return [(a.pk, achievement_label(a)) for a in achievements_of(project)]


def call_choices() -> list[tuple[str, str]]:
    Call = apps.get_model("calls", "Call")
    codes = (Achievement.projects.rel.model.objects.filter(achievements__isnull=False)
             .values_list("call__code", flat=True).distinct())
    return [(call.code, f"{call.code} {call.title}") for call in Call.objects.filter(code__in=codes).order_by("code")]


ACHIEVEMENTS = Listing(
    kind="achievements",
    search=("title", "identifier", "organisation__name_zh", "organisation__credit_code", "projects__number"),
    filters=(
        Filter("state", _("verification"), "state", choices_of(Achievement.State)),
        Filter("kind", _("kind"), "kind", choices_of(Achievement.Kind)),
        Filter("call", _("call"), "projects__call__code", call_choices),
        Filter("domain", _("domain"), "projects__call__domains__code", domain_choices),
    ),
    sorts={"title": ("title",), "kind": ("kind",), "organisation": ("organisation__name_zh",),
           "date": ("achieved_on",), "state": ("state",)},
    default_sort="-date",
    facet="state",
    distinct=True,
)


# --- Demonstration sites and people served (M18 with M16/M17) ---------------------------------------------------

def sites_for(user) -> QuerySet[DemonstrationSite]:
    """Government roles see every site; an applicant its own organisation's; anyone else none."""
    queryset = DemonstrationSite.objects.select_related("organisation", "district", "verified_by")
    if is_government(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def public_sites() -> QuerySet[DemonstrationSite]:
    """What anyone may read: verified sites only (with their reports)."""
    return (DemonstrationSite.objects.filter(state=DemonstrationSite.State.VERIFIED)
            .select_related("organisation", "district"))


def sites_of(project, user=None) -> list[tuple[DemonstrationSite, bool]]:
    """The demonstration sites applying a project's result, with whether the reader may open each: every site
    for a reader who may see it, the verified ones for anyone else (the project page's section)."""
    rows = (DemonstrationSite.objects.filter(projects=project).select_related("district")
            .prefetch_related("reports").order_by("-state", "district__order", "name"))
    shown = []
    for site in rows:
        may_open = user is not None and user.is_authenticated and user.has_perm("outcomes.view_site", site)
        if may_open or site.state == DemonstrationSite.State.VERIFIED:
            shown.append((site, may_open))
    return shown


def latest_report(site: DemonstrationSite) -> SiteReport | None:
    reports = list(site.reports.all())
    return max(reports, key=lambda r: (r.year, r.quarter)) if reports else None


def site_chart(site: DemonstrationSite) -> dict:
    """The people served per quarter, oldest first, for the site page's chart."""
    reports = sorted(site.reports.all(), key=lambda r: (r.year, r.quarter))
    return {"labels": [r.period_label for r in reports], "series": [[r.people_served for r in reports]]}


def site_call_choices() -> list[tuple[str, str]]:
    Call = apps.get_model("calls", "Call")
    codes = (Achievement.projects.rel.model.objects.filter(demonstration_sites__isnull=False)
             .values_list("call__code", flat=True).distinct())
    return [(call.code, f"{call.code} {call.title}") for call in Call.objects.filter(code__in=codes).order_by("code")]


SITES = Listing(
    kind="sites",
    search=("name", "address", "organisation__name_zh", "organisation__credit_code", "projects__number"),
    filters=(
        Filter("state", _("verification"), "state", choices_of(DemonstrationSite.State)),
        Filter("kind", _("kind of site"), "kind", choices_of(DemonstrationSite.Kind)),
        Filter("district", _("district"), "district__code", district_choices),
        Filter("call", _("call"), "projects__call__code", site_call_choices),
        Filter("domain", _("domain"), "projects__application__domain__code", domain_choices),
    ),
    sorts={"name": ("name",), "kind": ("kind",), "district": ("district__order", "district__code"),
           "organisation": ("organisation__name_zh",), "since": ("since",), "state": ("state",)},
    default_sort="district",
    facet="state",
    distinct=True,
)


@dataclass
class DistrictRow:
    district: object
    sites: int = 0
    people: int = 0
    kinds: dict = field(default_factory=dict)


def by_district(sites: QuerySet[DemonstrationSite] | None = None) -> list[DistrictRow]:
    """The verified sites by district (the public overview, M18): how many sites, the people they served in each
    one's latest reported quarter, and the kinds of site. Every district of the catalogue is listed."""
    District = apps.get_model("policy", "District")
    sites = list((public_sites() if sites is None else sites).prefetch_related("reports"))
    rows = {d.pk: DistrictRow(d) for d in District.objects.all()}
    for site in sites:
        row = rows[site.district_id]
        row.sites += 1
        latest = latest_report(site)
        row.people += latest.people_served if latest else 0
        label = site.get_kind_display()
        row.kinds[label] = row.kinds.get(label, 0) + 1
    return list(rows.values())


# --- From problem to result (M05 → M18) --------------------------------------------------------------------------

@dataclass
class CallResult:
    """What one call produced, as far as it is public: its projects (title and organisation, as the funding notice
    shows them), their verified achievements, the verified transfers of those achievements and their verified
    demonstration sites with people served."""

    call: object
    projects: list


@dataclass
class ProjectResult:
    title: str
    organisation: str
    achievements: list
    transfers: list
    sites: list          # (site, latest report or None)


def public_results(calls) -> list[CallResult]:
    """The public results of each call, for a problem's tracking page and the "from problem to result" list.
    Only public fields: never an unverified achievement or site, never a project's internal data."""
    Project = Achievement.projects.rel.model
    results = []
    for call in calls:
        projects = (Project.objects.filter(call=call).select_related("organisation").order_by("number")
                    .prefetch_related("achievements__transfers__counterparty", "demonstration_sites__reports",
                                      "demonstration_sites__district"))
        rows = []
        for project in projects:
            achievements = sorted((a for a in project.achievements.all() if a.state == Achievement.State.VERIFIED),
                                  key=lambda a: (a.achieved_on, a.title))
            transfers = sorted({t.pk: t for a in achievements for t in a.transfers.all()
                                if t.state == Transfer.State.VERIFIED}.values(), key=lambda t: (t.contract_on, t.pk))
            sites = sorted((s for s in project.demonstration_sites.all()
                            if s.state == DemonstrationSite.State.VERIFIED), key=lambda s: s.name)
            rows.append(ProjectResult(project.title, project.organisation.name_zh, achievements, transfers,
                                      [(s, latest_report(s)) for s in sites]))
        results.append(CallResult(call, rows))
    return results


# --- Transfers (M18) -----------------------------------------------------------------------------------------

def transfers_for(user) -> QuerySet[Transfer]:
    """Government roles see every transfer; an applicant its own organisation's; anyone else none."""
    queryset = Transfer.objects.select_related("organisation", "counterparty", "verified_by")
    if is_government(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def public_transfers() -> QuerySet[Transfer]:
    """What anyone may read: verified transfers only."""
    return Transfer.objects.filter(state=Transfer.State.VERIFIED).select_related("organisation", "counterparty")


def transfers_of(project, user=None) -> QuerySet[Transfer]:
    """The transfers of a project's achievements: the verified ones for the public, every one for a reader who may
    see the organisation's transfers. Each transfer once, however many of the project's achievements it concerns."""
    Project = Achievement.projects.rel.model
    sees_all = user is not None and (is_government(user) or (
        is_applicant(user) and user.organisation_id and user.organisation_id == project.organisation_id))
    visible = Transfer.objects.all() if sees_all else public_transfers()
    ids = Project.objects.filter(pk=project.pk).values("achievements__transfers")
    return (visible.filter(pk__in=ids).select_related("organisation", "counterparty")
            .prefetch_related("achievements", "receipts").order_by("-contract_on", "pk"))


def transfer_call_choices() -> list[tuple[str, str]]:
    Call = apps.get_model("calls", "Call")
    codes = (Transfer.objects.values_list("achievements__projects__call__code", flat=True).distinct())
    return [(call.code, f"{call.code} {call.title}") for call in Call.objects.filter(code__in=codes).order_by("code")]


TRANSFERS = Listing(
    kind="transfers",
    search=("title", "organisation__name_zh", "counterparty__name_zh", "counterparty_name",
            "achievements__title", "achievements__projects__number"),
    filters=(
        Filter("state", _("verification"), "state", choices_of(Transfer.State)),
        Filter("kind", _("kind"), "kind", choices_of(Transfer.Kind)),
        Filter("call", _("call"), "achievements__projects__call__code", transfer_call_choices),
        Filter("domain", _("domain"), "achievements__projects__call__domains__code", domain_choices),
    ),
    sorts={"title": ("title",), "kind": ("kind",), "organisation": ("organisation__name_zh",),
           "date": ("contract_on",), "value": ("value",), "state": ("state",)},
    default_sort="-date",
    facet="state",
    distinct=True,
)
