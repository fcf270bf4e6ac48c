"""Demo applications (申报, M17): 36 over the two demo calls, written through the same services as the pages.

- The open smart-healthcare call: the demo account `applicant`'s organisation, 深圳智慧慢病管理科技有限公司,
  has a partly complete draft (summary, objectives, team and budget done; technical route and milestones
  missing); other organisations have drafts, one has submitted, one has withdrawn.
- The call that closed a few days ago: submissions from many organisations with budgets, teams, IP and
  partners, submitted before the close (the server's clock is set back for each, as it was then); some fail a
  rule (own money below the call's share, no granted invention patent in the domain), one was withdrawn, one
  draft was never submitted. Their rule results are recorded on submission; the "checks" part decides some.

Each organisation acts through its own applicant account (``demo_applicant_<n>``, with the demo password, so
that signing in as another organisation shows that it sees only its own applications; the demo account
`applicant` for its organisation). Idempotent: an application is found again by call and title.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils.datastructures import MultiValueDict

from minsheng.applications import services
from minsheng.applications.models import Application
from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.demo.builder import PASSWORD, SEED
from minsheng.demo.calls import closed_call, demo_call
from minsheng.outcomes.models import IPAsset
from minsheng.registry.models import CooperationPartner, Organisation, Person

CLOSED_CALL_APPLICATIONS = 28
OPEN_CALL_APPLICATIONS = 7
STEPS = 1 + CLOSED_CALL_APPLICATIONS + OPEN_CALL_APPLICATIONS
ORGANISATION_ACCOUNT_PREFIX = "demo_applicant_"
CLOSED_CALL_KINDS = {"enterprise", "university", "institute", "hospital"}   # its org_type_in rule (demo/calls.py)
DEMO_ORGANISATION = "深圳智慧慢病管理科技有限公司"

# (title, summary, objectives, technical route, keywords)
ELDERLY = [
    ("社区智慧养老综合服务平台建设与示范", "整合社区养老驿站、家庭医生与家政服务资源，建设一体化智慧养老服务平台。",
     "在5个街道建成智慧养老服务网络，服务老年人1万人，服务响应时间缩短至30分钟以内。",
     "采用微服务架构整合民政、卫健数据；老人画像与需求分级；智能派单与服务质量闭环评价。",
     "智慧养老, 社区服务, 需求分级"),
    ("基于毫米波雷达的居家老人跌倒监测系统", "研制非接触式毫米波雷达跌倒监测终端，保护隐私的同时实现全天候监测。",
     "跌倒识别准确率不低于95%，误报率低于每周1次，在500户独居老人家庭示范应用。",
     "60GHz毫米波雷达点云采集，时空图神经网络识别跌倒姿态，边缘计算本地告警并联动社区网格员。",
     "跌倒监测, 毫米波雷达, 独居老人"),
    ("老年人下肢康复外骨骼的研制与社区推广", "面向脑卒中后遗症老人研制轻量化下肢康复外骨骼并在社区康复站推广。",
     "样机重量不超过8公斤，完成临床试验60例，在10个社区康复站示范应用。",
     "柔性驱动关节设计，肌电与步态融合的意图识别，康复训练处方云端管理。", "康复外骨骼, 脑卒中, 社区康复"),
    ("失能老人智能照护床及护理决策系统", "研制具备翻身、排泄监测和压疮预警功能的智能照护床。",
     "压疮发生率下降50%，护理人员工作量减少30%，在3家养老机构示范。",
     "压力分布传感阵列，压疮风险模型，护理任务智能排程。", "智能照护, 失能老人, 压疮预警"),
    ("认知障碍老人早期筛查与干预数字平台", "利用语音与眼动数字标志物开展社区认知障碍早筛并提供认知训练。",
     "筛查老年人2万人次，早筛灵敏度不低于85%，建立分级干预路径。",
     "语音特征提取与眼动追踪，多模态机器学习筛查模型，认知训练游戏化干预。", "认知障碍, 早期筛查, 数字疗法"),
    ("养老机构智慧消防与安全管理系统", "面向养老机构的电气火灾预警、烟感联动与人员疏散辅助系统。",
     "在20家养老机构部署，火情预警提前至5分钟以上，疏散演练时间缩短40%。",
     "物联网电气监测，烟温复合探测，室内定位与疏散路径规划。", "智慧消防, 养老机构, 疏散"),
]
HEALTH = [
    ("社区高血压糖尿病远程随访与分级诊疗协同平台", "以社区卫生服务中心为节点，建设慢病远程随访与分级诊疗协同平台。",
     "覆盖福田、南山两区20个社区，管理慢病患者2万人，血压控制率提升10个百分点。",
     "可穿戴设备采集血压血糖，边缘网关上传，云端风险分层模型预警，家庭医生按级随访。", "慢病管理, 远程随访, 分级诊疗"),
    ("区域健康档案隐私计算与共享调阅平台", "基于隐私计算实现跨机构电子病历与健康档案的安全共享调阅。",
     "接入30家医疗机构，调阅响应时间小于2秒，实现数据可用不可见。",
     "联邦学习与安全多方计算，区块链存证调阅日志，统一患者主索引。", "健康档案, 隐私计算, 数据共享"),
    ("新生儿遗传代谢病快速筛查技术及社区应用", "建立新生儿遗传代谢病串联质谱快速筛查与社区随访体系。",
     "筛查新生儿3万例，报告时间缩短至48小时，阳性病例随访率100%。",
     "串联质谱检测流程优化，人工智能辅助判读，社区妇幼保健随访信息化。", "新生儿筛查, 遗传代谢病, 妇幼健康"),
    ("院前急救与医院急诊信息联动系统", "打通120调度、救护车与医院急诊的信息，实现上车即入院。",
     "胸痛、卒中患者院内救治时间缩短20%，覆盖全市急救网络医院。",
     "5G车载监护数据回传，急诊预检分诊模型，院前院内一体化电子病历。", "院前急救, 5G, 急诊联动"),
    ("居家康复护理智能终端研制与示范", "研制居家康复训练与护理指导一体化智能终端。",
     "在1000户家庭示范，康复训练依从性提升30%。",
     "视觉动作捕捉评估康复动作，远程康复师指导，护理知识智能问答。", "居家康复, 护理, 智能终端"),
]
DEMO_DRAFT = ("基于多源体征数据的社区慢病智能管理与家庭医生协同示范",
              "面向高血压、糖尿病患者，融合可穿戴设备、智能药盒与社区随访数据，建设慢病智能管理平台，支撑家庭医生签约服务。",
              "在福田区10个社区卫生服务中心示范，管理慢病患者1.5万人，规范管理率达到80%，服药依从性提升20%。",
              "", "慢病管理, 家庭医生, 可穿戴设备, 智能药盒")

TASKS = ["总体方案与技术路线", "算法研发", "系统开发与集成", "临床与社区示范", "数据分析与评价", "质量与项目管理"]


def _user_for(organisation: Organisation, index: int):
    User = get_user_model()
    if organisation.name_zh == DEMO_ORGANISATION:
        return User.objects.get(username="applicant")
    user, created = User.objects.get_or_create(
        username=f"{ORGANISATION_ACCOUNT_PREFIX}{index:02d}",
        defaults={"role": Role.APPLICANT, "organisation": organisation, "last_name": organisation.name_zh[:4],
                  "first_name": "申报员", "email": f"{ORGANISATION_ACCOUNT_PREFIX}{index:02d}@demo.minsheng.cn"})
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def _rows(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for number, row in enumerate(rows):
        data |= {f"{prefix}-{number}-{key}": value for key, value in row.items()}
    return data


def _save(app, key, data, user):
    bundle = services.save_section(app, key, data, version=app.version, by=user)
    if not bundle.is_valid():
        raise RuntimeError(f"demo application {app.number} section {key}: {bundle.errors()}")


def _fill(app, user, text, rng, *, own_percent: int, complete: bool = True, with_ip: bool = True):
    title, summary, objectives, route, keywords = text
    call = app.call
    starts = (call.notice_at + timedelta(days=30)).date().replace(day=1)
    ends = starts.replace(year=starts.year + 2) - timedelta(days=1)
    topic = call.topics.order_by("order", "pk")[rng.randrange(max(1, call.topics.count()))] \
        if call.topics.exists() else None
    _save(app, "summary", {"title": title, "summary": summary, "keywords": keywords,
                           "topic": topic.pk if topic else "", "domain": call.domains.first().pk,
                           "starts_on": starts.isoformat(), "ends_on": ends.isoformat()}, user)
    _save(app, "objectives", {"objectives": objectives}, user)
    if route:
        _save(app, "route", {"technical_route": route}, user)
    _save(app, "indicators", {"expected_patents": rng.randint(1, 4), "expected_standards": rng.randint(0, 2),
                              "expected_products": rng.randint(1, 3), "expected_sites": rng.randint(3, 20),
                              "expected_people_served": rng.choice([5000, 10000, 20000, 30000]),
                              "revenue": rng.choice([0, 200, 500, 1200])}, user)
    people = list(Person.objects.filter(organisation=app.organisation).order_by("pk")[:4])
    team = [{"person": person.pk, "role": "lead" if n == 0 else ("core" if n < 3 else "member"),
             "task": TASKS[n % len(TASKS)], "time_share": 60 if n == 0 else rng.choice([20, 30, 40])}
            for n, person in enumerate(people)]
    _save(app, "team", _rows("team", team), user)
    # total in 万元, split between the city grant asked and the applicant's own money
    total = min(rng.choice([200, 300, 400, 500, 600]), int(call.max_grant / 10000 * 100 / (100 - own_percent)))
    own = round(total * own_percent / 100)
    equipment = round(total * 0.3)
    labour = round(total * 0.35)
    _save(app, "budget", {"budget_equipment": equipment, "budget_labour": labour,
                          "budget_testing": round(total * 0.15), "budget_travel": round(total * 0.05),
                          "budget_indirect": total - equipment - labour - round(total * 0.15) - round(total * 0.05),
                          "fund_city_rd": total - own, "fund_own": own, "provider_own": app.organisation.name_zh},
          user)
    if not complete:
        return
    held = [str(pk) for pk in IPAsset.objects.filter(owner=app.organisation, status=IPAsset.Status.GRANTED)
            .values_list("pk", flat=True)[:3]] if with_ip else []
    ip = _rows("promised", [{"ip_kind": "invention_patent", "count": rng.randint(1, 3),
                             "description": f"{title[:12]}相关核心方法"}])
    ip["held"] = held
    data = MultiValueDict({k: [v] for k, v in ip.items() if k != "held"})
    data.setlist("held", held)
    _save(app, "ip", data, user)
    partners = list(CooperationPartner.objects.filter(partners_with=app.organisation)[:1])
    if partners:
        _save(app, "partners", _rows("partners", [{"partner": p.pk, "contribution": "联合研发与临床验证"}
                                                  for p in partners]), user)
    milestones = [{"title": "完成方案设计与样机/系统开发", "due_on": (starts + timedelta(days=240)).isoformat(),
                   "deliverable": "设计文档与样机"},
                  {"title": "完成示范应用与效果评价", "due_on": (ends - timedelta(days=60)).isoformat(),
                   "deliverable": "示范报告与验收材料"}]
    _save(app, "milestones", _rows("milestones", milestones), user)


def _ensure(call, organisation, user, text, rng, **fill) -> tuple[Application, bool]:
    existing = Application.objects.filter(call=call, title=text[0]).first()
    if existing is not None:
        return existing, False
    with clock.reading(call.opens_at + timedelta(days=1)):
        app = services.start(call, by=user, title=text[0])
    _fill(app, user, text, rng, **fill)
    return app, True


def _meets_closed_call_rules(organisation: Organisation) -> bool:
    """The closed call's organisation types and its M19 rule: a granted invention patent in D01."""
    return (organisation.kind in CLOSED_CALL_KINDS
            and organisation.ip_assets.filter(kind=IPAsset.Kind.INVENTION_PATENT, status=IPAsset.Status.GRANTED,
                                              domain__code="D01").exists())


def build(builder) -> None:
    rng = random.Random(SEED + 50)
    open_call, closed = demo_call(), closed_call()
    organisations = [o for o in builder.organisation_list if o.state == Organisation.State.VERIFIED
                     and Person.objects.filter(organisation=o).exists()]
    if open_call is None or closed is None or not organisations:
        builder.progress(STEPS)
        return
    users = {o.pk: _user_for(o, index) for index, o in enumerate(builder.organisation_list) if o in organisations}
    demo_org = next(o for o in organisations if o.name_zh == DEMO_ORGANISATION)
    others = [o for o in organisations if o.pk != demo_org.pk]
    rng.shuffle(others)

    # The demo applicant's partly complete draft in the open call.
    _ensure(open_call, demo_org, users[demo_org.pk], DEMO_DRAFT, rng, own_percent=40, complete=False)
    builder.progress(1)

    # The closed call: 28 applications from as many organisations, submitted before the close; those that meet
    # the call's organisation-type and M19 rules first, so that most pass the formal check and go to review.
    closing = closed.closes_at
    applicants = sorted(others, key=lambda o: not _meets_closed_call_rules(o))
    last = CLOSED_CALL_APPLICATIONS - 1
    for index in range(CLOSED_CALL_APPLICATIONS):
        organisation = applicants[index % len(applicants)]
        text = ELDERLY[index % len(ELDERLY)]
        variant = index // len(ELDERLY)
        if variant:
            text = (f"{text[0]}（{['二期', '深化', '推广', '区域示范'][variant - 1]}）", *text[1:])
        own_percent = 10 if index in (3, 11) else rng.choice([30, 40, 50, 60])   # two fail the 20% own share
        app, created = _ensure(closed, organisation, users[organisation.pk], text, rng, own_percent=own_percent,
                               complete=index != last, with_ip=index not in (5, 13))
        if created and index != last:   # the last one stays a draft that was never submitted
            with clock.reading(closing - timedelta(hours=rng.randint(2, 200), minutes=rng.randint(0, 59))):
                services.submit(app, by=users[organisation.pk])
            if index == 17:
                services.withdraw(app, by=users[organisation.pk],
                                  reason="项目负责人工作调动，团队无法按期实施，撤回申报。")
            builder.progress(1)

    # The open call: drafts from other organisations, one submitted now, one withdrawn.
    for index in range(OPEN_CALL_APPLICATIONS):
        organisation = others[(index + 5) % len(others)]
        text = HEALTH[index % len(HEALTH)]
        if index >= len(HEALTH):
            text = (f"{text[0]}（多中心）", *text[1:])
        app, created = _ensure(open_call, organisation, users[organisation.pk], text, rng,
                               own_percent=rng.choice([30, 50]), complete=index < 3)
        if created and index in (0, 1):
            services.submit(app, by=users[organisation.pk])
            if index == 1:
                services.withdraw(app, by=users[organisation.pk], reason="拟调整合作单位后在下一批次申报。")
            builder.progress(1)
