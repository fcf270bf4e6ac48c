"""Demo demonstration sites (示范应用, M18 with M16/M17) and the people they served per quarter, written through the
services as the organisations and the officer would:

- the problem traced end to end (demo/funding.py's TRACED_PROBLEM): its topic's call, the first project funded on it
  that holds a verified patent (else any verified achievement), a verified community health centre in the problem's
  district that applies it; when that project has no verified achievement, an adopted report is recorded and verified
  so that the problem's public page shows a result of every kind;
- the other projects under way or accepted: a hospital, a school, communities, a government service hall, a factory
  and a village across the districts, with rising figures, one quarter going down with its reason, two left
  unverified.
Idempotent: a project that already has a site is left as it is."""

import datetime
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.demo.funding import TRACED_PROBLEM
from minsheng.funding.models import Project
from minsheng.outcomes import services
from minsheng.outcomes.models import Achievement, DemonstrationSite
from minsheng.policy.models import District
from minsheng.problems.models import Problem

STEPS = 1
K = DemonstrationSite.Kind

# organisation → (kind, site name, district, address, what is applied, people served per quarter (oldest first),
# the quarter that went down and why (or None), verified)
STORIES = {
    "深圳康宁医疗器械有限公司": (K.HOSPITAL, "龙岗区人民医院康复医学科", "longgang", "龙岗区龙城街道爱龙路53号",
                          "下肢康复训练机器人用于中风患者的早期康复训练", [38, 64], None, False),
    "深圳市教育信息化中心": (K.SCHOOL, "南山区育才第三小学", "nanshan", "南山区蛇口街道工业八路18号",
                       "近视防控用眼行为监测系统进入全部班级", [420, 610, 880, 1150, 1230], None, True),
    "深圳市社区服务指导中心": (K.COMMUNITY, "罗湖区东门街道湖贝社区", "luohu", "罗湖区东门南路湖贝社区党群服务中心",
                        "独居老人智能呼叫与上门服务调度平台", [150, 260, 340, 390, 455], None, True),
    "深圳市应急指挥保障中心": (K.GOVERNMENT, "龙华区政务服务中心", "longhua", "龙华区观湖街道东环二路5号",
                        "应急事件一键上报与多部门协同处置系统", [2100, 3400, 3900, 2600, 3800],
                        (3, "政务服务中心二楼改造，窗口停办一个月，上报量随之下降。"), True),
    "深圳市数字文化馆": (K.ENTERPRISE, "宝安区福永街道某电子厂", "baoan", "宝安区福永街道凤凰第四工业区",
                     "外来务工人员线上文化服务终端进厂区", [300, 520, 760], None, True),
    "深圳市公共卫生数据中心": (K.RURAL, "坪山区马峦街道江岭村", "pingshan", "坪山区马峦街道江岭村委会",
                        "慢病随访数据共享终端进村卫生站", [80, 95], None, False),
}
TRACED_SITE = (K.COMMUNITY, "福田区莲花街道社区健康服务中心", "futian", "福田区莲花街道莲花一村12栋",
               "家庭医生团队使用智能药盒与远程随访系统管理辖区独居慢病老人")


def _quarters(since: datetime.date, today: datetime.date) -> list[tuple[int, int]]:
    """The quarters that end on or after `since` and have ended by `today`, oldest first."""
    year, quarter = since.year, (since.month - 1) // 3 + 1
    out = []
    while True:
        end = (datetime.date(year, 12, 31) if quarter == 4
               else datetime.date(year, 3 * quarter + 1, 1) - timedelta(days=1))
        if end >= today:
            return out
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def traced_project(problem_title: str = TRACED_PROBLEM) -> Project | None:
    """The project the traced problem led to: problem → topic → published call → the first project funded on it
    (by number) holding a verified invention patent, else a verified achievement, else the first under way."""
    problem = Problem.objects.filter(title=problem_title).first()
    if problem is None:
        return None
    calls = [t.call for t in problem.topics.select_related("call").order_by("call__code")
             if t.call.state == t.call.State.PUBLISHED]
    projects = list(Project.objects.filter(call__in=calls).exclude(state=Project.State.TERMINATED)
                    .order_by("number"))
    verified = Achievement.State.VERIFIED
    for condition in ({"achievements__state": verified, "achievements__kind": Achievement.Kind.INVENTION_PATENT},
                      {"achievements__state": verified}, {"state": Project.State.UNDER_WAY}):
        for project in projects:
            if Project.objects.filter(pk=project.pk, **condition).exists():
                return project
    return projects[0] if projects else None


def _recorder(project):
    users = get_user_model().objects
    return (users.filter(role=Role.APPLICANT, organisation=project.organisation, is_active=True).order_by("pk").first()
            or users.filter(username="officer").first())


def _site(project, recorder, officer, story, today, figures, dip=None, verified=True) -> None:
    """One site since 20 days after the project's approval (at most about two years back), with the last of
    `figures` reported for the quarters that have ended since; `dip` = (index in figures, reason)."""
    kind, name, district, address, description = story
    since = max(timezone.localdate(project.approved_at) + timedelta(days=20), today - timedelta(days=700))
    achievements = list(project.achievements.filter(state=Achievement.State.VERIFIED)[:1])
    with clock.reading(clock.now() - (today - since)):
        site = services.create_site(by=recorder, values=services.SiteValues(
            kind=kind, name=name, district=District.objects.get(code=district), address=address, since=since,
            projects=[project], achievements=achievements, organisation=project.organisation,
            description=description, link="https://example.org/demo/site-letter"))
    quarters = _quarters(since, today)
    shown = min(len(quarters), len(figures))
    skipped = len(figures) - shown
    for index in range(skipped, len(figures)):
        year, quarter = quarters[len(quarters) - shown + index - skipped]
        reason = dip[1] if dip is not None and dip[0] == index else ""
        services.report_people_served(site, by=recorder, values=services.ReportValues(
            year=year, quarter=quarter, people_served=figures[index], decrease_reason=reason,
            link="https://example.org/demo/site-statistics"))
    if verified:
        services.verify(site, by=officer)


def build(builder) -> None:
    builder.progress(STEPS)
    officer = get_user_model().objects.filter(username="officer").first()
    if officer is None:
        return
    today = clock.today()
    traced = traced_project()
    if traced is not None and not traced.demonstration_sites.exists():
        recorder = _recorder(traced)
        if not traced.achievements.filter(state=Achievement.State.VERIFIED).exists():
            report = services.create_achievement(by=recorder, values=services.AchievementValues(
                kind=Achievement.Kind.ADOPTED_REPORT, title="社区独居慢病老人用药管理服务规范建议",
                achieved_on=today - timedelta(days=30), projects=[traced], organisation=traced.organisation,
                link="https://wjw.sz.gov.cn/", description="市卫生健康部门采纳"))
            services.verify(report, by=officer)
        _site(traced, recorder, officer, TRACED_SITE, today, figures=[180, 260, 340, 420, 505, 560])
        builder.created += 1
    projects = {p.organisation.name_zh: p for p in Project.objects.filter(
        state__in=[Project.State.UNDER_WAY, Project.State.ACCEPTED]).select_related("organisation").order_by("number")}
    for name, (kind, site_name, district, address, description, figures, dip, verified) in STORIES.items():
        project = projects.get(name)
        if project is None or project == traced or project.demonstration_sites.exists():
            continue
        _site(project, _recorder(project), officer, (kind, site_name, district, address, description), today,
              figures=figures, dip=dip, verified=verified)
        builder.created += 1
