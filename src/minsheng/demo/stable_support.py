"""Demo stable support (稳定支持, M17): a call of the 2026 city programme that gives public-welfare research
institutes, universities and hospitals steady money for their livelihood S&T capacity instead of a competition.
It closed three weeks ago; every application passed the formal check; with no ranking to wait for, `officer` has
made the funding plan from the passed applications and proposed it today, so `officer2` can approve it. The plan
page shows it beside the programme's competitive calls, each support type with its own envelope.
Idempotent: nothing is done when the call exists already (everything is written in one transaction)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from minsheng.applications import services as application_services
from minsheng.calls.models import Call, Programme
from minsheng.calls.services import CallContent
from minsheng.core import clock
from minsheng.demo.applications import _fill, _user_for
from minsheng.demo.builder import SEED
from minsheng.demo.calls import WAN, _rules, _timeline, publish_past_call
from minsheng.demo.funding import _check
from minsheng.funding import services as funding_services
from minsheng.policy.models import FundingMode, SupportType
from minsheng.registry.models import Organisation, Person

STEPS = 4
STABLE_CALL_TITLE = "2026年公益类科研机构民生科技创新能力稳定支持"
KINDS = ["university", "institute", "hospital"]
RULES = [("verified_organisation", {}), ("registered_in_city", {"region_prefix": "4403"}),
         ("org_type_in", {"kinds": KINDS})]

# (title, summary, objectives, technical route, keywords)
TEXTS = [
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


def stable_call() -> Call | None:
    return Call.objects.filter(title_zh=STABLE_CALL_TITLE).first()


def build(builder) -> None:
    rng = random.Random(SEED + 110)
    users = get_user_model().objects
    officer, officer2 = users.filter(username="officer").first(), users.filter(username="officer2").first()
    programme = Programme.objects.filter(year=2026, source__code="city_rd").order_by("pk").first()
    organisations = [o for o in builder.organisation_list if o.state == Organisation.State.VERIFIED
                     and o.kind in KINDS and Person.objects.filter(organisation=o).exists()]
    if stable_call() is not None or None in (officer, officer2, programme) or len(organisations) < 2:
        builder.progress(STEPS)
        return
    with transaction.atomic():
        call = _call(builder.domains["D01"], programme, officer, officer2)
        builder.progress(1)
        _applications(builder, call, rng.sample(organisations, min(len(TEXTS), len(organisations))), rng)
        builder.progress(1)
        _check(call, officer)
        builder.progress(1)
        plan = funding_services.create_plan(call, by=officer)
        funding_services.apply_suggestion(plan, by=officer)
        funding_services.propose(plan, by=officer, reason="按稳定支持额度安排，待复核。")
        builder.progress(1)
        builder.created += 1


def _call(domain, programme, officer, officer2) -> Call:
    timeline = _timeline(-50, -21)
    content = CallContent(
        values={"programme": programme, "title_zh": STABLE_CALL_TITLE,
                "title_en": "2026 stable support: livelihood S&T capacity of public-welfare institutes",
                "description": "对承担民生科技公共服务职能的科研院所、高校和医院给予稳定支持，用于科研条件保障、"
                               "研究团队建设和公共技术服务（第十七条：稳定支持与竞争择优相结合）。",
                "funding_mode": FundingMode.objects.get(code="capacity"),
                "support_type": SupportType.objects.get(code="stable"), "budget": Decimal(400) * WAN,
                "max_grant": Decimal(100) * WAN, "cofunding_ratio": Decimal(0), "allow_partial_funding": True,
                "reviewers_per_proposal": 3, **timeline},
        domains=[domain], focus_directions=[], co_owners=[],
        topics=[{"title": "民生科技公共服务能力保障", "description": "科研条件、研究团队与面向基层的公共技术服务。",
                 "problems": []}], criteria=[], rules=_rules(RULES))
    return publish_past_call(content, by=officer, approver=officer2, at=timeline["opens_at"] - timedelta(days=10))


def _applications(builder, call, organisations, rng) -> None:
    index_of = {o.pk: index for index, o in enumerate(builder.organisation_list)}
    for n, organisation in enumerate(sorted(organisations, key=lambda o: o.pk)):
        user = _user_for(organisation, index_of[organisation.pk])
        with clock.reading(call.opens_at + timedelta(days=3 + n)):
            app = application_services.start(call, by=user, title=TEXTS[n][0])
            _fill(app, user, TEXTS[n], rng, own_percent=rng.choice([20, 30]), with_ip=False)
        with clock.reading(call.closes_at - timedelta(hours=rng.randint(5, 100))):
            application_services.submit(app, by=user)
