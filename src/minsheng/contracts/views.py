"""Task books and disbursements (M17): the projects, one project with its versions, tranches, budget, paid and
spent by category and its expenditures, one version of its task book with the steps its reader may take, the
signed PDFs, finance's queue, the overview per call and per source, and a call's disbursements and expenditures
in Excel. Thin: scope from queries, permissions from rules, writes from services."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minsheng.calls.models import Call
from minsheng.contracts import bases, queries, services, states
from minsheng.contracts.forms import (
    BudgetForm,
    ExpenditureForm,
    PaymentForm,
    RequestForm,
    ReturnForm,
    ReverseForm,
    ReviseForm,
    SplitForm,
)
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core import audit, clock, listing, once
from minsheng.core.exports import export_response
from minsheng.core.money import in_wan, wan
from minsheng.core.permissions import allowed, require
from minsheng.funding.models import Project

Book = TaskBook.State
# The acceptance states an officer acts on (projects/states.py ACCEPTANCE), by name: the projects app builds on
# this one, so it is not imported here.
ACCEPTANCE_STATES = ("applied", "review")


def _project(request, pk) -> Project:
    require(request.user, "contracts.view_project")
    return get_object_or_404(queries.projects_for(request.user), pk=pk)


def _book(request, pk) -> TaskBook:
    require(request.user, "contracts.view_project")
    return get_object_or_404(queries.task_books_for(request.user), pk=pk)


def _tranche(request, pk, perm) -> Tranche:
    require(request.user, perm)
    return get_object_or_404(queries.tranches_for(request.user), pk=pk)


def _refused(request, error: ValidationError | PermissionDenied) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or _("You may not do "
                                                                                                 "this."))
    messages.error(request, text)


@require_safe
@login_required
def project_list(request):
    require(request.user, "contracts.view_project")
    projects = queries.projects_for(request.user)
    book = request.GET.get("book", "")
    if book in Book.values:   # the inbox's link: the projects with a task book in this state
        projects = projects.filter(task_books__state=book).distinct()
    acceptance = request.GET.get("acceptance", "")
    if acceptance in ACCEPTANCE_STATES:   # the inbox's link: the projects whose acceptance waits in this state
        projects = projects.filter(acceptance__state=acceptance)
    # A page of projects at a time: a city has thousands, and each row reads its books and money.
    page = listing.page_of(request, projects.prefetch_related("task_books").order_by("-approved_at", "pk"))
    projects = list(page.object_list)
    sums, spending = queries.tranche_sums(projects), queries.spent_sums(projects)
    rows = [(p, queries.current_book(p), sums.get(p.pk, {}).get("paid", 0), spending.get(p.pk, 0)) for p in projects]
    return render(request, "contracts/project_list.html", {"rows": rows, "page_obj": page})


def _signed_book(project: Project) -> TaskBook | None:
    return project.task_books.filter(state=Book.SIGNED).first()


def _spending_categories(book: TaskBook | None) -> list[tuple[str, str]]:
    return [(line.category, line.get_category_display()) for line in book.budget_lines.all() if line.amount > 0] \
        if book else []


def _with_steps(user, tranches) -> list[Tranche]:
    """The tranches, each with the steps of its table the user may take now (`tranche.steps.approve`), which its
    buttons ask: the state, the permission and four eyes are the table's (contracts/states.py)."""
    tranches = list(tranches)
    for tranche in tranches:
        tranche.steps = states.TRANCHE.steps_for(user, tranche)
        tranche.cites_basis = bases.applies(tranche)   # the basis is a recorded step (the mid-term check)
    return tranches


def _project_page(request, project: Project, *, expenditure_form=None, status=200):
    books = list(project.task_books.select_related("issued_by", "confirmed_by", "signed_by").order_by("-number"))
    current = queries.current_book(project)
    signed = next((b for b in books if b.state == Book.SIGNED), None)
    money = queries.money_of(project)
    categories = queries.by_category(current, money.paid, project)
    expenditures = list(project.expenditures.select_related("recorded_by", "reverses").order_by("-spent_on", "-pk"))
    reversed_ids = {e.reverses_id for e in expenditures if e.reverses_id}
    user = request.user
    can_spend = (allowed(user, "contracts.record_expenditure", project) and signed is not None
                 and money.paid > money.spent)
    return render(request, "contracts/project_detail.html", {
        "project": project, "books": books, "current": current, "money": money, "categories": categories,
        "budget_total": sum((row.budget for row in categories), Decimal("0")),
        "chart": {"labels": [row.label for row in categories],
                  "series": [[float(in_wan(getattr(row, kind))) for row in categories]
                             for kind in ("budget", "paid", "spent")]},
        "funding": project.funding_lines.select_related("source"),
        "tranches": _with_steps(user, project.tranches.select_related("project", "requested_by", "approved_by",
                                                                      "returned_by").order_by("order")),
        "expenditures": [(e, e.pk in reversed_ids) for e in expenditures],
        "can_issue": allowed(user, "contracts.issue_first_task_book", project),
        "can_spend": can_spend,
        "can_reverse": allowed(user, "contracts.record_expenditure", project),
        "request_form": RequestForm(), "payment_form": PaymentForm(initial={"paid_on": clock.today()}),
        "expenditure_form": expenditure_form or ExpenditureForm(
            project=project, categories=_spending_categories(signed), initial={"spent_on": clock.today()}),
    }, status=status)


@require_safe
@login_required
def project_detail(request, pk: int):
    return _project_page(request, _project(request, pk))


@require_POST
@login_required
def issue(request, pk: int):
    require(request.user, "contracts.issue_task_book")
    project = _project(request, pk)
    try:
        book = services.issue(project, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("contracts:project", pk=project.pk)
    messages.success(request, _("The task book was issued as a draft; the applicant can now review and confirm it."))
    return redirect("contracts:task_book", pk=book.pk)


def _book_page(request, book, *, budget_form=None, split_form=None, revise_form=None, status=200):
    user = request.user
    budget_total, funds_total = services.totals(book)
    history = list(audit.history_for(book).order_by("-seq")[:50])
    return render(request, "contracts/task_book.html", {
        "book": book, "project": book.project, "history": history,
        "budget": book.budget_lines.all(), "funding": book.funding_lines.select_related("source"),
        "budget_total": budget_total, "funds_total": funds_total,
        "totals_message": services.totals_message(budget_total, funds_total),
        "conditions": dict(Tranche.Condition.choices),
        "can_edit_budget": allowed(user, "contracts.edit_draft_budget", book),
        "can_confirm": allowed(user, "contracts.taskbook.confirm", book),
        "can_split": allowed(user, "contracts.edit_draft_split", book),
        "can_sign": allowed(user, "contracts.taskbook.sign", book),
        "can_revise": allowed(user, "contracts.revise_task_book", book),
        "budget_form": budget_form or BudgetForm(task_book=book),
        "split_form": split_form or SplitForm(task_book=book),
        "revise_form": revise_form or ReviseForm(),
    }, status=status)


@require_safe
@login_required
def task_book(request, pk: int):
    return _book_page(request, _book(request, pk))


def _book_form(request, pk: int, *, perm: str, form_class, form_key: str, save, done: str):
    """A form on the draft task book: the page again with the errors (400) or the service's refusal (409), or
    back to the task book with `done`."""
    require(request.user, perm)
    book = _book(request, pk)
    require(request.user, perm, book.project)
    form = form_class(request.POST, task_book=book)
    if not form.is_valid():
        return _book_page(request, book, status=400, **{form_key: form})
    try:
        save(book, form)
    except ValidationError as error:
        _refused(request, error)
        return _book_page(request, book, status=409, **{form_key: form})
    messages.success(request, done)
    return redirect("contracts:task_book", pk=book.pk)


@require_POST
@login_required
def budget(request, pk: int):
    return _book_form(request, pk, perm="contracts.change_budget", form_class=BudgetForm, form_key="budget_form",
                      save=lambda book, form: services.save_budget(
                          book, amounts=form.amounts(), revision=form.cleaned_data["revision"], by=request.user),
                      done=_("The budget by category was saved."))


@require_POST
@login_required
def split(request, pk: int):
    return _book_form(request, pk, perm="contracts.change_split", form_class=SplitForm, form_key="split_form",
                      save=lambda book, form: services.set_split(
                          book, percents=form.percents(), revision=form.cleaned_data["revision"], by=request.user),
                      done=_("The disbursement split was saved."))


@require_POST
@login_required
def confirm(request, pk: int):
    require(request.user, "contracts.confirm_task_book")
    book = _book(request, pk)
    require(request.user, "contracts.confirm_task_book", book.project)
    revision = request.POST.get("revision", "")
    try:
        services.confirm(book, revision=int(revision) if revision.isdigit() else 0, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("contracts:task_book", pk=book.pk)
    messages.success(request, _("You confirmed the task book; the programme office will countersign it."))
    return redirect("contracts:task_book", pk=book.pk)


@require_POST
@login_required
def countersign(request, pk: int):
    require(request.user, "contracts.countersign_task_book")
    book = _book(request, pk)
    try:
        services.countersign(book, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return redirect("contracts:task_book", pk=book.pk)
    messages.success(request, _("The task book is signed and frozen as a PDF; the project is under way."))
    return redirect("contracts:task_book", pk=book.pk)


@require_POST
@login_required
def revise(request, pk: int):
    require(request.user, "contracts.issue_task_book")
    book = _book(request, pk)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        return _book_page(request, book, revise_form=form, status=400)
    try:
        new = services.revise(book, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _refused(request, error)
        return redirect("contracts:task_book", pk=book.pk)
    messages.success(request, _("Version %(n)s was started as a draft.") % {"n": new.number})
    return redirect("contracts:task_book", pk=new.pk)


@require_safe
@login_required
def task_book_pdf(request, pk: int):
    book = _book(request, pk)
    if not book.pdf:   # only a signed version is frozen as a PDF
        raise Http404
    response = HttpResponse(bytes(book.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="task-book-{book.project.number}-v{book.number}.pdf"'
    response["X-Content-SHA256"] = book.pdf_sha256
    return response


def _back(request, tranche):
    if request.POST.get("next") == "queue":
        return redirect("contracts:finance_queue")
    return redirect("contracts:project", pk=tranche.project_id)


def _tranche_step(request, pk: int, perm: str, step, done: str, *, action: str):
    """One step on a tranche, recorded once per form sent (core/once.py): the service `step(tranche)`, then its
    refusal, the note that it was already recorded, or `done` as the message, and back to where the user came from
    (finance's queue or the project)."""
    tranche = _tranche(request, pk, perm)
    try:
        once.record(request, key=once.form_key(request), action=action, write=lambda: step(tranche))
    except once.AlreadyRecorded as replay:
        messages.info(request, str(replay))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, done % {"n": tranche.order, "project": tranche.project.number,
                                          "amount": wan(tranche.amount, exact=True)})
    return _back(request, tranche)


def _cleaned(form, name: str, default=""):
    return form.cleaned_data.get(name, default) if form.is_valid() else default


@require_POST
@login_required
def tranche_request(request, pk: int):
    note = _cleaned(RequestForm(request.POST), "note")
    return _tranche_step(request, pk, "contracts.request_tranche",
                         lambda t: services.request_tranche(t, by=request.user, note=note),
                         _("Tranche %(n)s was sent to finance for approval."), action="contracts.tranche.request")


@require_POST
@login_required
def tranche_approve(request, pk: int):
    return _tranche_step(request, pk, "contracts.approve_tranche",
                         lambda t: services.approve_tranche(t, by=request.user),
                         _("Tranche %(n)s of %(project)s was approved: %(amount)s 万元."),
                         action="contracts.tranche.approve")


@require_POST
@login_required
def tranche_return(request, pk: int):
    reason = _cleaned(ReturnForm(request.POST), "reason")
    return _tranche_step(request, pk, "contracts.return_tranche",
                         lambda t: services.return_tranche(t, by=request.user, reason=reason),
                         _("Tranche %(n)s of %(project)s was returned to the programme officer."),
                         action="contracts.tranche.return")


@require_POST
@login_required
def tranche_pay(request, pk: int):
    form = PaymentForm(request.POST)
    paid_on, reference = _cleaned(form, "paid_on", None), _cleaned(form, "reference")
    return _tranche_step(request, pk, "contracts.record_payment",
                         lambda t: services.record_payment(t, by=request.user, paid_on=paid_on, reference=reference),
                         _("The payment of tranche %(n)s of %(project)s was recorded."), action="contracts.tranche.pay")


@require_POST
@login_required
def expenditure_add(request, pk: int):
    require(request.user, "contracts.record_expenditure")
    project = _project(request, pk)
    require(request.user, "contracts.record_expenditure", project)
    form = ExpenditureForm(request.POST, project=project, categories=_spending_categories(_signed_book(project)))
    if not form.is_valid():
        return _project_page(request, project, expenditure_form=form, status=400)
    data = form.cleaned_data
    try:
        once.record(request, key=once.form_key(request), action="contracts.expenditure.record",
                    write=lambda: services.record_expenditure(
                        project, by=request.user, category=data["category"], amount=data["amount"],
                        spent_on=data["spent_on"], description=data["description"], voucher=data["voucher"]))
    except once.AlreadyRecorded as replay:
        messages.info(request, str(replay))
        return redirect("contracts:project", pk=project.pk)
    except ValidationError as error:
        _refused(request, error)
        return _project_page(request, project, expenditure_form=form, status=409)
    messages.success(request, _("The expenditure of %(amount)s 万元 was recorded.")
                     % {"amount": wan(data["amount"], exact=True)})
    return redirect("contracts:project", pk=project.pk)


@require_POST
@login_required
def expenditure_reverse(request, pk: int):
    require(request.user, "contracts.record_expenditure")
    expenditure = get_object_or_404(queries.expenditures_for(request.user), pk=pk)
    require(request.user, "contracts.record_expenditure", expenditure.project)
    reason = _cleaned(ReverseForm(request.POST), "reason")
    try:
        once.record(request, key=once.form_key(request), action="contracts.expenditure.reverse",
                    write=lambda: services.reverse_expenditure(expenditure, by=request.user, reason=reason))
    except once.AlreadyRecorded as replay:
        messages.info(request, str(replay))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The record was reversed; record the right amount anew if money was spent."))
    return redirect("contracts:project", pk=expenditure.project_id)


@require_safe
@login_required
def finance_queue(request):
    require(request.user, "contracts.view_finance")
    tranches = queries.tranches_for(request.user).filter(
        state__in=[Tranche.State.REQUESTED, Tranche.State.APPROVED]).order_by("requested_at", "pk")
    return render(request, "contracts/finance_queue.html", {
        "requested": _with_steps(request.user, [t for t in tranches if t.state == Tranche.State.REQUESTED]),
        "approved": _with_steps(request.user, [t for t in tranches if t.state == Tranche.State.APPROVED]),
        "payment_form": PaymentForm(initial={"paid_on": clock.today()}),
    })


@require_safe
@login_required
def overview(request):
    require(request.user, "contracts.view_finance")
    data = queries.overview(queries.projects_for(request.user))
    chart = {"labels": [call.code for call, _money in data.calls],
             "series": [[float(in_wan(m.grant)) for _call, m in data.calls],
                        [float(in_wan(m.committed)) for _call, m in data.calls],
                        [float(in_wan(m.paid)) for _call, m in data.calls],
                        [float(in_wan(m.spent)) for _call, m in data.calls]]}
    return render(request, "contracts/overview.html", {"data": data, "chart": chart})


@require_safe
@login_required
def call_export(request, call_pk: int):
    require(request.user, "contracts.view_finance")
    call = get_object_or_404(Call, pk=call_pk)
    headers = [_("Project number"), _("Project title"), _("Organisation"), _("Tranche"), _("Condition"),
               _("Share of the grant (%)"), _("Amount (万元)"), _("State"), _("Requested at"), _("Approved at"),
               _("Paid on"), _("Bank reference")]

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows():
        tranches = (queries.tranches_for(request.user).filter(project__call=call)
                    .select_related("paid_recorded_by").order_by("project__number", "order"))
        return ([t.project.number, t.project.title, t.project.organisation.name_zh, t.order,
                 t.get_condition_display(), t.percent, float(in_wan(t.amount)), t.get_state_display(),
                 when(t.requested_at), when(t.approved_at), t.paid_on.isoformat() if t.paid_on else "",
                 t.bank_reference] for t in tranches)

    return export_response(
        request, group="contracts.export", action="contracts.tranche.export", filename=f"disbursements-{call.code}",
        title=_("Disbursements"), headers=headers, rows=rows, target=call, reason=_("Disbursements export"),
        clause="M17")


@require_safe
@login_required
def call_expenditures(request, call_pk: int):
    require(request.user, "contracts.view_finance")
    call = get_object_or_404(Call, pk=call_pk)
    headers = [_("Project number"), _("Project title"), _("Organisation"), _("Date"), _("Budget category"),
               _("Amount (万元)"), _("Spent on"), _("Voucher reference"), _("Reverses record"), _("Recorded by"),
               _("Recorded at")]
    records = (queries.expenditures_for(request.user).filter(project__call=call)
               .order_by("project__number", "spent_on", "pk"))
    rows = ([e.project.number, e.project.title, e.project.organisation.name_zh, e.spent_on.isoformat(),
             e.get_category_display(), float(in_wan(e.amount)), e.description, e.voucher,
             e.reverses_id or "", e.recorded_by.get_username(),
             timezone.localtime(e.recorded_at).strftime("%Y-%m-%d %H:%M")] for e in records)
    return export_response(
        request, group="contracts.export", action="contracts.expenditure.export",
        filename=f"expenditures-{call.code}", title=_("Expenditures"), headers=headers, rows=rows, target=call,
        reason=_("Expenditures export"), clause="M20")
