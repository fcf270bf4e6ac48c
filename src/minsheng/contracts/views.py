"""Task books and disbursements (M17): the projects, one project with its versions and tranches, one version of
its task book with the steps its reader may take, the signed PDFs, finance's queue, the overview per call and
per source, and a call's disbursements in Excel. Thin: scope from queries, permissions from rules, writes from
services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from minsheng.applications.forms import wan
from minsheng.calls.models import Call
from minsheng.contracts import queries, services
from minsheng.contracts.forms import BudgetForm, PaymentForm, RequestForm, ReviseForm, SplitForm
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.contracts.rules import allowed
from minsheng.core import audit
from minsheng.core.exports import xlsx_response
from minsheng.core.views import rate_limited
from minsheng.funding.models import Project

EXPORT_RATE = "10/m"
Book = TaskBook.State


def _allow(user, perm: str, obj=None) -> None:
    if not allowed(user, perm, obj):
        raise PermissionDenied


def _project(request, pk) -> Project:
    _allow(request.user, "contracts.view_project")
    return get_object_or_404(queries.projects_for(request.user), pk=pk)


def _book(request, pk) -> TaskBook:
    _allow(request.user, "contracts.view_project")
    return get_object_or_404(queries.task_books_for(request.user), pk=pk)


def _tranche(request, pk, perm) -> Tranche:
    _allow(request.user, perm)
    return get_object_or_404(queries.tranches_for(request.user), pk=pk)


def _refused(request, error: ValidationError | PermissionDenied) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or _("You may not do "
                                                                                                 "this."))
    messages.error(request, text)


@require_safe
@login_required
def project_list(request):
    _allow(request.user, "contracts.view_project")
    projects = list(queries.projects_for(request.user).prefetch_related("task_books").order_by("-approved_at", "pk"))
    sums = queries.tranche_sums(projects)
    rows = [(p, queries.current_book(p), sums.get(p.pk, {}).get("paid", 0)) for p in projects]
    return render(request, "contracts/project_list.html", {"rows": rows})


@require_safe
@login_required
def project_detail(request, pk: int):
    project = _project(request, pk)
    books = list(project.task_books.select_related("issued_by", "confirmed_by", "signed_by").order_by("-number"))
    current = queries.current_book(project)
    budget = list(current.budget_lines.all()) if current else []
    user = request.user
    return render(request, "contracts/project_detail.html", {
        "project": project, "books": books, "current": current, "budget": budget,
        "budget_total": sum(line.amount for line in budget),
        "money": queries.money_of(project), "funding": project.funding_lines.select_related("source"),
        "tranches": project.tranches.select_related("requested_by", "approved_by").order_by("order"),
        "can_issue": allowed(user, "contracts.issue_task_book") and not books
        and project.state == Project.State.APPROVED,
        "can_request": allowed(user, "contracts.request_tranche") and project.state == Project.State.UNDER_WAY,
        "can_approve": allowed(user, "contracts.approve_tranche"),
        "can_pay": allowed(user, "contracts.record_payment"),
        "request_form": RequestForm(), "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
    })


@require_POST
@login_required
def issue(request, pk: int):
    _allow(request.user, "contracts.issue_task_book")
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
    draft = book.state == Book.DRAFT
    budget_total, funds_total = services.totals(book)
    history = list(audit.history_for(book).order_by("-seq")[:50])
    return render(request, "contracts/task_book.html", {
        "book": book, "project": book.project, "history": history,
        "budget": book.budget_lines.all(), "funding": book.funding_lines.select_related("source"),
        "budget_total": budget_total, "funds_total": funds_total,
        "totals_message": services.totals_message(budget_total, funds_total),
        "conditions": dict(Tranche.Condition.choices),
        "can_edit_budget": draft and allowed(user, "contracts.change_budget", book.project),
        "can_confirm": draft and allowed(user, "contracts.confirm_task_book", book.project),
        "can_split": draft and allowed(user, "contracts.change_split")
        and not Tranche.objects.filter(project_id=book.project_id).exists(),
        "can_sign": book.state == Book.CONFIRMED and allowed(user, "contracts.countersign_task_book"),
        "can_revise": book.state == Book.SIGNED and allowed(user, "contracts.issue_task_book")
        and not book.project.task_books.filter(state__in=[Book.DRAFT, Book.CONFIRMED]).exists(),
        "budget_form": budget_form or BudgetForm(task_book=book),
        "split_form": split_form or SplitForm(task_book=book),
        "revise_form": revise_form or ReviseForm(),
    }, status=status)


@require_safe
@login_required
def task_book(request, pk: int):
    return _book_page(request, _book(request, pk))


@require_POST
@login_required
def budget(request, pk: int):
    _allow(request.user, "contracts.change_budget")
    book = _book(request, pk)
    _allow(request.user, "contracts.change_budget", book.project)
    form = BudgetForm(request.POST, task_book=book)
    if not form.is_valid():
        return _book_page(request, book, budget_form=form, status=400)
    try:
        services.save_budget(book, amounts=form.amounts(), revision=form.cleaned_data["revision"], by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _book_page(request, book, budget_form=form, status=409)
    messages.success(request, _("The budget by category was saved."))
    return redirect("contracts:task_book", pk=book.pk)


@require_POST
@login_required
def split(request, pk: int):
    _allow(request.user, "contracts.change_split")
    book = _book(request, pk)
    form = SplitForm(request.POST, task_book=book)
    if not form.is_valid():
        return _book_page(request, book, split_form=form, status=400)
    try:
        services.set_split(book, percents=form.percents(), revision=form.cleaned_data["revision"], by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _book_page(request, book, split_form=form, status=409)
    messages.success(request, _("The disbursement split was saved."))
    return redirect("contracts:task_book", pk=book.pk)


@require_POST
@login_required
def confirm(request, pk: int):
    _allow(request.user, "contracts.confirm_task_book")
    book = _book(request, pk)
    _allow(request.user, "contracts.confirm_task_book", book.project)
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
    _allow(request.user, "contracts.countersign_task_book")
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
    _allow(request.user, "contracts.issue_task_book")
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


@require_POST
@login_required
def tranche_request(request, pk: int):
    tranche = _tranche(request, pk, "contracts.request_tranche")
    form = RequestForm(request.POST)
    form.is_valid()
    try:
        services.request_tranche(tranche, by=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Tranche %(n)s was sent to finance for approval.") % {"n": tranche.order})
    return redirect("contracts:project", pk=tranche.project_id)


def _back(request, tranche):
    return redirect("contracts:finance_queue" if request.POST.get("next") == "queue" else "contracts:project",
                    **({} if request.POST.get("next") == "queue" else {"pk": tranche.project_id}))


@require_POST
@login_required
def tranche_approve(request, pk: int):
    tranche = _tranche(request, pk, "contracts.approve_tranche")
    try:
        services.approve_tranche(tranche, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Tranche %(n)s of %(project)s was approved: %(amount)s 万元.")
                         % {"n": tranche.order, "project": tranche.project.number, "amount": wan(tranche.amount)})
    return _back(request, tranche)


@require_POST
@login_required
def tranche_pay(request, pk: int):
    tranche = _tranche(request, pk, "contracts.record_payment")
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the payment date and the bank reference."))
        return _back(request, tranche)
    try:
        services.record_payment(tranche, by=request.user, paid_on=form.cleaned_data["paid_on"],
                                reference=form.cleaned_data["reference"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The payment of tranche %(n)s of %(project)s was recorded.")
                         % {"n": tranche.order, "project": tranche.project.number})
    return _back(request, tranche)


@require_safe
@login_required
def finance_queue(request):
    _allow(request.user, "contracts.view_finance")
    tranches = queries.tranches_for(request.user).filter(
        state__in=[Tranche.State.REQUESTED, Tranche.State.APPROVED]).order_by("requested_at", "pk")
    return render(request, "contracts/finance_queue.html", {
        "requested": [t for t in tranches if t.state == Tranche.State.REQUESTED],
        "approved": [t for t in tranches if t.state == Tranche.State.APPROVED],
        "can_approve": allowed(request.user, "contracts.approve_tranche"),
        "can_pay": allowed(request.user, "contracts.record_payment"),
        "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
    })


@require_safe
@login_required
def overview(request):
    _allow(request.user, "contracts.view_finance")
    data = queries.overview(queries.projects_for(request.user))
    chart = {"labels": [call.code for call, _money in data.calls],
             "series": [[float(m.grant / 10000) for _call, m in data.calls],
                        [float(m.committed / 10000) for _call, m in data.calls],
                        [float(m.paid / 10000) for _call, m in data.calls]]}
    return render(request, "contracts/overview.html", {"data": data, "chart": chart})


@require_safe
@login_required
def call_export(request, call_pk: int):
    _allow(request.user, "contracts.view_finance")
    call = get_object_or_404(Call, pk=call_pk)
    if is_ratelimited(request, group="contracts.export", key="user_or_ip", rate=EXPORT_RATE, increment=True):
        return rate_limited(request)
    tranches = list(queries.tranches_for(request.user).filter(project__call=call)
                    .select_related("paid_recorded_by").order_by("project__number", "order"))
    with transaction.atomic():
        audit.record(action="contracts.tranche.export", by=request.user, target=call,
                     new={"rows": len(tranches)}, reason=_("Disbursements export"), clause="M17")
    headers = [_("Project number"), _("Project title"), _("Organisation"), _("Tranche"), _("Condition"),
               _("Share of the grant (%)"), _("Amount (万元)"), _("State"), _("Requested at"), _("Approved at"),
               _("Paid on"), _("Bank reference")]

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    rows = ([t.project.number, t.project.title, t.project.organisation.name_zh, t.order, t.get_condition_display(),
             t.percent, float(t.amount / 10000), t.get_state_display(), when(t.requested_at), when(t.approved_at),
             t.paid_on.isoformat() if t.paid_on else "", t.bank_reference] for t in tranches)
    return xlsx_response(f"disbursements-{call.code}", _("Disbursements"), headers, rows)
