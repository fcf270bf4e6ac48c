"""Demo IP assets (M19) for the demo organisations: granted invention patents in D01 and D02 for some, only
utility models, filed applications or software copyrights for others, and nothing for a few, so that the M19
rule ("at least N granted invention patents in the call's domain") has organisations that pass and that fail.
The demo applicant's organisation, 深圳智慧慢病管理科技有限公司, holds three granted invention patents in D01.

Numbers are valid (patent check characters computed as CNIPA does, see outcomes/numbers.py) and the same on
every run; a few annual fees are overdue, to show the warning.
"""

import datetime
import random

from minsheng.demo.builder import SEED
from minsheng.outcomes.models import IPAsset
from minsheng.outcomes.numbers import PATENT_TYPES, patent_check_character

K = IPAsset.Kind
S = IPAsset.Status
# organisation → [(kind, domain, status, title, year filed)]
ASSETS = {
    "深圳智慧慢病管理科技有限公司": [
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种基于多源体征数据的慢性病风险预测方法及系统", 2019),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种具有服药依从性监测功能的智能药盒", 2020),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种社区高血压患者远程随访管理方法", 2021),
        (K.INVENTION_PATENT, "D01", S.FILED, "一种面向家庭医生的糖尿病并发症早期识别方法", 2024),
        (K.UTILITY_MODEL, "D01", S.GRANTED, "一种便携式多参数健康监测终端", 2022),
        (K.SOFTWARE_COPYRIGHT, "D01", S.GRANTED, "智慧慢病管理平台软件V3.0", 2023),
    ],
    "深圳康宁医疗器械有限公司": [
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种下肢康复训练机器人及其控制方法", 2018),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种基于肌电信号的康复评估装置", 2020),
        (K.UTILITY_MODEL, "D01", S.GRANTED, "一种可调节式助行器", 2021),
        (K.UTILITY_MODEL, "D01", S.GRANTED, "一种防褥疮护理床垫", 2022),
        (K.DESIGN, "D01", S.GRANTED, "康复训练仪（家用型）", 2023),
    ],
    "深圳基因早筛生物科技有限公司": [
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种新生儿遗传代谢病串联质谱筛查方法", 2017),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种无创产前基因检测文库构建方法", 2018),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种耳聋易感基因快速检测试剂盒", 2019),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种结直肠癌甲基化标志物组合及其应用", 2021),
        (K.INVENTION_PATENT, "D01", S.FILED, "一种单细胞测序数据的拷贝数变异检测方法", 2024),
    ],
    "鹏城医科大学": [
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种心脏骤停风险预警模型的构建方法", 2016),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种中药复方有效成分的快速分离方法", 2017),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种儿童近视进展预测方法", 2019),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种基于深度学习的眼底图像分级方法", 2020),
        (K.INVENTION_PATENT, "D01", S.LAPSED, "一种医用敷料及其制备方法", 2009),
    ],
    "深港健康科学研究院": [
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种区域健康档案数据脱敏共享方法", 2020),
        (K.INVENTION_PATENT, "D01", S.GRANTED, "一种老年人跌倒检测方法及可穿戴设备", 2021),
        (K.INVENTION_PATENT, "D01", S.LAPSED, "一种电子病历结构化方法", 2012),
    ],
    "深圳清流水务科技有限公司": [
        (K.INVENTION_PATENT, "D02", S.GRANTED, "一种分散式生活污水一体化处理设备及方法", 2018),
        (K.INVENTION_PATENT, "D02", S.GRANTED, "一种城中村污水管网智能巡检方法", 2021),
        (K.UTILITY_MODEL, "D02", S.GRANTED, "一种模块化人工湿地单元", 2022),
        (K.UTILITY_MODEL, "D02", S.GRANTED, "一种河道垃圾拦截装置", 2023),
    ],
    "鹏城环境科学研究院": [
        (K.INVENTION_PATENT, "D02", S.GRANTED, "一种恶臭气体多点在线监测与溯源方法", 2019),
        (K.INVENTION_PATENT, "D02", S.GRANTED, "一种厨余垃圾就地好氧发酵处理方法", 2020),
        (K.INVENTION_PATENT, "D02", S.GRANTED, "一种废旧锂电池正极材料回收方法", 2022),
    ],
    "南海理工大学": [
        (K.INVENTION_PATENT, "D02", S.GRANTED, "一种低能耗膜生物反应器及其运行方法", 2018),
        (K.INVENTION_PATENT, "D02", S.GRANTED, "一种二氧化碳捕集吸收剂及其制备方法", 2020),
    ],
    "深圳绿筑建材科技有限公司": [
        (K.INVENTION_PATENT, "D03", S.GRANTED, "一种建筑垃圾再生骨料透水砖及其制备方法", 2019),
        (K.UTILITY_MODEL, "D03", S.GRANTED, "一种外墙保温防水一体化板", 2022),
        (K.UTILITY_MODEL, "D03", S.GRANTED, "一种屋顶绿化种植模块", 2023),
    ],
    "深圳光伏建筑一体化有限公司": [
        (K.INVENTION_PATENT, "D03", S.FILED, "一种光伏幕墙发电与遮阳协同控制方法", 2024),
        (K.UTILITY_MODEL, "D03", S.GRANTED, "一种光伏瓦安装支架", 2022),
    ],
    "深圳蓝海淡化装备有限公司": [
        (K.INVENTION_PATENT, "D07", S.GRANTED, "一种小型反渗透海水淡化装置的能量回收方法", 2019),
        (K.INVENTION_PATENT, "D07", S.LAPSED, "一种海水预处理过滤器", 2008),
    ],
    "深圳药安溯源科技有限公司": [
        (K.INVENTION_PATENT, "D08", S.GRANTED, "一种药品全链条追溯码生成与校验方法", 2020),
        (K.SOFTWARE_COPYRIGHT, "D08", S.GRANTED, "药品追溯监管平台软件V2.0", 2022),
        (K.SOFTWARE_COPYRIGHT, "D08", S.GRANTED, "药品扫码查询小程序软件V1.0", 2023),
    ],
    "深圳快检生物试剂有限公司": [
        (K.INVENTION_PATENT, "D08", S.GRANTED, "一种有机磷农药残留胶体金快速检测卡", 2019),
        (K.STANDARD, "D08", S.GRANTED, "蔬菜中有机磷和氨基甲酸酯类农药残留快速检测方法", 2024),
    ],
    "深圳智行交通信息有限公司": [
        (K.INVENTION_PATENT, "D09", S.GRANTED, "一种基于行人检测的信号灯自适应配时方法", 2019),
        (K.INVENTION_PATENT, "D09", S.GRANTED, "一种医院周边停车诱导方法", 2021),
        (K.SOFTWARE_COPYRIGHT, "D09", S.GRANTED, "城市停车信息服务平台软件V1.0", 2022),
    ],
    "深圳天眼灾害预警科技有限公司": [
        (K.INVENTION_PATENT, "D10", S.GRANTED, "一种边坡位移北斗监测与滑坡预警方法", 2020),
    ],
    # Applicants to the closed elderly-care call that meet M19 with one patent in D01 each.
    "宝安区康复医院": [(K.INVENTION_PATENT, "D01", S.GRANTED, "一种脑卒中后上肢康复训练装置及其控制方法", 2018)],
    "深圳市急救医疗中心": [(K.INVENTION_PATENT, "D01", S.GRANTED, "一种居家老人院前急救呼叫与定位方法", 2019)],
    "龙岗区妇幼保健院": [(K.INVENTION_PATENT, "D01", S.GRANTED, "一种高危孕产妇风险分级预警方法", 2020)],
    "深圳湾师范学院": [(K.INVENTION_PATENT, "D01", S.GRANTED, "一种面向老年人的认知训练人机交互方法", 2020)],
    "深圳市绿色建筑研究院": [(K.INVENTION_PATENT, "D01", S.GRANTED, "一种适老化住宅居住环境评估方法", 2021)],
    "深圳安居智能家居有限公司": [(K.INVENTION_PATENT, "D01", S.GRANTED, "一种独居老人异常行为识别与看护方法", 2021)],
    # Fail cases for M19: only a utility model, only a filed application, only a software copyright.
    "深圳市第一民生医院": [(K.UTILITY_MODEL, "D01", S.GRANTED, "一种输液提醒报警器", 2021)],
    "南山区中医院": [(K.INVENTION_PATENT, "D01", S.FILED, "一种艾灸温度智能控制装置", 2024)],
    "深圳邻里通社区科技有限公司": [(K.SOFTWARE_COPYRIGHT, "D04", S.GRANTED, "社区综合服务平台软件V2.1", 2023)],
}

STEPS = sum(len(rows) for rows in ASSETS.values())
TODAY = datetime.date(2026, 11, 1)  # fixed, so the demo's dates are the same on every run


def _number(rng: random.Random, kind: str, year: int) -> str:
    if kind in PATENT_TYPES:
        digits = f"{year}{PATENT_TYPES[kind][0]}{rng.randint(0, 9_999_999):07d}"
        return f"{digits}.{patent_check_character(digits)}"
    if kind == K.SOFTWARE_COPYRIGHT:
        return f"{year}SR{rng.randint(0, 1_999_999):07d}"
    return f"T/SZAS {rng.randint(10, 99)}-{year}"


def _dates(rng: random.Random, kind: str, status: str, year: int) -> dict:
    filed = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    if status == S.FILED or kind == K.STANDARD:
        return {"filed_on": filed if kind != K.STANDARD else None,
                "granted_on": filed if kind == K.STANDARD else None}
    granted = filed + datetime.timedelta(days=rng.randint(200, 900) if kind == K.INVENTION_PATENT else 180)
    term = {K.INVENTION_PATENT: 20, K.UTILITY_MODEL: 10, K.DESIGN: 15}.get(kind)
    expires = filed.replace(year=filed.year + term) if term else None
    dates = {"filed_on": filed, "granted_on": granted, "expires_on": expires}
    if status == S.GRANTED and term:
        due = filed.replace(year=TODAY.year)
        dates["next_fee_due"] = due if due >= TODAY or rng.random() < 0.15 else due.replace(year=TODAY.year + 1)
    return dates


def build(builder) -> None:
    rng = random.Random(SEED + 6)
    by_name = {o.name_zh: o for o in builder.organisation_list}
    for name, rows in ASSETS.items():
        owner = by_name[name]
        for kind, domain, status, title, year in rows:
            number = _number(rng, kind, year)
            dates = _dates(rng, kind, status, year)
            builder._ensure(IPAsset, {"owner": owner, "title": title}, lambda k=kind, n=number, t=title, d=domain,
                            s=status, x=dates, o=owner: IPAsset(kind=k, number=n, title=t, owner=o,
                                                                domain=builder.domains[d], status=s, **x))
