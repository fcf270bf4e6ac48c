"""Demo transfers of results (成果转化, M18), written through the services as the organisations and the officer
would: one of every kind with money received by year, some verified; a counterparty in Hong Kong (M22); and one
livelihood problem traced end to end to a licensed patent:

- the problem 基层医院急救响应慢 (M05) answers a topic of the stable-support call whose projects have ended; the
  project of 深圳市应急指挥保障中心 on it passed acceptance; its invention patent is in the IP register (M19) and
  recorded as the project's achievement, verified; an exclusive licence of it to 深圳康宁医疗器械有限公司 brought
  money in two payments, and the officer verified the licence;
- 深圳市公共卫生数据中心's project (closed with conditions) has a verified dataset not transferred yet, so the
  domain's transfer rate is one of two: the browser test records its licence and watches the rate rise.

Idempotent: nothing is done once a transfer exists."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from minsheng.calls.models import Topic
from minsheng.core import clock, workflow
from minsheng.core.permissions import SYSTEM
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.outcomes import services
from minsheng.outcomes.models import Achievement, IPAsset, Transfer
from minsheng.outcomes.numbers import patent_check_character
from minsheng.problems.models import Problem
from minsheng.problems.states import OPEN
from minsheng.registry.models import Organisation

STEPS = 1
K = Transfer.Kind
STORY_PROBLEM = "急救"
STORY_PATENT = "一种基层急救呼叫智能分级与调度方法"

# organisation → [(transfer kind, achievement title, contract title, counterparty (registry name, or (name, kind,
# region)), value in 万元, days ago, [(days ago, 万元 received)], verified)]
STORIES = {
    "深圳康宁医疗器械有限公司": [
        (K.ASSIGNMENT, "一种可调节式助行器", "“一种可调节式助行器”实用新型专利权转让合同",
         "深圳安居智能家居有限公司", 80, 70, [(50, 80)], True),
        (K.OWN_PRODUCTION, "下肢康复训练机器人（家用型）", "下肢康复训练机器人（家用型）自行投产", None, 0, 30, [],
         False),
    ],
    "鹏城医科大学": [
        (K.EQUITY, "南药黄芪新品种“鹏芪1号”", "“鹏芪1号”新品种权作价入股协议",
         ("深圳鹏芪南药科技有限公司", "enterprise", "mainland"), 300, 40, [], True),
        (K.COOPERATION, "深圳社区慢病随访脱敏数据集（2025）", "社区慢病随访数据分析技术服务合同",
         "深圳市公共卫生数据中心", 45, 80, [(60, 20), (15, 25)], False),
    ],
    "深圳湾师范学院": [
        (K.LICENCE, "智慧课堂老年认知训练软件V1.0", "智慧课堂老年认知训练软件普通许可合同",
         "深圳云课堂教育科技有限公司", 20, 55, [(35, 10)], True),
        (K.LICENCE, "社区老年认知训练小程序", "社区老年认知训练小程序香港地区使用许可",
         ("香港长者认知健康协会", "other", "HK"), 8, 25, [(10, 4)], False),
    ],
}


def _applicant(users, organisation):
    return users.filter(role=Role.APPLICANT, organisation=organisation, is_active=True).order_by("pk").first()


def build(builder) -> None:
    builder.progress(STEPS)
    users = get_user_model().objects
    officer = users.filter(username="officer").first()
    if officer is None or Transfer.objects.exists():
        return
    today = clock.today()
    for name, rows in STORIES.items():
        organisation = Organisation.objects.filter(name_zh=name).first()
        applicant = _applicant(users, organisation) if organisation else None
        if applicant is None:
            continue
        for kind, title, contract, counterparty, value, days, receipts, verified in rows:
            achievement = Achievement.objects.filter(organisation=organisation, title=title).first()
            if achievement is None:
                continue
            _transfer(builder, applicant, officer, today, kind=kind, achievement=achievement, title=contract,
                      counterparty=counterparty, value=value, days=days, receipts=receipts, verified=verified)
    _story(builder, users, officer, today)


def _transfer(builder, applicant, officer, today, *, kind, achievement, title, counterparty, value, days, receipts,
              verified) -> Transfer:
    extra = {}
    if isinstance(counterparty, str):
        extra["counterparty"] = Organisation.objects.get(name_zh=counterparty)
    elif counterparty is not None:
        extra.update(counterparty_name=counterparty[0], counterparty_kind=counterparty[1],
                     counterparty_region=counterparty[2], counterparty_contact="联络人 陈先生 +852 2345 6789")
    with clock.reading(clock.now() - timedelta(days=days)):
        transfer = services.create_transfer(by=applicant, values=services.TransferValues(
            kind=kind, title=title, contract_on=today - timedelta(days=days), value=Decimal(value) * 10000,
            achievements=[achievement], confirm_value=True, **extra))
    builder.created += 1
    for ago, amount in receipts:
        with clock.reading(clock.now() - timedelta(days=ago)):
            services.add_receipt(transfer, by=applicant, amount=Decimal(amount) * 10000,
                                 received_on=today - timedelta(days=ago))
    if verified:
        with clock.reading(clock.now() - timedelta(days=max(min(ago for ago, _a in receipts) - 2, 1)
                                                    if receipts else max(days - 5, 1))):
            services.verify(transfer, by=officer)
    return transfer


def _story(builder, users, officer, today) -> None:
    """The problem → topic → call → project → patent → exclusive licence chain, and the second accepted project's
    verified dataset waiting for its transfer."""
    passed = (Project.objects.filter(state=Project.State.ACCEPTED, acceptance__state="passed")
              .select_related("organisation", "call").order_by("number").first())
    licensee = Organisation.objects.filter(name_zh="深圳康宁医疗器械有限公司").first()
    if passed is None or licensee is None:
        return
    applicant = _applicant(users, passed.organisation)
    topic = Topic.objects.filter(call=passed.call).order_by("order", "pk").first()
    problem = (Problem.objects.filter(state__in=OPEN, title__contains=STORY_PROBLEM).order_by("pk").first()
               or Problem.objects.filter(state__in=OPEN, domain__in=passed.call.domains.all()).order_by("pk").first())
    if applicant is None or topic is None or problem is None:
        return
    topic.problems.add(problem)
    workflow.move(problem, "topic", by=SYSTEM, clause="M05",
                  reason=f"问题由指南“{passed.call.title}”的方向“{topic.title}”回应")
    filed = today - timedelta(days=900)
    digits = f"{filed.year}1{(filed.toordinal() * 7) % 10_000_000:07d}"
    asset = services.create_ip_asset(by=applicant, values={
        "kind": IPAsset.Kind.INVENTION_PATENT, "number": f"{digits}.{patent_check_character(digits)}",
        "title": STORY_PATENT, "owner": passed.organisation, "status": IPAsset.Status.GRANTED, "filed_on": filed,
        "granted_on": today - timedelta(days=200), "projects": [passed]})
    with clock.reading(clock.now() - timedelta(days=190)):
        patent = services.create_achievement(by=applicant, values=services.AchievementValues(
            kind=Achievement.Kind.INVENTION_PATENT, title="", achieved_on=today - timedelta(days=200),
            projects=[passed], ip_asset=asset))
        services.verify(patent, by=officer)
    builder.created += 2
    _transfer(builder, applicant, officer, today, kind=K.EXCLUSIVE_LICENCE, achievement=patent,
              title=f"“{STORY_PATENT}”发明专利独占许可合同", counterparty=licensee.name_zh, value=150, days=60,
              receipts=[(45, 60), (10, 40)], verified=True)
    closed = (Project.objects.filter(state=Project.State.ACCEPTED, acceptance__state="conditional")
              .select_related("organisation").order_by("number").first())
    waiting = _applicant(users, closed.organisation) if closed else None
    if waiting is not None:
        with clock.reading(clock.now() - timedelta(days=100)):
            dataset = services.create_achievement(by=waiting, values=services.AchievementValues(
                kind=Achievement.Kind.DATASET, title="深圳市突发公共卫生事件监测数据集（2025）",
                achieved_on=today - timedelta(days=110), projects=[closed], identifier="10.5061/dryad.ms2026ph",
                link="https://datadryad.org/stash/dataset/doi:10.5061/dryad.ms2026ph"))
            services.verify(dataset, by=officer)
        builder.created += 1
