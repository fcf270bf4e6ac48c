"""Writes on task books and disbursements (M17). Each runs in one transaction with its audit event; states
change only through core.workflow.move with the tables in states.py (a conditional update), so a double click or a
race cannot apply a step twice.

Money never exceeds the grant: an approval locks the project's row and re-counts the approved and paid
tranches inside the transaction, so two approvals at once queue and the second sees the first. Spending never
exceeds the money paid, in the same way: an expenditure locks the project's row and re-counts what was spent.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.applications.models import BudgetLine
from minsheng.contracts import bases, clauses, money, states
from minsheng.contracts.models import (
    Expenditure,
    TaskBook,
    TaskBookBudgetLine,
    TaskBookFundingLine,
    TaskBookIndicator,
    TaskBookMilestone,
    Tranche,
)
from minsheng.core import audit, clock, concurrency, workflow
from minsheng.core.money import WAN, wan
from minsheng.core.permissions import require, user_of
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.funding.models import Project
from minsheng.notifications import services as notifications

Book = TaskBook.State
Money = Tranche.State
CLAUSE = "M17"


def lock_project(pk: int) -> Project:
    """The project's row, locked for the rest of the transaction (only its own row on PostgreSQL: the lock
    must not reach the joined tables)."""
    queryset = Project.objects.all()
    if connection.features.has_select_for_update_of:
        queryset = queryset.select_for_update(of=("self",))
    else:
        queryset = queryset.select_for_update()
    return queryset.get(pk=pk)


# --- Generation ----------------------------------------------------------------------------------

# (code, Chinese name kept in the contract, application field, unit, shown in 万元)
INDICATORS = [
    ("patents", "发明专利申请", "expected_patents", "项", False),
    ("standards", "标准", "expected_standards", "项", False),
    ("products", "新产品", "expected_products", "个", False),
    ("sites", "示范点", "expected_sites", "个", False),
    ("people_served", "服务人数", "expected_people_served", "人", False),
    ("revenue", "新增销售收入", "expected_revenue", "万元", True),
]


def partner_entry(partner, contribution: str = "") -> dict:
    """A cooperation partner (registry.CooperationPartner, M22) as the task book keeps it."""
    return {"partner": partner.pk, "name": partner.name_zh, "region": partner.get_region_display(),
            "contribution": contribution}


def _default_split() -> list[dict]:
    return [{"condition": condition, "percent": percent} for condition, percent in money.DEFAULT_SPLIT]


@transaction.atomic
def issue(project: Project, *, by) -> TaskBook:
    """Generate version 1 of the project's task book from its approved application and money, as a draft."""
    require(by, "contracts.issue_task_book")
    project = lock_project(project.pk)
    if project.state != Project.State.APPROVED:
        raise ValidationError(_("Only an approved project that has not started gets a first task book."),
                              code="state")
    if TaskBook.objects.filter(project=project).exists():
        raise ValidationError(_("This project's task book has already been issued."), code="exists")
    funding = list(project.funding_lines.select_related("source").order_by("source__order", "pk"))
    if not funding:
        raise ValidationError(_("The project has no approved funding lines; its task book cannot be generated."),
                              code="funding")
    application = project.application
    total = sum((line.amount for line in funding), Decimal("0"))
    with translation.override("zh-hans"):
        book = TaskBook.objects.create(
            project=project, number=1, title=project.title or application.title, objectives=application.objectives,
            technical_route=application.technical_route, starts_on=application.starts_on,
            ends_on=application.ends_on, grant=project.grant,
            team=[{"name": m.person.name, "role": m.get_role_display(), "task": m.task, "time_share": m.time_share}
                  for m in application.team.select_related("person")],
            partners=[partner_entry(p.partner, p.contribution)
                      for p in application.partners.select_related("partner").order_by("pk")],
            ip_claims=[{"kind": c.kind, "ip_kind": c.get_ip_kind_display(),
                        "text": str(c.asset) if c.asset_id else f"{c.count} × {c.description}"}
                       for c in application.ip_claims.select_related("asset")],
            ip_clause=clauses.IP_CLAUSE, data_clause=clauses.DATA_CLAUSE, split=_default_split(),
            issued_by=by, issued_at=clock.now())
    requested = {line.category: line.amount for line in application.budget_lines.all()}
    if not requested:
        requested = {BudgetLine.Category.EQUIPMENT.value: Decimal("0")}
    scaled = money.scale_budget(requested, total)
    TaskBookBudgetLine.objects.bulk_create(
        TaskBookBudgetLine(task_book=book, category=category, amount=amount, requested=requested[category])
        for category, amount in scaled.items())
    TaskBookFundingLine.objects.bulk_create(
        TaskBookFundingLine(task_book=book, source=line.source, provider=line.provider, amount=line.amount)
        for line in funding)
    TaskBookMilestone.objects.bulk_create(
        TaskBookMilestone(task_book=book, title=m.title, due_on=m.due_on, deliverable=m.deliverable)
        for m in application.milestones.all())
    TaskBookIndicator.objects.bulk_create(
        TaskBookIndicator(task_book=book, code=code, name=name, unit=unit,
                          target=(getattr(application, field) / WAN) if in_wan
                          else Decimal(getattr(application, field)))
        for code, name, field, unit, in_wan in INDICATORS if getattr(application, field))
    audit.record(action="contracts.taskbook.issue", by=by, target=book,
                 new={"project": project.number, "version": 1, "total": str(total), "grant": str(project.grant),
                      "budget": {k: str(v) for k, v in scaled.items()}},
                 clause=CLAUSE, reason=_("Task book generated from the approved application"))
    notify_task_book(book)
    return book


@dataclass(frozen=True)
class Amendment:
    """What a new version changes in the signed one, applied to its copy (an approved change request brings it;
    contracts does not know the apps that decide changes). Each part left None keeps the signed version's.

    - budget: {category: amount in yuan} for the categories that change (the total must stay that of the funding);
    - ends_on: the new end date;
    - targets: {indicator code: new target};
    - team: the whole team list as the task book keeps it;
    - partners: the whole list of cooperation partners as the task book keeps it (partner_entry).
    """

    budget: dict | None = None
    ends_on: object = None
    targets: dict | None = None
    team: list | None = None
    partners: list | None = None

    def as_audit(self, names: dict | None = None) -> dict:
        """As the trail keeps it: indicator targets under the indicator's name in the task book ({code: name})."""
        names = names or {}
        parts = {"budget": {k: str(v) for k, v in self.budget.items()} if self.budget is not None else None,
                 "ends_on": self.ends_on.isoformat() if self.ends_on else None,
                 "targets": {names.get(k, k): str(v) for k, v in self.targets.items()}
                 if self.targets is not None else None,
                 "team": self.team, "partners": self.partners}
        return {k: v for k, v in parts.items() if v is not None}


def _amend(book: TaskBook, amendment: Amendment) -> None:
    if amendment.budget:
        lines = {line.category: line for line in book.budget_lines.all()}
        for category, amount in amendment.budget.items():
            if category in lines:
                TaskBookBudgetLine.objects.filter(pk=lines[category].pk).update(amount=amount)
            else:
                TaskBookBudgetLine.objects.create(task_book=book, category=category, amount=amount)
        message = totals_message(*totals(book))
        if message:
            raise ValidationError(message, code="totals")
    if amendment.targets:
        for code, target in amendment.targets.items():
            if not TaskBookIndicator.objects.filter(task_book=book, code=code).update(target=target):
                raise ValidationError(_("The task book has no indicator “%(code)s”.") % {"code": code},
                                      code="indicator")
    fields = {}
    if amendment.ends_on is not None:
        fields["ends_on"] = amendment.ends_on
    if amendment.team is not None:
        fields["team"] = amendment.team
    if amendment.partners is not None:
        fields["partners"] = amendment.partners
    if fields:
        TaskBook.objects.filter(pk=book.pk).update(**fields)
        for name, value in fields.items():
            setattr(book, name, value)


@transaction.atomic
def revise(task_book: TaskBook, *, by, reason: str, amendment: Amendment | None = None) -> TaskBook:
    """Start the next version from the signed one: a draft the applicant confirms and the officer signs again.
    With an amendment, the draft starts with that change applied (in the same transaction: all or nothing)."""
    require(by, "contracts.issue_task_book")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give the reason for the new version."), code="reason")
    lock_project(task_book.project_id)
    signed = TaskBook.objects.filter(pk=task_book.pk).first()
    if signed is None or signed.state != Book.SIGNED:
        raise ValidationError(_("Only the signed version of a task book can be changed into a new version."),
                              code="state")
    if TaskBook.objects.filter(project_id=signed.project_id, state__in=[Book.DRAFT, Book.CONFIRMED]).exists():
        raise ValidationError(_("A new version of this task book is already being prepared."), code="open")
    old_pk = signed.pk
    book = TaskBook.objects.get(pk=old_pk)
    book.pk = None
    book._state.adding = True
    book.number = signed.number + 1
    book.state, book.revision, book.change_reason = Book.DRAFT, 1, reason
    book.issued_by, book.issued_at = by, clock.now()
    book.confirmed_by = book.confirmed_at = book.signed_by = book.signed_at = book.pdf = None
    book.pdf_sha256 = ""
    book.save(force_insert=True)
    for model in (TaskBookBudgetLine, TaskBookFundingLine, TaskBookMilestone, TaskBookIndicator):
        rows = list(model.objects.filter(task_book_id=old_pk).order_by("pk"))
        for row in rows:
            row.pk, row.task_book = None, book
        model.objects.bulk_create(rows)
    changed = {}
    if amendment is not None:
        _amend(book, amendment)
        names = dict(TaskBookIndicator.objects.filter(task_book=book).values_list("code", "name"))
        changed = {"amendment": amendment.as_audit(names)}
    audit.record(action="contracts.taskbook.revise", by=by, target=book,
                 new={"project": signed.project.number, "version": book.number, "from": signed.number, **changed},
                 clause=CLAUSE, reason=reason)
    notify_task_book(book)
    return book


# --- Editing the draft ---------------------------------------------------------------------------

def _lock_draft(task_book: TaskBook, revision: int) -> TaskBook:
    locked = TaskBook.objects.select_for_update().select_related("project").get(pk=task_book.pk)
    if locked.state != Book.DRAFT:
        raise ValidationError(_("This task book is “%(state)s” and can no longer be changed.")
                              % {"state": locked.get_state_display()}, code="not_editable")
    concurrency.check_version(locked, revision, _(
        "%(who)s changed this task book at %(when)s, after you opened it. Nothing was confirmed or saved: "
        "reload the page, read the task book as it is now, and try again."), field="revision")
    return locked


def totals(task_book: TaskBook) -> tuple[Decimal, Decimal]:
    """(budget by category, funding by source), in yuan."""
    budget = task_book.budget_lines.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    funds = task_book.funding_lines.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return budget, funds


def totals_message(budget: Decimal, funds: Decimal) -> str:
    if budget == funds:
        return ""
    return _("The budget by category adds up to %(budget)s 万元 but the approved funding by source to %(funds)s "
             "万元; they must agree.") % {"budget": wan(budget, exact=True), "funds": wan(funds, exact=True)}


def _bump(locked: TaskBook) -> None:
    concurrency.bump(locked, field="revision")


@transaction.atomic
def save_budget(task_book: TaskBook, *, amounts: dict[str, Decimal], revision: int, by) -> TaskBook:
    """The applicant re-divides the budget by category (yuan); the total must stay that of the funding lines."""
    require(by, "contracts.change_budget", task_book.project)
    locked = _lock_draft(task_book, revision)
    lines = {line.category: line for line in locked.budget_lines.all()}
    unknown = set(amounts) - set(BudgetLine.Category.values)
    if unknown or any(v is None or v < 0 for v in amounts.values()):
        raise ValidationError(_("Each category needs an amount of zero or more."), code="invalid")
    new_total = sum(amounts.values(), Decimal("0"))
    _budget, funds = totals(locked)
    message = totals_message(new_total, funds)
    if message:
        raise ValidationError(message, code="totals")
    before = {c: str(line.amount) for c, line in lines.items()}
    for category, amount in amounts.items():
        if category in lines:
            if lines[category].amount != amount:
                TaskBookBudgetLine.objects.filter(pk=lines[category].pk).update(amount=amount)
        elif amount:
            TaskBookBudgetLine.objects.create(task_book=locked, category=category, amount=amount)
    after = {line.category: str(line.amount) for line in locked.budget_lines.all()}
    old, new = audit.changes(before, after)
    if new:
        _bump(locked)
        audit.record(action="contracts.taskbook.budget", by=by, target=locked, old=old, new=new, clause="M20",
                     reason=_("Budget by category"))
    task_book.refresh_from_db()
    return locked


@transaction.atomic
def set_split(task_book: TaskBook, *, percents: dict[str, int], revision: int, by) -> TaskBook:
    """The officer sets the tranches as shares of the grant per condition (zero leaves one out); 100 % in all."""
    require(by, "contracts.change_split")
    locked = _lock_draft(task_book, revision)
    if Tranche.objects.filter(project_id=locked.project_id).exists():
        raise ValidationError(_("The tranches of this project were fixed when its first task book was signed; "
                                "change them through a change request."), code="fixed")
    split = [{"condition": c, "percent": int(percents.get(c) or 0)} for c in Tranche.Condition.values
             if int(percents.get(c) or 0)]
    problem = money.check_split([s["percent"] for s in split])
    if problem:
        raise ValidationError(_("The tranches must together be exactly 100 %% of the grant (each between 1 and "
                                "100 %%); they add up to %(total)s %%.")
                              % {"total": sum(int(v or 0) for v in percents.values())}, code="split")
    if split != locked.split:
        old = locked.split
        TaskBook.objects.filter(pk=locked.pk).update(split=split)
        _bump(locked)
        audit.record(action="contracts.taskbook.split", by=by, target=locked, old={"split": old},
                     new={"split": split}, clause=CLAUSE, reason=_("Disbursement split"))
    task_book.refresh_from_db()
    return locked


# --- Confirmation and signature ------------------------------------------------------------------

@transaction.atomic
def confirm(task_book: TaskBook, *, revision: int, by) -> TaskBook:
    """The applicant confirms the version it read; a task book changed since then is refused (StaleVersion)."""
    require(by, "contracts.confirm_task_book", task_book.project)
    locked = _lock_draft(task_book, revision)
    message = totals_message(*totals(locked))
    if message:
        raise ValidationError(message, code="totals")
    workflow.move(locked, "confirm", by=by, reason=_("Confirmed by the applicant"), new={"revision": revision},
                  confirmed_by=user_of(by), confirmed_at=clock.now())
    task_book.refresh_from_db()
    return locked


def _refuse_below_spent(project: Project, book: TaskBook) -> None:
    """A version cannot be signed that budgets a category below the money already spent in it (M20)."""
    budget = {line.category: line.amount for line in book.budget_lines.all()}
    rows = (Expenditure.objects.filter(project=project).values("category").annotate(total=Sum("amount"))
            .order_by("category"))
    for row in rows:
        if row["total"] and row["total"] > budget.get(row["category"], Decimal("0")):
            label = BudgetLine.Category(row["category"]).label
            raise ValidationError(
                _("This version budgets %(budget)s 万元 for “%(category)s”, but %(spent)s 万元 have already been "
                  "spent in it. Nothing was signed.") % {
                    "budget": wan(budget.get(row["category"], 0), exact=True), "category": label,
                    "spent": wan(row["total"], exact=True)}, code="below_spent")


@transaction.atomic
def countersign(task_book: TaskBook, *, by) -> TaskBook:
    """The officer countersigns: the version is frozen as a PDF, the one signed before it is superseded, the
    project starts (approved → under way) and, on the first signature, its tranches are planned."""
    from minsheng.contracts import pdf

    require(by, "contracts.countersign_task_book")
    if getattr(by, "organisation_id", None):   # never the applicant's side, whatever its role says
        raise PermissionDenied(_("The applicant cannot countersign its own task book."))
    project = lock_project(task_book.project_id)
    locked = TaskBook.objects.select_for_update().get(pk=task_book.pk)
    if locked.state != Book.CONFIRMED:
        raise TransitionRefused(
            _("Only a task book the applicant has confirmed can be countersigned; this one is “%(state)s”.")
            % {"state": locked.get_state_display()}, code="state")
    _refuse_below_spent(project, locked)
    signed_at = clock.now()
    locked.signed_by, locked.signed_at = user_of(by), signed_at
    content = pdf.render(locked)
    digest = hashlib.sha256(content).hexdigest()
    previous = list(TaskBook.objects.filter(project=project, state=Book.SIGNED).exclude(pk=locked.pk))
    for old in previous:
        workflow.move(old, "supersede", by=by, new={"by_version": locked.number})
    workflow.move(locked, "sign", by=by, reason=_("Countersigned by the programme office"),
                  new={"version": locked.number, "pdf_sha256": digest}, signed_by=user_of(by), signed_at=signed_at,
                  pdf=content, pdf_sha256=digest)
    if project.state == Project.State.APPROVED:     # the first signature starts it (the row is locked)
        workflow.move(project, "start", by=by, reason=_("The task book was signed; the project is under way"))
    if not Tranche.objects.filter(project=project).exists():
        amounts = money.split_amounts(project.grant, [s["percent"] for s in locked.split])
        for order, (part, amount) in enumerate(zip(locked.split, amounts, strict=True), start=1):
            tranche = Tranche.objects.create(project=project, task_book=locked, order=order,
                                             condition=part["condition"], percent=part["percent"], amount=amount)
            audit.record(action="contracts.tranche.plan", by=by, target=tranche,
                         new={"order": order, "condition": part["condition"], "percent": part["percent"],
                              "amount": str(amount)}, clause=CLAUSE)
    task_book.refresh_from_db()
    return locked


# --- Disbursement --------------------------------------------------------------------------------

def committed(project: Project) -> Decimal:
    """The approved and paid money of the project, in yuan."""
    return (Tranche.objects.filter(project=project, state__in=states.COMMITTED)
            .aggregate(s=Sum("amount"))["s"] or Decimal("0"))


@transaction.atomic
def request_tranche(tranche: Tranche, *, by, note: str = "") -> Tranche:
    """An officer asks finance to pay a planned tranche; after signing, the basis must be written down."""
    require(by, "contracts.request_tranche")
    note = (note or "").strip()
    project = lock_project(tranche.project_id)
    locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
    # the acceptance tranche is paid after the verdict closed the project as accepted (M17)
    final = locked.condition == Tranche.Condition.ACCEPTANCE and project.state == Project.State.ACCEPTED
    if project.state != Project.State.UNDER_WAY and not final:
        raise ValidationError(_("Money is disbursed only once the task book is signed."), code="not_started")
    if locked.condition == Tranche.Condition.MIDTERM and project.call.midterm_check and not bases.applies(locked):
        raise ValidationError(_("This call holds a mid-term check (M17): the mid-term tranche is requested on "
                                "a passed check, which is not recorded here."), code="no_basis")
    if bases.applies(locked):
        note = bases.basis(locked)   # refuses without the recorded step; the step is the basis, not free text
    elif locked.condition != Tranche.Condition.SIGNING and not note:
        raise ValidationError(_("Say on what basis this tranche is due (for example the mid-term check or the "
                                "acceptance it follows)."), code="note")
    workflow.move(locked, "request", by=by, reason=note, new={"amount": str(locked.amount)},
                  requested_by=user_of(by), requested_at=clock.now(), request_note=note)
    notify_tranche_requested(locked, project)
    tranche.refresh_from_db()
    return locked


@transaction.atomic
def approve_tranche(tranche: Tranche, *, by) -> Tranche:
    """Finance approves a requested tranche: never the requester, never over the grant (re-counted under the
    project's row lock, so two approvals at once cannot both pass)."""
    require(by, "contracts.approve_tranche")
    project = lock_project(tranche.project_id)
    locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if locked.requested_by_id is not None and locked.requested_by_id == by.pk:
        raise PermissionDenied(_("You requested this tranche, so another person must approve it."))
    if locked.state != Money.REQUESTED:
        raise TransitionRefused(
            _("This tranche is now “%(state)s”, so it cannot be approved. Nothing was changed; reload the page.")
            % {"state": locked.get_state_display()}, code="stale")
    already = committed(project)
    if money.exceeds(project.grant, already, locked.amount):
        raise ValidationError(
            _("Approving %(amount)s 万元 would take the money approved and paid to %(total)s 万元, over the "
              "project's grant of %(grant)s 万元. Nothing was approved.")
            % {"amount": wan(locked.amount, exact=True), "total": wan(already + locked.amount, exact=True),
               "grant": wan(project.grant, exact=True)},
            code="over_grant")
    workflow.move(locked, "approve", by=by,
                  new={"amount": str(locked.amount), "committed": str(already + locked.amount),
                       "grant": str(project.grant)},
                  approved_by=user_of(by), approved_at=clock.now())
    tranche.refresh_from_db()
    return locked


@transaction.atomic
def return_tranche(tranche: Tranche, *, by, reason: str) -> Tranche:
    """Finance sends a requested tranche back to the officer (requested → planned) with the reason, which the
    officer reads on the project page before requesting it again."""
    require(by, "contracts.return_tranche")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the request goes back to the programme officer."), code="reason")
    lock_project(tranche.project_id)
    locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if locked.state != Money.REQUESTED:
        raise TransitionRefused(
            _("This tranche is now “%(state)s”, so it cannot be returned. Nothing was changed; reload the page.")
            % {"state": locked.get_state_display()}, code="stale")
    requester = locked.requested_by_id
    workflow.move(locked, "return", by=by, reason=reason,
                  old={"requested_by": requester, "requested_at": locked.requested_at,
                       "request_note": locked.request_note},
                  new={"amount": str(locked.amount)}, returned_by=user_of(by), returned_at=clock.now(),
                  return_reason=reason, requested_by=None, requested_at=None, request_note="")
    notify_tranche_returned(locked, requester)
    tranche.refresh_from_db()
    return locked


@transaction.atomic
def record_payment(tranche: Tranche, *, by, paid_on, reference: str) -> Tranche:
    """Finance records that an approved tranche was paid, with the date and the bank's reference."""
    require(by, "contracts.record_payment")
    reference = (reference or "").strip()
    if not reference or paid_on is None:
        raise ValidationError(_("Give the payment date and the bank reference."), code="required")
    locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if locked.approved_at and paid_on < timezone.localdate(locked.approved_at):
        raise ValidationError(_("A tranche cannot be paid before it was approved."), code="date")
    if paid_on > timezone.localdate(clock.now()):
        raise ValidationError(_("The payment date cannot be in the future."), code="date")
    workflow.move(locked, "pay", by=by, new={"paid_on": paid_on, "bank_reference": reference[:60],
                                             "amount": str(locked.amount)},
                  paid_on=paid_on, bank_reference=reference[:60], paid_recorded_by=user_of(by))
    tranche.refresh_from_db()
    return locked


def cancel_unpaid(project: Project, *, by, reason: str) -> list[Tranche]:
    """Cancel every tranche of the project not yet paid (planned, requested or approved): the project ended
    early, so no more money goes to it. Called inside the caller's transaction, with the project's row locked;
    one audit event per tranche."""
    return workflow.move_many(Tranche.objects.filter(project=project, state__in=states.UNPAID), "cancel", by=by,
                              reason=reason)


# --- Expenditure ---------------------------------------------------------------------------------

def _sum(queryset) -> Decimal:
    return (queryset.aggregate(s=Sum("amount"))["s"] or Decimal("0")).quantize(money.CENT)


def spent(project: Project) -> Decimal:
    """The money the project spent (reversals deducted), in yuan."""
    return _sum(Expenditure.objects.filter(project=project))


def paid(project: Project) -> Decimal:
    """The money paid to the project, in yuan."""
    return _sum(Tranche.objects.filter(project=project, state=Money.PAID))


def _signed_budget(project: Project) -> dict[str, Decimal]:
    book = TaskBook.objects.filter(project=project, state=Book.SIGNED).first()
    return {line.category: line.amount for line in book.budget_lines.all()} if book else {}


@transaction.atomic
def record_expenditure(project: Project, *, by, category: str, amount: Decimal, spent_on, description: str,
                       voucher: str = "") -> Expenditure:
    """The project's organisation or finance records money spent in a budget category. The rule (see the
    Expenditure model): only money received, only within the category's budget, dated between the first payment
    and today; the project's row is locked while the spending is re-counted."""
    require(by, "contracts.record_expenditure", project)
    description, voucher = (description or "").strip(), (voucher or "").strip()
    if not description or spent_on is None or amount is None:
        raise ValidationError(_("Give the date, the category, the amount and what the money was spent on."),
                              code="required")
    project = lock_project(project.pk)
    if project.state == Project.State.TERMINATED:
        raise ValidationError(_("This project was terminated: its spending was counted when the termination was "
                                "approved, and no more is recorded."), code="terminated")
    first_paid = (Tranche.objects.filter(project=project, state=Money.PAID).order_by("paid_on")
                  .values_list("paid_on", flat=True).first())
    if spent_on > timezone.localdate(clock.now()):
        raise ValidationError(_("The date of an expenditure cannot be in the future."), code="date")
    if first_paid is not None and spent_on < first_paid:
        raise ValidationError(_("Money is spent only after it was received: the project's first payment was on "
                                "%(date)s.") % {"date": first_paid.isoformat()}, code="date")
    budget = _signed_budget(project)
    received, already = paid(project), spent(project)
    in_category = _sum(Expenditure.objects.filter(project=project, category=category))
    problem = money.spending_problem(amount=amount, category=category, paid=received, spent=already,
                                     budget=budget, spent_in_category=in_category)
    if problem:
        raise ValidationError(_spending_message(problem, amount=amount, category=category, paid=received,
                                                spent=already, budget=budget, in_category=in_category),
                              code=problem)
    expenditure = Expenditure.objects.create(
        project=project, category=category, amount=amount, spent_on=spent_on, description=description[:300],
        voucher=voucher[:60], recorded_by=by, recorded_at=clock.now())
    audit.record(action="contracts.expenditure.record", by=by, target=expenditure,
                 new={"project": project.number, "category": category, "amount": str(expenditure.amount),
                      "spent_on": spent_on, "voucher": expenditure.voucher,
                      "spent": str(already + expenditure.amount), "paid": str(received)},
                 clause="M20", reason=expenditure.description)
    return expenditure


def _spending_message(problem: str, *, amount, category, paid, spent, budget, in_category) -> str:
    label = BudgetLine.Category(category).label if category in BudgetLine.Category.values else category
    if problem == "amount":
        return _("The amount spent must be more than zero.")
    if problem == "category":
        return _("The task book in force has no budget for “%(category)s”; money can be spent only in a budgeted "
                 "category.") % {"category": label}
    if problem == "paid":
        return _("Recording %(amount)s 万元 would take the money spent to %(total)s 万元, more than the %(paid)s 万元 "
                 "paid to the project so far. Only money received can be spent. Nothing was recorded.") % {
            "amount": wan(amount, exact=True), "total": wan(spent + amount, exact=True), "paid": wan(paid, exact=True)}
    return _("Recording %(amount)s 万元 would take the spending on “%(category)s” to %(total)s 万元, over its "
             "budget of %(budget)s 万元. Nothing was recorded.") % {
        "amount": wan(amount, exact=True), "category": label, "total": wan(in_category + amount, exact=True),
        "budget": wan(budget.get(category, 0), exact=True)}


@transaction.atomic
def reverse_expenditure(expenditure: Expenditure, *, by, reason: str) -> Expenditure:
    """Cancel a wrong record by a reversing one (the opposite amount, same category, dated today); records are
    never changed or deleted. A record is reversed at most once, and a reversal is never reversed."""
    require(by, "contracts.record_expenditure", expenditure.project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why this record is reversed."), code="reason")
    lock_project(expenditure.project_id)
    original = Expenditure.objects.select_for_update().get(pk=expenditure.pk)
    if original.is_reversal:
        raise ValidationError(_("A reversal cannot itself be reversed; record the right amount anew."),
                              code="reversal")
    if Expenditure.objects.filter(reverses=original).exists():
        raise ValidationError(_("This record has already been reversed."), code="reversed")
    reversal = Expenditure.objects.create(
        project_id=original.project_id, category=original.category, amount=-original.amount,
        spent_on=timezone.localdate(clock.now()), description=reason[:300], voucher=original.voucher,
        reverses=original, recorded_by=by, recorded_at=clock.now())
    audit.record(action="contracts.expenditure.reverse", by=by, target=reversal,
                 old={"expenditure": original.pk, "amount": str(original.amount)},
                 new={"category": original.category, "amount": str(reversal.amount), "reverses": original.pk},
                 clause="M20", reason=reason)
    return reversal


# --- Notifications (in the event's transaction; the mail is a job: notifications.services) ------------

def _notify(recipients, kind: str, subject: str, template: str, context: dict, *, target, url: str) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
    return notifications.notify(recipients, kind, subject, body, target=target, url=url)


def notify_task_book(book: TaskBook) -> int:
    """Tell the organisation's applicant users that a task book version waits for them to read and confirm."""
    project = book.project
    recipients = project.organisation.users.filter(role=Role.APPLICANT, is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Task book to confirm: %(number)s") % {"number": project.number}
    return _notify(recipients, "contracts.task_book", subject, "contracts/task_book_mail.txt",
                   {"book": book, "project": project, "grant": wan(book.grant, exact=True)},
                   target=book, url=reverse("contracts:task_book", args=[book.pk]))


def notify_tranche_requested(tranche: Tranche, project: Project) -> int:
    """Tell the finance officers that a tranche waits for their approval."""
    recipients = get_user_model().objects.filter(role=Role.FINANCE, is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Disbursement requested: %(number)s") % {"number": project.number}
    return _notify(recipients, "contracts.tranche_requested", subject, "contracts/tranche_requested_mail.txt",
                   {"tranche": tranche, "project": project, "amount": wan(tranche.amount, exact=True)},
                   target=tranche, url=reverse("contracts:finance_queue"))


def notify_tranche_returned(tranche: Tranche, requester_id: int | None) -> int:
    """Tell the officer who requested a tranche that finance sent it back, and why."""
    recipients = get_user_model().objects.filter(pk=requester_id, is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Disbursement request returned: %(number)s") % {"number": tranche.project.number}
    return _notify(recipients, "contracts.tranche_returned", subject, "contracts/tranche_returned_mail.txt",
                   {"tranche": tranche, "amount": wan(tranche.amount, exact=True)},
                   target=tranche, url=reverse("contracts:project", args=[tranche.project_id]))
