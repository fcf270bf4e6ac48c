"""Demo stable support (稳定支持, M17): calls that give public-welfare research institutes, universities and hospitals
steady money for their livelihood S&T capacity instead of a competition. With no ranking to wait for, each plan is
made from the applications that passed the formal check, and the plan page shows it beside the programme's
competitive calls, each support type with its own envelope:
- the city programme's call closed weeks ago; its plan was approved by `officer2` yesterday and is in public notice
  now, with an objection from the public waiting to be handled;
- the district programme's call closed two weeks ago; `officer` has proposed its plan today, for `officer2` to
  approve.
Idempotent: nothing is done when the first call exists already (everything is written in one transaction)."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from minsheng.applications import services as application_services
from minsheng.calls.models import Call, Programme
from minsheng.calls.services import CallContent
from minsheng.core import clock
from minsheng.core.money import WAN
from minsheng.demo.applications import _fill, _user_for
from minsheng.demo.builder import SEED
from minsheng.demo.calls import _rules, _timeline, publish_past_call
from minsheng.demo.funding import _check
from minsheng.funding import services as funding_services
from minsheng.policy.models import FundingMode, SupportType
from minsheng.registry.models import Organisation, Person

KINDS = ["university", "institute", "hospital"]
RULES = [("verified_organisation", {}), ("registered_in_city", {"region_prefix": "4403"}),
         ("org_type_in", {"kinds": KINDS})]
OBJECTION = ("公示的项目承担单位今年已获得同类稳定支持，是否重复资助？请核实。", "0755-83330000", "李女士")

# (title, summary, objectives, technical route, keywords)
CITY_TEXTS = [
    ("社区常见慢病防治适宜技术研究与推广能力建设",
     "依托本单位慢病防治研究团队，持续开展社区适宜技术的研究、评价与推广。",
     "每年向社区卫生服务中心推广适宜技术3项以上，培训基层医务人员500人次。",
     "建立适宜技术遴选评价体系，开展多中心真实世界研究，形成推广规范与培训课程。", "适宜技术, 慢病防治, 基层推广"),
    ("公共卫生应急检测技术平台稳定运行与能力提升", "保障公共卫生应急检测平台稳定运行，提升突发疫情快速检测能力。",
     "应急检测能力达到每日2万份，新发病原体检测方法建立时间缩短至72小时。",
     "多重核酸快速检测体系，自动化样本处理流水线，检测数据实时上报与质控。", "应急检测, 公共卫生, 平台运行"),
    ("老年健康与康复科学研究基地建设", "建设面向老龄社会的健康与康复研究基地，支撑养老服务技术创新。",
     "建成老年健康队列1万人，形成康复评估标准2项，孵化康复辅具产品3项。",
     "社区老年健康队列随访，康复评估指标体系研究，产学研合作转化康复辅具。", "老年健康, 康复科学, 研究基地"),
    ("食品安全风险监测与溯源技术研究能力建设", "提升食品安全风险监测、快速筛查和溯源分析的持续研究能力。",
     "建立食品风险物质筛查方法20项，覆盖全市主要农贸市场的监测网络。",
     "高分辨质谱非靶向筛查，风险物质数据库建设，供应链溯源数据模型。", "食品安全, 风险监测, 溯源"),
]


DISTRICT_TEXTS = [
    ("社区医院慢病管理适宜技术示范基地运行", "保障区级慢病管理适宜技术示范基地运行，带动辖区社区医院应用。",
     "辖区社区健康服务中心全部应用慢病管理适宜技术，年随访患者1万人次。",
     "示范基地带教，远程会诊与随访平台，适宜技术应用效果评价。", "社区医院, 慢病管理, 示范基地"),
    ("区域临床检验中心公共技术服务能力提升", "提升区域临床检验中心为基层医疗机构提供检验服务的能力。",
     "为辖区30家基层医疗机构提供检验服务，检验报告互认率达到95%。",
     "标准化检验流程，冷链物流追踪，检验结果互认与质控平台。", "临床检验, 公共技术服务, 基层医疗"),
    ("妇幼保健机构出生缺陷防控研究能力建设", "支持区妇幼保健机构开展出生缺陷筛查与干预的持续研究。",
     "建立辖区出生缺陷监测数据库，产前筛查覆盖率达到90%。",
     "出生缺陷监测登记，产前筛查与诊断技术规范，随访干预路径研究。", "出生缺陷, 妇幼保健, 筛查"),
]


STEPS = 2 * 4


@dataclass(frozen=True)
class StableCall:
    title: str
    title_en: str
    source: str          # the programme's funding source
    budget_wan: int
    max_grant_wan: int
    closed_days_ago: int
    texts: list
    in_notice: bool      # approved yesterday and in public notice; otherwise proposed today


CALLS = [
    StableCall("2026年公益类科研机构民生科技创新能力稳定支持",
               "2026 stable support: livelihood S&T capacity of public-welfare institutes", "city_rd", 400, 100, 21,
               CITY_TEXTS, in_notice=True),
    StableCall("2026年区级公益医疗卫生机构民生科技稳定支持",
               "2026 stable support: district public-welfare health institutions", "district", 200, 60, 14,
               DISTRICT_TEXTS, in_notice=False),
]


def stable_call() -> Call | None:
    return Call.objects.filter(title_zh=CALLS[0].title).first()


def build(builder) -> None:
    rng = random.Random(SEED + 110)
    users = get_user_model().objects
    officer, officer2 = users.filter(username="officer").first(), users.filter(username="officer2").first()
    organisations = sorted((o for o in builder.organisation_list if o.state == Organisation.State.VERIFIED
                            and o.kind in KINDS and Person.objects.filter(organisation=o).exists()),
                           key=lambda o: o.pk)
    programmes = {spec.source: Programme.objects.filter(year=2026, source__code=spec.source).order_by("pk").first()
                  for spec in CALLS}
    if stable_call() is not None or None in (officer, officer2, *programmes.values()) or len(organisations) < 2:
        builder.progress(STEPS)
        return
    with transaction.atomic():
        for spec in CALLS:
            call = _call(spec, builder.domains["D01"], programmes[spec.source], officer, officer2)
            builder.progress(1)
            chosen = rng.sample(organisations, min(len(spec.texts), len(organisations)))
            _applications(builder, call, spec.texts, chosen, rng)
            builder.progress(1)
            _check(call, officer)
            builder.progress(1)
            _plan(call, spec, officer, officer2)
            builder.progress(1)
            builder.created += 1


def _call(spec: StableCall, domain, programme, officer, officer2) -> Call:
    timeline = _timeline(-spec.closed_days_ago - 30, -spec.closed_days_ago)
    content = CallContent(
        values={"programme": programme, "title_zh": spec.title, "title_en": spec.title_en,
                "description": "对承担民生科技公共服务职能的科研院所、高校和医院给予稳定支持，用于科研条件保障、"
                               "研究团队建设和公共技术服务（第十七条：稳定支持与竞争择优相结合）。",
                "funding_mode": FundingMode.objects.get(code="capacity"),
                "support_type": SupportType.objects.get(code="stable"), "budget": Decimal(spec.budget_wan) * WAN,
                "max_grant": Decimal(spec.max_grant_wan) * WAN, "cofunding_ratio": Decimal(0),
                "allow_partial_funding": True, "reviewers_per_proposal": 3, **timeline},
        domains=[domain], focus_directions=[], co_owners=[],
        topics=[{"title": "民生科技公共服务能力保障", "description": "科研条件、研究团队与面向基层的公共技术服务。",
                 "problems": []}], criteria=[], rules=_rules(RULES))
    return publish_past_call(content, by=officer, approver=officer2, at=timeline["opens_at"] - timedelta(days=10))


def _applications(builder, call, texts, organisations, rng) -> None:
    index_of = {o.pk: index for index, o in enumerate(builder.organisation_list)}
    for n, organisation in enumerate(organisations):
        user = _user_for(organisation, index_of[organisation.pk])
        with clock.reading(call.opens_at + timedelta(days=3 + n)):
            app = application_services.start(call, by=user, title=texts[n][0])
            _fill(app, user, texts[n], rng, own_percent=rng.choice([20, 30]), with_ip=False)
        with clock.reading(call.closes_at - timedelta(hours=rng.randint(5, 100))):
            application_services.submit(app, by=user)


def _plan(call, spec: StableCall, officer, officer2) -> None:
    """Proposed today; or proposed two days ago, approved yesterday and objected to a few hours ago."""
    now = clock.now()
    with clock.reading(now - timedelta(days=2) if spec.in_notice else now):
        plan = funding_services.create_plan(call, by=officer)
        funding_services.apply_suggestion(plan, by=officer)
        funding_services.propose(plan, by=officer, reason="按稳定支持额度安排，待复核。")
    if not spec.in_notice:
        return
    with clock.reading(now - timedelta(days=1)):
        funding_services.approve(plan, by=officer2, reason="稳定支持对象和额度符合计划安排，同意并公示。")
    with clock.reading(now - timedelta(hours=3)):
        text, contact, name = OBJECTION
        funding_services.lodge_objection(plan, contact=contact, text=text, name=name,
                                         line=plan.lines.filter(grant__gt=0).order_by("rank").first())
