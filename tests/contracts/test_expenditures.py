"""Expenditures (经费支出): recorded by the project's organisation or finance by budget category, only money
received and each category within its budget, append-only with reversals; two records at once never take the
spending over the money paid (PostgreSQL)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.contracts import queries, services
from minsheng.contracts.models import Expenditure, TaskBook
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.contracts.helpers import first_paid, under_way
from tests.factories import user_for_role
from tests.factories.contracts import approved_project
from tests.races import postgresql_only, race

D = Decimal
TODAY = timezone.localdate


def _spend(project, by, amount, *, category="equipment", spent_on=None, description="采购检测设备", voucher="记-001"):
    return services.record_expenditure(project, by=by, category=category, amount=D(amount),
                                       spent_on=spent_on or TODAY(), description=description, voucher=voucher)


@pytest.mark.django_db
def test_the_organisation_and_finance_record_spending(project, officer, finance, applicant):
    first_paid(project, officer, applicant, finance)            # 400,000 of the 800,000 grant paid
    record = _spend(project, applicant, "150000")
    assert (record.amount, record.category, record.recorded_by) == (D("150000"), "equipment", applicant)
    _spend(project, finance, "50000", category="labour", description="项目组劳务费")
    assert services.spent(project) == D("200000")
    event = AuditEvent.objects.get(action="contracts.expenditure.record", target_id=str(record.pk))
    assert event.actor == applicant and event.clause == "M20" and event.new["paid"] == "400000.00"
    for outsider in (officer, user_for_role(Role.AUDITOR), user_for_role(Role.APPLICANT)):
        with pytest.raises(PermissionDenied):
            _spend(project, outsider, "1")
    assert Expenditure.objects.filter(project=project).count() == 2


@pytest.mark.django_db
def test_only_money_received_is_spent(project, officer, finance, applicant):
    tranches = under_way(project, officer, applicant)
    with pytest.raises(ValidationError, match="已拨付"):       # nothing paid yet
        _spend(project, applicant, "1")
    services.request_tranche(tranches[0], by=officer)
    services.approve_tranche(tranches[0], by=finance)
    with pytest.raises(ValidationError, match="已拨付"):       # approved is not received
        _spend(project, applicant, "1")
    services.record_payment(tranches[0], by=finance, paid_on=TODAY(), reference="ICBC-1")
    _spend(project, applicant, "300000")
    with pytest.raises(ValidationError, match=r"40 万元") as refused:
        _spend(project, applicant, "100000.01")
    assert refused.value.code == "paid"
    _spend(project, applicant, "100000")                        # exactly what was paid
    assert services.spent(project) == services.paid(project) == D("400000")


@pytest.mark.django_db
def test_only_budgeted_categories_and_within_their_budget(project, officer, finance, applicant):
    book = services.issue(project, by=officer)
    services.save_budget(book, amounts={"equipment": D("1900000"), "labour": D("0"), "travel": D("100000")},
                         revision=1, by=applicant)
    book.refresh_from_db()
    services.confirm(book, revision=book.revision, by=applicant)
    services.countersign(book, by=officer)
    first = project.tranches.order_by("order").first()
    services.request_tranche(first, by=officer)
    services.approve_tranche(first, by=finance)
    services.record_payment(first, by=finance, paid_on=TODAY(), reference="ICBC-2")
    with pytest.raises(ValidationError, match="劳务费") as refused:   # budgeted at zero
        _spend(project, applicant, "10", category="labour")
    assert refused.value.code == "category"
    _spend(project, applicant, "80000", category="travel")
    with pytest.raises(ValidationError, match="超过该科目预算 10 万元") as refused:
        _spend(project, applicant, "20000.01", category="travel")
    assert refused.value.code == "budget"


@pytest.mark.django_db
def test_dates_between_the_first_payment_and_today(project, officer, finance, applicant):
    tranches = under_way(project, officer, applicant)
    services.request_tranche(tranches[0], by=officer)
    services.approve_tranche(tranches[0], by=finance)
    services.record_payment(tranches[0], by=finance, paid_on=TODAY(), reference="ICBC-3")
    with pytest.raises(ValidationError, match="晚于今天"):
        _spend(project, applicant, "10", spent_on=TODAY() + timedelta(days=1))
    with pytest.raises(ValidationError, match="到账"):
        _spend(project, applicant, "10", spent_on=TODAY() - timedelta(days=1))
    with pytest.raises(ValidationError, match="支出内容"):
        _spend(project, applicant, "10", description="  ")
    assert not Expenditure.objects.exists()


@pytest.mark.django_db
def test_a_wrong_record_is_reversed_never_changed(project, officer, finance, applicant):
    first_paid(project, officer, applicant, finance)
    wrong = _spend(project, applicant, "390000", voucher="记-007")
    with pytest.raises(ValidationError, match="原因"):
        services.reverse_expenditure(wrong, by=applicant, reason=" ")
    with pytest.raises(PermissionDenied):
        services.reverse_expenditure(wrong, by=officer, reason="录入错误")
    reversal = services.reverse_expenditure(wrong, by=finance, reason="金额录入错误，应为 39,000 元")
    assert (reversal.amount, reversal.category, reversal.reverses, reversal.voucher) == (
        D("-390000"), "equipment", wrong, "记-007")
    assert services.spent(project) == D("0")
    with pytest.raises(ValidationError, match="已被冲销"):
        services.reverse_expenditure(wrong, by=finance, reason="again")
    with pytest.raises(ValidationError, match="不能再冲销"):
        services.reverse_expenditure(reversal, by=finance, reason="again")
    _spend(project, applicant, "39000", voucher="记-007")
    assert services.spent(project) == D("39000")
    assert Expenditure.objects.filter(project=project).count() == 3   # nothing was changed or removed
    event = AuditEvent.objects.get(action="contracts.expenditure.reverse")
    assert event.reason == "金额录入错误，应为 39,000 元" and event.old["amount"] == "390000.00"
    categories = {row.category: row for row in queries.by_category(
        TaskBook.objects.get(project=project), services.paid(project), project)}
    assert categories["equipment"].spent == D("39000") and categories["labour"].spent == D("0")
    assert sum(row.paid for row in categories.values()) == D("400000")


@pytest.mark.django_db
def test_the_database_refuses_a_negative_record_that_reverses_nothing(project, applicant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.create(project=project, category="equipment", amount=D("-1"), spent_on=TODAY(),
                                   description="x", recorded_by=applicant, recorded_at=timezone.now())


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_records_at_once_never_spend_more_than_was_paid():
    officer, project = user_for_role(Role.OFFICER), approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first_paid(project, officer, applicant)
    # 400,000 paid: either 250,000 alone fits, both together do not
    spenders = [applicant, user_for_role(Role.FINANCE)]
    actions = [lambda u=u: _spend(project, u, "250000") for u in spenders]
    assert race(actions) == ["refused", "won"]
    assert services.spent(project) == D("250000")
    assert AuditEvent.objects.filter(action="contracts.expenditure.record").count() == 1
