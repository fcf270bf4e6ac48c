"""Demo change requests (项目变更, M17/M20) on the projects under way: one budget move approved by the programme
officer, whose new task-book version (v2) the organisation confirmed and the officer countersigned; one extension
rejected with its reason. Idempotent: a project that already has a change request is left as it is, and a second
run adds nothing."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook
from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.projects import changes, queries, services
from minsheng.projects.models import ChangeRequest

STEPS = 1
BUDGET_REASON = ("可穿戴设备集中采购价格低于预算，节余部分调剂用于社区随访人员劳务，以扩大签约居民随访覆盖面。")
BUDGET_COMMENTS = "调剂比例在规定限额内，总额不变，同意。"
EXTENSION_REASON = "合作医院伦理审查延迟，临床验证无法按期完成，申请延期六个月。"
REJECTION = ("伦理审查延迟不足以说明需延期六个月：请先提交与合作医院重新确定的验证计划和伦理审查进度证明，"
             "再按实际所需时间申请。")


def build(builder) -> None:
    users = get_user_model().objects
    officer = users.filter(username="officer").first()
    builder.progress(STEPS)
    if officer is None or ChangeRequest.objects.exists():
        return
    candidates = []
    for project in (Project.objects.filter(state=Project.State.UNDER_WAY).select_related("organisation")
                    .order_by("number")):
        if project.task_books.filter(state__in=[TaskBook.State.DRAFT, TaskBook.State.CONFIRMED]).exists():
            continue
        book = queries.signed_book(project)
        applicant = users.filter(role=Role.APPLICANT, organisation=project.organisation, is_active=True).order_by(
            "pk").first()
        if book is not None and applicant is not None:
            candidates.append((project, book, applicant))
    budget_done = extension_done = False
    for project, book, applicant in candidates:
        if not budget_done and _budget(project, book, applicant, officer):
            budget_done = True
            builder.created += 1
        elif not extension_done and _extension(project, book, applicant, officer):
            extension_done = True
            builder.created += 1
        if budget_done and extension_done:
            break


def _budget(project, book, applicant, officer) -> bool:
    """Move 5 % of the largest category, if what it spent leaves room, to another one; approve, confirm, sign."""
    lines = sorted(book.budget_lines.all(), key=lambda line: (-line.amount, line.pk))
    if len(lines) < 2:
        return False
    source, target = lines[0], lines[1]
    amount = (source.amount * Decimal("0.05")).quantize(Decimal("100"))
    spent = changes.spent_by_category(project).get(source.category, Decimal("0"))
    if amount <= 0 or source.amount - amount < spent:
        return False
    change = services.request_change(project, by=applicant, kind=ChangeRequest.Kind.BUDGET, reason=BUDGET_REASON,
                                     proposal={"from": source.category, "to": target.category,
                                               "amount": str(amount)})
    services.approve_change(change, by=officer, comments=BUDGET_COMMENTS)
    new = change.result_book
    contracts.confirm(new, revision=new.revision, by=applicant)
    contracts.countersign(new, by=officer)
    return True


def _extension(project, book, applicant, officer) -> bool:
    if book.ends_on is None:
        return False
    ends_on = changes.add_months(book.ends_on, 6)
    if ends_on <= clock.today() + timedelta(days=1):
        return False
    change = services.request_change(project, by=applicant, kind=ChangeRequest.Kind.EXTENSION,
                                     reason=EXTENSION_REASON, proposal={"ends_on": ends_on.isoformat()})
    services.reject_change(change, by=officer, reason=REJECTION)
    return True
