"""The formal check's writes: start it, decide, override failed rules, comment. Each is one transaction with
its audit events (clause M17 for the decision, the rule's own clause for an override); state changes go through
core.workflow.move (the table is in states.py), a conditional update, so two officers deciding at once cannot both
win."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.applications.models import Application, Comment, RuleResult
from minsheng.calls.models import Call
from minsheng.checks import rules  # noqa: F401  (rules registers the permissions)
from minsheng.checks.models import CheckDecision
from minsheng.checks.queries import application_results
from minsheng.core import audit, clock, workflow
from minsheng.core.permissions import require
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.notifications import services as notifications

State = Application.State
Decision = CheckDecision.Decision
REASON_MAX = 2000


def start_check(call: Call, *, by) -> int:
    """Move the call's submitted applications to the formal check; from then on they cannot be withdrawn.

    Returns how many moved. An application withdrawn at the same moment simply stays withdrawn.
    """
    require(by, "applications.decide_formal_check")
    moved = 0
    with transaction.atomic():
        for application in Application.objects.filter(call=call, state=State.SUBMITTED).order_by("pk"):
            try:
                workflow.move(application, "start_check", by=by, reason=_("Formal check started"))
            except TransitionRefused:
                continue
            moved += 1
    return moved


def decide(application: Application, *, by, decision: str, reason: str = "", deadline: datetime | None = None,
           overrides: dict[int, str] | None = None, notify: bool = True) -> CheckDecision:
    """Pass, return for correction (reason and a future deadline) or reject (reason) one application.

    Passing with failed rules of the latest round needs a written reason per failed rule (`overrides`: rule
    result id -> reason); each override is marked on the result and audited with the rule's clause. The
    applicant organisation's applicant users are notified in the decision's transaction, and mailed as each chose
    once it commits (unless `notify` is false).
    """
    require(by, "applications.decide_formal_check", application)
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Choose pass, return for correction or reject.")]})
    reason = (reason or "").strip()[:REASON_MAX]
    overrides = {int(k): (v or "").strip()[:REASON_MAX] for k, v in (overrides or {}).items()}
    errors = {}
    if decision in (Decision.RETURN, Decision.REJECT) and not reason:
        errors["reason"] = [_("Give the reason: the applicant reads it in the notice.")]
    if decision == Decision.RETURN:
        if deadline is None:
            errors["deadline"] = [_("Set the deadline for the correction.")]
        elif deadline <= clock.now():
            errors["deadline"] = [_("The correction deadline must be in the future.")]
    elif deadline is not None:
        deadline = None
    failed = [r for r in application_results(application) if not r.passed and r.overridden_by_id is None]
    if decision == Decision.PASS:
        missing = [r for r in failed if not overrides.get(r.pk)]
        if missing:
            errors["overrides"] = [
                _("Passing an application with a failed rule needs a written reason for each: %(rules)s.")
                % {"rules": "、".join(f"{r.clause_code} {r.rule.template.name}" for r in missing)}]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        workflow.move(application, f"check_{decision}", by=by, reason=reason or _("Passed the formal check"),
                      new={"deadline": deadline.isoformat() if deadline else ""}, state_reason=reason,
                      correction_deadline=deadline if decision == Decision.RETURN else None)
        if decision == Decision.PASS:
            for result in failed:
                changed = RuleResult.objects.filter(pk=result.pk, overridden_by__isnull=True).update(
                    overridden_by=by, override_reason=overrides[result.pk])
                if not changed:    # the move already serialised deciders; this keeps the row honest
                    raise TransitionRefused(_("Someone else overrode this rule first. Nothing was changed."))
                audit.record(action="applications.ruleresult.override", by=by, target=application,
                             old={"rule": result.rule.template.code, "passed": False},
                             new={"overridden": True, "round": result.round}, reason=overrides[result.pk],
                             clause=result.clause_code)
        record = CheckDecision.objects.create(application=application, decision=decision, reason=reason,
                                              deadline=deadline, decided_by=by)
        if notify:
            notify_decision(record)
    return record


def comment(application: Application, *, by, text: str) -> Comment:
    require(by, "applications.comment_on_application", application)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the comment first.")]})
    if len(text) > REASON_MAX:
        raise ValidationError({"text": [_("A comment has at most %(n)s characters.") % {"n": REASON_MAX}]})
    with transaction.atomic():
        note = Comment.objects.create(application=application, author=by, text=text)
        audit.record(action="applications.comment.create", by=by, target=application, new={"text": text},
                     reason=_("Comment on an application"), clause="M05")
    return note


def notify_decision(decision: CheckDecision) -> int:
    """Tell the applicant organisation's applicant users the decision, in Chinese, with every rule's result: a
    notification each and, as each chose, a mail (in the decision's transaction)."""
    application = decision.application
    recipients = application.organisation.users.filter(role=Role.APPLICANT, is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"decision": decision, "application": application, "results": application_results(application),
                   "deadline": timezone.localtime(decision.deadline) if decision.deadline else None}
        subject = _("Formal check of %(number)s: %(decision)s") % {
            "number": application.number, "decision": decision.get_decision_display()}
        body = render_to_string("checks/decision_mail.txt", context)
    return notifications.notify(recipients, "checks.decision", subject, body, target=decision,
                  url=reverse("applications:detail", args=[application.pk]))
