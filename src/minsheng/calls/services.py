"""Every write to programmes and calls (M17; co-ownership M05): one transaction, audited, with its clause.

Amounts arrive in 元 (forms convert from 万元). `by` is the acting user, or `core.permissions.SYSTEM` for the
platform itself (demo data). A call's state changes only through its table (calls/states.py).
"""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minsheng.accounts.queries import department_officers
from minsheng.calls import schema, states
from minsheng.calls.models import Call, CallRule, Programme, RubricCriterion, Topic
from minsheng.core import audit, clock, workflow
from minsheng.core.money import WAN, wan
from minsheng.core.permissions import require, user_of
from minsheng.core.roles import is_department_officer
from minsheng.core.services import create_audited, delete_audited, update_audited
from minsheng.core.workflow import TransitionRefused

CLAUSE = "M17"
CLAUSE_CO_OWNERS = "M05"
# Below 1 万元 an envelope or a grant is absurd: someone typed 元 into a 万元 field the other way round, or
# dropped four zeros. Above 100 亿元 a programme envelope is 10,000× too large: 元 typed where 万元 are expected.
LEAST_AMOUNT = WAN  # 1 万元
MOST_PROGRAMME = Decimal("10000000000")
# The problems a topic may answer: accepted ones, or those already a topic (Problem.State's values). Calls knows
# problems only through Topic.problems, a relation by label: the problems app imports calls (a problem becomes
# a topic of a draft call), never the other way round (docs/architecture.md).
PROBLEM_STATES = ("accepted", "topic")


def _fail(errors: dict) -> None:
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


# --- Programmes -----------------------------------------------------------------------------------

def committed(programme: Programme, *, exclude: Call | None = None) -> Decimal:
    """The envelope already taken by the programme's calls (drafts included: they are planned money)."""
    calls = programme.calls.filter(state__in=states.COMMITTED)
    if exclude is not None and exclude.pk:
        calls = calls.exclude(pk=exclude.pk)
    return calls.aggregate(total=Sum("budget"))["total"] or Decimal(0)


def _check_programme(values: dict, programme: Programme | None) -> None:
    budget = values.get("budget")
    errors = {}
    if budget is not None and budget < LEAST_AMOUNT:
        errors["budget"] = _("An envelope of %(amount)s 万元 is less than 1 万元. Amounts are entered in 万元: "
                             "type 3000 for 3,000 万元.") % {"amount": wan(budget)}
    elif budget is not None and budget > MOST_PROGRAMME:
        errors["budget"] = _("An envelope of %(amount)s 万元 is over 100 亿元, which looks 10,000 times too large. "
                             "Amounts are entered in 万元, not 元.") % {"amount": wan(budget)}
    elif budget is not None and programme is not None and programme.pk:
        taken = committed(programme)
        if budget < taken:
            errors["budget"] = _("The programme's calls already take %(taken)s 万元; the envelope cannot be "
                                 "smaller than that.") % {"taken": wan(taken)}
    _fail(errors)


def _unique_name(callable_):
    try:
        with transaction.atomic():
            return callable_()
    except IntegrityError as exc:
        raise ValidationError({"name_zh": [_("A programme of this year already has this name.")]}) from exc


def create_programme(*, by, values: dict) -> Programme:
    require(by, "calls.add_programme")
    _check_programme(values, None)
    return _unique_name(lambda: create_audited(Programme(**values), by=by, clause=CLAUSE))


def update_programme(*, programme: Programme, by, changes: dict) -> Programme:
    require(by, "calls.change_programme", programme)
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        _check_programme(changes, locked)
        return _unique_name(lambda: update_audited(locked, by=by, changes=changes, clause=CLAUSE))


# --- Calls: checks --------------------------------------------------------------------------------

@dataclass
class CallContent:
    """Everything an officer sets on a call's edit page. Amounts in 元; children replace the call's own."""

    values: dict
    domains: list = field(default_factory=list)
    focus_directions: list = field(default_factory=list)
    co_owners: list = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)       # {id?, title, description, problems}
    criteria: list[dict] = field(default_factory=list)     # {id?, name_zh, name_en, description, weight, scale_*}
    rules: list[tuple] = field(default_factory=list)       # (RuleTemplate, params)


def check_timeline(values: dict) -> dict[str, str]:
    """Opens, closes, review ends, public notice: each strictly after the one before."""
    order = [("opens_at", _("opening")), ("closes_at", _("closing")), ("review_ends_at", _("end of review")),
             ("notice_at", _("public notice"))]
    errors = {}
    for (before, before_label), (after, after_label) in itertools.pairwise(order):
        if values.get(before) and values.get(after) and values[after] <= values[before]:
            errors[after] = _("The %(after)s must come after the %(before)s (%(time)s, Asia/Shanghai).") % {
                "after": after_label, "before": before_label,
                "time": timezone.localtime(values[before]).strftime("%Y-%m-%d %H:%M")}
    return errors


def check_money(values: dict, programme: Programme, call: Call | None) -> dict[str, str]:
    """Amounts that look 10,000× off, and the programme's remaining envelope."""
    budget, max_grant = values.get("budget"), values.get("max_grant")
    errors = {}
    for name, amount in (("budget", budget), ("max_grant", max_grant)):
        if amount is not None and amount < LEAST_AMOUNT:
            errors[name] = _("%(amount)s 万元 is less than 1 万元, which looks wrong. Amounts are entered in 万元: "
                             "type 200 for 200 万元.") % {"amount": wan(amount)}
    if "max_grant" not in errors and budget and max_grant and max_grant > budget:
        errors["max_grant"] = _("The maximum grant (%(grant)s 万元) is larger than the whole envelope of the call "
                                "(%(budget)s 万元). Amounts are entered in 万元: did you type 元?") % {
            "grant": wan(max_grant), "budget": wan(budget)}
    if "budget" not in errors and budget is not None:
        remaining = programme.budget - committed(programme, exclude=call)
        if budget > remaining:
            errors["budget"] = _("The programme “%(programme)s” has %(remaining)s 万元 left of its %(total)s 万元 "
                                 "envelope; this call asks for %(budget)s 万元.") % {
                "programme": programme.name, "remaining": wan(remaining), "total": wan(programme.budget),
                "budget": wan(budget)}
    return errors


def check_rubric(criteria: list[dict]) -> dict[str, str]:
    errors = {}
    for index, row in enumerate(criteria, start=1):
        if row.get("scale_min") is not None and row.get("scale_max") is not None \
                and row["scale_min"] >= row["scale_max"]:
            errors["criteria"] = _("Criterion %(n)s: the lowest score must be below the highest.") % {"n": index}
    total = sum((Decimal(row["weight"]) for row in criteria), Decimal(0))
    if criteria and total != 100:
        errors["criteria"] = _("The weights of the review criteria add up to %(total)s; they must add up to 100.") \
            % {"total": f"{total.normalize():f}"}
    return errors


def check_rules(rules: list[tuple]) -> tuple[list[tuple], dict[str, str]]:
    """The rules with their cleaned parameters, and errors keyed rule_<code>_<parameter>."""
    cleaned, errors = [], {}
    for template, params in rules:
        if not template.is_active:
            errors[f"rule_{template.code}"] = _("The rule “%(name)s” is no longer offered to calls.") % {
                "name": template.name}
            continue
        values, problems = schema.validate(template.params_schema, params)
        for name, message in problems.items():
            errors[f"rule_{template.code}_{name}"] = f"{template.name}: {message}"
        cleaned.append((template, values))
    return cleaned, errors


def _check_topics(topics: list[dict], call: Call | None) -> dict[str, str]:
    linked = set()
    if call is not None and call.pk:
        linked = set(Topic.problems.through.objects.filter(topic__call=call).values_list("problem_id", flat=True))
    for row in topics:
        for problem in row.get("problems", []):
            if problem.state not in PROBLEM_STATES and problem.pk not in linked:
                return {"topics": _("The problem %(code)s has not been accepted; only accepted problems can be "
                                    "answered by a topic.") % {"code": problem.tracking_code}}
    return {}


def _check_domains(content: CallContent) -> dict[str, str]:
    if not content.domains:
        return {"domains": _("Choose at least one domain.")}
    domain_ids = {d.pk for d in content.domains}
    stray = [d for d in content.focus_directions if d.domain_id not in domain_ids]
    if stray:
        return {"focus_directions": _("“%(direction)s” belongs to a domain the call does not cover.") % {
            "direction": stray[0].name}}
    return {}


def check_co_owners(departments) -> dict[str, str]:
    """A co-owning department approves the call and confirms its part of the funding plan (M05), so it must have
    an active officer to act for it; otherwise the plan could never be approved and nobody would know why."""
    officers = department_officers(departments)
    without = [d for d in departments if not officers[d.pk]]
    if not without:
        return {}
    return {"co_owners": ngettext(
        "%(names)s has no active officer on the platform, so nobody could approve the call or confirm its part of "
        "the funding plan for it. Ask the administrator to give the department's officer an account first, or leave "
        "the department out.",
        "%(names)s have no active officer on the platform, so nobody could approve the call or confirm their part of "
        "the funding plan for them. Ask the administrator to give the departments' officers accounts first, or leave "
        "the departments out.", len(without)) % {"names": "、".join(d.name for d in without)}}


# --- Calls: saving --------------------------------------------------------------------------------

def _next_code(year: int) -> str:
    prefix = f"MSZN-{year}-"
    taken = Call.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix):]) for code in taken if code[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _create_with_code(values: dict, year: int, *, by, many_to_many: dict) -> Call:
    """A new draft with the next free call number; a number taken meanwhile (a call of another programme of
    the same year saved at the same moment) is retried."""
    for _attempt in range(3):
        call = Call(**values, code=_next_code(year), drafted_by=user_of(by), state=Call.State.DRAFT)
        try:
            with transaction.atomic():
                return create_audited(call, by=by, clause=CLAUSE, many_to_many=many_to_many)
        except IntegrityError:
            continue
    raise ValidationError(_("Could not give the call a number; please save again."))


def _sync(model, call: Call, rows: list[dict], *, by) -> None:
    """Make the call's children exactly `rows`: update those that exist, create the new, delete the rest."""
    existing = {obj.pk: obj for obj in model.objects.filter(call=call)}
    kept = set()
    for order, row in enumerate(rows):
        row = {**row, "order": order}
        pk = row.pop("id", None)
        m2m = {name: row.pop(name) for name in ("problems",) if name in row}
        if pk in existing:
            kept.add(pk)
            update_audited(existing[pk], by=by, changes={**row, **m2m}, clause=CLAUSE)
        else:
            create_audited(model(call=call, **row), by=by, clause=CLAUSE, many_to_many=m2m)
    for pk, obj in existing.items():
        if pk not in kept:
            delete_audited(obj, by=by, clause=CLAUSE)


def _sync_rules(call: Call, rules: list[tuple], *, by) -> None:
    existing = {rule.template_id: rule for rule in CallRule.objects.filter(call=call)}
    for order, (template, params) in enumerate(rules):
        rule = existing.pop(template.pk, None)
        if rule is None:
            create_audited(CallRule(call=call, template=template, params=params, order=order), by=by, clause=CLAUSE)
        else:
            update_audited(rule, by=by, changes={"params": params, "order": order}, clause=CLAUSE)
    for rule in existing.values():
        delete_audited(rule, by=by, clause=CLAUSE)


def save_call(*, by, content: CallContent, call: Call | None = None) -> Call:
    """Draft a new call or change a draft: its fields, topics, rubric and rule set, all or nothing."""
    require(by, "calls.add_call" if call is None else "calls.change_call", call)
    values = dict(content.values)
    with transaction.atomic():
        if call is not None:
            call = Call.objects.select_for_update().get(pk=call.pk)
            if call.state not in states.EDITABLE:
                raise ValidationError(_("The call is “%(state)s” and can no longer be edited. %(hint)s") % {
                    "state": call.get_state_display(),
                    "hint": _("Send it back to draft first.") if call.state == Call.State.IN_REVIEW
                    else _("A published call is what applicants read: withdraw it and draft a new one instead.")})
        programme = Programme.objects.select_for_update().get(pk=values["programme"].pk)
        rules, rule_errors = check_rules(content.rules)
        errors = {**check_timeline(values), **check_money(values, programme, call), **check_rubric(content.criteria),
                  **_check_topics(content.topics, call), **_check_domains(content),
                  **check_co_owners(content.co_owners), **rule_errors}
        _fail(errors)
        m2m = {"domains": content.domains, "focus_directions": content.focus_directions,
               "co_owners": content.co_owners}
        if call is None:
            call = _create_with_code(values, programme.year, by=by, many_to_many=m2m)
            before_owners = set()
        else:
            before_owners = set(call.co_owners.values_list("pk", flat=True))
            call = update_audited(call, by=by, changes={**values, "domains": content.domains,
                                                          "focus_directions": content.focus_directions}, clause=CLAUSE)
            call.co_owners.set(content.co_owners)
        after_owners = {d.pk for d in content.co_owners}
        if after_owners != before_owners:
            audit.record(action="calls.call.co_owners", by=by, target=call, old={"co_owners": sorted(before_owners)},
                         new={"co_owners": sorted(after_owners)}, clause=CLAUSE_CO_OWNERS,
                         reason=_("Partner departments co-own the call"))
        _sync(Topic, call, [dict(row) for row in content.topics], by=by)
        _sync(RubricCriterion, call, [dict(row) for row in content.criteria], by=by)
        _sync_rules(call, rules, by=by)
    return call


# --- Calls: the workflow --------------------------------------------------------------------------

def _ready_for_approval(call: Call, enforce_deadline: bool = True) -> None:
    problems = []
    if not call.topics.exists():
        problems.append(_("add at least one topic"))
    total = call.criteria.aggregate(total=Sum("weight"))["total"]
    if total != 100 and not (total is None and call.is_stable_support):   # stable support has no expert review
        problems.append(_("set review criteria whose weights add up to 100"))
    if enforce_deadline and call.closes_at <= clock.now():
        problems.append(_("move the closing time into the future"))
    if problems:
        raise ValidationError(_("Before the call can go for approval: %(list)s.") % {"list": "; ".join(problems)})


def _move(call: Call, name: str, *, by, reason: str = "", **fields) -> Call:
    """Take the step `name` of the call's table (calls/states.py); a co-owning department acts under M05."""
    require(by, states.WORKFLOW[name].permission, call)
    with transaction.atomic():
        workflow.move(call, name, by=by, reason=reason, updated_at=clock.now(),
                      clause=CLAUSE_CO_OWNERS if is_department_officer(by) else CLAUSE, **fields)
    return call


def submit_call(*, call: Call, by, enforce_deadline: bool = True) -> Call:
    """Send a complete draft for approval by a second officer or a co-owning department (four eyes).

    `enforce_deadline=False` is for loading past calls (demo data, migrations of earlier rounds)."""
    _ready_for_approval(call, enforce_deadline)
    return _move(call, "submit", by=by)


def publish_call(*, call: Call, by, enforce_deadline: bool = True) -> Call:
    """Approve and publish: never by the officer who drafted the call (four eyes, M17)."""
    if states.WORKFLOW.four_eyes_refuses(call, "publish", by):   # the table's four eyes, said for a call
        raise TransitionRefused(_("You drafted this call, so you cannot approve it: a second programme officer or an "
                                  "officer of a co-owning department must approve it (four eyes)."), code="four_eyes")
    if enforce_deadline and call.closes_at <= clock.now():
        raise ValidationError(_("The call's closing time has passed; send it back to draft and correct the "
                                "timeline before publishing."))
    return _move(call, "publish", by=by, approved_by=user_of(by), published_at=clock.now())


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [message]})
    return reason


def return_call(*, call: Call, by, reason: str) -> Call:
    """Send a call under approval back to its drafter, with the reason."""
    reason = _reason(reason, _("Say what needs to change, so the drafter can correct it."))
    return _move(call, "return", by=by, reason=reason)


def withdraw_call(*, call: Call, by, reason: str) -> Call:
    """Take a published call down; the reason is shown on its public page."""
    reason = _reason(reason, _("Give the reason for withdrawing; applicants will read it."))
    return _move(call, "withdraw", by=by, reason=reason)
