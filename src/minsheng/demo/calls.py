"""Demo programmes and calls (M17, M05): a city and a district programme for 2026; the demo call on smart
healthcare, open now and co-owned with the health department; a call that closed a few days ago (for the
formal check); one draft and one call awaiting approval. Dates follow the build date; titles are the keys."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from minsheng.calls import services
from minsheng.calls.models import Call, Programme
from minsheng.core import clock
from minsheng.core.money import WAN
from minsheng.demo.builder import SEED
from minsheng.policy.models import Department, FundingMode, FundingSource, RuleTemplate, SupportType
from minsheng.problems.models import Problem

STEPS = 6
DEMO_CALL_TITLE = "2026年智慧医疗与健康"
CLOSED_CALL_TITLE = "2026年社区智慧养老与康复辅助技术"
DRAFT_CALL_TITLE = "2026年绿色建筑低碳改造技术示范"
REVIEW_CALL_TITLE = "2026年食品药品安全快速检测"

PROGRAMMES = [
    # (source code, name, English name, envelope in 万元)
    ("city_rd", "2026年市科技研发资金民生科技专项", "2026 Livelihood S&T programme (city R&D fund)", 20000),
    ("district", "2026年区级民生科技专项资金", "2026 District livelihood S&T funds", 6000),
]

HEALTH_TOPICS = [
    ("基层慢病管理与远程随访技术", "面向高血压、糖尿病等慢病患者的社区随访、远程监测与分级诊疗协同。"),
    ("区域健康档案与医疗数据共享平台", "电子病历与区域健康档案的互联互通、隐私保护和共享调阅。"),
    ("妇幼健康与遗传病早期筛查", "新生儿遗传代谢病与出生缺陷的早筛、早诊技术及其社区应用。"),
    ("急救与康复护理智能装备", "院前急救信息联动、康复训练与居家护理的智能化设备。"),
]
ELDERLY_TOPICS = [
    ("社区智慧养老服务平台", "整合社区养老、医疗与家政服务的信息平台及其示范应用。"),
    ("老年人跌倒监测与康复辅助器具", "非接触式跌倒监测、康复辅助器具的研制与社区推广。"),
]
RUBRIC = [
    ("创新性与技术先进性", "Innovation and technical merit", 30),
    ("民生需求契合度", "Fit with livelihood needs", 25),
    ("实施方案与团队能力", "Plan and team", 20),
    ("成果转化与示范推广", "Transfer and demonstration", 15),
    ("知识产权基础", "IP foundation", 10),
]
RULES = [
    ("verified_organisation", {}),
    ("registered_in_city", {"region_prefix": "4403"}),
    ("org_type_in", {"kinds": ["enterprise", "university", "institute", "hospital"]}),
    ("ip_in_domain", {"min_count": 1, "ip_kinds": ["invention_patent"], "domains": ["D01"]}),
    ("own_funding_share", {"min_percent": 20}),
    ("applications_per_organisation", {"max": 2}),
    ("partner_hk_macao", {"mode": "bonus", "bonus_points": 2}),
    ("not_debarred", {}),
]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _timeline(opens_in_days: int, closes_in_days: int) -> dict:
    today = clock.today()
    closes = _at(today + timedelta(days=closes_in_days), 17)
    return {"opens_at": _at(today + timedelta(days=opens_in_days), 9), "closes_at": closes,
            "review_ends_at": closes + timedelta(days=45), "notice_at": closes + timedelta(days=60)}


def _rules(codes=RULES) -> list[tuple]:
    templates = {t.code: t for t in RuleTemplate.objects.filter(code__in=[code for code, _ in codes], is_active=True)}
    return [(templates[code], params) for code, params in codes if code in templates]


def _topics(rows, problems: list[Problem]) -> list[dict]:
    result = []
    for index, (title, description) in enumerate(rows):
        linked = problems[index::len(rows)][:2]
        result.append({"title": title, "description": description, "problems": linked})
    return result


def _criteria(rows=RUBRIC) -> list[dict]:
    return [{"name_zh": zh, "name_en": en, "description": "", "weight": Decimal(weight), "scale_min": 0,
             "scale_max": 10} for zh, en, weight in rows]


def publish_past_call(content: services.CallContent, *, by, approver, at: datetime) -> Call:
    """A call of an earlier round: drafted and submitted by `by`, approved by `approver`, all at `at` (the clock
    set back to then, before the call opened)."""
    with clock.reading(at):
        call = services.save_call(by=by, content=content)
        call = services.submit_call(call=call, by=by, enforce_deadline=False)
        return services.publish_call(call=call, by=approver, enforce_deadline=False)


def demo_call() -> Call | None:
    return Call.objects.filter(title_zh=DEMO_CALL_TITLE).first()


def closed_call() -> Call | None:
    return Call.objects.filter(title_zh=CLOSED_CALL_TITLE).first()


def build(builder) -> None:
    rng = random.Random(SEED + 30)
    User = get_user_model()
    officer, officer2 = User.objects.get(username="officer"), User.objects.get(username="officer2")
    dept_health = User.objects.get(username="dept_health")
    programmes = []
    for source, name, name_en, envelope in PROGRAMMES:
        programme = Programme.objects.filter(year=2026, name_zh=name).first()
        if programme is None:
            programme = services.create_programme(by=officer, values={
                "year": 2026, "source": FundingSource.objects.get(code=source), "name_zh": name, "name_en": name_en,
                "budget": Decimal(envelope) * WAN, "description": "2026年度民生科技项目资金盘子（演示数据）。"})
            builder.created += 1
        builder.progress(1)
        programmes.append(programme)
    city, district = programmes
    domains = builder.domains
    health = Department.objects.filter(code="health")
    civil = Department.objects.filter(code="civil_affairs")
    problems = list(Problem.objects.filter(state=Problem.State.ACCEPTED, domain__code="D01").order_by("pk"))
    rng.shuffle(problems)
    demonstration = FundingMode.objects.get(code="demonstration")
    key_tech = FundingMode.objects.get(code="key_tech")
    competitive = SupportType.objects.get(code="competitive")
    d01 = domains["D01"]
    plans = [
        # title, programme, content values, topics, co-owners, domain, final state
        (DEMO_CALL_TITLE, city, "2026 Smart healthcare and health", key_tech, 3000, 300, _timeline(-20, 20),
         _topics(HEALTH_TOPICS, problems[:6]), list(health), d01, Call.State.PUBLISHED,
         "聚焦基层医疗、数字健康与公共卫生等民生热点难题（第六条），支持企业、高校、科研机构和医院联合攻关，"
         "推动成果在社区和基层医疗机构示范应用。"),
        (CLOSED_CALL_TITLE, city, "2026 Smart elderly care and rehabilitation", demonstration, 2000, 200,
         _timeline(-50, -4), _topics(ELDERLY_TOPICS, problems[6:9]), list(health) + list(civil), d01,
         Call.State.PUBLISHED,
         "面向社区居家养老与康复护理需求，支持智慧养老服务平台和康复辅助器具的研制与示范。"),
        (DRAFT_CALL_TITLE, district, "2026 Low-carbon retrofit of buildings", demonstration, 1500, 150,
         _timeline(30, 75), _topics([("既有建筑节能改造集成技术", "围护结构保温、遮阳与可再生能源建筑一体化。")], []),
         [], domains["D03"], Call.State.DRAFT, "支持既有建筑绿色低碳改造技术的集成与示范（第八条）。"),
        (REVIEW_CALL_TITLE, city, "2026 Rapid testing for food and drug safety", key_tech, 1200, 100,
         _timeline(15, 60), _topics([("农产品农残快速检测试剂与设备", "快速检测卡、便携检测仪及其溯源应用。")], []),
         # co-owned, so that both departments' officers find it waiting for them (M05)
         list(health) + list(civil), domains["D08"], Call.State.IN_REVIEW,
         "支持食品药品安全快速检测与追溯技术（第十三条），覆盖医疗机构和社区老年助餐点等民生场景。"),
    ]
    for title, programme, title_en, mode, budget, grant, timeline, topics, owners, domain, state, text in plans:
        builder.progress(1)
        if Call.objects.filter(title_zh=title).exists():
            continue
        content = services.CallContent(
            values={"programme": programme, "title_zh": title, "title_en": title_en, "description": text,
                    "funding_mode": mode, "support_type": competitive, "budget": Decimal(budget) * WAN,
                    "max_grant": Decimal(grant) * WAN, "cofunding_ratio": Decimal(20),
                    "reviewers_per_proposal": 5, **timeline},
            domains=[domain], focus_directions=list(domain.focus_directions.all()[:3]), co_owners=owners,
            topics=topics, criteria=_criteria(), rules=_rules() if domain == d01 else _rules(RULES[:3]))
        call = services.save_call(by=officer, content=content)
        builder.created += 1
        if state in (Call.State.IN_REVIEW, Call.State.PUBLISHED):
            call = services.submit_call(call=call, by=officer, enforce_deadline=False)
        if state == Call.State.PUBLISHED:
            approver = dept_health if title == DEMO_CALL_TITLE else officer2
            services.publish_call(call=call, by=approver, enforce_deadline=False)
