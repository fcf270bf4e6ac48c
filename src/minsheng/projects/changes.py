"""The rules of change requests (项目变更), one place: per kind, its clause, who decides and what it may change.

- budget (M20): money moves from one category to another, the total unchanged, and the source keeps at least
  what was already spent in it. One officer up to BUDGET_SHARE_ONE_OFFICER % of the source category; above it a
  second officer (four eyes).
- extension (M17): at most EXTENSIONS_PER_PROJECT approved per project, at most EXTENSION_MAX_MONTHS later than
  the end date in force, and after today. One officer.
- indicator (M17): a target never below the value the latest filed progress report shows delivered. Always a
  second officer.
- team (M17): the newcomer is a person of the registry and of the project's organisation. One officer for a
  member; a second officer for the project lead.
- partner (M22): a cooperation partner of the registry joins, leaves, or takes another's place. One officer.

The checks read the signed task book in force and the project's spending and reports; services run them under the
project's row lock at submission and again at the decision (money spent or a report filed in between counts).
Each failure is a ValidationError whose message says what to change; its code names the rule.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.applications.models import BudgetLine, TeamMember
from minsheng.contracts import services as contracts
from minsheng.contracts.models import Expenditure, TaskBook
from minsheng.contracts.services import Amendment
from minsheng.core import clock
from minsheng.core.money import wan
from minsheng.projects.models import ChangeRequest
from minsheng.registry.models import CooperationPartner, Person

Kind = ChangeRequest.Kind
BUDGET_SHARE_ONE_OFFICER = Decimal("10")    # % of the source category one officer may move alone
EXTENSION_MAX_MONTHS = 12                   # an extension moves the end date at most this far
EXTENSIONS_PER_PROJECT = 1                  # approved extensions a project may have


@dataclass(frozen=True)
class Rule:
    kind: str
    clause: str
    summary: object     # shown beside the form and on the decision


RULES = {
    Kind.BUDGET: Rule(Kind.BUDGET, "M20", gettext_lazy(
        "Money moves from one budget category to another; the total stays the same, and a category keeps at least "
        "what was already spent in it. Up to a tenth of the source category one officer approves; more needs a "
        "second officer.")),
    Kind.EXTENSION: Rule(Kind.EXTENSION, "M17", gettext_lazy(
        "The end date moves later once in the life of a project, by at most 12 months, to a date after today.")),
    Kind.INDICATOR: Rule(Kind.INDICATOR, "M17", gettext_lazy(
        "A target changes only with the approval of two officers, and never below what the progress reports "
        "already show delivered.")),
    Kind.TEAM: Rule(Kind.TEAM, "M17", gettext_lazy(
        "The newcomer is a person in the registry, of the project's organisation. Replacing the project lead "
        "needs a second officer.")),
    Kind.PARTNER: Rule(Kind.PARTNER, "M22", gettext_lazy(
        "A cooperation partner from the registry joins the project, leaves it, or takes another's place; one "
        "officer decides.")),
}


def lead_role() -> str:
    """The role text the task book keeps for the project lead (copied from the application, in Chinese)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(TeamMember.Role.LEAD.label)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def spent_by_category(project) -> dict[str, Decimal]:
    rows = (Expenditure.objects.filter(project=project).values("category").annotate(total=Sum("amount"))
            .order_by("category"))
    return {row["category"]: row["total"] for row in rows if row["total"]}


def delivered(project) -> dict[str, Decimal]:
    """The value reached per indicator code, as the latest submitted or accepted progress report gives it."""
    from minsheng.projects.states import FILED

    report = project.progress_reports.filter(state__in=FILED).order_by("-period").first()
    if report is None:
        return {}
    return {row.indicator.code: row.value for row in report.indicators.select_related("indicator")}


def _label(category: str) -> str:
    return str(BudgetLine.Category(category).label) if category in BudgetLine.Category.values else category


# --- Checks, per kind: (project, signed book, proposal) -> (proposal as stored, needs a second officer) --------

def _budget(project, book: TaskBook, proposal: dict) -> tuple[dict, bool]:
    source, target, amount = proposal.get("from"), proposal.get("to"), proposal.get("amount")
    lines = {line.category: line.amount for line in book.budget_lines.all()}
    if source not in lines:
        raise ValidationError(_("Choose a category of the task book to move the money from."), code="category")
    if target not in BudgetLine.Category.values:
        raise ValidationError(_("Choose the category the money goes to."), code="category")
    if source == target:
        raise ValidationError(_("The money must move to a different category."), code="same")
    amount = Decimal(str(amount)) if amount not in (None, "") else None
    if amount is None or amount <= 0:
        raise ValidationError(_("Give the amount to move, more than zero."), code="amount")
    if amount > lines[source]:
        raise ValidationError(_("“%(category)s” has %(budget)s 万元 in the task book; %(amount)s 万元 cannot move "
                                "out of it.") % {"category": _label(source), "budget": wan(lines[source], exact=True),
                                                 "amount": wan(amount, exact=True)}, code="over_budget")
    spent = spent_by_category(project).get(source, Decimal("0"))
    if lines[source] - amount < spent:
        raise ValidationError(
            _("%(spent)s 万元 have already been spent on “%(category)s”: moving %(amount)s 万元 out of its "
              "%(budget)s 万元 would leave it less than that. At most %(most)s 万元 can move.") % {
                "spent": wan(spent, exact=True), "category": _label(source), "amount": wan(amount, exact=True),
                "budget": wan(lines[source], exact=True), "most": wan(max(lines[source] - spent, 0), exact=True)},
            code="overspent")
    share = amount * 100 / lines[source]
    stored = {"from": source, "to": target, "amount": str(amount),
              "from_before": str(lines[source]), "to_before": str(lines.get(target, Decimal("0"))),
              "share": str(share.quantize(Decimal("0.1")))}
    return stored, share > BUDGET_SHARE_ONE_OFFICER


def _extension(project, book: TaskBook, proposal: dict) -> tuple[dict, bool]:
    ends_on = proposal.get("ends_on")
    if isinstance(ends_on, str):
        try:
            ends_on = date.fromisoformat(ends_on)
        except ValueError:
            ends_on = None
    if not isinstance(ends_on, date):
        raise ValidationError(_("Give the new end date."), code="date")
    approved = ChangeRequest.objects.filter(project=project, kind=Kind.EXTENSION,
                                            state=ChangeRequest.State.APPROVED).count()
    if approved >= EXTENSIONS_PER_PROJECT:
        raise ValidationError(_("This project has already been extended once; a project is extended at most once "
                                "(M17)."), code="extended")
    if book.ends_on is None or ends_on <= book.ends_on:
        raise ValidationError(_("The new end date must be after the end date in force, %(date)s.")
                              % {"date": book.ends_on.isoformat() if book.ends_on else "—"}, code="earlier")
    if ends_on <= clock.today():
        raise ValidationError(_("The new end date must be after today."), code="past")
    latest = add_months(book.ends_on, EXTENSION_MAX_MONTHS)
    if ends_on > latest:
        raise ValidationError(_("An extension is at most %(months)s months: the end date can move to %(date)s at "
                                "the latest (M17).") % {"months": EXTENSION_MAX_MONTHS, "date": latest.isoformat()},
                              code="too_long")
    return {"from": book.ends_on.isoformat(), "ends_on": ends_on.isoformat()}, False


def _indicator(project, book: TaskBook, proposal: dict) -> tuple[dict, bool]:
    indicator = book.indicators.filter(code=proposal.get("code")).first()
    if indicator is None:
        raise ValidationError(_("Choose an indicator of the task book."), code="indicator")
    target = proposal.get("target")
    target = Decimal(str(target)) if target not in (None, "") else None
    if target is None or target < 0:
        raise ValidationError(_("Give the new target, zero or more."), code="target")
    if target == indicator.target:
        raise ValidationError(_("The new target is the one in force; nothing would change."), code="same")
    reached = delivered(project).get(indicator.code)
    if reached is not None and target < reached:
        raise ValidationError(
            _("The progress reports already show %(reached)s %(unit)s delivered for “%(name)s”; the target cannot "
              "go below that.") % {"reached": reached.normalize(), "unit": indicator.unit, "name": indicator.name},
            code="below_delivered")
    return {"code": indicator.code, "name": indicator.name, "unit": indicator.unit,
            "from": str(indicator.target), "target": str(target)}, True


def _team(project, book: TaskBook, proposal: dict) -> tuple[dict, bool]:
    names = [m.get("name") for m in book.team]
    replaced = proposal.get("replace")
    if replaced not in names:
        raise ValidationError(_("Choose the team member to replace."), code="member")
    try:
        person = Person.objects.filter(pk=int(proposal.get("person"))).first()
    except (TypeError, ValueError):
        person = None
    if person is None:
        raise ValidationError(_("Choose the newcomer from the registry of people."), code="person")
    if person.organisation_id != project.organisation_id:
        raise ValidationError(_("%(name)s is not registered with %(organisation)s; the newcomer must be a person "
                                "of the project's organisation.")
                              % {"name": person.name, "organisation": project.organisation.name_zh},
                              code="organisation")
    if person.name in names:
        raise ValidationError(_("%(name)s is already in the team.") % {"name": person.name}, code="member")
    role = next(m.get("role", "") for m in book.team if m.get("name") == replaced)
    return {"replace": replaced, "role": role, "person": person.pk, "name": person.name}, role == lead_role()


def _partner(project, book: TaskBook, proposal: dict) -> tuple[dict, bool]:
    held = {p.get("partner"): p for p in book.partners}

    def _id(key):
        try:
            return int(proposal.get(key)) if proposal.get(key) not in (None, "") else None
        except (TypeError, ValueError):
            return -1

    remove, add = _id("remove"), _id("add")
    if remove is None and add is None:
        raise ValidationError(_("Choose the partner who leaves, the partner who joins, or both."), code="empty")
    if remove is not None and remove not in held:
        raise ValidationError(_("Choose a partner of the task book to leave."), code="partner")
    partner = None
    if add is not None:
        partner = CooperationPartner.objects.filter(pk=add).first()
        if partner is None:
            raise ValidationError(_("Choose the joining partner from the registry of cooperation partners."),
                                  code="registry")
        if add in held and add != remove:
            raise ValidationError(_("%(name)s is already a partner of this project.") % {"name": partner.name_zh},
                                  code="partner")
        if add == remove:
            raise ValidationError(_("The joining partner is the one leaving; nothing would change."), code="same")
    return {"remove": remove, "remove_name": held[remove].get("name", "") if remove is not None else "",
            "add": add, "add_name": partner.name_zh if partner else "",
            "contribution": (proposal.get("contribution") or "").strip()[:300]}, False


CHECKS = {Kind.BUDGET: _budget, Kind.EXTENSION: _extension, Kind.INDICATOR: _indicator, Kind.TEAM: _team,
          Kind.PARTNER: _partner}


def check(project, book: TaskBook, kind: str, proposal: dict) -> tuple[dict, bool]:
    """The proposal as it is stored, and whether it needs a second officer; ValidationError when a rule refuses."""
    if kind not in CHECKS:
        raise ValidationError(_("Choose what kind of change you request."), code="kind")
    return CHECKS[kind](project, book, proposal or {})


def amendment(change: ChangeRequest, book: TaskBook) -> Amendment:
    """The change to apply to the copy of the signed task book."""
    p = change.proposal
    if change.kind == Kind.BUDGET:
        lines = {line.category: line.amount for line in book.budget_lines.all()}
        amount = Decimal(p["amount"])
        return Amendment(budget={p["from"]: lines[p["from"]] - amount,
                                 p["to"]: lines.get(p["to"], Decimal("0")) + amount})
    if change.kind == Kind.EXTENSION:
        return Amendment(ends_on=date.fromisoformat(p["ends_on"]))
    if change.kind == Kind.INDICATOR:
        return Amendment(targets={p["code"]: Decimal(p["target"])})
    if change.kind == Kind.PARTNER:
        partners = [dict(entry) for entry in book.partners if entry.get("partner") != p["remove"]]
        if p["add"] is not None:
            partners.append(contracts.partner_entry(CooperationPartner.objects.get(pk=p["add"]), p["contribution"]))
        return Amendment(partners=partners)
    team = [dict(m, name=p["name"]) if m.get("name") == p["replace"] else dict(m) for m in book.team]
    return Amendment(team=team)


def describe(change: ChangeRequest) -> str:
    """The change in one line, in the user's language."""
    p = change.proposal
    if change.kind == Kind.BUDGET:
        return _("%(amount)s 万元 from “%(source)s” to “%(target)s” (%(share)s %% of the source)") % {
            "amount": wan(Decimal(p["amount"]), exact=True), "source": _label(p["from"]),
            "target": _label(p["to"]), "share": p.get("share", "")}
    if change.kind == Kind.EXTENSION:
        return _("End date %(old)s → %(new)s") % {"old": p["from"], "new": p["ends_on"]}
    if change.kind == Kind.INDICATOR:
        return _("“%(name)s”: target %(old)s → %(new)s %(unit)s") % {
            "name": p["name"], "old": Decimal(p["from"]).normalize(), "new": Decimal(p["target"]).normalize(),
            "unit": p.get("unit", "")}
    if change.kind == Kind.PARTNER:
        if p["remove_name"] and p["add_name"]:
            return _("Partner %(old)s → %(new)s") % {"old": p["remove_name"], "new": p["add_name"]}
        if p["add_name"]:
            return _("Partner %(name)s joins") % {"name": p["add_name"]}
        return _("Partner %(name)s leaves") % {"name": p["remove_name"]}
    return _("%(role)s %(old)s → %(new)s") % {"role": p["role"], "old": p["replace"], "new": p["name"]}
