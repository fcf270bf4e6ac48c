"""Demo task books and disbursements (M17) for the approved projects of the "funding" part: task books at every
stage (a draft just issued, one confirmed by the applicant, signed ones with their PDF, one in its second
signed version) and tranches requested, approved and paid. Idempotent: a project that already has a task book is
left as it is. Without approved projects (no funding demo yet) it does nothing."""

import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from minsheng.accounts.roles import Role
from minsheng.contracts import services
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.demo.builder import SEED
from minsheng.funding.models import Project

STEPS = 1
STAGES = ["draft", "confirmed", "signed", "paid", "second_version"]


def build(builder) -> None:
    rng = random.Random(SEED + 90)
    users = get_user_model().objects
    officer, finance = users.filter(username="officer").first(), users.filter(username="finance").first()
    projects = list(Project.objects.filter(state=Project.State.APPROVED).exclude(
        pk__in=TaskBook.objects.values("project_id")).select_related("organisation").order_by("number"))
    builder.progress(STEPS)
    if officer is None or finance is None:
        return
    for index, project in enumerate(projects):
        applicant = users.filter(role=Role.APPLICANT, organisation=project.organisation, is_active=True).order_by(
            "pk").first()
        if applicant is None:
            continue
        _stage(project, STAGES[index % len(STAGES)], officer, finance, applicant, rng)
        builder.created += 1


def _stage(project, stage, officer, finance, applicant, rng) -> None:
    book = services.issue(project, by=officer)
    if stage == "draft":
        return
    services.confirm(book, revision=book.revision, by=applicant)
    if stage == "confirmed":
        return
    services.countersign(book, by=officer)
    first = Tranche.objects.filter(project=project).order_by("order").first()
    services.request_tranche(first, by=officer)
    if stage == "signed":
        return
    services.approve_tranche(first, by=finance)
    services.record_payment(first, by=finance, paid_on=timezone.localdate(),
                            reference=f"ICBC-{rng.randint(10**9, 10**10 - 1)}")
    if stage == "second_version":
        book.refresh_from_db()
        second = services.revise(book, by=officer, reason="根据项目执行情况调整设备费和劳务费的比例。")
        lines = {line.category: line.amount for line in second.budget_lines.all()}
        if len(lines) >= 2:
            (big, big_amount), (small, small_amount) = sorted(lines.items(), key=lambda kv: -kv[1])[:2]
            shift = (big_amount / 10).quantize(big_amount)
            services.save_budget(second, amounts={**lines, big: big_amount - shift, small: small_amount + shift},
                                 revision=second.revision, by=applicant)
            second.refresh_from_db()
        services.confirm(second, revision=second.revision, by=applicant)
        services.countersign(second, by=officer)
