"""IP assets (M19) with valid numbers. Shared by every area that needs an organisation's IP."""

import datetime

import factory

from minsheng.outcomes.models import IPAsset
from minsheng.outcomes.numbers import patent_check_character
from tests.factories import OrganisationFactory, domain


def patent_number(serial: int, *, year: int = 2021, type_digit: str = "1") -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{patent_check_character(digits)}"


class IPAssetFactory(factory.django.DjangoModelFactory):
    """A granted invention patent in D01, filed 2021."""

    class Meta:
        model = IPAsset

    kind = IPAsset.Kind.INVENTION_PATENT
    number = factory.Sequence(lambda n: patent_number(n + 1))
    title = factory.Sequence(lambda n: f"一种慢病管理方法{n}")
    owner = factory.SubFactory(OrganisationFactory)
    domain = factory.LazyFunction(domain)
    status = IPAsset.Status.GRANTED
    filed_on = datetime.date(2021, 3, 1)
    granted_on = datetime.date(2023, 6, 1)


def accepted_project(*, on: datetime.date, organisation=None, call=None, grant=None, verdict: str = "passed"):
    """A project accepted (passed, or closed with conditions) on the day `on` (Asia/Shanghai), with its task book
    and acceptance, as the projects app leaves them."""
    from decimal import Decimal

    from django.utils import timezone

    from minsheng.contracts.models import TaskBook
    from minsheng.core.roles import Role
    from minsheng.funding.models import Project
    from minsheng.projects.models import Acceptance
    from tests.factories import user_for_role
    from tests.factories.contracts import approved_project

    extra = {"grant": grant} if grant is not None else {}
    project = approved_project(organisation=organisation, call=call, **extra)
    officer = user_for_role(Role.OFFICER)
    book = TaskBook.objects.create(project=project, title=project.title, grant=project.grant, ip_clause="IP",
                                   data_clause="data", issued_by=officer, issued_at=timezone.now())
    decided = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Acceptance.objects.create(project=project, task_book=book, summary="完成", applied_by=officer,
                              applied_at=decided, state=verdict, decided_at=decided, decided_by=officer,
                              score=Decimal("85"), conditions="补齐指标" if verdict == "conditional" else "")
    Project.objects.filter(pk=project.pk).update(state=Project.State.ACCEPTED)
    project.refresh_from_db()
    return project


def achievement_of(project, *, kind: str = "standard", verified: bool = True, title: str = "一项标准"):
    from minsheng.outcomes.models import Achievement

    achievement = Achievement.objects.create(
        organisation=project.organisation, kind=kind, title=title, achieved_on=datetime.date(2024, 1, 2),
        identifier="GB/T 12345-2023" if kind == "standard" else "",
        state="verified" if verified else "unverified")
    achievement.projects.set([project])
    return achievement


def transfer_of(achievements, *, on: datetime.date, value=100000, verified: bool = True, kind: str = "licence",
                received=()):
    """A transfer of the achievements (of one organisation), with money received as (date, yuan) pairs."""
    from decimal import Decimal

    from django.utils import timezone

    from minsheng.outcomes.models import Transfer, TransferReceipt

    achievements = list(achievements)
    transfer = Transfer.objects.create(
        organisation=achievements[0].organisation, kind=kind, title="许可合同", counterparty_name="深圳某科技有限公司",
        counterparty_kind="enterprise", value=Decimal(value), contract_on=on,
        state="verified" if verified else "unverified")
    transfer.achievements.set(achievements)
    for day, amount in received:
        TransferReceipt.objects.create(transfer=transfer, year=day.year, amount=Decimal(amount), received_on=day,
                                       recorded_at=timezone.now())
    return transfer
