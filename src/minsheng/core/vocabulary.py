"""The audit trail's words: a label for every action code, and for every recorded value that is not a field.

One place, so that no page shows `contracts.tranche.pay` or `weekday_fallback`. An action code is
`<app>.<model>.<verb>`; creating, changing, deleting, exporting and erasing a model's rows are labelled from the
model's own name (`GENERIC_VERBS`), every other code here (`ACTIONS`). Recorded values are labelled by the target
model's field when there is one (verbose name, choices, money, dates: core/readable.py) and otherwise by `VALUES`.
`tests/core/test_vocabulary.py` fails when a code written anywhere in the source, or a value recorded by the demo
world, has no label.

This module names other apps' models only as strings: core imports nothing above it.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTIONS = {
    # accounts
    "accounts.login": _("Signed in"),
    "accounts.login.failure": _("Sign-in failed"),
    "accounts.login.refused": _("Sign-in refused while locked"),
    "accounts.lockout": _("Locked after repeated failed sign-ins"),
    "accounts.logout": _("Signed out"),
    "accounts.password.change": _("Password changed"),
    "accounts.password.set_by_admin": _("Password set by an administrator"),
    "accounts.password_reset.request": _("Password reset requested"),
    "accounts.password_reset.complete": _("Password reset completed"),
    "accounts.second_factor.confirm": _("Second factor set up"),
    "accounts.second_factor.reset": _("Second factor reset"),
    "accounts.user.register": _("Account registered"),
    "registry.organisation.register": _("Organisation registered"),
    # applications and the formal check
    "applications.application.create": _("Application started"),
    "applications.application.section.summary": _("Application saved: summary and keywords"),
    "applications.application.section.objectives": _("Application saved: objectives"),
    "applications.application.section.route": _("Application saved: technical route"),
    "applications.application.section.indicators": _("Application saved: expected indicators"),
    "applications.application.section.team": _("Application saved: team"),
    "applications.application.section.budget": _("Application saved: budget"),
    "applications.application.section.ip": _("Application saved: intellectual property"),
    "applications.application.section.partners": _("Application saved: cooperation partners"),
    "applications.application.section.milestones": _("Application saved: milestones"),
    "applications.application.submit": _("Application submitted"),
    "applications.application.withdraw": _("Application withdrawn"),
    "applications.application.export": _("Applications exported"),
    "applications.attachment.create": _("Attachment uploaded"),
    "applications.attachment.delete": _("Attachment removed"),
    "applications.application.start_check": _("Formal check started"),
    "applications.application.check_pass": _("Formal check: passed"),
    "applications.application.check_return": _("Formal check: returned for correction"),
    "applications.application.check_reject": _("Formal check: not accepted"),
    "applications.ruleresult.create": _("Eligibility rule checked"),
    "applications.ruleresult.override": _("Rule result overridden with a reason"),
    "applications.comment.create": _("Check comment written"),
    # calls and problems
    "calls.call.submit": _("Call sent for approval"),
    "calls.call.publish": _("Call approved and published"),
    "calls.call.return": _("Call sent back to draft"),
    "calls.call.withdraw": _("Call withdrawn"),
    "calls.call.co_owners": _("Co-owning departments changed"),
    "calls.problem.create": _("Problem submitted"),
    "calls.problem.accept": _("Problem accepted"),
    "calls.problem.reject": _("Problem not taken up"),
    "calls.problem.merge": _("Problem merged into another"),
    "calls.problem.merge_followers": _("Merged problems moved along"),
    "calls.problem.topic": _("Problem became a call topic"),
    # contracts and money
    "contracts.taskbook.issue": _("Task book issued"),
    "contracts.taskbook.revise": _("New task book version started"),
    "contracts.taskbook.budget": _("Task book budget divided"),
    "contracts.taskbook.split": _("Disbursement split set"),
    "contracts.taskbook.confirm": _("Task book confirmed by the organisation"),
    "contracts.taskbook.supersede": _("Task book version superseded"),
    "contracts.taskbook.sign": _("Task book signed"),
    "contracts.tranche.plan": _("Tranche planned"),
    "contracts.tranche.request": _("Disbursement requested"),
    "contracts.tranche.approve": _("Disbursement approved"),
    "contracts.tranche.return": _("Disbursement request sent back"),
    "contracts.tranche.pay": _("Tranche paid"),
    "contracts.tranche.export": _("Disbursements exported"),
    "contracts.expenditure.record": _("Expenditure recorded"),
    "contracts.expenditure.reverse": _("Expenditure reversed"),
    "contracts.expenditure.export": _("Expenditures exported"),
    # the audit trail itself
    "core.auditevent.verify": _("Audit chain verified"),
    "core.auditevent.export": _("Audit trail exported"),
    # funding
    "funding.plan.create": _("Funding plan started"),
    "funding.plan.update": _("Funding plan changed"),
    "funding.plan.propose": _("Funding plan proposed"),
    "funding.plan.return": _("Funding plan sent back to draft"),
    "funding.plan.confirm": _("Funding plan confirmed by a co-owning department"),
    "funding.plan.approve": _("Funding plan approved and put on public notice"),
    "funding.plan.withdraw": _("Project taken off the funding plan"),
    "funding.plan.decide": _("Projects approved for funding"),
    "funding.plan.export": _("Funding plan exported"),
    "funding.cofunding.add": _("Co-funding recorded"),
    "funding.cofunding.remove": _("Co-funding removed"),
    "funding.objection.lodge": _("Objection lodged"),
    "funding.objection.handle": _("Objection handled"),
    "funding.project.start": _("Project under way"),
    # registry
    "registry.organisation.verify": _("Organisation verified"),
    "registry.organisation.reject": _("Organisation verification refused"),
    # review
    "review.assignment.run": _("Reviewer assignment run"),
    "review.assignment.swap": _("Reviewer changed by hand"),
    "review.assignment.publish": _("Reviewer assignment published"),
    "review.assignment.accept": _("Review accepted by the expert"),
    "review.assignment.decline": _("Review declined by the expert"),
    "review.assignment.expire": _("Overdue reviews replaced"),
    "review.review.create": _("Review draft saved"),
    "review.review.update": _("Review draft saved"),
    "review.review.submit": _("Review submitted"),
    "review.expertprofile.approve": _("Expert admitted to the pool"),
    "review.expertprofile.suspend": _("Expert suspended"),
    "review.expertprofile.reinstate": _("Expert reinstated"),
    "review.panel.convene": _("Panel convened"),
    "review.panel.member_add": _("Panel member added"),
    "review.panel.member_remove": _("Panel member removed"),
    "review.panel.open": _("Panel session opened"),
    "review.panel.vote": _("Panel vote cast"),
    "review.panel.vote_change": _("Panel vote changed"),
    "review.panel.minutes": _("Panel minutes recorded"),
    "review.panel.freeze": _("Final ranking frozen"),
}

# Reasons the platform itself writes, as language-neutral words; shown translated.
REASONS = {
    "admin": _("Changed in the administration site"),
    "problem submitted": _("Submitted through the problem form"),
    "authenticator set up": _("Authenticator app set up"),
    "lost authenticator, reset by admin": _("Authenticator lost: reset by an administrator"),
}


def reason_text(reason: str) -> str:
    return str(REASONS[reason]) if reason in REASONS else reason


# `<app>.<model>.<verb>` for every model: what core.services, the admin and the exports write.
GENERIC_VERBS = {
    "create": _("New %(kind)s"),
    "update": _("%(kind)s changed"),
    "delete": _("%(kind)s deleted"),
    "export": _("%(kinds)s exported"),
    "erase": _("Personal data erased: %(kind)s"),
}


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def action_label(code: str) -> str | None:
    """The action in the page's language, or None when the code has no label."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    prefix, _dot, verb = code.rpartition(".")
    model = _model(prefix) if verb in GENERIC_VERBS else None
    if model is None:
        return None
    return capfirst(str(GENERIC_VERBS[verb]) % {"kind": model._meta.verbose_name,
                                                "kinds": model._meta.verbose_name_plural})


def action_text(code: str) -> str:
    """The label, or the code itself where there is none (an event written by code that has since gone)."""
    return action_label(code) or code


def group_label(prefix: str) -> str | None:
    """A part of an action code, for the filter: an app, a kind of record or a whole action; None if neither."""
    label = action_label(prefix)
    if label:
        return label
    if "." not in prefix:
        try:
            return str(capfirst(apps.get_app_config(prefix).verbose_name))
        except LookupError:
            return None
    model = _model(prefix)
    return str(capfirst(model._meta.verbose_name)) if model is not None else None


# --- Recorded values that are not fields of the event's target -----------------------------------------------

@dataclass(frozen=True)
class Value:
    """How a recorded value reads. `kind` is one of readable.KINDS; `model` is what it refers to:
    "app.model" for ids, "app.model.field" for codes looked up by that field or for choices."""

    label: str
    kind: str = "text"
    model: str = ""
    choices: tuple = ()


MONEY, NUMBER, BOOL, TEXT, COUNT = "money", "number", "bool", "text", "count"

VALUES = {
    "affinity": Value(_("affinity"), NUMBER),
    "amount": Value(_("amount"), MONEY),
    "application": Value(_("application"), "ref", "applications.application"),
    "attachment": Value(_("attachment"), "ref", "applications.attachment"),
    "bonus": Value(_("priority bonus"), NUMBER),
    "budget": Value(_("budget by category"), "money_by", "applications.budgetline.category"),
    "by_version": Value(_("replaced by version"), NUMBER),
    "committed": Value(_("approved or paid so far"), MONEY),
    "complete": Value(_("every proposal has all its reviewers"), BOOL),
    "confirmations": Value(_("confirmations that lapsed"), "ref", "policy.department"),
    "deadline": Value(_("correction deadline"), "datetime"),
    "department": Value(_("department"), "ref", "policy.department"),
    "events": Value(_("events checked"), NUMBER),
    "expenditure": Value(_("expenditure"), "ref", "contracts.expenditure"),
    "expired": Value(_("overdue assignments replaced"), "ref", "review.assignment"),
    "filters": Value(_("filters"), "mapping"),
    "from": Value(_("from version"), NUMBER),
    "funded": Value(_("funded applications"), "ref", "applications.application"),
    "funding": Value(_("funding by source"), "money_by", "policy.fundingsource.code"),
    "grant": Value(_("grant"), MONEY),
    "ip": Value(_("intellectual property"), COUNT),
    "lines": Value(_("plan lines"), "mapping"),
    "milestones": Value(_("milestones"), COUNT),
    "moved": Value(_("problems moved along"), "ref", "calls.problem"),
    "name": Value(_("file name"), TEXT),
    "optimal": Value(_("proven optimal"), BOOL),
    "overridden": Value(_("overridden"), BOOL),
    "paid": Value(_("paid so far"), MONEY),
    "partners": Value(_("cooperation partners"), COUNT),
    "passed": Value(_("passed"), BOOL),
    "problems": Value(_("problems found"), NUMBER),
    "project": Value(pgettext_lazy("funding", "project"), TEXT),
    "projects": Value(pgettext_lazy("funding", "projects"), "keys"),
    "proposed": Value(_("assignments proposed"), NUMBER),
    "provider": Value(_("provider"), TEXT),
    "published": Value(_("assignments published"), "ref", "review.assignment"),
    "reverses": Value(_("reverses"), "ref", "contracts.expenditure"),
    "round": Value(_("check round"), NUMBER),
    "rows": Value(_("rows"), NUMBER),
    "rule": Value(_("rule"), "code", "policy.ruletemplate.code"),
    "run": Value(_("assignment run"), NUMBER),
    "scope": Value(_("locked"), "choice", choices=(("account", _("the account")), ("address", _("the address")))),
    "seconds": Value(_("seconds"), NUMBER),
    "short": Value(_("proposals short of reviewers"), "ref", "applications.application"),
    "source": Value(_("funding source"), "code", "policy.fundingsource.code"),
    "spent": Value(_("spent so far"), MONEY),
    "split": Value(_("disbursement split"), "mapping"),
    "support_type": Value(_("support type"), "code", "policy.supporttype.code"),
    "team": Value(_("team members"), COUNT),
    "text": Value(_("text"), TEXT),
    "total": Value(_("total"), MONEY),
    "version": Value(_("version"), NUMBER),
    "votes_removed": Value(_("votes removed"), "ref", "applications.application"),
    "was": Value(_("before"), MONEY),
    "weekday_fallback": Value(_("working days counted Monday to Friday"), BOOL),
    "cut_reason": Value(_("reason for the cut"), TEXT),
    "withdrawn": Value(_("withdrawn"), TEXT),
    "worst": Value(_("worst-served proposal"), NUMBER),
    # keys of the export filters
    "q": Value(_("search"), TEXT),
    "date_from": Value(_("from"), "date"),
    "date_to": Value(_("to"), "date"),
    "actor": Value(_("actor"), TEXT),
    "action": Value(_("action"), "action"),
    "target_type": Value(_("kind of record"), "kind"),
    "target_id": Value(_("record id"), TEXT),
    "clause": Value(_("clause"), TEXT),
    "domain": Value(_("domain"), "code", "policy.domain.code"),
    "district": Value(_("district"), "code", "policy.district.code"),
    "state": Value(_("state"), TEXT),
    "kind": Value(_("type"), TEXT),
    "year": Value(_("year"), NUMBER),
    "call": Value(_("call"), "ref", "calls.call"),
    "erased": Value(_("personal data erased"), "fields"),
}

# The same key meaning something else in one action.
VALUES_BY_ACTION = {
    ("calls.problem.merge_followers", "from"): Value(_("merged problem"), "ref", "calls.problem"),
    ("review.assignment.run", "total"): Value(_("total affinity"), NUMBER),
    ("funding.plan.withdraw", "withdrawn"): Value(_("withdrawn"), BOOL),
    ("funding.plan.create", "lines"): Value(_("plan lines"), NUMBER),
}

# Actions whose every key is a budget category (the task book's budget as divided by the organisation).
CATEGORY_KEYS = {"contracts.taskbook.budget": "applications.budgetline.category"}

# Values that are the platform's own bookkeeping, not something a person changed: never shown.
HIDDEN = {"id", "search_tokens", "sha256", "pdf_sha256", "hash", "prev_hash", "password", "secret"}
HIDDEN_FIELDS = {("applications.application", "version"), ("contracts.taskbook", "revision")}


def value_of(action: str, key: str) -> Value | None:
    """The label of a recorded key that is not a field of the target, or None."""
    found = VALUES_BY_ACTION.get((action, key)) or VALUES.get(key)
    if found is None and action in CATEGORY_KEYS:
        label, _dot, name = CATEGORY_KEYS[action].rpartition(".")
        model = _model(label)
        categories = dict(model._meta.get_field(name).flatchoices) if model is not None else {}
        if key in categories:
            found = Value(categories[key], MONEY)
    return found


def is_hidden(target_type: str, key: str) -> bool:
    return key in HIDDEN or (target_type, key) in HIDDEN_FIELDS
