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
from django.utils.translation import pgettext_lazy

from minsheng.core import labels

# Labels carry their own contexts ("audit action", "audit value"): Django merges every catalogue, and the same
# English words elsewhere (a page heading, a form label) must keep their own wording.

ACTIONS = {
    # accounts
    "accounts.login": pgettext_lazy("audit action", "Signed in"),
    "accounts.login.failure": pgettext_lazy("audit action", "Sign-in failed"),
    "accounts.login.refused": pgettext_lazy("audit action", "Sign-in refused while locked"),
    "accounts.login.password_accepted":
        pgettext_lazy("audit action", "Password accepted; one-time code awaited"),
    "accounts.lockout": pgettext_lazy("audit action", "Locked after repeated failed sign-ins"),
    "accounts.logout": pgettext_lazy("audit action", "Signed out"),
    "accounts.password.change": pgettext_lazy("audit action", "Password changed"),
    "accounts.password.set_by_admin": pgettext_lazy("audit action", "Password set by an administrator"),
    "accounts.password_reset.request": pgettext_lazy("audit action", "Password reset requested"),
    "accounts.password_reset.complete": pgettext_lazy("audit action", "Password reset completed"),
    "accounts.second_factor.confirm": pgettext_lazy("audit action", "Second factor set up"),
    "accounts.second_factor.reset": pgettext_lazy("audit action", "Second factor reset"),
    "accounts.second_factor.failure": pgettext_lazy("audit action", "Wrong one-time code"),
    "accounts.recovery_code.use": pgettext_lazy("audit action", "Recovery code used"),
    "accounts.recovery_codes.generate": pgettext_lazy("audit action", "Recovery codes issued"),
    "accounts.session.ended": pgettext_lazy("audit action", "Session ended without the second step"),
    "accounts.user.register": pgettext_lazy("audit action", "Account registered"),
    "registry.organisation.register": pgettext_lazy("audit action", "Organisation registered"),
    "notifications.preference.change": pgettext_lazy("audit action", "Notification mail preferences changed"),
    # applications and the formal check
    "applications.application.create": pgettext_lazy("audit action", "Application started"),
    "applications.application.section.summary":
        pgettext_lazy("audit action", "Application saved: summary and keywords"),
    "applications.application.section.objectives": pgettext_lazy("audit action", "Application saved: objectives"),
    "applications.application.section.route": pgettext_lazy("audit action", "Application saved: technical route"),
    "applications.application.section.indicators":
        pgettext_lazy("audit action", "Application saved: expected indicators"),
    "applications.application.section.team": pgettext_lazy("audit action", "Application saved: team"),
    "applications.application.section.budget": pgettext_lazy("audit action", "Application saved: budget"),
    "applications.application.section.ip": pgettext_lazy("audit action", "Application saved: intellectual property"),
    "applications.application.section.partners":
        pgettext_lazy("audit action", "Application saved: cooperation partners"),
    "applications.application.section.milestones": pgettext_lazy("audit action", "Application saved: milestones"),
    "applications.application.submit": pgettext_lazy("audit action", "Application submitted"),
    "applications.application.withdraw": pgettext_lazy("audit action", "Application withdrawn"),
    "applications.application.discard": pgettext_lazy("audit action", "Draft discarded"),
    "applications.application.export": pgettext_lazy("audit action", "Applications exported"),
    "applications.attachment.create": pgettext_lazy("audit action", "Attachment uploaded"),
    "applications.attachment.delete": pgettext_lazy("audit action", "Attachment removed"),
    "applications.application.start_check": pgettext_lazy("audit action", "Formal check started"),
    "applications.application.check_pass": pgettext_lazy("audit action", "Formal check: passed"),
    "applications.application.check_return": pgettext_lazy("audit action", "Formal check: returned for correction"),
    "applications.application.check_reject": pgettext_lazy("audit action", "Formal check: not accepted"),
    "applications.ruleresult.create": pgettext_lazy("audit action", "Eligibility rule checked"),
    "applications.ruleresult.override": pgettext_lazy("audit action", "Rule result overridden with a reason"),
    "applications.comment.create": pgettext_lazy("audit action", "Check comment written"),
    # calls and problems
    "calls.call.submit": pgettext_lazy("audit action", "Call sent for approval"),
    "calls.call.publish": pgettext_lazy("audit action", "Call approved and published"),
    "calls.call.return": pgettext_lazy("audit action", "Call sent back to draft"),
    "calls.call.withdraw": pgettext_lazy("audit action", "Call withdrawn"),
    "calls.call.co_owners": pgettext_lazy("audit action", "Co-owning departments changed"),
    "calls.problem.create": pgettext_lazy("audit action", "Problem submitted"),
    "calls.problem.accept": pgettext_lazy("audit action", "Problem accepted"),
    "calls.problem.reject": pgettext_lazy("audit action", "Problem not taken up"),
    "calls.problem.merge": pgettext_lazy("audit action", "Problem merged into another"),
    "calls.problem.merge_followers": pgettext_lazy("audit action", "Merged problems moved along"),
    "calls.problem.topic": pgettext_lazy("audit action", "Problem became a call topic"),
    # contracts and money
    "contracts.taskbook.issue": pgettext_lazy("audit action", "Task book issued"),
    "contracts.taskbook.revise": pgettext_lazy("audit action", "New task book version started"),
    "contracts.taskbook.budget": pgettext_lazy("audit action", "Task book budget divided"),
    "contracts.taskbook.split": pgettext_lazy("audit action", "Disbursement split set"),
    "contracts.taskbook.confirm": pgettext_lazy("audit action", "Task book confirmed by the organisation"),
    "contracts.taskbook.supersede": pgettext_lazy("audit action", "Task book version superseded"),
    "contracts.taskbook.sign": pgettext_lazy("audit action", "Task book signed"),
    "contracts.tranche.plan": pgettext_lazy("audit action", "Tranche planned"),
    "contracts.tranche.request": pgettext_lazy("audit action", "Disbursement requested"),
    "contracts.tranche.approve": pgettext_lazy("audit action", "Disbursement approved"),
    "contracts.tranche.return": pgettext_lazy("audit action", "Disbursement request sent back"),
    "contracts.tranche.pay": pgettext_lazy("audit action", "Tranche paid"),
    "contracts.tranche.export": pgettext_lazy("audit action", "Disbursements exported"),
    "contracts.expenditure.record": pgettext_lazy("audit action", "Expenditure recorded"),
    "contracts.expenditure.reverse": pgettext_lazy("audit action", "Expenditure reversed"),
    "contracts.expenditure.export": pgettext_lazy("audit action", "Expenditures exported"),
    "projects.progressreport.submit": pgettext_lazy("audit action", "Progress report submitted"),
    "projects.progressreport.accept": pgettext_lazy("audit action", "Progress report accepted"),
    "projects.progressreport.return": pgettext_lazy("audit action", "Progress report returned with comments"),
    "projects.midtermcheck.record": pgettext_lazy("audit action", "Mid-term check recorded"),
    "projects.changerequest.submit": pgettext_lazy("audit action", "Change request submitted"),
    "projects.changerequest.approve": pgettext_lazy("audit action", "Change request approved"),
    "projects.changerequest.endorse": pgettext_lazy("audit action", "Change request given its first approval"),
    "projects.changerequest.second": pgettext_lazy("audit action", "Change request approved by a second officer"),
    "projects.changerequest.reject": pgettext_lazy("audit action", "Change request rejected"),
    "projects.changerequest.withdraw": pgettext_lazy("audit action", "Change request withdrawn"),
    "projects.acceptance.apply": pgettext_lazy("audit action", "Acceptance applied for"),
    "projects.acceptance.refile": pgettext_lazy("audit action", "Acceptance file filed again"),
    "projects.acceptance.pass_check": pgettext_lazy("audit action", "Acceptance file passed the formal check"),
    "projects.acceptance.return": pgettext_lazy("audit action", "Acceptance file returned with comments"),
    "projects.acceptance.pass": pgettext_lazy("audit action", "Acceptance passed"),
    "projects.acceptance.close": pgettext_lazy("audit action", "Project closed with conditions"),
    "projects.acceptance.fail": pgettext_lazy("audit action", "Acceptance failed"),
    "projects.acceptanceexpert.add": pgettext_lazy("audit action", "Expert added to the acceptance panel"),
    "projects.acceptanceexpert.score": pgettext_lazy("audit action", "Acceptance scored by an expert"),
    # IP and achievements
    "outcomes.ipasset.lapse": pgettext_lazy("audit action", "IP right lapsed"),
    "outcomes.achievement.verify": pgettext_lazy("audit action", "Achievement verified"),
    "outcomes.achievement.unverify": pgettext_lazy("audit action", "Achievement verification taken back"),
    "outcomes.demonstrationsite.verify": pgettext_lazy("audit action", "Demonstration site verified"),
    "outcomes.demonstrationsite.unverify": pgettext_lazy("audit action",
                                                         "Demonstration site verification taken back"),
    "outcomes.sitereport.create": pgettext_lazy("audit action", "People served reported"),
    "outcomes.transfer.verify": pgettext_lazy("audit action", "Transfer verified"),
    "outcomes.transfer.unverify": pgettext_lazy("audit action", "Transfer verification taken back"),
    "outcomes.transfer.receive": pgettext_lazy("audit action", "Money received under a transfer recorded"),
    "outcomes.transfer.export": pgettext_lazy("audit action", "Transfers exported"),
    "projects.termination.request": pgettext_lazy("audit action", "Termination requested by the organisation"),
    "projects.termination.propose": pgettext_lazy("audit action", "Termination proposed"),
    "projects.termination.decline": pgettext_lazy("audit action", "Termination request declined"),
    "projects.termination.approve": pgettext_lazy("audit action", "Termination approved"),
    "projects.termination.reject": pgettext_lazy("audit action", "Termination rejected"),
    "projects.recovery.open": pgettext_lazy("audit action", "Recovery of funds opened"),
    "projects.recovery.receive": pgettext_lazy("audit action", "Money paid back received"),
    "projects.recovery.export": pgettext_lazy("audit action", "Recoveries of funds exported"),
    "registry.debarment.record": pgettext_lazy("audit action", "Debarment recorded"),
    "contracts.tranche.cancel": pgettext_lazy("audit action", "Tranche cancelled"),
    # the audit trail itself
    "core.auditevent.verify": pgettext_lazy("audit action", "Audit chain verified"),
    "core.job.requeue": pgettext_lazy("audit action", "Background job queued again"),
    "core.backup.start": pgettext_lazy("audit action", "Backup started"),
    "core.export.start": pgettext_lazy("audit action", "Large export queued"),
    "core.auditevent.export": pgettext_lazy("audit action", "Audit trail exported"),
    "review.ranking.export": pgettext_lazy("audit action", "Ranking exported"),
    # funding
    "funding.plan.create": pgettext_lazy("audit action", "Funding plan started"),
    "funding.plan.update": pgettext_lazy("audit action", "Funding plan changed"),
    "funding.plan.propose": pgettext_lazy("audit action", "Funding plan proposed"),
    "funding.plan.return": pgettext_lazy("audit action", "Funding plan sent back to draft"),
    "funding.plan.confirm": pgettext_lazy("audit action", "Funding plan confirmed by a co-owning department"),
    "funding.plan.approve": pgettext_lazy("audit action", "Funding plan approved and put on public notice"),
    "funding.plan.withdraw": pgettext_lazy("audit action", "Project taken off the funding plan"),
    "funding.plan.decide": pgettext_lazy("audit action", "Projects approved for funding"),
    "funding.plan.export": pgettext_lazy("audit action", "Funding plan exported"),
    "funding.cofunding.add": pgettext_lazy("audit action", "Co-funding recorded"),
    "funding.cofunding.remove": pgettext_lazy("audit action", "Co-funding removed"),
    "funding.objection.lodge": pgettext_lazy("audit action", "Objection lodged"),
    "funding.objection.handle": pgettext_lazy("audit action", "Objection handled"),
    "funding.project.start": pgettext_lazy("audit action", "Project under way"),
    "funding.project.accept": pgettext_lazy("audit action", "Project accepted"),
    "funding.project.fail": pgettext_lazy("audit action", "Project failed its acceptance"),
    "funding.project.terminate": pgettext_lazy("audit action", "Project terminated"),
    # registry
    "registry.organisation.verify": pgettext_lazy("audit action", "Organisation verified"),
    "registry.organisation.reject": pgettext_lazy("audit action", "Organisation verification refused"),
    # review
    "review.assignment.run": pgettext_lazy("audit action", "Reviewer assignment run"),
    "review.assignment.start": pgettext_lazy("audit action", "Reviewer assignment run started"),
    "review.assignment.swap": pgettext_lazy("audit action", "Reviewer changed by hand"),
    "review.assignment.publish": pgettext_lazy("audit action", "Reviewer assignment published"),
    "review.assignment.accept": pgettext_lazy("audit action", "Review accepted by the expert"),
    "review.assignment.decline": pgettext_lazy("audit action", "Review declined by the expert"),
    "review.assignment.complete": pgettext_lazy("audit action", "Review assignment completed"),
    "review.assignment.expire": pgettext_lazy("audit action", "Overdue reviews replaced"),
    "review.review.create": pgettext_lazy("audit action", "Review draft saved"),
    "review.review.update": pgettext_lazy("audit action", "Review draft saved"),
    "review.review.submit": pgettext_lazy("audit action", "Review submitted"),
    "review.expertprofile.approve": pgettext_lazy("audit action", "Expert admitted to the pool"),
    "review.expertprofile.suspend": pgettext_lazy("audit action", "Expert suspended"),
    "review.expertprofile.reinstate": pgettext_lazy("audit action", "Expert reinstated"),
    "review.panel.convene": pgettext_lazy("audit action", "Panel convened"),
    "review.panel.member_add": pgettext_lazy("audit action", "Panel member added"),
    "review.panel.member_remove": pgettext_lazy("audit action", "Panel member removed"),
    "review.panel.open": pgettext_lazy("audit action", "Panel session opened"),
    "review.panel.vote": pgettext_lazy("audit action", "Panel vote cast"),
    "review.panel.vote_change": pgettext_lazy("audit action", "Panel vote changed"),
    "review.panel.minutes": pgettext_lazy("audit action", "Panel minutes recorded"),
    "review.panel.freeze": pgettext_lazy("audit action", "Final ranking frozen"),
}

# Reasons the platform itself writes, as language-neutral words; shown translated.
REASONS = {
    "admin": pgettext_lazy("audit reason", "Changed in the administration site"),
    "problem submitted": pgettext_lazy("audit reason", "Submitted through the problem form"),
    "authenticator set up": pgettext_lazy("audit reason", "Authenticator app set up"),
    "lost authenticator, reset by admin":
        pgettext_lazy("audit reason", "Authenticator lost: reset by an administrator"),
}


def reason_text(reason: str) -> str:
    return str(REASONS[reason]) if reason in REASONS else reason


# `<app>.<model>.<verb>` for every model: what core.services, the admin and the exports write.
GENERIC_VERBS = {
    "create": pgettext_lazy("audit action", "New %(kind)s"),
    "update": pgettext_lazy("audit action", "%(kind)s changed"),
    "delete": pgettext_lazy("audit action", "%(kind)s deleted"),
    "export": pgettext_lazy("audit action", "%(kinds)s exported"),
    "erase": pgettext_lazy("audit action", "Personal data erased: %(kind)s"),
}


def _model(label: str):
    return labels.model_of(label)     # a model that moved to another app keeps its action codes (core/labels.py)


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
    "affinity": Value(pgettext_lazy("audit value", "affinity"), NUMBER),
    "amount": Value(pgettext_lazy("audit value", "amount"), MONEY),
    "application": Value(pgettext_lazy("audit value", "application"), "ref", "applications.application"),
    "attachment": Value(pgettext_lazy("audit value", "attachment"), "ref", "applications.attachment"),
    "bonus": Value(pgettext_lazy("audit value", "priority bonus"), NUMBER),
    "budget": Value(pgettext_lazy("audit value", "budget by category"), "money_by", "applications.budgetline.category"),
    "by_version": Value(pgettext_lazy("audit value", "replaced by version"), NUMBER),
    "committed": Value(pgettext_lazy("audit value", "approved or paid so far"), MONEY),
    "complete": Value(pgettext_lazy("audit value", "every proposal has all its reviewers"), BOOL),
    "confirmations": Value(pgettext_lazy("audit value", "confirmations that lapsed"), "ref", "policy.department"),
    "deadline": Value(pgettext_lazy("audit value", "correction deadline"), "datetime"),
    "department": Value(pgettext_lazy("audit value", "department"), "ref", "policy.department"),
    "events": Value(pgettext_lazy("audit value", "events checked"), NUMBER),
    "expenditure": Value(pgettext_lazy("audit value", "expenditure"), "ref", "contracts.expenditure"),
    "expired": Value(pgettext_lazy("audit value", "overdue assignments replaced"), "ref", "review.assignment"),
    "filters": Value(pgettext_lazy("audit value", "filters"), "mapping"),
    "from": Value(pgettext_lazy("audit value", "from version"), NUMBER),
    "funded": Value(pgettext_lazy("audit value", "funded applications"), "ref", "applications.application"),
    "funding": Value(pgettext_lazy("audit value", "funding by source"), "money_by", "policy.fundingsource.code"),
    "grant": Value(pgettext_lazy("audit value", "grant"), MONEY),
    "ip": Value(pgettext_lazy("audit value", "intellectual property"), COUNT),
    "lines": Value(pgettext_lazy("audit value", "plan lines"), "mapping"),
    "mail_off": Value(pgettext_lazy("audit value", "notifications no longer by e-mail"), "choice",
                      "notifications.notificationpreference.kind"),
    "mail_on": Value(pgettext_lazy("audit value", "notifications also by e-mail"), "choice",
                     "notifications.notificationpreference.kind"),
    "milestones": Value(pgettext_lazy("audit value", "milestones"), COUNT),
    "moved": Value(pgettext_lazy("audit value", "problems moved along"), "ref", "problems.problem"),
    "name": Value(pgettext_lazy("audit value", "file name"), TEXT),
    "optimal": Value(pgettext_lazy("audit value", "proven optimal"), BOOL),
    "overridden": Value(pgettext_lazy("audit value", "overridden"), BOOL),
    "paid": Value(pgettext_lazy("audit value", "paid so far"), MONEY),
    "partners": Value(pgettext_lazy("audit value", "cooperation partners"), COUNT),
    "passed": Value(pgettext_lazy("audit value", "passed"), BOOL),
    "problems": Value(pgettext_lazy("audit value", "problems found"), NUMBER),
    "project": Value(pgettext_lazy("funding", "project"), TEXT),
    "projects": Value(pgettext_lazy("funding", "projects"), "keys"),
    "proposed": Value(pgettext_lazy("audit value", "assignments proposed"), NUMBER),
    "provider": Value(pgettext_lazy("audit value", "provider"), TEXT),
    "published": Value(pgettext_lazy("audit value", "assignments published"), "ref", "review.assignment"),
    "reverses": Value(pgettext_lazy("audit value", "reverses"), "ref", "contracts.expenditure"),
    "round": Value(pgettext_lazy("audit value", "check round"), NUMBER),
    "rows": Value(pgettext_lazy("audit value", "rows"), NUMBER),
    "rule": Value(pgettext_lazy("audit value", "rule"), "code", "policy.ruletemplate.code"),
    "run": Value(pgettext_lazy("audit value", "assignment run"), NUMBER),
    "scope": Value(pgettext_lazy("audit value", "locked"), "choice", choices=(
        ("account", pgettext_lazy("audit value", "the account")),
        ("address", pgettext_lazy("audit value", "the address")))),
    "seconds": Value(pgettext_lazy("audit value", "seconds"), NUMBER),
    "short": Value(pgettext_lazy("audit value", "proposals short of reviewers"), "ref", "applications.application"),
    "source": Value(pgettext_lazy("audit value", "funding source"), "code", "policy.fundingsource.code"),
    "spent": Value(pgettext_lazy("audit value", "spent so far"), MONEY),
    "split": Value(pgettext_lazy("audit value", "disbursement split"), "mapping"),
    "support_type": Value(pgettext_lazy("audit value", "support type"), "code", "policy.supporttype.code"),
    "team": Value(pgettext_lazy("audit value", "team members"), COUNT),
    "text": Value(pgettext_lazy("audit value", "text"), TEXT),
    "total": Value(pgettext_lazy("audit value", "total"), MONEY),
    "version": Value(pgettext_lazy("audit value", "version"), NUMBER),
    "votes_removed": Value(pgettext_lazy("audit value", "votes removed"), "ref", "applications.application"),
    "was": Value(pgettext_lazy("audit value", "before"), MONEY),
    "weekday_fallback": Value(pgettext_lazy("audit value", "working days counted Monday to Friday"), BOOL),
    "cut_reason": Value(pgettext_lazy("audit value", "reason for the cut"), TEXT),
    "withdrawn": Value(pgettext_lazy("audit value", "withdrawn"), TEXT),
    "misused": Value(pgettext_lazy("audit value", "misused"), MONEY),
    "unspent": Value(pgettext_lazy("audit value", "unspent"), MONEY),
    "received": Value(pgettext_lazy("audit value", "received so far"), MONEY),
    "received_on": Value(pgettext_lazy("audit value", "received on"), "date"),
    "bank_reference": Value(pgettext_lazy("audit value", "bank reference"), TEXT),
    "settled": Value(pgettext_lazy("audit value", "settled"), BOOL),
    "show": Value(pgettext_lazy("audit value", "shown"), TEXT),
    "grounds": Value(pgettext_lazy("audit value", "grounds"), "choice", "projects.termination.grounds"),
    "worst": Value(pgettext_lazy("audit value", "worst-served proposal"), NUMBER),
    # keys of the export filters
    "q": Value(pgettext_lazy("audit value", "search"), TEXT),
    "date_from": Value(pgettext_lazy("audit value", "from"), "date"),
    "date_to": Value(pgettext_lazy("audit value", "to"), "date"),
    "actor": Value(pgettext_lazy("audit value", "actor"), TEXT),
    "action": Value(pgettext_lazy("audit value", "action"), "action"),
    "target_type": Value(pgettext_lazy("audit value", "kind of record"), "kind"),
    "target_id": Value(pgettext_lazy("audit value", "record id"), TEXT),
    "clause": Value(pgettext_lazy("audit value", "clause"), TEXT),
    "domain": Value(pgettext_lazy("audit value", "domain"), "code", "policy.domain.code"),
    "district": Value(pgettext_lazy("audit value", "district"), "code", "policy.district.code"),
    "state": Value(pgettext_lazy("audit value", "state"), TEXT),
    "kind": Value(pgettext_lazy("audit value", "type"), TEXT),
    "year": Value(pgettext_lazy("audit value", "year"), NUMBER),
    "call": Value(pgettext_lazy("audit value", "call"), "ref", "calls.call"),
    "erased": Value(pgettext_lazy("audit value", "personal data erased"), "fields"),
}

# The same key meaning something else in one action.
VALUES_BY_ACTION = {
    ("calls.problem.merge_followers", "from"):
        Value(pgettext_lazy("audit value", "merged problem"), "ref", "problems.problem"),
    ("review.assignment.run", "total"): Value(pgettext_lazy("audit value", "total affinity"), NUMBER),
    ("funding.plan.withdraw", "withdrawn"): Value(pgettext_lazy("audit value", "withdrawn"), BOOL),
    ("funding.plan.create", "lines"): Value(pgettext_lazy("audit value", "plan lines"), NUMBER),
    ("projects.progressreport.submit", "spent"):
        Value(pgettext_lazy("audit value", "spent by category up to the period's end"), "money_by",
              "applications.budgetline.category"),
    ("projects.progressreport.submit", "indicators"):
        Value(pgettext_lazy("audit value", "indicator values reached"), "mapping"),
    ("projects.progressreport.submit", "achievements"):
        Value(pgettext_lazy("audit value", "achievements cited"), TEXT),
    ("projects.progressreport.submit", "files"):
        Value(pgettext_lazy("audit value", "evidence files added"), TEXT),
    ("contracts.taskbook.revise", "amendment"):
        Value(pgettext_lazy("audit value", "change applied to the new version"), "mapping"),
    ("projects.acceptance.apply", "indicators"): Value(pgettext_lazy("audit value", "indicator values delivered"),
                                                       "mapping"),
    ("projects.acceptance.refile", "indicators"): Value(pgettext_lazy("audit value", "indicator values delivered"),
                                                        "mapping"),
    ("projects.acceptance.apply", "achievements"): Value(pgettext_lazy("audit value", "achievements cited"), TEXT),
    ("projects.acceptance.refile", "achievements"): Value(pgettext_lazy("audit value", "achievements cited"), TEXT),
    ("projects.acceptance.pass", "score"): Value(pgettext_lazy("audit value", "performance score"), NUMBER),
    ("projects.acceptance.close", "score"): Value(pgettext_lazy("audit value", "performance score"), NUMBER),
    ("projects.acceptance.fail", "score"): Value(pgettext_lazy("audit value", "performance score"), NUMBER),
    ("projects.acceptance.pass", "conditions"): Value(pgettext_lazy("audit value", "conditions"), TEXT),
    ("projects.acceptance.close", "conditions"): Value(pgettext_lazy("audit value", "conditions"), TEXT),
    ("projects.acceptance.fail", "conditions"): Value(pgettext_lazy("audit value", "conditions"), TEXT),
    ("projects.acceptanceexpert.add", "expert"): Value(pgettext_lazy("audit value", "expert"), TEXT),
    ("projects.acceptanceexpert.score", "score"): Value(pgettext_lazy("audit value", "the expert's score"),
                                                        NUMBER),
    ("contracts.taskbook.revise", "ends_on"): Value(pgettext_lazy("audit value", "end date"), TEXT),
    ("contracts.taskbook.revise", "targets"): Value(pgettext_lazy("audit value", "indicator targets"), "mapping"),
    **{(f"projects.changerequest.{step}", "change"): Value(pgettext_lazy("audit value", "the change"), TEXT)
       for step in ("submit", "endorse", "approve", "second")},
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
