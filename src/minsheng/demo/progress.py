"""Demo progress reports and mid-term checks (M17) for the projects under way of the "contracts" part, whose call
asks for a report every month and holds a mid-term check. Each project's story follows its own reporting periods
(computed from its signed task book), with the clock set to each step's day and never later than now:
- the first project's first report was accepted on time; its second period is past due with no report (late); its
  mid-term check proposes termination;
- the second project's reports were accepted on time and its latest waits for the officer; its check passed, so
  its mid-term tranche can be requested on it;
- the third project's first report was accepted and its second returned with the officer's comments; its check
  passed with corrective actions and a deadline.
Idempotent: a project that already has a report or a check is left as it is."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.projects import queries, services
from minsheng.projects.models import MidtermCheck, ProgressReport

STEPS = 1
WORK = ["完成两个社区卫生服务中心的设备部署与人员培训", "远程随访平台上线试运行，接入签约居民", "完成阶段性技术测试"]
PROBLEMS = "部分可穿戴设备到货延迟约两周，已调整部署顺序；个别社区网络条件不足，正协调运营商改造。"
RETURN_COMMENTS = "“服务人数”的佐证只写了数字，请补充平台导出的签约居民名单（脱敏）或社区卫生服务中心出具的证明。"
STORIES = ["late", "waiting", "returned"]
CHECKS = {
    "late": {"result": MidtermCheck.Result.TERMINATE, "findings": "第二期进展报告逾期未交，示范点建设基本停滞。",
             "reason": "项目组核心成员离职，承担单位未能按任务书组织实施，建议终止项目并追回未使用经费。"},
    "waiting": {"result": MidtermCheck.Result.PASS, "findings": "各节点按计划推进，经费使用规范，示范效果初步显现。"},
    "returned": {"result": MidtermCheck.Result.ACTIONS, "findings": "部署进度略滞后于任务书节点，佐证材料不够完整。",
                 "actions": "补齐服务人数佐证材料；增派实施人员，确保第三个节点按期完成。"},
}


def _at(day, hour: int) -> datetime:
    """That day at `hour` o'clock in Shanghai, never later than now."""
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    return min(moment, clock.now())


def _filing(project, value: str = "1") -> services.Filing:
    book = queries.signed_book(project)
    milestones = {m.pk: ("in_progress", WORK[n % len(WORK)]) for n, m in enumerate(book.milestones.all())}
    indicators = {i.pk: (value, "社区卫生服务中心出具的阶段性服务证明") for i in book.indicators.all()}
    return services.Filing(milestones=milestones, indicators=indicators, problems=PROBLEMS)


def build(builder) -> None:
    users = get_user_model().objects
    officer = users.filter(username="officer").first()
    builder.progress(STEPS)
    if officer is None:
        return
    projects = list(Project.objects.filter(state=Project.State.UNDER_WAY, call__report_every_months__gt=0)
                    .exclude(pk__in=ProgressReport.objects.values("project_id"))
                    .exclude(pk__in=MidtermCheck.objects.values("project_id"))
                    .select_related("call", "organisation").order_by("number"))
    for index, project in enumerate(projects[:len(STORIES)]):
        applicant = users.filter(role=Role.APPLICANT, organisation=project.organisation, is_active=True).order_by(
            "pk").first()
        if applicant is None:
            continue
        past = [p for p in queries.periods_of(project) if p.due_on < clock.today()]
        if len(past) < 2:   # too young to tell a story
            continue
        _story(project, STORIES[index], past, applicant, officer)
        builder.created += 1


def _file_and_accept(project, period, applicant, officer, value: str) -> ProgressReport:
    with clock.reading(_at(period.ends_on + timedelta(days=5), 10)):
        report = services.submit_report(project, period.number, _filing(project, value), by=applicant)
    with clock.reading(_at(period.ends_on + timedelta(days=8), 15)):
        return services.accept_report(report, by=officer, comments="进展符合任务书要求。")


def _story(project, story, past, applicant, officer) -> None:
    first, second = past[0], past[1]
    _file_and_accept(project, first, applicant, officer, "0")
    if story == "waiting":
        _file_and_accept(project, second, applicant, officer, "1")
        current = next((p for p in queries.periods_of(project) if p.ends_on < clock.today() <= p.due_on), None)
        if current is not None:
            with clock.reading(_at(clock.today(), 9)):
                services.submit_report(project, current.number, _filing(project, "1"), by=applicant)
    elif story == "returned":
        with clock.reading(_at(second.ends_on + timedelta(days=6), 10)):
            report = services.submit_report(project, second.number, _filing(project, "1"), by=applicant)
        with clock.reading(_at(second.ends_on + timedelta(days=9), 16)):
            services.return_report(report, by=officer, comments=RETURN_COMMENTS)
    check = dict(CHECKS[story])
    when = _at(second.due_on + timedelta(days=3), 11)
    if check["result"] == MidtermCheck.Result.ACTIONS:
        check["actions_due_on"] = timezone.localdate(when) + timedelta(days=60)
    with clock.reading(when):
        services.record_midterm(project, by=officer, **check)
