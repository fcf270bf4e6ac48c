"""Demo acceptance (验收, M17/M18/M19) in each state, on a stable-support call of two years ago whose projects
have ended: its six projects were approved, their task books signed and the first tranche paid then; each applied
for acceptance after its last milestone was due, and their stories differ:
- applied: the file waits for the officer's formal check;
- returned: the check found indicators without evidence and the officer sent the file back with comments;
- under expert review: the file passed the check; the panel has two experts, one has scored and the demo
  `expert` account (when it has no conflict with the project) still has to;
- passed (通过验收): every indicator met, the panel scored well, the acceptance tranche was requested on the verdict;
- closed with conditions (结题): one indicator short, the conditions named, the tranche requested;
- failed (不通过验收): the panel scored low and the officer gave the reason; the project failed.
Each step runs with the clock set to its day, never later than now. Idempotent: nothing is done when the call
exists already (everything is written in one transaction)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from minsheng.calls.models import Call, Programme
from minsheng.contracts import services as contracts
from minsheng.contracts.models import Tranche
from minsheng.core import clock
from minsheng.core.permissions import SYSTEM
from minsheng.core.roles import Role
from minsheng.demo.builder import SEED
from minsheng.demo.funding import _check
from minsheng.demo.stable_support import CITY_TEXTS, DISTRICT_TEXTS, StableCall, _applications
from minsheng.demo.stable_support import _call as stable_call
from minsheng.funding import services as funding_services
from minsheng.funding.models import Project
from minsheng.projects import acceptance, queries
from minsheng.registry.models import Organisation, Person

STEPS = 4
TITLE = "2024年公益类医疗卫生机构民生科技稳定支持（已到期）"
STORIES = ["applied", "returned", "review", "passed", "conditional", "failed"]
SPEC = StableCall(TITLE, "2024 stable support: public-welfare health institutions (ended)", "city_rd", 500, 80, 900,
                  (CITY_TEXTS + DISTRICT_TEXTS)[:len(STORIES)], in_notice=False)
KINDS = {Organisation.Kind.INSTITUTE, Organisation.Kind.UNIVERSITY, Organisation.Kind.HOSPITAL,
         Organisation.Kind.PUBLIC}
EVIDENCE = "第三方检测报告及用户单位证明（见附件清单）"
SUMMARY = "按任务书完成了全部研究内容，建立了面向基层的公共技术服务体系，示范应用运行稳定。"
ACHIEVEMENTS = "服务体系已在辖区基层医疗机构推广应用，形成技术规范 2 项，与两家区级医院签订合作协议。"
IP = "发明专利申请 1 项（已受理）；软件著作权 1 项。"
SCORES = {"good": {"completion": 9, "quality": 8, "funds": 9, "transfer": 8, "ip": 7},
          "fair": {"completion": 6, "quality": 7, "funds": 7, "transfer": 6, "ip": 6},
          "poor": {"completion": 3, "quality": 4, "funds": 5, "transfer": 2, "ip": 3}}


def build(builder) -> None:
    users = get_user_model().objects
    officer, officer2, finance = (users.filter(username=name).first() for name in ("officer", "officer2", "finance"))
    programme = Programme.objects.filter(source__code=SPEC.source).order_by("year", "pk").first()
    organisations = sorted((o for o in builder.organisation_list if o.state == Organisation.State.VERIFIED
                            and o.kind in KINDS and Person.objects.filter(organisation=o).exists()),
                           key=lambda o: -o.pk)
    if Call.objects.filter(title_zh=TITLE).exists() or None in (officer, officer2, finance, programme) \
            or len(organisations) < len(STORIES):
        builder.progress(STEPS)
        return
    rng = random.Random(SEED + 140)
    with transaction.atomic():
        call = stable_call(SPEC, builder.domains["D01"], programme, officer, officer2)
        Call.objects.filter(pk=call.pk).update(report_every_months=0)
        call.refresh_from_db()
        _applications(builder, call, SPEC.texts, organisations[:len(STORIES)], rng)
        builder.progress(1)
        _check(call, officer)
        projects = _fund(call, officer, officer2)
        builder.progress(1)
        for project in projects:
            _start(project, officer, finance)
        builder.progress(1)
        for story, project in zip(STORIES, projects, strict=False):
            _story(story, project, officer)
            builder.created += 1
        builder.progress(1)


def _fund(call, officer, officer2) -> list[Project]:
    with clock.reading(call.closes_at + timedelta(days=10)):
        plan = funding_services.create_plan(call, by=officer)
        funding_services.apply_suggestion(plan, by=officer)
        funding_services.propose(plan, by=officer, reason="按稳定支持额度安排。")
    with clock.reading(call.closes_at + timedelta(days=11)):
        funding_services.approve(plan, by=officer2, reason="稳定支持对象和额度符合计划安排，同意并公示。")
    plan.refresh_from_db()
    with clock.reading(plan.notice_ends_at + timedelta(hours=10)):
        funding_services.decide(plan, by=officer, reason="公示期满，无异议，准予立项。")
    return list(Project.objects.filter(call=call).order_by("number"))


def _applicant(project):
    return get_user_model().objects.filter(role=Role.APPLICANT, organisation=project.organisation,
                                           is_active=True).order_by("pk").first()


def _start(project, officer, finance) -> None:
    """The task book issued, confirmed and signed, and the first tranche paid, in the weeks after approval."""
    applicant = _applicant(project)
    day = project.approved_at
    with clock.reading(day + timedelta(days=5)):
        book = contracts.issue(project, by=officer)
    with clock.reading(day + timedelta(days=8)):
        contracts.confirm(book, revision=book.revision, by=applicant)
    with clock.reading(day + timedelta(days=10)):
        contracts.countersign(book, by=officer)
    first = Tranche.objects.filter(project=project).order_by("order").first()
    with clock.reading(day + timedelta(days=12)):
        contracts.request_tranche(first, by=officer)
    with clock.reading(day + timedelta(days=14)):
        contracts.approve_tranche(first, by=finance)
    with clock.reading(day + timedelta(days=16)):
        contracts.record_payment(first, by=finance, paid_on=clock.today(), reference=f"ZF{project.pk:06d}")


def _filing(project, *, short: bool = False, evidence: str = EVIDENCE) -> acceptance.AcceptanceFiling:
    indicators = {}
    for n, indicator in enumerate(queries.signed_book(project).indicators.all()):
        value = indicator.target * (Decimal("0.6") if short and n == 0 else Decimal("1.1"))
        indicators[indicator.pk] = (str(value.quantize(Decimal("0.01"))), evidence)
    return acceptance.AcceptanceFiling(indicators=indicators, summary=SUMMARY, achievements=ACHIEVEMENTS,
                                       ip_produced=IP, links="https://example.cn/results")


def _story(story, project, officer) -> None:
    applicant = _applicant(project)
    start = acceptance.last_milestone_due(queries.signed_book(project)) + timedelta(days=7)
    moment = clock.now().replace(year=start.year, month=start.month, day=start.day, hour=10)
    if story == "returned":
        with clock.reading(moment):
            item = acceptance.apply(project, _filing(project, evidence=""), by=applicant)
        with clock.reading(moment + timedelta(days=3)):
            acceptance.decide_check(item, by=officer, passed=False,
                                    comments="各项考核指标均未附佐证材料，请补充检测报告或用户单位证明后重新提交。")
        return
    with clock.reading(moment):
        item = acceptance.apply(project, _filing(project, short=story == "conditional"), by=applicant)
    if story == "applied":
        return
    with clock.reading(moment + timedelta(days=3)):
        item = acceptance.decide_check(item, by=officer, passed=True, comments="材料齐全，进入专家评审。")
    demo_expert = get_user_model().objects.filter(username="expert").values_list("person_id", flat=True).first()
    chosen = [e for e, _shared in acceptance.suggest(item, limit=10)]
    if story == "review":
        mine = [e for e in chosen if e.person_id == demo_expert]
        chosen = [e for e in chosen if e.person_id != demo_expert][:1] + mine[:1]
    else:
        chosen = [e for e in chosen if e.person_id != demo_expert][:3]
    with clock.reading(moment + timedelta(days=5)):
        for expert in chosen:
            acceptance.add_expert(item, expert, by=officer)
    grade = {"failed": "poor", "conditional": "fair"}.get(story, "good")
    for n, member in enumerate(item.experts.order_by("pk")):
        if member.expert.person_id == demo_expert:
            continue
        with clock.reading(moment + timedelta(days=12 + n)):
            acceptance.score(item, by=SYSTEM, member=member, scores=SCORES[grade],
                             comments="研究内容完成情况与任务书对照清楚，佐证材料充分。" if grade == "good"
                             else "部分指标完成不足，成果推广应用有待加强。")
    if story == "review":
        return
    with clock.reading(moment + timedelta(days=20)):
        if story == "passed":
            acceptance.decide(item, by=officer, verdict="pass")
        elif story == "conditional":
            acceptance.decide(item, by=officer, verdict="close",
                              conditions="首项考核指标完成 60%，须在结题后六个月内补齐并报送佐证材料。")
        else:
            acceptance.decide(item, by=officer, verdict="fail",
                              reason="主要考核指标未完成，示范应用未实际开展，经费使用不够规范。")
