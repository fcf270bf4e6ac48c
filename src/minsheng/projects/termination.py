"""Termination of a project and recovery of its funds (终止与经费追回, M17).

A termination is asked for by the project's organisation (`request_termination`) or proposed by a programme
officer (`propose_termination`, possibly acting on a mid-term check that proposed it); an officer proposes a
request (naming the grounds) or declines it; another officer than the proposer approves or rejects the proposal
(four eyes, states.TERMINATION). Approving, in one transaction under the project's row lock:

- the termination moves to approved with the money fixed on it (`recoverable`: the unspent money, paid − spent,
  plus the misused amounts the proposer identified, never more than paid);
- the project moves to terminated (funding.states.PROJECT "terminate");
- its unpaid tranches are cancelled (contracts.services.cancel_unpaid);
- a recovery (经费追回) is opened for the money to be paid back, with its due date, when there is any;
- on a failure of duty (failed mid-term check or acceptance, misconduct), when the approving officer ticks it
  and gives the reason, the registry's debarment record of the organisation and/or the project lead.

Finance records receipts against a recovery (`record_receipt`): append-only, never more than what is still owed;
the recovery is settled when the receipts reach its amount. Every refusal is a ValidationError with a clear
message, and nothing of the refused step is written.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.contracts import services as contracts
from minsheng.contracts.services import lock_project
from minsheng.core import audit, clock, workflow
from minsheng.core.money import wan
from minsheng.core.permissions import require, user_of
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.notifications import services as notifications
from minsheng.projects.models import (
    CLAUSE_OF_GROUNDS,
    MidtermCheck,
    MisusedAmount,
    Recovery,
    RecoveryReceipt,
    Termination,
)
from minsheng.projects.rules import TERMINABLE
from minsheng.registry.models import Debarment

CLAUSE = "M17"
ZERO = Decimal("0")
End = Termination.State
Grounds = Termination.Grounds


@dataclass(frozen=True)
class Misused:
    """A misused amount the officer identified: yuan, and why it counts as misused."""

    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Recoverable:
    """The money of a terminated project, in yuan: paid, spent, the unspent part, the misused part, and what is to
    be paid back (unspent + misused)."""

    paid: Decimal
    spent: Decimal
    misused: Decimal

    @property
    def unspent(self) -> Decimal:
        return max(self.paid - self.spent, ZERO)

    @property
    def total(self) -> Decimal:
        return self.unspent + self.misused


def recoverable(paid: Decimal, spent: Decimal, misused: Decimal = ZERO) -> Recoverable:
    """The one computation of what a terminated project pays back (M17): the unspent money (paid − spent) plus
    the misused amounts; refused when that is more than was paid (misused money is money spent, so it can be at
    most what was spent)."""
    money = Recoverable(paid=Decimal(paid), spent=Decimal(spent), misused=Decimal(misused))
    if money.misused < 0:
        raise ValidationError(_("A misused amount cannot be negative."), code="misused")
    if money.total > money.paid:
        raise ValidationError(
            _("The unspent money (%(unspent)s 万元) and the misused amounts (%(misused)s 万元) come to "
              "%(total)s 万元, more than the %(paid)s 万元 paid to the project: a recovery is never larger than "
              "what was paid, and misused money is at most what was spent (%(spent)s 万元). Nothing was saved.")
            % {"unspent": wan(money.unspent, exact=True), "misused": wan(money.misused, exact=True),
               "total": wan(money.total, exact=True), "paid": wan(money.paid, exact=True),
               "spent": wan(money.spent, exact=True)},
            code="over_paid")
    return money


def money_now(project: Project, misused: Decimal = ZERO) -> Recoverable:
    """What the project would pay back if its termination were approved now (the pages' preview)."""
    return recoverable(contracts.paid(project), contracts.spent(project), misused)


def _clean_misused(lines) -> list[Misused]:
    cleaned = []
    for line in lines or []:
        reason = (line.reason or "").strip()
        if line.amount is None or line.amount <= 0:
            raise ValidationError(_("A misused amount must be more than zero."), code="misused")
        if not reason:
            raise ValidationError(_("Say why each misused amount counts as misused."), code="misused_reason")
        cleaned.append(Misused(amount=Decimal(line.amount), reason=reason[:500]))
    return cleaned


def _check_project(project: Project) -> None:
    if project.state not in TERMINABLE:
        raise ValidationError(_("This project is “%(state)s”; only an approved project, one under way or one that "
                                "failed acceptance can be terminated.") % {"state": project.get_state_display()},
                              code="state")
    if Termination.objects.filter(project=project, state__in=Termination.OPEN).exists():
        raise ValidationError(_("A termination of this project is already open; it is decided before another can "
                                "be started. Nothing was saved."), code="open")


def _create(project: Project, **fields) -> Termination:
    try:
        with transaction.atomic():
            return Termination.objects.create(project=project, **fields)
    except IntegrityError:   # the partial unique index: another one was opened at the same moment
        raise ValidationError(_("A termination of this project is already open; it is decided before another can "
                                "be started. Nothing was saved."), code="open") from None


@transaction.atomic
def request_termination(project: Project, *, by, reason: str) -> Termination:
    """The organisation asks for its project to be ended (grounds: its own request), with its reason."""
    require(by, "projects.request_termination")
    project = lock_project(project.pk)
    require(by, "projects.view", project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the organisation asks for the project to be terminated."), code="reason")
    _check_project(project)
    require(by, "projects.request_termination", project)
    termination = _create(project, state=End.REQUESTED, grounds=Grounds.REQUEST, reason=reason,
                          requested_by=user_of(by), requested_at=clock.now())
    audit.record(action="projects.termination.request", by=by, target=termination,
                 new={"state": End.REQUESTED, "grounds": Grounds.REQUEST}, reason=reason,
                 clause=CLAUSE_OF_GROUNDS[Grounds.REQUEST])
    return termination


def _save_misused(termination: Termination, lines: list[Misused]) -> None:
    MisusedAmount.objects.bulk_create(MisusedAmount(termination=termination, amount=line.amount,
                                                    reason=line.reason) for line in lines)


def _misused_total(lines: list[Misused]) -> str:
    """The misused amounts' sum, as the audit event records it (the lines themselves are rows)."""
    return str(sum((line.amount for line in lines), ZERO))


@transaction.atomic
def propose_termination(project: Project, *, by, grounds: str, reason: str, misused=(),
                        from_midterm: bool = False) -> Termination:
    """A programme officer proposes to end the project, on its grounds (each citing its clause) with the reason
    and any misused amounts; another officer decides. `from_midterm` acts on the project's mid-term check that
    proposed termination (the grounds are then the failed mid-term check)."""
    require(by, "projects.propose_termination")
    project = lock_project(project.pk)
    reason = (reason or "").strip()
    if grounds not in Grounds.values:
        raise ValidationError(_("Choose the grounds for the termination."), code="grounds")
    if not reason:
        raise ValidationError(_("Give the reason for terminating the project."), code="reason")
    check = None
    if from_midterm:
        check = MidtermCheck.objects.filter(project=project, result=MidtermCheck.Result.TERMINATE).first()
        if check is None:
            raise ValidationError(_("This project has no mid-term check proposing termination."), code="no_check")
        if grounds != Grounds.MIDTERM:
            raise ValidationError(_("A termination acting on the mid-term check is on the grounds of the failed "
                                    "mid-term check."), code="grounds")
    lines = _clean_misused(misused)
    _check_project(project)
    money_now(project, sum((line.amount for line in lines), ZERO))     # refuses a recovery over what was paid
    termination = _create(project, state=End.PROPOSED, grounds=grounds, reason=reason, midterm_check=check,
                          proposed_by=user_of(by), proposed_at=clock.now())
    _save_misused(termination, lines)
    audit.record(action="projects.termination.propose", by=by, target=termination,
                 new={"state": End.PROPOSED, "grounds": grounds, "misused": _misused_total(lines),
                      "midterm_check": check.pk if check else None},
                 reason=reason, clause=CLAUSE_OF_GROUNDS[grounds])
    return termination


def _lock(termination: Termination) -> tuple[Termination, Project]:
    project = lock_project(termination.project_id)
    return Termination.objects.select_for_update().get(pk=termination.pk), project


@transaction.atomic
def endorse_request(termination: Termination, *, by, grounds: str = Grounds.REQUEST, review: str = "",
                    misused=()) -> Termination:
    """An officer reviews the organisation's request and proposes it to a second officer, naming the grounds
    (the request itself, or a failure found meanwhile) and any misused amounts."""
    require(by, "projects.propose_termination")
    locked, project = _lock(termination)
    if grounds not in Grounds.values:
        raise ValidationError(_("Choose the grounds for the termination."), code="grounds")
    lines = _clean_misused(misused)
    review = (review or "").strip()
    if locked.state == End.REQUESTED:
        money_now(project, sum((line.amount for line in lines), ZERO))
    workflow.move(locked, "propose", by=by, reason=review or locked.reason, clause=CLAUSE_OF_GROUNDS.get(grounds, ""),
                  new={"grounds": grounds, "misused": _misused_total(lines)},
                  grounds=grounds, proposed_by=user_of(by), proposed_at=clock.now())
    _save_misused(locked, lines)
    return locked


@transaction.atomic
def decline_request(termination: Termination, *, by, reason: str) -> Termination:
    """An officer declines the organisation's request, with the reason the organisation reads."""
    require(by, "projects.propose_termination")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the request is declined; the organisation reads it."), code="reason")
    locked, _project = _lock(termination)
    workflow.move(locked, "decline", by=by, reason=reason, decided_by=user_of(by), decided_at=clock.now(),
                  decision_reason=reason)
    return locked


@transaction.atomic
def reject_termination(termination: Termination, *, by, reason: str) -> Termination:
    """The second officer rejects the proposal, with the reason: the project goes on as it was."""
    require(by, "projects.decide_termination")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the termination is rejected."), code="reason")
    locked, _project = _lock(termination)
    workflow.move(locked, "reject", by=by, reason=reason, decided_by=user_of(by), decided_at=clock.now(),
                  decision_reason=reason)
    return locked


@dataclass(frozen=True)
class Debar:
    """The approving officer's choice to record a debarment on a failure of duty: whom, why, until when."""

    organisation: bool = False
    lead: bool = False
    reason: str = ""
    until: object = None      # a date, or None: until lifted


@transaction.atomic
def approve_termination(termination: Termination, *, by, reason: str, due_on=None,
                        debar: Debar | None = None) -> Termination:
    """The second officer approves: the project is terminated, its unpaid tranches cancelled, the money to be
    paid back fixed and a recovery opened with `due_on`; on a failure of duty, the debarment chosen."""
    require(by, "projects.decide_termination")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for approving the termination."), code="reason")
    locked, project = _lock(termination)
    debar = debar or Debar()
    if workflow.workflow_of(locked).can(locked, "approve") and project.state not in TERMINABLE:
        raise ValidationError(_("This project is “%(state)s”; it can no longer be terminated.")
                              % {"state": project.get_state_display()}, code="state")
    money = recoverable(contracts.paid(project), contracts.spent(project), locked.misused)
    today = clock.today()
    if money.total > 0 and due_on is None:
        raise ValidationError(_("Give the date by which the %(amount)s 万元 are to be paid back.")
                              % {"amount": wan(money.total, exact=True)}, code="due_on")
    if money.total > 0 and due_on <= today:
        raise ValidationError(_("The date for paying the money back must be after today."), code="due_on")
    wants_debarment = debar.organisation or debar.lead
    debar_reason = (debar.reason or "").strip()
    if wants_debarment:
        if locked.grounds not in Termination.DUTY_FAILURES:
            raise ValidationError(_("A debarment is recorded only on a failure of duty (a failed mid-term check "
                                    "or acceptance, or misconduct), not on these grounds."), code="debar_grounds")
        if not debar_reason:
            raise ValidationError(_("Give the reason for the debarment; it is shown where the debarment is read."),
                                  code="debar_reason")
        if debar.lead and project.lead_id is None:
            raise ValidationError(_("This project names no lead to debar."), code="debar_lead")
        if debar.until is not None and debar.until <= today:
            raise ValidationError(_("A debarment ends after today, or is left open until lifted."),
                                  code="debar_until")
    workflow.move(locked, "approve", by=by, reason=reason, clause=locked.clause,
                  new={"paid": str(money.paid), "spent": str(money.spent), "misused": str(money.misused),
                       "to_recover": str(money.total)},
                  decided_by=user_of(by), decided_at=clock.now(), decision_reason=reason, paid=money.paid,
                  spent=money.spent, to_recover=money.total)
    workflow.move(project, "terminate", by=by, reason=reason, clause=locked.clause,
                  new={"grounds": locked.grounds})
    contracts.cancel_unpaid(project, by=by, reason=reason)
    if money.total > 0:
        recovery = Recovery.objects.create(termination=locked, project=project, amount=money.total, due_on=due_on,
                                           recorded_by=user_of(by), recorded_at=clock.now())
        audit.record(action="projects.recovery.open", by=by, target=recovery,
                     new={"amount": str(money.total), "due_on": due_on, "unspent": str(money.unspent),
                          "misused": str(money.misused)}, reason=reason, clause=CLAUSE)
        _announce_recovery(recovery)
    if wants_debarment:
        who = ([{"organisation": project.organisation}] if debar.organisation else []) + (
            [{"person": project.lead}] if debar.lead else [])
        for party in who:
            record = Debarment.objects.create(reason=debar_reason, clause=locked.clause, starts_on=today,
                                              ends_on=debar.until, recorded_by=user_of(by), **party)
            locked.debarments.add(record)
            audit.record(action="registry.debarment.record", by=by, target=record,
                         new={"project": project.number, "grounds": locked.grounds, "starts_on": today,
                              "ends_on": debar.until}, reason=debar_reason, clause=locked.clause)
    locked.refresh_from_db()
    return locked


def _announce_recovery(recovery: Recovery) -> int:
    """Finance collects the money and the auditors watch it come back: each is told, in the decision's
    transaction."""
    recipients = get_user_model().objects.filter(role__in=[Role.FINANCE, Role.AUDITOR], is_active=True)
    values = {"number": recovery.project.number, "amount": wan(recovery.amount, exact=True),
              "due": recovery.due_on.isoformat()}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Funds to recover: %(number)s") % values
        body = _("Project %(number)s was terminated; %(amount)s 万元 are to be paid back by %(due)s.") % values
    return notifications.notify(recipients, "projects.recovery_opened", subject, body, target=recovery,
                                url=reverse("projects:recoveries"))


# --- Recovery of funds (经费追回) ------------------------------------------------------------------

def received(recovery: Recovery) -> Decimal:
    return RecoveryReceipt.objects.filter(recovery=recovery).aggregate(s=Sum("amount"))["s"] or ZERO


@transaction.atomic
def record_receipt(recovery: Recovery, *, by, amount, received_on, bank_reference: str) -> RecoveryReceipt:
    """Finance records money paid back against a recovery: never more than is still owed; the recovery is settled
    when the receipts reach its amount. Receipts are never changed or deleted."""
    require(by, "projects.record_receipt")
    reference = (bank_reference or "").strip()
    if amount is None or received_on is None or not reference:
        raise ValidationError(_("Give the amount received, the date and the bank reference."), code="required")
    if amount <= 0:
        raise ValidationError(_("The amount received must be more than zero."), code="amount")
    lock_project(recovery.project_id)
    locked = Recovery.objects.select_for_update().select_related("termination").get(pk=recovery.pk)
    if received_on > clock.today():
        raise ValidationError(_("The date received cannot be in the future."), code="date")
    decided = timezone.localdate(locked.recorded_at)
    if received_on < decided:
        raise ValidationError(_("Money is paid back after the termination was approved, on %(date)s.")
                              % {"date": decided.isoformat()}, code="date")
    already = received(locked)
    owed = locked.amount - already
    if owed <= 0:
        raise ValidationError(_("This recovery is already settled; nothing more is owed."), code="settled")
    if amount > owed:
        raise ValidationError(
            _("%(amount)s 万元 is more than the %(owed)s 万元 still owed on this recovery (%(total)s 万元, of which "
              "%(received)s 万元 already received). Nothing was recorded.")
            % {"amount": wan(amount, exact=True), "owed": wan(owed, exact=True),
               "total": wan(locked.amount, exact=True), "received": wan(already, exact=True)},
            code="over_owed")
    receipt = RecoveryReceipt.objects.create(recovery=locked, amount=amount, received_on=received_on,
                                             bank_reference=reference[:60], recorded_by=user_of(by),
                                             recorded_at=clock.now())
    settled = already + amount == locked.amount
    if settled:
        Recovery.objects.filter(pk=locked.pk).update(settled_on=received_on)
    audit.record(action="projects.recovery.receive", by=by, target=locked,
                 new={"amount": str(amount), "received_on": received_on, "bank_reference": receipt.bank_reference,
                      "received": str(already + amount), "settled": settled}, clause=CLAUSE)
    recovery.refresh_from_db()
    return receipt
