"""Demo achievements (M18) of every kind for the first batch's projects under way, and the IP register's project
links, warnings and a lapse (M19), written through the services as the organisations and the officer would:

- 鹏城医科大学's project: an invention patent from the register, a paper and a dataset (DOIs), a registered clinical
  trial, a new medicinal-herb variety and a report adopted by the health department;
- 深圳康宁医疗器械有限公司's project: a utility model from the register and a product with its medical device
  registration certificate;
- 深圳湾师范学院's project: a software copyright (registered here first), software, a group standard and a paper;
- the officer verified about half of them; one verification was taken back with its reason;
- one of 鹏城医科大学's patents lapsed (annual fee unpaid) and another's annual fee falls due within the warning
  period; 深圳康宁医疗器械有限公司 holds a utility model filed ten years ago whose term ends within it.
Idempotent: an organisation that already has an achievement is left as it is."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from minsheng.core import clock
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.outcomes import services
from minsheng.outcomes.models import Achievement, IPAsset
from minsheng.outcomes.numbers import patent_check_character

STEPS = 1
K = Achievement.Kind
V = services.AchievementValues

# organisation → [(kind, title, days ago, extra values, verified)]; "ip" names the register's asset by title
# (or a kind to take the first asset of, when the title is not fixed).
STORIES = {
    "鹏城医科大学": [
        (K.INVENTION_PATENT, "", 200, {"ip": K.INVENTION_PATENT}, True),
        (K.PAPER, "社区高血压患者远程随访干预效果的随机对照研究", 120,
         {"identifier": "10.1016/j.ijmedinf.2026.105321",
          "description": "International Journal of Medical Informatics"}, True),
        (K.DATASET, "深圳社区慢病随访脱敏数据集（2025）", 90,
         {"identifier": "10.5061/dryad.ms2026a1", "link": "https://datadryad.org/stash/dataset/doi:10.5061/dryad.ms2026a1"},
         False),
        (K.CLINICAL_TRIAL, "居家血压监测联合家庭医生管理的多中心临床试验", 150, {"identifier": "ChiCTR2500091234"},
         True),
        (K.VARIETY, "南药黄芪新品种“鹏芪1号”", 60,
         {"identifier": "CNA20251234.5", "description": "农业农村部植物新品种保护办公室授权"}, False),
        (K.ADOPTED_REPORT, "关于完善社区慢病随访服务包的建议", 30,
         {"link": "https://wjw.sz.gov.cn/", "description": "市卫生健康部门采纳，纳入年度基层卫生工作要点"}, False),
    ],
    "深圳康宁医疗器械有限公司": [
        (K.UTILITY_MODEL, "", 180, {"ip": K.UTILITY_MODEL}, True),
        (K.PRODUCT, "下肢康复训练机器人（家用型）", 45,
         {"certificate": Achievement.Certificate.MEDICAL_DEVICE, "identifier": "粤械注准20262190056",
          "description": "广东省药品监督管理局批准注册，第二类医疗器械"}, "taken back"),
    ],
    "深圳湾师范学院": [
        (K.SOFTWARE_COPYRIGHT, "", 100, {"ip": "智慧课堂老年认知训练软件V1.0"}, True),
        (K.SOFTWARE, "社区老年认知训练小程序", 40, {"link": "https://example.org/cognitive-training"}, False),
        (K.STANDARD, "老年人认知训练服务规范", 75, {"identifier": "T/SZAS 86-2026",
                                                   "description": "深圳市标准化协会团体标准"}, True),
        (K.PAPER, "面向老年人的认知训练人机交互设计研究", 20, {"identifier": "10.3969/j.issn.1000-0000.2026.05.012"},
         False),
    ],
}
SOFTWARE = {"深圳湾师范学院": ("智慧课堂老年认知训练软件V1.0", "2026SR0456789")}


def build(builder) -> None:
    users = get_user_model().objects
    officer = users.filter(username="officer").first()
    builder.progress(STEPS)
    if officer is None:
        return
    today = clock.today()
    projects = {p.organisation.name_zh: p for p in Project.objects.filter(state=Project.State.UNDER_WAY)
                .select_related("organisation").order_by("number")}
    for name, rows in STORIES.items():
        project = projects.get(name)
        if project is None or Achievement.objects.filter(organisation=project.organisation).exists():
            continue
        applicant = users.filter(role=Role.APPLICANT, organisation=project.organisation, is_active=True).order_by(
            "pk").first()
        if applicant is None:
            continue
        _register(project, applicant, today)
        for kind, title, days, extra, verified in rows:
            extra = dict(extra)
            ip = extra.pop("ip", None)
            asset = None
            if ip is not None:
                assets = IPAsset.objects.filter(owner=project.organisation).exclude(status=IPAsset.Status.LAPSED)
                asset = (assets.filter(title=ip).first() or assets.filter(kind=ip, status=IPAsset.Status.GRANTED)
                         .order_by("title").first())
                if asset is None:
                    continue
            with clock.reading(clock.now() - timedelta(days=days)):
                achievement = services.create_achievement(by=applicant, values=V(
                    kind=kind, title=title, achieved_on=today - timedelta(days=days + 10), projects=[project],
                    ip_asset=asset, **extra))
            builder.created += 1
            if verified:
                with clock.reading(clock.now() - timedelta(days=max(days - 7, 1))):
                    services.verify(achievement, by=officer)
            if verified == "taken back":
                with clock.reading(clock.now() - timedelta(days=max(days - 9, 0))):
                    services.unverify(achievement, by=officer,
                                                  reason="注册证扫描件缺少附件页，请补充完整的注册证及产品技术要求。")
    _warnings_and_lapse(projects, users, today)


def _register(project, applicant, today) -> None:
    """The organisation's IP linked to the project; a software copyright registered where the story needs one."""
    organisation = project.organisation
    if organisation.name_zh in SOFTWARE:
        title, number = SOFTWARE[organisation.name_zh]
        if not IPAsset.objects.filter(kind=IPAsset.Kind.SOFTWARE_COPYRIGHT, number=number).exists():
            services.create_ip_asset(by=applicant, values={
                "kind": IPAsset.Kind.SOFTWARE_COPYRIGHT, "number": number, "title": title, "owner": organisation,
                "status": IPAsset.Status.GRANTED, "granted_on": today - timedelta(days=110),
                "projects": [project]})
    for asset in IPAsset.objects.filter(owner=organisation, status=IPAsset.Status.GRANTED).order_by("pk")[:2]:
        if not asset.projects.exists():
            services.update_ip_asset(asset=asset, by=applicant, changes={"projects": [project]})


def _warnings_and_lapse(projects, users, today) -> None:
    university = projects.get("鹏城医科大学")
    maker = projects.get("深圳康宁医疗器械有限公司")
    if university is None or maker is None:
        return
    applicant = users.filter(role=Role.APPLICANT, organisation=university.organisation, is_active=True).order_by(
        "pk").first()
    granted = list(IPAsset.objects.filter(owner=university.organisation, status=IPAsset.Status.GRANTED,
                                          kind=IPAsset.Kind.INVENTION_PATENT).exclude(achievements__isnull=False)
                   .order_by("title"))
    if applicant is not None and len(granted) >= 2 and not IPAsset.objects.filter(
            owner=university.organisation, lapsed_on__isnull=False).exists():
        services.update_ip_asset(asset=granted[0], by=applicant,
                                 changes={"next_fee_due": today + timedelta(days=25)})
        services.record_lapse(granted[1], by=applicant, lapsed_on=today - timedelta(days=12),
                              reason="年费及滞纳金未在宽限期内缴纳，专利权终止。")
    maker_applicant = users.filter(role=Role.APPLICANT, organisation=maker.organisation, is_active=True).order_by(
        "pk").first()
    title = "一种康复训练用可折叠扶手"
    if maker_applicant is not None and not IPAsset.objects.filter(owner=maker.organisation, title=title).exists():
        expires = today + timedelta(days=40)
        filed = expires.replace(year=expires.year - 10)          # a utility model's term: ten years from filing
        digits = f"{filed.year}2{filed.toordinal() % 10_000_000:07d}"
        services.create_ip_asset(by=maker_applicant, values={
            "kind": IPAsset.Kind.UTILITY_MODEL, "number": f"{digits}.{patent_check_character(digits)}",
            "title": title, "owner": maker.organisation, "status": IPAsset.Status.GRANTED, "filed_on": filed,
            "granted_on": filed + timedelta(days=180), "expires_on": expires,
            "next_fee_due": filed.replace(year=today.year + (1 if filed.replace(year=today.year) < today else 0))})
