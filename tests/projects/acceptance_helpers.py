"""Shared steps of the acceptance tests: a project under way whose task book has ended, its file, its panel."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.roles import Role
from minsheng.projects import acceptance, queries
from tests.contracts.helpers import under_way
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.factories.review import ExpertProfileFactory, expert_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
GOOD = {"completion": 9, "quality": 8, "funds": 8, "transfer": 7, "ip": 8}


def ended_project(officer, *, early: bool = False, ended: bool = True, organisation=None):
    """Under way with a signed task book whose last milestone was due before today (or a year ahead when
    `ended` is false), no periodic reports and no mid-term check; its first tranche paid."""
    extra = {"organisation": organisation} if organisation is not None else {}
    project = approved_project(call=CallFactory(report_every_months=0, midterm_check=False,
                                                early_acceptance=early), **extra)
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    under_way(project, officer, applicant)
    book = queries.signed_book(project)
    today = timezone.localdate()
    shift = -1 if ended else 1
    TaskBook.objects.filter(pk=book.pk).update(starts_on=today.replace(year=today.year - 2),
                                               ends_on=today.replace(year=today.year + shift))
    for n, milestone in enumerate(book.milestones.order_by("pk")):
        milestone.due_on = today.replace(year=today.year - 1 if ended else today.year + 1).replace(day=1 + n)
        milestone.save(update_fields=["due_on"])
    finance = user_for_role(Role.FINANCE)
    first = Tranche.objects.filter(project=project).order_by("order").first()
    contracts.request_tranche(first, by=officer)
    contracts.approve_tranche(first, by=finance)
    contracts.record_payment(first, by=finance, paid_on=today, reference="ICBC-1")
    project.refresh_from_db()
    return project, applicant


def filing(project, *, delivered=None, evidence="验收测试报告 https://example.cn/report", **texts):
    book = queries.signed_book(project)
    values = {}
    for indicator in book.indicators.all():
        value = delivered if delivered is not None else indicator.target
        values[indicator.pk] = (str(value), evidence)
    return acceptance.AcceptanceFiling(
        indicators=texts.pop("indicators", values),
        summary=texts.pop("summary", "完成了任务书规定的全部研究内容，示范应用运行稳定。"),
        achievements=texts.pop("achievements", "平台在三个社区卫生服务中心示范应用，已与两家医院签订推广协议。"),
        ip_produced=texts.pop("ip_produced", "发明专利申请 2 项；软件著作权 1 项。"),
        links=texts.pop("links", "https://example.cn/results"))


def expert_for(officer=None):
    profile = ExpertProfileFactory()
    return profile, expert_user(profile)


def moment(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)
