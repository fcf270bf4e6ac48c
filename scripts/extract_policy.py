"""Build src/minsheng/policy/data/policy_defaults.json from the notice and the measures table.

    python scripts/extract_policy.py                 read ../shared/policy, write the JSON
    python scripts/extract_policy.py --shared DIR    read the notice and measures.md from DIR
    python scripts/extract_policy.py --check         fail if the committed JSON differs from a fresh build

The notice (深府办〔2012〕53号) was extracted from a PDF: its first lines carry font noise, every
printed line is a separate line of text, and page breaks show as a leading space. This script
keeps the clauses (一)…(二十四) as M01…M24 with their full Chinese text, re-joined into the
paragraphs of the printed notice. The English columns come from measures.md; the Chinese rendering
of "what the platform does", the English titles and the reference vocabularies are kept here, so
that the JSON is rebuilt the same way every time. The data migration 0002 reads only the JSON.
"""

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "policy"
OUTPUT = REPO / "src" / "minsheng" / "policy" / "data" / "policy_defaults.json"

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
            "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四"]
PART_HEADINGS = {"一": "I", "二": "II", "三": "III"}
# A printed line of the notice is 28 full-width characters (56 display columns); a shorter line
# that ends a sentence ends its paragraph.
FULL_LINE = 56
SENTENCE_END = ("。", "：", "；")
# Clauses whose first sentence is not a short title: their titles come from measures.md.
UNTITLED = {5, 16, 17, 21, 24}

VERSION = {
    "code": "深府办〔2012〕53号",
    "title_zh": "关于加快发展民生科技的若干措施",
    "title_en": "Several Measures on Accelerating the Development of Livelihood Science and Technology",
    "issuer": "深圳市人民政府办公厅",
    "issued_on": "2012-11-02",
    "effective_from": "2012-11-02",
    "effective_to": None,
}

TITLES_EN = {
    "M01": "Strengthen livelihood S&T infrastructure",
    "M02": "Strengthen livelihood S&T innovation carriers",
    "M03": "Strengthen livelihood S&T service institutions",
    "M04": "Reform the management of S&T infrastructure and innovation carriers",
    "M05": "Cooperative innovation among city departments",
    "M06": "Population and health",
    "M07": "Ecology and environment",
    "M08": "Green building",
    "M09": "Social management",
    "M10": "Public education",
    "M11": "Integration of culture and technology",
    "M12": "Marine science and technology",
    "M13": "Food and drug safety",
    "M14": "Urban safety",
    "M15": "Disaster prevention and mitigation",
    "M16": "Overall coordination",
    "M17": "Public funding mechanism for S&T",
    "M18": "Reform the transfer and application of livelihood S&T results",
    "M19": "Strengthen the creation and protection of intellectual property in livelihood S&T",
    "M20": "Build a diversified financial support system for livelihood S&T",
    "M21": "Talent",
    "M22": "Step up support for livelihood S&T cooperation and exchange",
    "M23": "Step up livelihood science popularisation",
    "M24": "Implementation",
}

PLATFORM_ZH = {
    "M01": "建立民生科技基础设施项目及其承担单位名录；将“基础设施”列为一种资助方式。",
    "M02": "建立创新载体名录（类型，国家级、省级、市级等级别，所属领域，依托单位），并与项目相关联。",
    "M03": "建立科技服务机构和共享设施名录；服务机构在成果转化中作为中介机构登记。",
    "M04": "创新载体记录其治理方式和年度评估结果。",
    "M05": ("相关部门是平台的正式用户：提交民生问题，共同负责本领域的项目指南，查阅并评议本领域的申报项目，"
            "参与立项决策。"),
    "M06": "设立领域 D01，包含本条所列重点方向。",
    "M07": "设立领域 D02，包含本条所列重点方向。",
    "M08": "设立领域 D03，包含本条所列重点方向。",
    "M09": "设立领域 D04，包含本条所列重点方向。",
    "M10": "设立领域 D05，包含本条所列重点方向。",
    "M11": "设立领域 D06，包含本条所列重点方向。",
    "M12": "设立领域 D07，包含本条所列重点方向。",
    "M13": "设立领域 D08，包含本条所列重点方向。",
    "M14": "设立领域 D09，包含本条所列重点方向。",
    "M15": "设立领域 D10，包含本条所列重点方向，并将第（五）条所列“应急管理”领域并入本领域。",
    "M16": "按市、区、部门划分角色和数据范围；市科技部门拥有统筹全市工作的总览视图。",
    "M17": "每个项目指南明确资助方式和支持类型；按资金来源设定预算额度；竞争择优的项目经专家评审。",
    "M18": "登记科技成果、成果转化（转让、许可、作价入股）和示范应用点；以转化率和转化金额作为绩效指标。",
    "M19": "申报时核查并评分已有和承诺取得的知识产权；建立知识产权名录，对权利到期和缴费期限进行预警。",
    "M20": "按资金来源记录每个项目的资金构成；计算资金杠杆率（非政府资金 ÷ 政府资金）。",
    "M21": "记录项目人员、团队及人才标签；支持科学技术奖励的提名和评审。",
    "M22": "申报书登记合作伙伴（香港、澳门及境外）；优先支持规则引用本条。",
    "M23": "发布科普活动，接受公众报名并记录参加情况。",
    "M24": "按施行日期管理政策版本；在适用条款之处显示条款原文。",
}

DEPARTMENTS = [
    # code, Chinese, English, coordinates the programme
    ("sti", "市科技部门", "Municipal science and technology department", True),
    ("habitat", "市人居环境部门", "Municipal habitat and environment department", False),
    ("transport", "市交通运输部门", "Municipal transport department", False),
    ("health", "市卫生人口计生部门", "Municipal health, population and family planning department", False),
    ("education", "市教育部门", "Municipal education department", False),
    ("civil_affairs", "市民政部门", "Municipal civil affairs department", False),
    ("culture", "市文体旅游部门", "Municipal culture, sports and tourism department", False),
    ("housing", "市住房建设部门", "Municipal housing and construction department", False),
]

DAPENG_NOTE_ZH = "大鹏新区为功能区，尚无独立的县级行政区划代码，暂用深圳市代码 440300。"
DAPENG_NOTE_EN = ("Dapeng New District is a functional area without a county-level division code of its own; "
                  "the city's code 440300 stands in for it.")
DISTRICTS = [
    # code, Chinese, English, administrative division code (GB/T 2260), note zh, note en
    ("futian", "福田区", "Futian District", "440304", "", ""),
    ("luohu", "罗湖区", "Luohu District", "440303", "", ""),
    ("nanshan", "南山区", "Nanshan District", "440305", "", ""),
    ("yantian", "盐田区", "Yantian District", "440308", "", ""),
    ("baoan", "宝安区", "Bao'an District", "440306", "", ""),
    ("longgang", "龙岗区", "Longgang District", "440307", "", ""),
    ("longhua", "龙华区", "Longhua District", "440309", "", ""),
    ("pingshan", "坪山区", "Pingshan District", "440310", "", ""),
    ("guangming", "光明区", "Guangming District", "440311", "", ""),
    ("dapeng", "大鹏新区", "Dapeng New District", "440300", DAPENG_NOTE_ZH, DAPENG_NOTE_EN),
]

DOMAINS = [
    # code, clause, lead department, focus directions (Chinese, English) in the order of the clause
    ("D01", "M06", "health", [
        ("慢性病类适宜技术", "Appropriate technologies for chronic disease"),
        ("妇女儿童类适宜技术", "Appropriate technologies for women and children"),
        ("急救类适宜技术", "Appropriate technologies for first aid"),
        ("康复护理类适宜技术", "Appropriate technologies for rehabilitation and nursing"),
        ("中医药类适宜技术", "Appropriate technologies of traditional Chinese medicine"),
        ("公共卫生类适宜技术", "Appropriate technologies for public health"),
        ("眼耳鼻喉皮肤病类适宜技术", "Appropriate technologies for eye, ear, nose, throat and skin diseases"),
        ("计划生育类适宜技术", "Appropriate technologies for family planning"),
        ("数字化医疗与电子病历", "Digital healthcare and electronic medical records"),
        ("健康档案信息和医疗技术共享平台", "Regional health-record and medical-technology sharing platforms"),
        ("基因早期筛查", "Genetic early screening"),
        ("智能化全民健身器材（“阳光运动”）", "Smart public fitness equipment (\"Sunshine Sports\")"),
    ]),
    ("D02", "M07", "habitat", [
        ("废水处理和再利用", "Wastewater treatment and reuse"),
        ("建筑垃圾和氧化物气体无害化处置", "Safe disposal of construction waste and oxide gases"),
        ("城市生活污水和生活垃圾处理", "Urban sewage and household refuse treatment"),
        ("节能技术和设备", "Energy-saving technology and equipment"),
        ("新能源及新能源设备推广应用", "New energy and new-energy equipment"),
        ("二氧化碳捕集与封存", "Carbon capture and storage"),
        ("清洁能源、清洁生产与低碳新材料", "Clean energy, clean production and low-carbon materials"),
        ("“十城万盏”半导体照明", "LED lighting (\"Ten Cities, Ten Thousand Lights\")"),
        ("“金太阳”太阳能示范", "Solar power (\"Golden Sun\")"),
        ("新能源汽车", "New-energy vehicles"),
    ]),
    ("D03", "M08", "housing", [
        ("围护结构隔热与遮阳技术", "Envelope insulation and shading"),
        ("建筑通风与立体绿化", "Building ventilation and vertical greening"),
        ("建筑材料循环利用与绿色建材", "Recycled building materials and green materials"),
        ("雨水利用与中水技术", "Rainwater use and reclaimed water"),
        ("透水路面", "Permeable paving"),
        ("轻钢结构与钢筋配送", "Light steel structures and rebar distribution"),
        ("建筑废弃物减排与利用", "Construction waste reduction and reuse"),
        ("太阳能、风能等可再生能源建筑应用", "Solar, wind and other renewable energy in buildings"),
        ("绿色施工成套技术与工法", "Green construction techniques and methods"),
    ]),
    ("D04", "M09", "civil_affairs", [
        ("社区综合服务管理平台", "Integrated community service and management platforms"),
        ("跨部门综合性社区服务模式", "Cross-department community service models"),
        ("覆盖全社会的服务网和民心网", "Service and public-opinion networks covering the whole city"),
        ("市、区、街道（社区）三级信息网络互联互通",
         "Linked city, district and street (community) information networks"),
    ]),
    ("D05", "M10", "education", [
        ("教育云示范与成果推广", "Education cloud demonstration and roll-out"),
        ("中小学校教育资源共享", "Shared educational resources for primary and secondary schools"),
        ("网络教育", "Online education"),
        ("学生智能辅导", "Intelligent tutoring for students"),
        ("课外测试信息服务", "After-class testing information services"),
    ]),
    ("D06", "M11", "culture", [
        ("文化与科技融合示范基地", "Culture and technology demonstration bases"),
        ("以高技术手段展现、传播民族和传统文化",
         "High-tech presentation and dissemination of national and traditional culture"),
        ("文化公共服务平台网络化、数字化建设", "Networked and digital public cultural service platforms"),
        ("面向社区的文化产品普惠和精准投放", "Cultural products delivered to communities, broadly and precisely"),
    ]),
    ("D07", "M12", "habitat", [
        ("近岸海域污染防治及总量控制", "Coastal pollution control and total-load control"),
        ("重大海洋突发性事件应急处理（溢油、核泄漏、危险品泄漏等）",
         "Emergency response to marine incidents (oil spills, nuclear leaks, hazardous goods)"),
        ("海洋生态环境信息化", "Marine environment information systems"),
        ("海洋灾害监测（风暴潮、灾害性海浪、海平面上升、海水入侵）",
         "Monitoring of storm surges, dangerous waves, sea-level rise and seawater intrusion"),
        ("赤潮预警预报", "Red-tide warning and forecasting"),
        ("海洋环境生态修复与深海科技", "Marine eco-restoration and deep-sea research"),
        ("海产品生物废弃物综合利用", "High-value use of marine biological waste"),
        ("海洋可再生能源（潮汐能、波浪能、海上风电等）", "Marine renewable energy (tidal, wave, offshore wind)"),
        ("海水淡化", "Seawater desalination"),
        ("海洋装备制造", "Marine equipment manufacturing"),
        ("海藻生物能源", "Algae bio-energy"),
    ]),
    ("D08", "M13", "health", [
        ("药品电子监管与全程追溯", "Electronic supervision and whole-chain traceability of drugs"),
        ("数字二维码与电子监管码", "2-D codes and electronic supervision codes"),
        ("药品及时检测与快速筛查", "Prompt testing and rapid screening of drugs"),
        ("农产品质量检测技术", "Agricultural-product quality testing"),
        ("有害残留物质检测试剂及快速检测卡", "Residue test reagents and rapid test cards"),
    ]),
    ("D09", "M14", "transport", [
        ("智能社区和数字家庭", "Smart communities and digital homes"),
        ("公共安全预警监测与联防联控网络", "Public-safety warning, monitoring and joint-prevention networks"),
        ("智能信号控制", "Intelligent traffic-signal control"),
        ("交通导航与交通信息数据库", "Traffic navigation and traffic databases"),
        ("停车场车位信息及电子缴费", "Parking-space information and electronic payment"),
    ]),
    ("D10", "M15", "civil_affairs", [
        ("灾情预测预警技术与设备", "Disaster forecasting and warning technology and equipment"),
        ("应急救援技术与装备", "Emergency rescue technology and equipment"),
        ("应急救援指挥", "Emergency rescue command"),
        ("应急管理", "Emergency management"),
    ]),
]

FUNDING_MODES = [
    # code, Chinese, English, clause
    ("frontier", "前沿技术", "Frontier technology", "M17"),
    ("key_tech", "共性和关键技术攻关", "Common and key technology", "M17"),
    ("capacity", "创新能力提升", "Innovation capacity building", "M17"),
    ("talent", "人才培育和引进", "Talent development and recruitment", "M17"),
    ("demonstration", "科技惠民示范", "S&T-for-the-people demonstration", "M17"),
    ("infrastructure", "基础设施", "Infrastructure", "M01"),
]

SUPPORT_TYPES = [
    ("stable", "稳定支持", "Stable support", "M17"),
    ("competitive", "竞争择优", "Competitive merit selection", "M17"),
]

FUNDING_SOURCES = [
    # code, Chinese, English, counts as government money, clause
    ("city_rd", "市科技研发资金", "City R&D fund", True, "M17"),
    ("industry", "市产业资金", "City industry funds", True, "M17"),
    ("district", "区专项资金", "District special funds", True, "M17"),
    ("bank_loan", "银行贷款", "Bank loans", False, "M20"),
    ("guarantee", "担保", "Guarantees", False, "M20"),
    ("equity", "股权投资", "Equity investment", False, "M20"),
    ("charity", "公益及慈善基金", "Public-welfare and charity funds", False, "M20"),
    ("private", "民间资本", "Private capital", False, "M20"),
    ("own", "自筹资金", "The applicant's own money", False, "M20"),
]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def notice_body(text: str) -> tuple[str, list[str]]:
    """The measures' own lines: from the preamble to the last clause, with the cover and the footer cut."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    title = VERSION["title_zh"]
    starts = [i for i, line in enumerate(lines) if line == title]
    if not starts:
        raise SystemExit(f"the notice has no line {title!r}")
    body = lines[starts[-1] + 1:]
    end = next((i for i, line in enumerate(body) if line.startswith("主题词")), len(body))
    body = body[:end]
    noise = [line for line in body if re.fullmatch(r"[\d\s\-—]+|书+|[!-/]+.*", line)]
    if noise:
        raise SystemExit(f"unexpected noise lines in the body: {noise}")
    return title, body


def paragraphs(lines: list[str]) -> list[str]:
    """Re-join printed lines: a new paragraph starts at a heading, a clause, or after a short closing line."""
    result: list[str] = []
    current = previous = ""
    for line in lines:
        starts_block = bool(re.match(r"^（[一二三四五六七八九十]+）|^[一二三]、", line))
        if current and (starts_block or (current.endswith(SENTENCE_END) and width(previous) < FULL_LINE)):
            result.append(current)
            current = ""
        current += line
        previous = line
    if current:
        result.append(current)
    return result


def split_clauses(paras: list[str]) -> tuple[str, list[dict]]:
    preamble: list[str] = []
    clauses: list[dict] = []
    part = None
    for para in paras:
        heading = re.match(r"^([一二三])、(.+)$", para)
        marker = re.match(r"^（([一二三四五六七八九十]+)）", para)
        if heading:
            part = PART_HEADINGS[heading.group(1)]
        elif marker:
            number = NUMERALS.index(marker.group(1)) + 1
            if number != len(clauses) + 1:
                raise SystemExit(f"clause ({marker.group(1)}) is out of order")
            clauses.append({"number": number, "part": part, "paragraphs": [para]})
        elif clauses:
            clauses[-1]["paragraphs"].append(para)
        else:
            preamble.append(para)
    if len(clauses) != len(NUMERALS):
        raise SystemExit(f"found {len(clauses)} clauses, expected {len(NUMERALS)}")
    return "\n".join(preamble), clauses


def sentence(text: str) -> str:
    """measures.md writes its cells in lower case; a page shows them as sentences."""
    return text[:1].upper() + text[1:]


def measures_table(text: str) -> dict[str, dict]:
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"M\d{2}", cells[0]):
            rows[cells[0]] = {"title_zh": cells[1], "asks_en": sentence(cells[2]), "platform_en": sentence(cells[3])}
    if len(rows) != len(NUMERALS):
        raise SystemExit(f"measures.md has {len(rows)} clause rows, expected {len(NUMERALS)}")
    return rows


def clause_title(number: int, text: str, table_title: str) -> str:
    if number in UNTITLED:
        return table_title
    body = re.sub(r"^（[一二三四五六七八九十]+）", "", text)
    first = body.split("。", 1)[0]
    if "，" in first or len(first) > 40:
        raise SystemExit(f"clause {number} has no short title sentence: {first!r}")
    return first


def build(shared: Path) -> dict:
    notice = (shared / "notice-2012-53.zh.txt").read_text(encoding="utf-8")
    table = measures_table((shared / "measures.md").read_text(encoding="utf-8"))
    _, body = notice_body(notice)
    preamble, found = split_clauses(paragraphs(body))
    clauses = []
    for item in found:
        code = f"M{item['number']:02d}"
        text = "\n".join(item["paragraphs"])
        row = table[code]
        clauses.append({
            "code": code,
            "number": item["number"],
            "part": item["part"],
            "title_zh": clause_title(item["number"], text, row["title_zh"]),
            "title_en": TITLES_EN[code],
            "text_zh": text,
            "asks_en": row["asks_en"],
            "platform_zh": PLATFORM_ZH[code],
            "platform_en": row["platform_en"],
        })
    titles = {c["code"]: c for c in clauses}
    return {
        "source": "深府办〔2012〕53号, built by scripts/extract_policy.py from notice-2012-53.zh.txt and measures.md",
        "version": {**VERSION, "preamble_zh": preamble},
        "clauses": clauses,
        "departments": [
            {"code": code, "name_zh": zh, "name_en": en, "is_coordinator": lead, "order": i}
            for i, (code, zh, en, lead) in enumerate(DEPARTMENTS, start=1)
        ],
        "districts": [
            {"code": code, "name_zh": zh, "name_en": en, "division_code": division, "note_zh": note_zh,
             "note_en": note_en, "order": i}
            for i, (code, zh, en, division, note_zh, note_en) in enumerate(DISTRICTS, start=1)
        ],
        "domains": [
            {"code": code, "clause_code": clause, "name_zh": titles[clause]["title_zh"],
             "name_en": titles[clause]["title_en"], "lead_department": lead,
             "focus_directions": [{"name_zh": zh, "name_en": en, "order": i}
                                  for i, (zh, en) in enumerate(directions, start=1)]}
            for code, clause, lead, directions in DOMAINS
        ],
        "funding_modes": [
            {"code": code, "name_zh": zh, "name_en": en, "clause_code": clause, "order": i}
            for i, (code, zh, en, clause) in enumerate(FUNDING_MODES, start=1)
        ],
        "support_types": [
            {"code": code, "name_zh": zh, "name_en": en, "clause_code": clause, "order": i}
            for i, (code, zh, en, clause) in enumerate(SUPPORT_TYPES, start=1)
        ],
        "funding_sources": [
            {"code": code, "name_zh": zh, "name_en": en, "is_government": gov, "clause_code": clause, "order": i}
            for i, (code, zh, en, gov, clause) in enumerate(FUNDING_SOURCES, start=1)
        ],
    }


def render(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder with the notice and measures.md")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed JSON, write nothing")
    args = parser.parse_args(argv)
    if args.check and not args.shared.is_dir():
        # A checkout without the policy sources beside it can only use the committed JSON, not compare it.
        print(f"{args.shared} not found: the committed {args.output.name} is used as it is")
        return 0
    text = render(build(args.shared))
    if args.check:
        if not args.output.exists() or args.output.read_text(encoding="utf-8") != text:
            print(f"{args.output} is out of date: run scripts/extract_policy.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
