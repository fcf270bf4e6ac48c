"""Demo termination and recovery of funds (终止与经费追回, M17), after the progress part:
- one project under way with money paid and spent is terminated for misconduct: officer proposes it with a misused
  amount, officer2 approves it, the project lead is debarred for three years, its unpaid tranches are cancelled and
  a recovery of the unspent and misused money is opened, due in 30 days; finance has recorded a first receipt;
- another project's organisation has asked for it to be terminated, and the request waits for an officer's
  review.
The project whose mid-term check proposed termination is left for the officer to act on from its page.
Idempotent: once any termination exists, nothing is added."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from minsheng.contracts import services as contracts
from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.projects import termination as ending
from minsheng.projects.models import MidtermCheck, Termination

STEPS = 1
REASON = "经审计，项目组将部分财政资金用于购置与任务书无关的办公车辆，且关键节点长期停滞，已不具备继续实施条件。"
MISUSED = "购置与任务书无关的办公车辆（审计报告第3条）"
DEBAR = "挪用财政科研资金，属科研失信行为，三年内不得申报市级科技计划项目。"
REQUEST = "项目核心技术人员相继离职，合作医院终止合作，单位无法按任务书继续实施，申请终止项目并退回未使用经费。"


def build(builder) -> None:
    builder.progress(STEPS)
    users = get_user_model().objects
    officer, officer2, finance = (users.filter(username=name).first() for name in ("officer", "officer2", "finance"))
    if None in (officer, officer2, finance) or Termination.objects.exists():
        return
    proposed = set(MidtermCheck.objects.filter(result=MidtermCheck.Result.TERMINATE).values_list("project_id",
                                                                                                flat=True))
    projects = [p for p in Project.objects.filter(state__in=[Project.State.UNDER_WAY, Project.State.APPROVED])
                .select_related("organisation").order_by("-number") if p.pk not in proposed]
    misconduct = next((p for p in projects if p.state == Project.State.UNDER_WAY and p.lead_id is not None
                       and contracts.spent(p) > 0), None)
    if misconduct is not None:
        spent = contracts.spent(misconduct)
        misused = min(spent, Decimal("30000"))
        proposal = ending.propose_termination(misconduct, by=officer, grounds=Termination.Grounds.MISCONDUCT,
                                              reason=REASON, misused=[ending.Misused(misused, MISUSED)])
        approved = ending.approve_termination(
            proposal, by=officer2, reason="审计结论清楚，同意终止并追回未使用及挪用经费。",
            due_on=clock.today() + timedelta(days=30),
            debar=ending.Debar(lead=True, reason=DEBAR, until=clock.today() + timedelta(days=3 * 365)))
        recovery = getattr(approved, "recovery", None)
        if recovery is not None:
            first = (recovery.amount / 2).quantize(Decimal("0.01"))
            ending.record_receipt(recovery, by=finance, amount=first, received_on=clock.today(),
                                  bank_reference="ICBC-ZH-20260001")
        builder.created += 1
    for project in projects:
        applicant = users.filter(role=Role.APPLICANT, organisation=project.organisation, is_active=True).order_by(
            "pk").first()
        if project != misconduct and applicant is not None:
            ending.request_termination(project, by=applicant, reason=REQUEST)
            builder.created += 1
            break
