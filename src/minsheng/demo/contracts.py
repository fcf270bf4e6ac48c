"""Demo task books, disbursements and spending (M17, M20) for the approved projects of the "funding" part: task
books at every stage (a draft just issued, one confirmed by the applicant, signed ones with their PDF, one in its
second signed version), tranches requested, approved and paid (one request returned by finance with its reason and
requested again), and expenditures on the paid projects, one of them corrected by a reversal.

Each step runs with the clock set to when it happened: days and weeks after the project's approval, never later
than now. Idempotent: a project that already has a task book is left as it is. Without approved projects (no
funding demo yet) it does nothing."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from minsheng.contracts import services
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.demo.builder import SEED
from minsheng.funding.models import Project

STEPS = 1
STAGES = ["draft", "confirmed", "signed", "paid", "second_version"]
RETURN_REASON = "拨付申请未附项目承担单位的银行开户许可证，请补充后重新提交。"
REQUEST_AGAIN = "已补充开户许可证复印件，申请拨付首批资金。"
SPENDING = {
    "equipment": "购置动态血压监测仪和便携式心电记录仪",
    "materials": "采购检测试剂与耗材",
    "testing": "委托第三方机构开展软件测评",
    "fuel": "示范点设备运行电费",
    "travel": "赴广州参加社区健康服务学术会议",
    "publication": "发明专利申请费及论文版面费",
    "labour": "支付项目组临时聘用人员劳务费",
    "consulting": "召开技术方案专家咨询会",
    "indirect": "单位管理费用",
}
REVERSAL_REASON = "金额与记账凭证不符（按两倍录入），冲销后按凭证重新登记。"


def build(builder) -> None:
    rng = random.Random(SEED + 90)
    users = get_user_model().objects
    officer, finance = users.filter(username="officer").first(), users.filter(username="finance").first()
    projects = list(Project.objects.filter(state=Project.State.APPROVED).exclude(
        pk__in=TaskBook.objects.values("project_id")).select_related("organisation").order_by("number"))
    builder.progress(STEPS)
    if officer is None or finance is None:
        return
    returned = False
    for index, project in enumerate(projects):
        applicant = users.filter(role=Role.APPLICANT, organisation=project.organisation, is_active=True).order_by(
            "pk").first()
        if applicant is None:
            continue
        stage = STAGES[index % len(STAGES)]
        people = {"officer": officer, "finance": finance, "applicant": applicant}
        _stage(project, stage, people, rng, return_first=stage == "signed" and not returned)
        returned = returned or stage == "signed"
        builder.created += 1


class Days:
    """The moments of one project's story, counted in days after its approval and never later than now."""

    def __init__(self, project: Project):
        self.start = project.approved_at or clock.now()
        self.now = clock.now()

    def __call__(self, days: float) -> datetime:
        return min(self.start + timedelta(days=days), self.now)


def _stage(project, stage, people, rng, *, return_first: bool) -> None:
    officer, finance, applicant = people["officer"], people["finance"], people["applicant"]
    day = Days(project)
    with clock.reading(day(3)):
        book = services.issue(project, by=officer)
    if stage == "draft":
        return
    with clock.reading(day(9)):
        services.confirm(book, revision=book.revision, by=applicant)
    if stage == "confirmed":
        return
    with clock.reading(day(13)):
        services.countersign(book, by=officer)
    first = Tranche.objects.filter(project=project).order_by("order").first()
    with clock.reading(day(14)):
        services.request_tranche(first, by=officer)
    if return_first:
        with clock.reading(day(15)):
            services.return_tranche(first, by=finance, reason=RETURN_REASON)
        with clock.reading(day(18)):
            services.request_tranche(first, by=officer, note=REQUEST_AGAIN)
    if stage == "signed":
        return
    with clock.reading(day(16)):
        services.approve_tranche(first, by=finance)
    paid_at = day(19)
    with clock.reading(paid_at):
        services.record_payment(first, by=finance, paid_on=timezone.localdate(paid_at),
                                reference=f"ICBC-{rng.randint(10**9, 10**10 - 1)}")
    _spend(project, applicant, finance, day, rng)
    if stage == "second_version":
        _second_version(book, officer, applicant, day)


def _spend(project, applicant, finance, day, rng) -> None:
    """Spending in the budgeted categories over the weeks after the payment, about half of the money paid; the
    first record is entered at twice its voucher's amount by the organisation and corrected by finance with a
    reversal."""
    paid = services.paid(project)
    book = TaskBook.objects.get(project=project, state=TaskBook.State.SIGNED)
    lines = sorted((line for line in book.budget_lines.all() if line.amount > 0), key=lambda line: -line.amount)
    for n, line in enumerate(lines[:4]):
        amount = min(line.amount, paid * Decimal(rng.choice([8, 10, 12, 15])) / 100).quantize(Decimal("100"))
        if amount <= 0:
            continue
        description, voucher = SPENDING.get(line.category, "项目支出"), f"记-{rng.randint(100, 999)}"
        at = day(24 + 14 * n)
        with clock.reading(at):
            if n == 0 and amount * 2 <= min(paid, line.amount):
                wrong = services.record_expenditure(project, by=applicant, category=line.category,
                                                    amount=amount * 2, spent_on=timezone.localdate(at),
                                                    description=description, voucher=voucher)
                services.reverse_expenditure(wrong, by=finance, reason=REVERSAL_REASON)
            services.record_expenditure(project, by=finance if n == 2 else applicant, category=line.category,
                                        amount=amount, spent_on=timezone.localdate(at), description=description,
                                        voucher=voucher)


def _second_version(book, officer, applicant, day) -> None:
    book.refresh_from_db()
    with clock.reading(day(70)):
        second = services.revise(book, by=officer, reason="根据项目执行情况调整设备费和劳务费的比例。")
    lines = {line.category: line.amount for line in second.budget_lines.all()}
    with clock.reading(day(73)):
        if len(lines) >= 2:
            (big, big_amount), (small, small_amount) = sorted(lines.items(), key=lambda kv: -kv[1])[:2]
            shift = (big_amount / 10).quantize(big_amount)
            services.save_budget(second, amounts={**lines, big: big_amount - shift, small: small_amount + shift},
                                 revision=second.revision, by=applicant)
            second.refresh_from_db()
        services.confirm(second, revision=second.revision, by=applicant)
    with clock.reading(day(76)):
        services.countersign(second, by=officer)
