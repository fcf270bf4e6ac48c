"""Demo expert pool (专家库): profiles for the registry's 60 experts, with keywords and descriptions in the words
of their domains (so that the affinity with the demo calls' applications means something), past employers (some
inside the conflict window, one just outside it), availability, and, where the demo has applications, a few
declared conflicts and avoidance requests. Idempotent: every row is found by its natural key first."""

import datetime
import random

from minsheng.applications.models import Application
from minsheng.demo import data
from minsheng.demo.builder import SEED
from minsheng.demo.calls import closed_call, demo_call
from minsheng.policy.models import FocusDirection
from minsheng.review.models import Availability, AvoidanceRequest, ConflictDeclaration, ExpertProfile, PastEmployer

EXPERTS = 60
EMPLOYERS = 18
DECLARATIONS = 3
AVOIDANCES = 4
STEPS = EXPERTS * 2 + EMPLOYERS + DECLARATIONS + AVOIDANCES

# What each domain's experts say about their work: (field of work, what they can judge).
DESCRIPTIONS = {
    "D01": ("长期从事慢性病管理、社区卫生服务和远程医疗研究，主持过区域医疗信息平台建设",
            "熟悉电子病历、健康档案和分级诊疗，能评判基层医疗信息化和智慧健康项目的技术路线与推广价值"),
    "D02": ("长期从事污水处理、中水回用和固体废物资源化研究，参与多项节能减排示范工程",
            "熟悉清洁生产和碳减排核算，能评判环保与新能源项目的工艺可行性和减排效果"),
    "D03": ("长期从事绿色建筑、建筑节能和低碳建材研究，参与光伏建筑一体化示范",
            "熟悉围护结构隔热、自然通风和雨水利用，能评判建筑节能改造项目的技术方案"),
    "D04": ("长期从事智慧社区、网格化管理和民生大数据研究，参与城市社区综合服务平台建设",
            "熟悉政务信息共享和数据治理，能评判社会治理信息化项目的数据方案与安全措施"),
    "D05": ("长期从事教育信息化、在线教育和学习分析研究，主持过区域教育云平台",
            "熟悉智能辅导和课堂评测，能评判教育科技项目的教学效果评估方法"),
    "D06": ("长期从事文化遗产数字化、数字博物馆和虚拟现实展示研究",
            "熟悉非物质文化遗产保护和公共文化服务平台，能评判文化科技融合项目的内容与技术"),
    "D07": ("长期从事海洋环境监测、赤潮预警和海水淡化技术研究，参与近岸海域污染防治",
            "熟悉海洋装备和海上风电，能评判海洋民生项目的监测方案与工程可行性"),
    "D08": ("长期从事食品安全快速检测、农药残留检测和药品追溯研究",
            "熟悉食品安全风险评估和电子监管，能评判检测方法的灵敏度、成本与推广前景"),
    "D09": ("长期从事智能交通信号控制、停车诱导和公共安全预警研究",
            "熟悉交通大数据和视频分析，能评判城市交通与公共安全项目的算法与部署方案"),
    "D10": ("长期从事城市内涝预警、地质灾害监测和应急指挥系统研究",
            "熟悉灾情预测预警模型和应急救援装备，能评判防灾减灾项目的预警精度与响应流程"),
}
# The themes the demo calls ask about (health; elderly care and rehabilitation; community services), so that
# experts of those domains share words with the applications and the affinity explains itself.
THEMES = {
    "D01": ["慢病管理", "远程随访", "分级诊疗", "健康档案", "隐私计算", "新生儿筛查", "遗传代谢病", "院前急救",
            "急诊联动", "居家康复", "康复护理", "智慧养老", "跌倒监测", "认知障碍", "早期筛查", "康复外骨骼",
            "脑卒中", "压疮预警", "失能老人", "智能照护"],
    "D04": ["智慧养老", "社区服务", "养老机构", "智慧消防", "需求分级", "网格化管理"],
    "D08": ["快速检测", "农药残留", "兽药残留", "追溯编码", "食品安全"],
}
STATES = ["invited"] * 3 + ["suspended"] * 2
SUSPEND_REASON = "上一轮评审中两份评审意见逾期未提交，暂停入库资格一年。"
DECLARATION_REASONS = ["配偶在该单位任职。", "曾与该单位签订技术顾问协议，尚在履行期内。",
                       "本人学生在该单位担任项目负责人。"]
AVOIDANCE_REASONS = ["该专家所在单位与我单位在同一细分市场存在直接竞争关系。",
                     "该专家曾公开质疑我单位的技术路线，可能影响评审公正。"]


def build(builder) -> None:
    rng = random.Random(SEED + 90)
    experts = [p for p in builder.person_list if p.in_expert_pool][:EXPERTS]
    organisations = [o for o in builder.organisation_list if o.state == "verified"]
    # Only the applications of the calls built before this part: later parts add calls and applicants, which
    # must not change the conflicts chosen here when the demo is run again.
    calls = [call.pk for call in (closed_call(), demo_call()) if call is not None]
    applications = list(Application.objects.filter(call__in=calls).exclude(
        state__in=[Application.State.DRAFT, Application.State.WITHDRAWN])
        .select_related("organisation", "created_by").order_by("number"))
    applicant_orgs = list({a.organisation_id: a.organisation for a in applications}.values())
    focus = {}
    for direction in FocusDirection.objects.select_related("domain"):
        focus.setdefault(direction.domain.code, []).append(direction)

    profiles = []
    for index, person in enumerate(experts):
        codes = [d.code for d in person.domains.all()] or ["D01"]
        if index % 3 == 0 and "D01" not in codes:     # health is the demo's main call: give it enough experts
            codes.append("D01")
        themes = [t for code in codes for t in THEMES.get(code, [])]
        themed = rng.sample(themes, k=min(3, len(themes)))
        keywords = list(dict.fromkeys(person.keywords + rng.sample(data.EXPERTISE[codes[-1]], k=2) + themed))
        field_of_work, judgement = DESCRIPTIONS[codes[0]]
        description = f"{field_of_work}。{judgement}。"
        if themed:
            description += f"近三年主要关注{'、'.join(themed)}等方向。"
        if len(codes) > 1:
            description += f"近年也参与{DESCRIPTIONS[codes[1]][0].removeprefix('长期从事')}。"
        state = STATES[index - 1] if 1 <= index <= len(STATES) else "active"   # the demo expert (first) is active
        directions = [d for code in codes for d in rng.sample(focus.get(code, []), k=min(2, len(focus.get(code, []))))]
        profiles.append(builder._ensure(
            ExpertProfile, {"person": person},
            lambda p=person, k=keywords, d=description, s=state, paused=index in (10, 20): ExpertProfile(
                person=p, keywords="、".join(k), description=d, state=s,
                state_reason=SUSPEND_REASON if s == "suspended" else "",
                max_load=rng.choice([6, 8, 10, 12]),
                willingness="paused" if paused else "active"),
            many_to_many={"domains": [builder.domains[c] for c in codes], "focus_directions": directions}))

    # Availability: most cover the whole review period; some only part of it.
    for index, profile in enumerate(profiles):
        start = datetime.date(2026, 12, 1) if index % 4 else datetime.date(2026, 12, 15)
        end = datetime.date(2027, 1, 31) if index % 5 else datetime.date(2026, 12, 31)
        builder._ensure(Availability, {"profile": profile, "starts_on": start},
                        lambda p=profile, s=start, e=end: Availability(profile=p, starts_on=s, ends_on=e))

    # Past employers: the first ones at organisations that applied (recently: a conflict; one in 2021: outside
    # the three-year window), the rest elsewhere. Their own generator: the profiles above draw only when created,
    # so a second run must not shift these draws.
    rng = random.Random(SEED + 91)
    for index in range(EMPLOYERS):
        profile = profiles[(index * 3 + 1) % len(profiles)]
        if index < len(applicant_orgs) and index < 6:
            organisation, years = applicant_orgs[index], ((2016, 2024) if index != 2 else (2012, 2021))
        else:
            organisation = rng.choice(organisations)
            start = rng.randint(2005, 2016)
            years = (start, start + rng.randint(2, 6))
        if organisation.pk == profile.person.organisation_id:
            builder.progress(1)
            continue
        builder._ensure(PastEmployer, {"profile": profile, "from_year": years[0]},
                        lambda p=profile, o=organisation, y=years: PastEmployer(
                            profile=p, organisation=o, from_year=y[0], to_year=y[1]))

    if not applications:
        builder.progress(DECLARATIONS + AVOIDANCES)
        return
    for index in range(DECLARATIONS):
        profile = profiles[(index * 7 + 4) % len(profiles)]
        organisation = applicant_orgs[-1 - index % len(applicant_orgs)]
        builder._ensure(ConflictDeclaration, {"expert": profile, "organisation": organisation},
                        lambda p=profile, o=organisation, r=DECLARATION_REASONS[index]: ConflictDeclaration(
                            expert=p, organisation=o, reason=r))
    for index in range(AVOIDANCES):
        application = applications[index % len(applications)]
        person = profiles[(index * 11 + 2) % len(profiles)].person
        builder._ensure(AvoidanceRequest, {"application": application, "person": person},
                        lambda a=application, p=person, r=AVOIDANCE_REASONS[index % 2]: AvoidanceRequest(
                            application=a, person=p, reason=r, requested_by=a.created_by))
