"""Every write to the IP register (M19) and to achievements (M18): one transaction, one audit event citing the clause.

An applicant registers and edits its own organisation's assets only; officers any. Numbers are cleaned to one
canonical form (numbers.py) so that (kind, number) is unique however it was typed; two people registering the
same number at once: the unique constraint lets one in, the other gets the same clear message.
"""

import datetime
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.core import audit, clock, workflow
from minsheng.core.money import too_large, wan
from minsheng.core.permissions import allowed, require, user_of
from minsheng.core.services import create_audited, update_audited
from minsheng.outcomes import identifiers, numbers, queries
from minsheng.outcomes import rules as _rules  # noqa: F401  (registers the permissions)
from minsheng.outcomes import states as _states  # noqa: F401  (registers the transition tables)
from minsheng.outcomes.models import Achievement, DemonstrationSite, IPAsset, SiteReport, Transfer, TransferReceipt

CLAUSE = "M19"
DUPLICATE = _("An IP asset of this kind with this number is already registered.")

NUMBER_MESSAGES = {
    "patent_format": _("A Chinese patent number has 12 digits and a check character, e.g. ZL202310123456.7 (or 8 "
                       "digits and a check character before 2003)."),
    "patent_year": _("The year in this patent number (%(year)s) is not possible."),
    "patent_type": _("The type digit of this patent number (%(type_digit)s) does not match the kind: 1 or 8 for an "
                     "invention patent, 2 or 9 for a utility model, 3 for a design."),
    "patent_check": _("The check character of this patent number is wrong; please check it for a typo."),
    "software_format": _("A software copyright registration number looks like 2023SR0123456."),
    "standard_format": _("A standard's number looks like GB/T 12345-2023 or T/SZAS 12-2023."),
    "empty": _("Give the number."),
}


def clean_values(values: dict, was: str | None = None) -> dict:
    """The number in canonical form and the dates and status checked against each other. `was` is the status
    before an edit: a lapse is recorded with its date and reason through `record_lapse`, once, never typed as a
    status nor undone by an edit."""
    values = dict(values)
    errors: dict[str, list] = {}
    kind = values.get("kind")
    if kind and "number" in values:
        try:
            values["number"] = numbers.clean_number(values["number"], kind)
        except numbers.NumberError as exc:
            errors.setdefault("number", []).append(NUMBER_MESSAGES[exc.code] % exc.params
                                                   if exc.params else NUMBER_MESSAGES[exc.code])
    filed, granted, expires = values.get("filed_on"), values.get("granted_on"), values.get("expires_on")
    status = values.get("status")
    if status == IPAsset.Status.LAPSED and was != IPAsset.Status.LAPSED:
        errors.setdefault("status", []).append(_("Record a lapse with its date and reason on the asset's page."))
    if was == IPAsset.Status.LAPSED and status != IPAsset.Status.LAPSED:
        errors.setdefault("status", []).append(_("This right has lapsed; a lapse is recorded once and stays."))
    if status == IPAsset.Status.GRANTED and not granted:
        errors.setdefault("granted_on", []).append(_("A granted asset needs its grant date."))
    if status == IPAsset.Status.FILED and granted:
        errors.setdefault("granted_on", []).append(_("An asset that is only filed has no grant date yet."))
    if filed and granted and granted < filed:
        errors.setdefault("granted_on", []).append(_("The grant date is before the filing date."))
    if expires and (granted or filed) and expires <= (granted or filed):
        errors.setdefault("expires_on", []).append(_("The expiry date must be after the filing and grant dates."))
    if (kind in numbers.PATENT_TYPES and filed and "number" not in errors and values.get("number")
            and numbers.patent_year(values["number"]) != filed.year):
        errors.setdefault("filed_on", []).append(
            _("The patent number says it was filed in %(year)s, the filing date says %(filed)s.")
            % {"year": numbers.patent_year(values["number"]), "filed": filed.year})
    if errors:
        raise ValidationError(errors)
    return values


def _guard(callable_):
    try:
        with transaction.atomic():
            return callable_()
    except IntegrityError as exc:
        raise ValidationError({"number": [DUPLICATE]}, code="duplicate") from exc


def _check_duplicate(values: dict, exclude_pk=None) -> None:
    """The friendly answer before the write; the unique constraint stays the judge of a race."""
    if values.get("kind") and values.get("number"):
        clash = IPAsset.objects.filter(kind=values["kind"], number=values["number"])
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise ValidationError({"number": [DUPLICATE]}, code="duplicate")


def create_ip_asset(*, by, values: dict) -> IPAsset:
    """Register an asset. An applicant's asset always belongs to its own organisation."""
    require(by, "outcomes.add_ipasset")
    values = clean_values(values)
    if not allowed(by, "outcomes.change_ipasset_owner"):
        values["owner"] = by.organisation
    _check_duplicate(values)
    projects = values.pop("projects", None) or []
    asset = IPAsset(**values)

    def write():
        linked = _own_projects(projects, asset.owner, field="projects")
        return create_audited(asset, by=by, clause=CLAUSE, many_to_many={"projects": linked})
    return _guard(write)


def update_ip_asset(*, asset: IPAsset, by, changes: dict) -> IPAsset:
    require(by, "outcomes.change_ipasset", asset)
    changes = dict(changes)
    if not allowed(by, "outcomes.change_ipasset_owner"):
        if changes.get("owner", asset.owner) != asset.owner:
            raise PermissionDenied("may not move an asset to another organisation")
        changes.pop("owner", None)
    merged = {name: getattr(asset, name) for name in ("kind", "number", "status", "filed_on", "granted_on",
                                                       "expires_on")}
    merged.update(changes)
    cleaned = clean_values(merged, was=asset.status)
    changes.update({k: cleaned[k] for k in changes if k in cleaned})
    if "number" in changes or "kind" in changes:
        changes["number"] = cleaned["number"]
    _check_duplicate({**merged, "number": cleaned["number"]}, exclude_pk=asset.pk)

    def write():
        if "projects" in changes:
            changes["projects"] = _own_projects(changes["projects"], changes.get("owner", asset.owner),
                                                field="projects")
        return update_audited(asset, by=by, changes=changes, clause=CLAUSE)
    return _guard(write)


# --- Projects ----------------------------------------------------------------------------------------------

def _project_model():
    return Achievement.projects.rel.model


def _own_projects(projects, organisation, *, field: str, required: bool = False) -> list:
    """The projects, locked and read again, when every one is the organisation's; a clear refusal otherwise."""
    pks = sorted({getattr(p, "pk", p) for p in projects or []})
    if not pks:
        if required:
            raise ValidationError({field: [_("Choose the project or projects that produced it.")]})
        return []
    rows = list(_project_model().objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    foreign = [p for p in rows if p.organisation_id != getattr(organisation, "pk", organisation)]
    if foreign or len(rows) != len(pks):
        raise ValidationError({field: [
            _("Project %(number)s is another organisation's; only the organisation's own projects can be linked.")
            % {"number": foreign[0].number if foreign else "?"}]}, code="foreign_project")
    return rows


# --- Lapses (M19) --------------------------------------------------------------------------------------------

def record_lapse(asset: IPAsset, *, by, lapsed_on, reason: str) -> IPAsset:
    """Record once that a filed or granted right lapsed, on which day and why (M19). The M19 rule counts granted
    rights only, so from now on this one does not count."""
    reason = " ".join(str(reason or "").split())
    errors: dict[str, list] = {}
    if not reason:
        errors["lapse_reason"] = [_("Say why the right lapsed (e.g. the annual fee was not paid).")]
    if lapsed_on is None:
        errors["lapsed_on"] = [_("Give the date the right lapsed.")]
    elif lapsed_on > clock.today():
        errors["lapsed_on"] = [_("A lapse is recorded after it happened; the date is in the future.")]
    elif (asset.filed_on or asset.granted_on) and lapsed_on < (asset.filed_on or asset.granted_on):
        errors["lapsed_on"] = [_("The lapse date is before the right was filed.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        workflow.move(asset, "lapse", by=by, reason=reason, clause=CLAUSE, lapsed_on=lapsed_on,
                      lapse_reason=reason, new={"lapsed_on": lapsed_on.isoformat()})
    asset.refresh_from_db()
    return asset


# --- Achievements (M18) ------------------------------------------------------------------------------------

ACHIEVEMENT_CLAUSE = "M18"
IP_KINDS = set(queries.ACHIEVEMENT_IP_KINDS)

IDENTIFIER_MESSAGES = {
    "required": _("This kind of achievement is evidenced by its number: give it."),
    "doi": _("A DOI looks like 10.1000/xyz123 (“10.”, 4 to 9 digits, “/”, then the rest)."),
    "standard": _("A standard's number looks like GB/T 12345-2023, T/SZAS 12-2023 or DB4403/T 100-2020."),
    "medical_device": _("A medical device registration number looks like 国械注准20213090123 (authority, 械注, 准/进/"
                        "许, year, class 2 or 3, category, serial), or a class I filing like 粤深械备20210123."),
    "drug": _("A drug approval number looks like 国药准字H20230001 (H, Z, S or J, the year and a serial)."),
    "health_food": _("A health food registration number looks like 国食健注G20200123 (G or J, the year and a "
                     "serial)."),
    "trial": _("A clinical trial registration number looks like ChiCTR2000029308 or NCT01234567."),
    "empty": _("Give the certificate's number."),
}


@dataclass
class Evidence:
    """An uploaded evidence file already checked by core.uploads (its content type read from its bytes)."""

    upload: object
    content_type: str


@dataclass
class AchievementValues:
    kind: str
    title: str
    achieved_on: object
    projects: list = field(default_factory=list)
    organisation: object = None
    ip_asset: IPAsset | None = None
    certificate: str = ""
    identifier: str = ""
    link: str = ""
    description: str = ""


def _clean_achievement(values: AchievementValues, organisation, *, keeps_file: bool, exclude_pk=None) -> dict:
    """The fields to write, checked against each other; ValidationError with every problem otherwise."""
    errors: dict[str, list] = {}
    kind = values.kind
    out = {"kind": kind, "title": " ".join(str(values.title or "").split()), "achieved_on": values.achieved_on,
           "certificate": "", "identifier": "", "link": (values.link or "").strip(),
           "description": (values.description or "").strip(), "ip_asset": None}
    if kind in IP_KINDS:
        asset = values.ip_asset
        if asset is None:
            errors["ip_asset"] = [_("Choose the patent or software copyright from the IP register (register it "
                                    "there first): its number is checked there and not typed twice.")]
        elif asset.owner_id != getattr(organisation, "pk", organisation):
            errors["ip_asset"] = [_("This IP asset belongs to another organisation.")]
        elif asset.kind != kind:
            errors["ip_asset"] = [_("This IP asset is a %(asset)s, not a %(kind)s.")
                                  % {"asset": asset.get_kind_display(),
                                     "kind": Achievement.Kind(kind).label}]
        elif Achievement.objects.filter(ip_asset=asset).exclude(pk=exclude_pk).exists():
            errors["ip_asset"] = [_("This IP asset is already recorded as an achievement.")]
        else:
            out["ip_asset"] = asset
            out["identifier"] = asset.number
            out["title"] = out["title"] or asset.title
    else:
        if kind == Achievement.Kind.PRODUCT:
            if not values.certificate:
                errors["certificate"] = [_("Say which certificate the product holds.")]
            out["certificate"] = values.certificate or ""
        try:
            out["identifier"] = identifiers.clean_identifier(values.identifier, kind, values.certificate or "")
        except identifiers.IdentifierError as exc:
            errors["identifier"] = [IDENTIFIER_MESSAGES.get(exc.code, IDENTIFIER_MESSAGES["empty"])]
        if not (out["identifier"] or out["link"] or keeps_file) and "identifier" not in errors:
            errors["evidence"] = [_("Give the evidence: a number, a link or a file (PDF, PNG or JPEG).")]
    if not out["title"]:
        errors["title"] = [_("Give the achievement's title.")]
    if values.achieved_on is None:
        errors["achieved_on"] = [_("Give the date of the achievement.")]
    elif values.achieved_on > clock.today():
        errors["achieved_on"] = [_("An achievement is recorded once it exists; the date is in the future.")]
    if errors:
        raise ValidationError(errors)
    return out


def _attach(achievement: Achievement | Transfer | DemonstrationSite | SiteReport, evidence: Evidence | None) -> None:
    if evidence is None:
        return
    upload = evidence.upload
    upload.seek(0)
    content = upload.read()
    extension = os.path.splitext(upload.name)[1].lower()
    achievement.evidence_name = os.path.basename(upload.name)[:200]
    achievement.evidence_type = evidence.content_type
    achievement.evidence_size = len(content)
    achievement.evidence_sha256 = hashlib.sha256(content).hexdigest()
    achievement.evidence.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)


def _clause(kind: str) -> str:
    return CLAUSE if kind in IP_KINDS else ACHIEVEMENT_CLAUSE


def create_achievement(*, by, values: AchievementValues, evidence: Evidence | None = None) -> Achievement:
    """Record an achievement of the organisation's projects, unverified. An applicant's belongs to its own
    organisation; IP kinds cite the register; the file is written only with the row (nothing half-written)."""
    require(by, "outcomes.add_achievement")
    organisation = values.organisation if allowed(by, "outcomes.choose_organisation") else by.organisation
    if organisation is None:
        raise ValidationError({"organisation": [_("Choose the organisation.")]})
    fields = _clean_achievement(values, organisation, keeps_file=evidence is not None)
    with transaction.atomic():
        projects = _own_projects(values.projects, organisation, field="projects", required=True)
        achievement = Achievement(organisation=organisation, recorded_by=user_of(by), **fields)
        _attach(achievement, evidence)
        try:
            with transaction.atomic():
                create_audited(achievement, by=by, clause=_clause(values.kind), many_to_many={"projects": projects})
        except IntegrityError as exc:
            _discard(achievement)
            raise ValidationError({"ip_asset": [_("This IP asset is already recorded as an achievement.")]}) from exc
        except BaseException:
            _discard(achievement)
            raise
    return achievement


def _discard(achievement: Achievement | Transfer) -> None:
    if achievement.evidence:
        achievement.evidence.storage.delete(achievement.evidence.name)


def update_achievement(achievement: Achievement, *, by, values: AchievementValues,
                       evidence: Evidence | None = None) -> Achievement:
    """Correct an achievement while it is not verified (an officer takes a verification back first)."""
    require(by, "outcomes.change_achievement", achievement)
    with transaction.atomic():
        locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if locked.state != Achievement.State.UNVERIFIED:
            raise ValidationError(_("This achievement has been verified, so it can no longer be changed; ask the "
                                    "programme officer to take the verification back first."), code="verified")
        organisation = locked.organisation
        fields = _clean_achievement(values, organisation, keeps_file=evidence is not None or bool(locked.evidence),
                                    exclude_pk=locked.pk)
        projects = _own_projects(values.projects, organisation, field="projects", required=True)
        old_file = locked.evidence.name if evidence is not None and locked.evidence else ""
        changes = {**fields, "projects": projects}
        if evidence is not None:
            _attach(locked, evidence)
            changes.update(evidence=locked.evidence.name, evidence_name=locked.evidence_name,
                           evidence_type=locked.evidence_type, evidence_size=locked.evidence_size,
                           evidence_sha256=locked.evidence_sha256)
        try:
            with transaction.atomic():
                update_audited(locked, by=by, changes=changes, clause=_clause(values.kind))
        except BaseException:
            if evidence is not None:
                _discard(locked)
            raise
        if old_file:
            storage = locked.evidence.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    achievement.refresh_from_db()
    return achievement


# --- Demonstration sites and people served (M18 with M16/M17) ------------------------------------------------------

SITE_CLAUSE = "M18"


@dataclass
class SiteValues:
    kind: str
    name: str
    district: object
    address: str
    since: object
    projects: list = field(default_factory=list)
    achievements: list = field(default_factory=list)
    organisation: object = None
    description: str = ""
    link: str = ""


def _approved_on(project):
    return timezone.localdate(project.approved_at) if project.approved_at else None


def _clean_site(values: SiteValues, projects: list, *, keeps_file: bool) -> dict:
    """The site's fields checked against each other and against its projects (the site applies their result, so
    it cannot have started before the first of them was approved: refused, with that project's date)."""
    errors: dict[str, list] = {}
    out = {"kind": values.kind, "name": " ".join(str(values.name or "").split()), "district": values.district,
           "address": " ".join(str(values.address or "").split()), "since": values.since,
           "description": (values.description or "").strip(), "link": (values.link or "").strip()}
    if out["kind"] not in DemonstrationSite.Kind.values:
        errors["kind"] = [_("Choose the kind of site.")]
    if not out["name"]:
        errors["name"] = [_("Give the site's name.")]
    if values.district is None:
        errors["district"] = [_("Choose the district the site is in.")]
    if not out["address"]:
        errors["address"] = [_("Give the site's address.")]
    if values.since is None:
        errors["since"] = [_("Give the date since which the result is applied there.")]
    elif values.since > clock.today():
        errors["since"] = [_("A site is recorded once the result is applied there; the date is in the future.")]
    else:
        started = [(p, _approved_on(p)) for p in projects if _approved_on(p)]
        if started and values.since < min(day for _p, day in started):
            project, day = min(started, key=lambda pair: pair[1])
            errors["since"] = [_("The site cannot apply the result of project %(number)s before the project was "
                                 "approved on %(date)s (M18). Check the date.")
                               % {"number": project.number, "date": day.isoformat()}]
    if not (out["link"] or keeps_file):
        errors["evidence"] = [_("Give the evidence that the result is applied there: a link or a file (PDF, PNG "
                                "or JPEG), e.g. the site's letter of use.")]
    if errors:
        raise ValidationError(errors)
    return out


def _own_achievements(achievements, organisation, *, missing: str = "") -> list[Achievement]:
    """The achievements, read again, when every one is the organisation's (an id changed in the POST included); a
    clear refusal otherwise. `missing`: the message when none is given and at least one is needed."""
    pks = sorted({getattr(a, "pk", a) for a in achievements or []})
    if not pks:
        if missing:
            raise ValidationError({"achievements": [missing]})
        return []
    rows = list(Achievement.objects.filter(pk__in=pks).select_related("organisation").order_by("pk"))
    foreign = [a for a in rows if a.organisation_id != getattr(organisation, "pk", organisation)]
    if foreign or len(rows) != len(pks):
        raise ValidationError({"achievements": [
            _("“%(title)s” is another organisation's achievement; only the organisation's own achievements can be "
              "linked. Nothing was saved.") % {"title": foreign[0].title if foreign else "?"}]},
            code="foreign_achievement")
    return rows


def create_site(*, by, values: SiteValues, evidence: Evidence | None = None) -> DemonstrationSite:
    """Record a demonstration site of the organisation's own projects (and achievements), unverified (M18)."""
    require(by, "outcomes.add_site")
    organisation = values.organisation if allowed(by, "outcomes.choose_organisation") else by.organisation
    if organisation is None:
        raise ValidationError({"organisation": [_("Choose the organisation.")]})
    with transaction.atomic():
        projects = _own_projects(values.projects, organisation, field="projects", required=True)
        achievements = _own_achievements(values.achievements, organisation)
        fields = _clean_site(values, projects, keeps_file=evidence is not None)
        site = DemonstrationSite(organisation=organisation, recorded_by=user_of(by), **fields)
        _attach(site, evidence)
        try:
            with transaction.atomic():
                create_audited(site, by=by, clause=SITE_CLAUSE,
                               many_to_many={"projects": projects, "achievements": achievements})
        except BaseException:
            _discard(site)
            raise
    return site


def update_site(site: DemonstrationSite, *, by, values: SiteValues,
                evidence: Evidence | None = None) -> DemonstrationSite:
    """Correct a site while it is not verified (an officer takes a verification back first)."""
    require(by, "outcomes.change_site", site)
    with transaction.atomic():
        locked = DemonstrationSite.objects.select_for_update().get(pk=site.pk)
        if locked.state != DemonstrationSite.State.UNVERIFIED:
            raise ValidationError(_("This demonstration site has been verified, so it can no longer be changed; ask "
                                    "the programme officer to take the verification back first."), code="verified")
        organisation = locked.organisation
        projects = _own_projects(values.projects, organisation, field="projects", required=True)
        achievements = _own_achievements(values.achievements, organisation)
        fields = _clean_site(values, projects, keeps_file=evidence is not None or bool(locked.evidence))
        first = locked.reports.order_by("year", "quarter").first()
        if first is not None and fields["since"] and _period_end(first.year, first.quarter) < fields["since"]:
            raise ValidationError({"since": [_("People served are already reported for %(period)s, before this "
                                               "date.") % {"period": first.period_label}]})
        old_file = locked.evidence.name if evidence is not None and locked.evidence else ""
        changes = {**fields, "projects": projects, "achievements": achievements}
        if evidence is not None:
            _attach(locked, evidence)
            changes.update(evidence=locked.evidence.name, evidence_name=locked.evidence_name,
                           evidence_type=locked.evidence_type, evidence_size=locked.evidence_size,
                           evidence_sha256=locked.evidence_sha256)
        try:
            with transaction.atomic():
                update_audited(locked, by=by, changes=changes, clause=SITE_CLAUSE)
        except BaseException:
            if evidence is not None:
                _discard(locked)
            raise
        if old_file:
            storage = locked.evidence.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    site.refresh_from_db()
    return site


def _period_end(year: int, quarter: int):
    """The last day of a quarter."""
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


@dataclass
class ReportValues:
    year: int | None
    quarter: int | None
    people_served: int | None
    decrease_reason: str = ""
    link: str = ""


def report_people_served(site: DemonstrationSite, *, by, values: ReportValues,
                         evidence: Evidence | None = None) -> SiteReport:
    """The people a site served in one quarter that has ended, with its evidence (M18). One report per
    quarter; a figure lower than the quarter before it, or higher than the one after it, needs the reason
    for the decrease. The site's row is locked so that two reports at once are judged one after the other."""
    require(by, "outcomes.report_site", site)
    errors: dict[str, list] = {}
    reason = " ".join(str(values.decrease_reason or "").split())
    link = (values.link or "").strip()
    people, year, quarter = values.people_served, values.year, values.quarter
    if people is None:
        errors["people_served"] = [_("Give the number of people served in the period.")]
    elif people < 0:
        errors["people_served"] = [_("The number of people served cannot be negative.")]
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = [_("Choose the quarter.")]
    if not year:
        errors["year"] = [_("Give the year.")]
    if not (link or evidence is not None):
        errors["evidence"] = [_("Give the evidence of the figure: a link or a file (PDF, PNG or JPEG), e.g. the "
                                "site's service statistics.")]
    with transaction.atomic():
        locked = DemonstrationSite.objects.select_for_update().get(pk=site.pk)
        if year and quarter in (1, 2, 3, 4):
            end = _period_end(year, quarter)
            if end >= clock.today():
                errors["year"] = [_("People served are reported once the quarter has ended; %(period)s ends on "
                                    "%(date)s.") % {"period": SiteReport(year=year, quarter=quarter).period_label,
                                                    "date": end.isoformat()}]
            elif end < locked.since:
                errors["year"] = [_("This quarter ended before the site applied the result (since %(date)s).")
                                  % {"date": locked.since.isoformat()}]
            elif locked.reports.filter(year=year, quarter=quarter).exists():
                errors["year"] = [_("People served in %(period)s are already reported; periods cannot overlap.")
                                  % {"period": SiteReport(year=year, quarter=quarter).period_label}]
            elif people is not None and people >= 0:
                earlier = locked.reports.filter(Q(year__lt=year) | Q(year=year, quarter__lt=quarter)).order_by(
                    "-year", "-quarter").first()
                later = locked.reports.filter(Q(year__gt=year) | Q(year=year, quarter__gt=quarter)).order_by(
                    "year", "quarter").first()
                if earlier is not None and people < earlier.people_served and not reason:
                    errors["decrease_reason"] = [
                        _("People served go down from %(before)s in %(period)s to %(now)s: say why (e.g. the site "
                          "closed for renovation for two months).")
                        % {"before": earlier.people_served, "period": earlier.period_label, "now": people}]
                if later is not None and later.people_served < people and not later.decrease_reason:
                    errors["people_served"] = [
                        _("%(period)s, reported already, counts %(after)s people served, fewer than this figure, "
                          "without a reason; check the figure.")
                        % {"period": later.period_label, "after": later.people_served}]
        if errors:
            raise ValidationError(errors)
        report = SiteReport(site=locked, year=year, quarter=quarter, people_served=people, decrease_reason=reason,
                            link=link, recorded_by=user_of(by))
        _attach(report, evidence)
        try:
            with transaction.atomic():
                create_audited(report, by=by, clause=SITE_CLAUSE)
        except IntegrityError as exc:
            _discard(report)
            raise ValidationError({"year": [_("People served in this quarter are already reported; periods "
                                              "cannot overlap.")]}) from exc
        except BaseException:
            _discard(report)
            raise
    return report


# --- Transfers (M18) ---------------------------------------------------------------------------------------------
#
# A transfer concerns the organisation's own achievements only (an id changed in the POST is refused here, not
# only in the form); its value is in 元, typed in 万元. A value above the whole budget envelope of the calls behind
# it is most likely 元 typed in a 万元 field (core.money.too_large): the form warns and asks for a confirmation
# before saving. Money received is dated on or after the contract date, is positive, and a total above the
# contract value is warned the same way (running royalties can exceed a fixed fee, so it is not refused).

TRANSFER_CLAUSE = "M18"
PARTNER_CLAUSE = "M22"


@dataclass
class TransferValues:
    kind: str
    title: str
    contract_on: object
    value: Decimal | None
    achievements: list = field(default_factory=list)
    organisation: object = None
    counterparty: object = None
    counterparty_name: str = ""
    counterparty_kind: str = ""
    counterparty_region: str = Transfer.Region.MAINLAND
    counterparty_contact: str = ""
    link: str = ""
    description: str = ""
    confirm_value: bool = False


def _transfer_clause(transfer: Transfer) -> str:
    return f"{TRANSFER_CLAUSE}, {PARTNER_CLAUSE}" if transfer.abroad else TRANSFER_CLAUSE


def value_slip(value: Decimal, achievements) -> str | None:
    """The 万元-slip warning for a contract value: above the whole envelope of the calls whose projects produced
    the achievements (core.money.too_large), most likely 元 typed in a 万元 field."""
    Call = apps.get_model("calls", "Call")
    envelope = (Call.objects.filter(projects__achievements__in=achievements).distinct()
                .order_by("-budget").values_list("budget", flat=True).first())
    return too_large(value, envelope) if value and envelope else None


def _clean_transfer(values: TransferValues, organisation) -> tuple[dict, list[Achievement]]:
    errors: dict[str, list] = {}
    out = {"kind": values.kind, "title": " ".join(str(values.title or "").split()),
           "contract_on": values.contract_on, "value": values.value, "counterparty": values.counterparty,
           "counterparty_name": " ".join(str(values.counterparty_name or "").split()),
           "counterparty_kind": values.counterparty_kind or "",
           "counterparty_region": values.counterparty_region or Transfer.Region.MAINLAND,
           "counterparty_contact": " ".join(str(values.counterparty_contact or "").split()),
           "link": (values.link or "").strip(), "description": (values.description or "").strip()}
    if values.kind not in Transfer.Kind.values:
        errors["kind"] = [_("Choose the kind of transfer.")]
    if not out["title"]:
        errors["title"] = [_("Give the contract's title.")]
    if values.contract_on is None:
        errors["contract_on"] = [_("Give the contract date.")]
    elif values.contract_on > clock.today():
        errors["contract_on"] = [_("A transfer is recorded once its contract is signed; the date is in the future.")]
    if values.value is None:
        errors["value"] = [_("Give the contract value in 万元 (0 for own production without a contract price).")]
    elif values.value < 0:
        errors["value"] = [_("A contract value cannot be negative: type it in 万元 without the minus sign.")]
    if values.kind == Transfer.Kind.OWN_PRODUCTION:
        out["counterparty"] = values.counterparty or organisation
    if out["counterparty"] is not None:
        if getattr(out["counterparty"], "pk", out["counterparty"]) == getattr(organisation, "pk", organisation) \
                and values.kind != Transfer.Kind.OWN_PRODUCTION:
            errors["counterparty"] = [_("The counterparty is the transferring organisation itself: choose “own "
                                        "production” for that.")]
        out["counterparty_name"] = out["counterparty_kind"] = ""
        out["counterparty_region"] = Transfer.Region.MAINLAND
    elif not out["counterparty_name"]:
        errors["counterparty"] = [_("Choose the counterparty from the registry, or type its name.")]
    elif not out["counterparty_kind"]:
        errors["counterparty_kind"] = [_("Say what kind of organisation the counterparty is.")]
    try:
        achievements = _own_achievements(values.achievements, organisation,
                                         missing=_("Choose the achievement or achievements transferred."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        achievements = []
    if "value" not in errors and achievements and not values.confirm_value:
        message = value_slip(values.value, achievements)
        if message:
            errors["value"] = [message + " " + str(_("If the value is right, tick “the value is right” and save "
                                                    "again."))]
    if errors:
        raise ValidationError(errors)
    return out, achievements


def create_transfer(*, by, values: TransferValues, evidence: Evidence | None = None) -> Transfer:
    """Record a transfer of the organisation's own achievements, unverified (M18; M22 outside the mainland)."""
    require(by, "outcomes.add_transfer")
    organisation = values.organisation if allowed(by, "outcomes.choose_organisation") else by.organisation
    if organisation is None:
        raise ValidationError({"organisation": [_("Choose the organisation.")]})
    fields, achievements = _clean_transfer(values, organisation)
    transfer = Transfer(organisation=organisation, recorded_by=user_of(by), **fields)
    _attach(transfer, evidence)
    try:
        with transaction.atomic():
            create_audited(transfer, by=by, clause=_transfer_clause(transfer),
                           many_to_many={"achievements": achievements})
    except BaseException:
        _discard(transfer)
        raise
    return transfer


def update_transfer(transfer: Transfer, *, by, values: TransferValues,
                    evidence: Evidence | None = None) -> Transfer:
    """Correct a transfer while it is not verified (an officer takes a verification back first)."""
    require(by, "outcomes.change_transfer", transfer)
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.state != Transfer.State.UNVERIFIED:
            raise ValidationError(_("This transfer has been verified, so it can no longer be changed; ask the "
                                    "programme officer to take the verification back first."), code="verified")
        fields, achievements = _clean_transfer(values, locked.organisation)
        first = locked.receipts.order_by("received_on").values_list("received_on", flat=True).first()
        if first and fields["contract_on"] and first < fields["contract_on"]:
            raise ValidationError({"contract_on": [
                _("Money was received on %(date)s, before this contract date; a contract is signed before the "
                  "money comes in. Nothing was saved.") % {"date": first.isoformat()}]})
        old_file = locked.evidence.name if evidence is not None and locked.evidence else ""
        changes = {**fields, "achievements": achievements}
        if evidence is not None:
            _attach(locked, evidence)
            changes.update(evidence=locked.evidence.name, evidence_name=locked.evidence_name,
                           evidence_type=locked.evidence_type, evidence_size=locked.evidence_size,
                           evidence_sha256=locked.evidence_sha256)
        locked.counterparty_region = fields["counterparty_region"]
        try:
            with transaction.atomic():
                update_audited(locked, by=by, changes=changes, clause=_transfer_clause(locked))
        except BaseException:
            if evidence is not None:
                _discard(locked)
            raise
        if old_file:
            storage = locked.evidence.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    transfer.refresh_from_db()
    return transfer


def received_total(transfer: Transfer) -> Decimal:
    return transfer.receipts.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def add_receipt(transfer: Transfer, *, by, amount: Decimal | None, received_on, confirm_over: bool = False
                ) -> TransferReceipt:
    """Record money actually received under the contract (M18): positive, dated on or after the contract date
    and not in the future; a total above the contract value is warned and needs a confirmation."""
    require(by, "outcomes.add_transfer_receipt", transfer)
    errors: dict[str, list] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("Give the amount received in 万元, above zero.")]
    if received_on is None:
        errors["received_on"] = [_("Give the date the money was received.")]
    elif received_on > clock.today():
        errors["received_on"] = [_("Money is recorded once it is received; the date is in the future.")]
    elif received_on < transfer.contract_on:
        errors["received_on"] = [_("The money cannot have been received on %(date)s, before the contract date "
                                   "%(contract)s. Nothing was recorded.")
                                 % {"date": received_on.isoformat(), "contract": transfer.contract_on.isoformat()}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        total = received_total(locked) + amount
        if total > locked.value and not confirm_over:
            raise ValidationError({"amount": [
                _("With this amount, %(total)s 万元 would be received, more than the contract value of %(value)s "
                  "万元. Amounts are typed in 万元: did you type yuan? If royalties or later payments really "
                  "exceed the contract value, tick “the amount is right” and save again.")
                % {"total": wan(total, exact=True), "value": wan(locked.value, exact=True)}]}, code="over")
        receipt = TransferReceipt.objects.create(transfer=locked, year=received_on.year, amount=amount,
                                                 received_on=received_on, recorded_by=user_of(by),
                                                 recorded_at=clock.now())
        audit.record(action="outcomes.transfer.receive", by=by, target=locked,
                     new={"amount": str(amount), "received_on": received_on.isoformat(), "total": str(total)},
                     clause=TRANSFER_CLAUSE)
    return receipt


# --- Verification (M18): one rule for achievements, sites and transfers ------------------------------------------
#
# An officer vouches for the evidence only when they can see every project behind it. One who can see the record
# but not all its projects is told so; the record does not change.

VERIFIABLE = {Achievement: "achievement", DemonstrationSite: "site", Transfer: "transfer"}
NOT_THEIR_PROJECTS = {
    Achievement: _("You cannot see the projects of %(organisation)s that produced this achievement, so you cannot "
                   "verify it. Nothing was changed."),
    DemonstrationSite: _("You cannot see the projects of %(organisation)s that this site applies, so you cannot "
                         "verify it. Nothing was changed."),
    Transfer: _("You cannot see the projects of %(organisation)s behind this transfer's achievements, so you "
                "cannot verify it. Nothing was changed."),
}


def _may_verify(obj, by) -> None:
    name = VERIFIABLE[type(obj)]
    if not allowed(by, f"outcomes.verify_{name}", obj):
        if by is not None and getattr(by, "is_authenticated", False) and allowed(by, f"outcomes.view_{name}", obj):
            raise PermissionDenied(NOT_THEIR_PROJECTS[type(obj)] % {"organisation": obj.organisation.name_zh})
        raise PermissionDenied(_("You may not do this."))


def _verification_clause(obj) -> dict:
    """A transfer abroad also cites M22; the others take their state table's clause."""
    return {"clause": _transfer_clause(obj)} if isinstance(obj, Transfer) else {}


def verify(obj, *, by, seen: str | None = None):
    """Vouch for an achievement, a site or a transfer: from then on the public sees it, and a transfer counts in the
    transfer rate."""
    _may_verify(obj, by)
    with transaction.atomic():
        workflow.move(obj, "verify", by=by, seen=seen, verified_by=user_of(by), verified_at=clock.now(),
                      **_verification_clause(obj))
    obj.refresh_from_db()
    return obj


def unverify(obj, *, by, reason: str, seen: str | None = None):
    """Take a verification back, with the reason: the record leaves the public pages and its organisation may
    correct it."""
    _may_verify(obj, by)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the verification is taken back.")]})
    with transaction.atomic():
        workflow.move(obj, "unverify", by=by, reason=reason, seen=seen, verified_by=None, verified_at=None,
                      **_verification_clause(obj))
    obj.refresh_from_db()
    return obj
