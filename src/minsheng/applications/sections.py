"""An application's sections in one table: their forms, how each is written, what each still misses.

Pages, autosave and the API all go through `Section.bind` (a form or formset bundle), `Section.apply` (writes
what the bundle cleaned, inside the caller's transaction) and `Section.missing` (the completeness meter).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from minsheng.applications import forms as f
from minsheng.applications.models import (
    Application,
    ApplicationPartner,
    BudgetLine,
    FundingLine,
    IPClaim,
    Milestone,
    TeamMember,
)
from minsheng.core import audit, money
from minsheng.engines.keywords import split_keywords

KEYWORDS_MIN = 3


class Bundle:
    """One or more forms/formsets posted together as one section."""

    def __init__(self, **parts):
        self.parts = parts

    def __getitem__(self, name):
        return self.parts[name]

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.parts.values()])

    def errors(self) -> list[str]:
        """Every error as text, with the field's label: for autosave and the API."""
        messages = []
        for part in self.parts.values():
            forms = part.forms if hasattr(part, "forms") else [part]
            for number, form in enumerate(forms, 1):
                prefix = gettext("Row %(number)d: ") % {"number": number} if hasattr(part, "forms") else ""
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else ""
                    messages += [f"{prefix}{label}: {e}" if label else f"{prefix}{e}" for e in errors]
            if hasattr(part, "non_form_errors"):
                messages += list(part.non_form_errors())
        return messages


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    bind: Callable          # (application, data or None) -> Bundle
    apply: Callable         # (application, bundle) -> None
    snapshot: Callable      # application -> dict (what the audit stores)
    missing: Callable       # application -> [message]
    clause: str = "M17"


# --- Field sections ----------------------------------------------------------------------------------

def _model_bind(form_class):
    return lambda app, data=None: Bundle(form=form_class(data, application=app))


def _model_apply(app, bundle):
    bundle["form"].save()


def _fields(*names):
    return lambda app: audit.snapshot(app, fields=names)


def _summary_missing(app):
    missing = []
    for name in ("title", "summary", "starts_on", "ends_on"):
        if not getattr(app, name):
            missing.append(Application._meta.get_field(name).verbose_name)
    if app.call.topics.exists() and not app.topic_id:
        missing.append(gettext("topic"))
    if len(split_keywords(app.keywords)) < KEYWORDS_MIN:
        missing.append(gettext("at least %(n)s keywords") % {"n": KEYWORDS_MIN})
    return [str(m) for m in missing]


def _text_missing(name):
    return lambda app: [] if getattr(app, name).strip() else [str(Application._meta.get_field(name).verbose_name)]


INDICATORS = ("expected_patents", "expected_standards", "expected_products", "expected_sites",
              "expected_people_served", "expected_revenue")


def _indicators_missing(app):
    if any(getattr(app, name) for name in INDICATORS):
        return []
    return [gettext("at least one expected indicator above zero")]


# --- Team --------------------------------------------------------------------------------------------

def _team_bind(app, data=None):
    initial = [{"person": m.person_id, "role": m.role, "task": m.task, "time_share": m.time_share}
               for m in app.team.all()]
    return Bundle(rows=f.TeamRows(data, application=app, prefix="team", initial=None if data else initial))


def _team_apply(app, bundle):
    app.team.all().delete()
    rows = bundle["rows"].rows()
    TeamMember.objects.bulk_create(
        TeamMember(application=app, person=r["person"], role=r["role"], task=r["task"], time_share=r["time_share"])
        for r in rows)
    lead = next((r["person"] for r in rows if r["role"] == TeamMember.Role.LEAD), None)
    app.lead = lead
    app.save(update_fields=["lead"])


def _team_snapshot(app):
    return {"team": [[m.person_id, m.role, m.task, m.time_share] for m in app.team.all()]}


def _team_missing(app):
    members = list(app.team.all())
    leads = sum(1 for m in members if m.role == TeamMember.Role.LEAD)
    missing = []
    if not members:
        missing.append(gettext("team members"))
    if leads != 1:
        missing.append(gettext("exactly one project lead (now %(n)s)") % {"n": leads})
    return missing


# --- Budget ------------------------------------------------------------------------------------------

def totals(app) -> tuple[Decimal, Decimal]:
    spend = sum((line.amount for line in app.budget_lines.all()), Decimal("0"))
    funds = sum((line.amount for line in app.funding_lines.all()), Decimal("0"))
    return spend, funds


def totals_message(app, spend_and_funds: tuple[Decimal, Decimal] | None = None) -> str:
    """The disagreement between the two totals, named in 万元; empty when they agree."""
    spend, funds = spend_and_funds or totals(app)
    if spend == funds:
        return ""
    return gettext("The budget by category totals %(spend)s 万元 but the funding by source totals %(funds)s 万元: "
                   "they differ by %(diff)s 万元 and must agree.") % {
        "spend": money.wan(spend, exact=True), "funds": money.wan(funds, exact=True),
        "diff": money.wan(abs(spend - funds), exact=True)}


def _budget_bind(app, data=None):
    return Bundle(form=f.BudgetForm(data, application=app))


def _budget_apply(app, bundle):
    form = bundle["form"]
    app.budget_lines.all().delete()
    app.funding_lines.all().delete()
    BudgetLine.objects.bulk_create(BudgetLine(application=app, category=category, amount=amount, note=note)
                                   for category, (amount, note) in form.budget().items())
    FundingLine.objects.bulk_create(FundingLine(application=app, source=source, amount=amount, provider=provider)
                                    for source, (amount, provider) in form.funding().items())


def _budget_snapshot(app):
    return {"budget": {line.category: str(line.amount) for line in app.budget_lines.all()},
            "funding": {line.source.code: str(line.amount) for line in app.funding_lines.select_related("source")}}


def _budget_missing(app):
    # Each line read once with its source: completeness runs on every save and page of the application.
    funding = list(app.funding_lines.select_related("source"))
    spend = sum((line.amount for line in app.budget_lines.all()), Decimal("0"))
    funds = sum((line.amount for line in funding), Decimal("0"))
    missing = []
    if not spend:
        missing.append(gettext("expenditure by category"))
    if not funds:
        missing.append(gettext("funding by source"))
    message = totals_message(app, (spend, funds))
    if message:
        missing.append(message)
    if app.call.max_grant:
        city = sum((line.amount for line in funding if line.source.code == "city_rd"), Decimal(0))
        if city > app.call.max_grant:
            missing.append(gettext("The city grant requested, %(asked)s 万元, is above the call's maximum grant of "
                                   "%(max)s 万元.") % {"asked": money.wan(city, exact=True),
                                                       "max": money.wan(app.call.max_grant, exact=True)})
    return missing


# --- IP ----------------------------------------------------------------------------------------------

def _ip_bind(app, data=None):
    initial = [{"ip_kind": c.ip_kind, "count": c.count, "description": c.description}
               for c in app.ip_claims.all() if c.kind == IPClaim.Kind.PROMISED]
    return Bundle(form=f.IPHeldForm(data, application=app),
                  rows=f.PromisedRows(data, application=app, prefix="promised", initial=None if data else initial))


def _ip_apply(app, bundle):
    app.ip_claims.all().delete()
    claims = [IPClaim(application=app, kind=IPClaim.Kind.HELD, asset=asset, ip_kind=asset.kind, count=1)
              for asset in bundle["form"].cleaned_data["held"]]
    claims += [IPClaim(application=app, kind=IPClaim.Kind.PROMISED, ip_kind=r["ip_kind"], count=r["count"],
                       description=r["description"]) for r in bundle["rows"].rows()]
    IPClaim.objects.bulk_create(claims)


def _ip_snapshot(app):
    return {"ip": [[c.kind, c.asset_id, c.ip_kind, c.count, c.description] for c in app.ip_claims.all()]}


def _ip_missing(app):
    return [] if app.ip_claims.exists() else [gettext("IP held or promised")]


# --- Partners ----------------------------------------------------------------------------------------

def _partners_bind(app, data=None):
    initial = [{"partner": p.partner_id, "contribution": p.contribution} for p in app.partners.all()]
    return Bundle(rows=f.PartnerRows(data, application=app, prefix="partners", initial=None if data else initial))


def _partners_apply(app, bundle):
    app.partners.all().delete()
    ApplicationPartner.objects.bulk_create(
        ApplicationPartner(application=app, partner=r["partner"], contribution=r["contribution"])
        for r in bundle["rows"].rows())


def _partners_snapshot(app):
    return {"partners": [[p.partner_id, p.contribution] for p in app.partners.all()]}


# --- Milestones --------------------------------------------------------------------------------------

def _milestones_bind(app, data=None):
    initial = [{"title": m.title, "due_on": m.due_on, "deliverable": m.deliverable} for m in app.milestones.all()]
    return Bundle(rows=f.MilestoneRows(data, application=app, prefix="milestones",
                                       initial=None if data else initial))


def _milestones_apply(app, bundle):
    app.milestones.all().delete()
    Milestone.objects.bulk_create(Milestone(application=app, title=r["title"], due_on=r["due_on"],
                                            deliverable=r["deliverable"]) for r in bundle["rows"].rows())


def _milestones_snapshot(app):
    return {"milestones": [[str(m.due_on), m.title, m.deliverable] for m in app.milestones.all()]}


def _milestones_missing(app):
    milestones = list(app.milestones.all())
    if not milestones:
        return [gettext("at least one milestone")]
    if app.starts_on and app.ends_on:
        outside = [m for m in milestones if not app.starts_on <= m.due_on <= app.ends_on]
        if outside:
            return [ngettext("%(n)d milestone lies outside the project period",
                             "%(n)d milestones lie outside the project period", len(outside)) % {"n": len(outside)}]
    return []


SECTIONS = [
    Section("summary", _("Summary and keywords"), _model_bind(f.SummaryForm), _model_apply,
            _fields("title", "topic", "domain", "focus_direction", "summary", "keywords", "starts_on", "ends_on"),
            _summary_missing),
    Section("objectives", _("Objectives"), _model_bind(f.ObjectivesForm), _model_apply, _fields("objectives"),
            _text_missing("objectives")),
    Section("route", _("Technical route"), _model_bind(f.RouteForm), _model_apply, _fields("technical_route"),
            _text_missing("technical_route")),
    Section("indicators", _("Expected indicators"), _model_bind(f.IndicatorsForm), _model_apply,
            _fields(*INDICATORS), _indicators_missing),
    Section("team", _("Team"), _team_bind, _team_apply, _team_snapshot, _team_missing),
    Section("budget", _("Budget"), _budget_bind, _budget_apply, _budget_snapshot, _budget_missing, "M20"),
    Section("ip", _("Intellectual property"), _ip_bind, _ip_apply, _ip_snapshot, _ip_missing, "M19"),
    Section("partners", _("Cooperation partners"), _partners_bind, _partners_apply, _partners_snapshot,
            lambda app: [], "M22"),
    Section("milestones", _("Milestones"), _milestones_bind, _milestones_apply, _milestones_snapshot,
            _milestones_missing),
]
BY_KEY = {section.key: section for section in SECTIONS}


@dataclass(frozen=True)
class Progress:
    section: Section
    missing: list

    @property
    def done(self) -> bool:
        return not self.missing


def completeness(app) -> list[Progress]:
    return [Progress(section, section.missing(app)) for section in SECTIONS]


def percent(progress: list[Progress]) -> int:
    return round(100 * sum(p.done for p in progress) / len(progress))


# --- JSON payloads (the API) -------------------------------------------------------------------------

ROW_PREFIX = {"team": "team", "partners": "partners", "milestones": "milestones", "ip": "promised"}


def _rows_data(prefix, rows) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        for name, value in row.items():
            data[f"{prefix}-{number}-{name}"] = "" if value is None else value
    return data


def form_data(key: str, payload: dict):
    """The form data a JSON payload of a section stands for (the API uses the same forms as the pages).

    Field sections take their fields; row sections take {"rows": [...]}; the budget takes
    {"budget": {category: 万元}, "funding": {source code: 万元}}; IP takes {"held": [ids], "rows": [...]}.
    """
    from django.utils.datastructures import MultiValueDict

    payload = payload if isinstance(payload, dict) else {}
    if key == "budget":
        data = {f"budget_{k}": v for k, v in (payload.get("budget") or {}).items()}
        data |= {f"fund_{k}": v for k, v in (payload.get("funding") or {}).items()}
        return data
    if key in ROW_PREFIX:
        rows = payload.get("rows") or []
        data = _rows_data(ROW_PREFIX[key], rows if isinstance(rows, list) else [])
        if key == "ip":
            held = payload.get("held") or []
            result = MultiValueDict({k: [v] for k, v in data.items()})
            result.setlist("held", [str(x) for x in held] if isinstance(held, list) else [])
            return result
        return data
    return {k: ("" if v is None else v) for k, v in payload.items()}
