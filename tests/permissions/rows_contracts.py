"""Permission rows for task books and disbursements (M17). Officers issue, set the split, countersign, start new
versions and request tranches; the applicant's organisation edits the draft's budget and confirms; finance
approves or returns requests and records payments; the project's organisation and finance record and reverse
expenditures; auditors and administrators read. Another organisation's project answers 404 to an applicant."""

from minsheng.core.roles import Role
from tests.once import drawn
from tests.permissions.spec import NOT_ALLOWED, NOT_FOUND, Row, everyone, only

APPLICANT_ROLE, OFFICER_ROLE, FINANCE_ROLE = str(Role.APPLICANT), str(Role.OFFICER), str(Role.FINANCE)
READERS = {Role.APPLICANT, Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN}
MONEY = {Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN}
OFFICER, APPLICANT, FINANCE = {Role.OFFICER}, {Role.APPLICANT}, {Role.FINANCE}
SPENDERS = {Role.APPLICANT, Role.FINANCE}


def extend_world(world):
    from django.utils import timezone

    from minsheng.contracts import services
    from minsheng.contracts.models import Tranche
    from tests.factories import user_for_role
    from tests.factories.contracts import approved_project

    officer, applicant = world.users[OFFICER_ROLE], world.users[APPLICANT_ROLE]
    world.c_fresh = approved_project(organisation=world.org_own)
    world.c_draft = services.issue(approved_project(organisation=world.org_own), by=officer)
    signed_project = approved_project(organisation=world.org_own)
    book = services.issue(signed_project, by=officer)
    services.confirm(book, revision=1, by=applicant)
    world.c_signed = services.countersign(book, by=officer)
    first, second, third = Tranche.objects.filter(project=signed_project).order_by("order")
    services.request_tranche(first, by=officer)
    Tranche.objects.filter(pk=second.pk).update(state=Tranche.State.APPROVED, requested_by=officer,
                                                requested_at=timezone.now(), request_note="中期检查通过",
                                                approved_by=user_for_role(Role.FINANCE), approved_at=timezone.now())
    world.c_requested, world.c_approved, world.c_planned = first, second, third
    other_project = approved_project(organisation=world.org_other)
    world.c_other_confirmed = services.issue(other_project, by=officer)
    services.confirm(world.c_other_confirmed, revision=1,
                     by=user_for_role(Role.APPLICANT, organisation=world.org_other))
    world.c_other_project = other_project
    world.c_call = signed_project.call
    finance = world.users[FINANCE_ROLE]
    world.c_paid = _paid(approved_project(organisation=world.org_own), officer, applicant, finance)
    world.c_expense = _spend(world.c_paid, applicant)
    world.c_other_paid = _paid(approved_project(organisation=world.org_other), officer,
                               user_for_role(Role.APPLICANT, organisation=world.org_other), finance)
    world.c_other_expense = _spend(world.c_other_paid, finance)


def _paid(project, officer, applicant, finance):
    """A project under way whose first tranche is paid."""
    from django.utils import timezone

    from minsheng.contracts import services
    from minsheng.contracts.models import Tranche

    book = services.issue(project, by=officer)
    services.confirm(book, revision=1, by=applicant)
    services.countersign(book, by=officer)
    first = Tranche.objects.filter(project=project).order_by("order").first()
    services.request_tranche(first, by=officer)
    services.approve_tranche(first, by=finance)
    services.record_payment(first, by=finance, paid_on=timezone.localdate(), reference="ICBC-MATRIX")
    return project


def _spend(project, by):
    from decimal import Decimal

    from django.utils import timezone

    from minsheng.contracts import services

    return services.record_expenditure(project, by=by, category="equipment", amount=Decimal("10000"),
                                       spent_on=timezone.localdate(), description="矩阵支出", voucher="记-M")


def _expense_data(world):
    return drawn({"spent_on": _today(), "category": "equipment", "amount": "1", "description": "矩阵支出"})


def pk(name):
    return lambda world: {"pk": getattr(world, name).pk}


def project_of(name):
    return lambda world: {"pk": getattr(world, name).project_id}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def readers(**overrides):
    return only(READERS, **overrides)


def api(roles, **overrides):
    return only(roles, anonymous=403, **overrides)


ROWS = [
    Row("contracts:project_list", readers()),
    Row("contracts:project", readers(), kwargs=project_of("c_signed")),
    Row("contracts:project", readers(applicant=NOT_FOUND), kwargs=pk("c_other_project"),
        note="another organisation's"),
    Row("contracts:project", readers(ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999}, note="unknown"),
    Row("contracts:issue", only(OFFICER, ok=302), kwargs=pk("c_fresh"), method="POST"),
    Row("contracts:issue", everyone(NOT_ALLOWED), kwargs=pk("c_fresh"), note="GET"),
    Row("contracts:task_book", readers(), kwargs=pk("c_draft")),
    Row("contracts:task_book", readers(), kwargs=pk("c_signed"), note="signed"),
    Row("contracts:task_book", readers(applicant=NOT_FOUND), kwargs=pk("c_other_confirmed"),
        note="another organisation's"),
    Row("contracts:budget", only(APPLICANT, ok=302), kwargs=pk("c_draft"), method="POST",
        data=lambda w: {"revision": 1, "equipment": "120", "labour": "80"}),
    Row("contracts:budget", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("c_other_confirmed"), method="POST",
        data=lambda w: {"revision": 1, "equipment": "200"}, note="another organisation's"),
    Row("contracts:split", only(OFFICER, ok=302), kwargs=pk("c_draft"), method="POST",
        data=lambda w: {"revision": 1, "signing": 60, "midterm": 20, "acceptance": 20}),
    Row("contracts:confirm", only(APPLICANT, ok=302), kwargs=pk("c_draft"), method="POST",
        data=lambda w: {"revision": 1}),
    Row("contracts:confirm", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("c_other_confirmed"), method="POST",
        data=lambda w: {"revision": 1}, note="another organisation's"),
    Row("contracts:confirm", everyone(NOT_ALLOWED), kwargs=pk("c_draft"), note="GET"),
    Row("contracts:countersign", only(OFFICER, ok=302), kwargs=pk("c_other_confirmed"), method="POST"),
    Row("contracts:revise", only(OFFICER, ok=302), kwargs=pk("c_signed"), method="POST",
        data=lambda w: {"reason": "调整里程碑"}),
    Row("contracts:pdf", readers(), kwargs=pk("c_signed")),
    Row("contracts:pdf", readers(ok=NOT_FOUND), kwargs=pk("c_draft"), note="not signed"),
    Row("contracts:tranche_request", only(OFFICER, ok=302), kwargs=pk("c_planned"), method="POST",
        data=lambda w: drawn({"note": "验收通过"})),
    Row("contracts:tranche_approve", only(FINANCE, ok=302), kwargs=pk("c_requested"), method="POST",
        data=lambda w: drawn()),
    Row("contracts:tranche_approve", only(FINANCE, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999}, method="POST",
        data=lambda w: drawn(), note="unknown"),
    Row("contracts:tranche_return", only(FINANCE, ok=302), kwargs=pk("c_requested"), method="POST",
        data=lambda w: drawn({"reason": "请补充拨付依据"})),
    Row("contracts:tranche_return", only(FINANCE, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999}, method="POST",
        data=lambda w: drawn({"reason": "x"}), note="unknown"),
    Row("contracts:tranche_return", everyone(NOT_ALLOWED), kwargs=pk("c_requested"), note="GET"),
    Row("contracts:expenditure_add", only(SPENDERS, ok=302), kwargs=pk("c_paid"), method="POST", data=_expense_data),
    Row("contracts:expenditure_add", only(SPENDERS, ok=302, applicant=NOT_FOUND), kwargs=pk("c_other_paid"),
        method="POST", data=_expense_data, note="another organisation's"),
    Row("contracts:expenditure_add", everyone(NOT_ALLOWED), kwargs=pk("c_paid"), note="GET"),
    Row("contracts:expenditure_reverse", only(SPENDERS, ok=302), kwargs=pk("c_expense"), method="POST",
        data=lambda w: drawn({"reason": "录入错误"})),
    Row("contracts:expenditure_reverse", only(SPENDERS, ok=302, applicant=NOT_FOUND), kwargs=pk("c_other_expense"),
        method="POST", data=lambda w: drawn({"reason": "录入错误"}), note="another organisation's"),
    Row("contracts:tranche_pay", only(FINANCE, ok=302), kwargs=pk("c_approved"), method="POST",
        data=lambda w: drawn({"paid_on": _today(), "reference": "ICBC-0001"})),
    Row("contracts:finance_queue", only(MONEY)),
    Row("contracts:overview", only(MONEY)),
    Row("contracts:call_export", only(MONEY), kwargs=lambda w: {"call_pk": w.c_call.pk}),
    Row("contracts:call_export", only(MONEY, ok=NOT_FOUND), kwargs=lambda w: {"call_pk": 999999}, note="unknown"),
    Row("contracts:call_expenditures", only(MONEY), kwargs=lambda w: {"call_pk": w.c_paid.call_id}),
    Row("contracts:call_expenditures", only(MONEY, ok=NOT_FOUND), kwargs=lambda w: {"call_pk": 999999},
        note="unknown"),
    Row("contracts-task-book-list", api(READERS)),
    Row("contracts-task-book-detail", api(READERS), kwargs=pk("c_signed")),
    Row("contracts-task-book-detail", api(READERS, applicant=NOT_FOUND), kwargs=pk("c_other_confirmed"),
        note="another organisation's"),
    Row("contracts-task-book-pdf", api(READERS), kwargs=pk("c_signed")),
    Row("contracts-task-book-pdf", api(READERS, ok=NOT_FOUND), kwargs=pk("c_draft"), note="not signed"),
    Row("contracts-disbursement-list", api(READERS)),
    Row("contracts-disbursement-detail", api(READERS), kwargs=pk("c_requested")),
    Row("contracts-disbursement-approve", api(FINANCE), kwargs=pk("c_requested"), method="POST"),
    Row("contracts-disbursement-return", api(FINANCE), kwargs=pk("c_requested"), method="POST",
        data=lambda w: {"reason": "请补充拨付依据"}, content_type="application/json"),
    Row("contracts-expenditure-list", api(READERS)),
    Row("contracts-expenditure-detail", api(READERS), kwargs=pk("c_expense")),
    Row("contracts-expenditure-detail", api(READERS, applicant=NOT_FOUND), kwargs=pk("c_other_expense"),
        note="another organisation's"),
    Row("contracts-expenditure-list", api(READERS, ok=NOT_ALLOWED), method="POST", data=lambda w: {},
        content_type="application/json", note="read-only"),
    Row("contracts-disbursement-list", api(READERS, ok=NOT_ALLOWED), method="POST", data=lambda w: {},
        content_type="application/json", note="read-only"),
]
