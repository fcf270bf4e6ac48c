"""The library of rule templates a call chooses from (M17, M19, M20, M21, M22).

Each row is the editable half of a rule: names, clause, parameter schema (a JSON Schema subset: integer/number
with minimum/maximum, string with enum, array of enum strings, boolean) and the explanation texts, str.format
templates over the parameters and what the rule found. The test itself is the function of the same code in
minsheng.applications.eligibility. The clause is put in front of every explanation by the evaluator.
"""

from django.db import migrations

ORG_KINDS = ["enterprise", "university", "institute", "hospital", "public", "service", "other"]
IP_KINDS = ["invention_patent", "utility_model", "design", "software_copyright", "standard", "plant_variety",
            "ic_layout", "other"]
TITLES = ["senior", "associate", "intermediate", "junior", "none"]
DOMAINS = [f"D{n:02d}" for n in range(1, 11)]
# Chinese labels for the call edit page (x-labels: enum value -> label)
IP_LABELS = {"invention_patent": "发明专利", "utility_model": "实用新型专利", "design": "外观设计专利",
             "software_copyright": "软件著作权", "standard": "标准", "plant_variety": "植物新品种",
             "ic_layout": "集成电路布图设计", "other": "其他"}
TITLE_LABELS = {"senior": "正高级", "associate": "副高级", "intermediate": "中级", "junior": "初级", "none": "无"}


def obj(required=(), **properties):
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


DOMAINS_PARAM = {"type": "array", "items": {"type": "string", "enum": DOMAINS}, "default": [],
                 "title_zh": "领域（留空则为指南的领域）", "title_en": "Domains (empty: the call's domains)"}

TEMPLATES = [
    {
        "code": "org_type_in", "clause_code": "M17", "order": 10,
        "name_zh": "申报单位类型", "name_en": "Type of applicant organisation",
        "description_zh": "申报单位须为所列类型之一（企业、高校、科研机构、医院等）。",
        "description_en": "The applicant organisation must be of one of the listed types.",
        "params_schema": obj(["kinds"], kinds={
            "type": "array", "items": {"type": "string", "enum": ORG_KINDS}, "minItems": 1,
            "default": ["enterprise", "university", "institute", "hospital"],
            "title_zh": "允许的单位类型", "title_en": "Allowed types"}),
        "pass_zh": "申报单位类型为{found}，属于允许的类型（{kinds}）",
        "pass_en": "the applicant is of an allowed type ({found}; allowed: {kinds})",
        "fail_zh": "申报单位须为以下类型之一：{kinds}；实为{found}",
        "fail_en": "the applicant must be one of: {kinds}; it is {found}",
    },
    {
        "code": "registered_in_city", "clause_code": "M17", "order": 20,
        "name_zh": "在本市注册", "name_en": "Registered in the city",
        "description_zh": "统一社会信用代码第 3–8 位（登记管理机关行政区划码）须以本市代码开头。",
        "description_en": "Characters 3–8 of the unified social credit code (the division code) must start with "
                          "the city's code.",
        "params_schema": obj(region_prefix={
            "type": "string", "enum": ["4403", "44"], "default": "4403",
            "x-labels": {"4403": "4403 深圳市", "44": "44 广东省"},
            "title_zh": "行政区划码前缀", "title_en": "Division code prefix"}),
        "pass_zh": "统一社会信用代码的行政区划码为 {found}，在本市（{region_prefix}）注册",
        "pass_en": "the credit code's division code is {found}, registered in the city ({region_prefix})",
        "fail_zh": "须在本市注册（信用代码行政区划码以 {region_prefix} 开头）；实为 {found}",
        "fail_en": "must be registered in the city (division code starting {region_prefix}); found {found}",
    },
    {
        "code": "verified_organisation", "clause_code": "M17", "order": 30,
        "name_zh": "单位已通过注册审核", "name_en": "Verified organisation",
        "description_zh": "申报单位的注册信息须已由科技主管部门审核通过。",
        "description_en": "The organisation's registration must have been verified by the department.",
        "params_schema": obj(),
        "pass_zh": "申报单位已通过注册审核",
        "pass_en": "the organisation is verified",
        "fail_zh": "申报单位须通过注册审核；尚未通过",
        "fail_en": "the organisation must be verified; it is not yet",
    },
    {
        "code": "ip_in_domain", "clause_code": "M19", "order": 40,
        "name_zh": "领域内已授权知识产权", "name_en": "Granted IP in the domain",
        "description_zh": "申报单位在指南领域内须拥有不少于规定数量的已授权知识产权。",
        "description_en": "The organisation must hold at least the given number of granted IP rights in the "
                          "call's domain.",
        "params_schema": obj(
            ["min_count", "ip_kinds"],
            min_count={"type": "integer", "minimum": 1, "maximum": 50, "default": 1,
                       "title_zh": "最少数量", "title_en": "At least"},
            ip_kinds={"type": "array", "items": {"type": "string", "enum": IP_KINDS}, "minItems": 1,
                      "x-labels": IP_LABELS,
                      "default": ["invention_patent"], "title_zh": "知识产权类型", "title_en": "IP kinds"},
            domains=DOMAINS_PARAM),
        "pass_zh": "需要在 {domains} 领域至少 {min_count} 项已授权{ip_kinds}；找到 {found} 项",
        "pass_en": "needs at least {min_count} granted {ip_kinds} in {domains}; found {found}",
        "fail_zh": "需要在 {domains} 领域至少 {min_count} 项已授权{ip_kinds}；找到 {found} 项",
        "fail_en": "needs at least {min_count} granted {ip_kinds} in {domains}; found {found}",
    },
    {
        "code": "own_funding_share", "clause_code": "M20", "order": 50,
        "name_zh": "自筹及社会资金比例", "name_en": "Own and co-funding share",
        "description_zh": "市财政资金以外的资金（自筹、区级、金融、社会资金）占项目总预算的比例不低于规定值。",
        "description_en": "Money from outside the city government (own, district, financial, private) must be "
                          "at least the given share of the total budget.",
        "params_schema": obj(["min_percent"], min_percent={
            "type": "number", "minimum": 0, "maximum": 100, "default": 50,
            "title_zh": "最低比例（%）", "title_en": "Minimum share (%)"}),
        "pass_zh": "非市财政资金（含自筹）占总预算 {share}%（总预算 {total_wan} 万元），不低于 {min_percent}%",
        "pass_en": "non-city money (own money included) is {share}% of the total budget ({total_wan} 万元), "
                   "at least {min_percent}%",
        "fail_zh": "非市财政资金（含自筹）须占总预算至少 {min_percent}%；实为 {share}%（总预算 {total_wan} 万元）",
        "fail_en": "non-city money (own money included) must be at least {min_percent}% of the total budget; "
                   "it is {share}% (total {total_wan} 万元)",
    },
    {
        "code": "lead_projects_under_way", "clause_code": "M17", "order": 60,
        "name_zh": "负责人在研项目数", "name_en": "Lead's projects under way",
        "description_zh": "项目负责人同时主持的在研项目不得超过规定数量。",
        "description_en": "The project lead may lead at most the given number of projects under way.",
        "params_schema": obj(["max"], max={"type": "integer", "minimum": 0, "maximum": 10, "default": 2,
                                          "title_zh": "最多在研项目", "title_en": "At most"}),
        "pass_zh": "项目负责人在研项目 {found} 项，不超过 {max} 项",
        "pass_en": "the lead has {found} project(s) under way, at most {max}",
        "fail_zh": "项目负责人在研项目不得超过 {max} 项；现有 {found} 项",
        "fail_en": "the lead may have at most {max} project(s) under way; has {found}",
    },
    {
        "code": "applications_per_organisation", "clause_code": "M17", "order": 70,
        "name_zh": "单位申报数量", "name_en": "Applications per organisation",
        "description_zh": "同一单位在本指南下的申报（撤回的除外）不得超过规定数量。",
        "description_en": "An organisation may have at most the given number of applications (withdrawn ones "
                          "not counted) in the call.",
        "params_schema": obj(["max"], max={"type": "integer", "minimum": 1, "maximum": 20, "default": 1,
                                          "title_zh": "每单位最多", "title_en": "At most per organisation"}),
        "pass_zh": "本单位在本指南下共 {found} 项申报，不超过 {max} 项",
        "pass_en": "the organisation has {found} application(s) in this call, at most {max}",
        "fail_zh": "每个单位在本指南下最多申报 {max} 项；本单位共 {found} 项（含本项）",
        "fail_en": "at most {max} application(s) per organisation in this call; this one has {found} "
                   "(this one included)",
    },
    {
        "code": "lead_title_age", "clause_code": "M21", "order": 80,
        "name_zh": "负责人职称与年龄", "name_en": "Lead's title and age",
        "description_zh": "项目负责人须具有所列职称之一，和/或在申报截止日不超过规定年龄。",
        "description_en": "The project lead must hold one of the listed titles and/or be at most the given age "
                          "on the closing date.",
        "params_schema": obj(
            titles={"type": "array", "items": {"type": "string", "enum": TITLES}, "default": [],
                    "x-labels": TITLE_LABELS,
                    "title_zh": "允许的职称（留空不限）", "title_en": "Allowed titles (empty: any)"},
            max_age={"type": "integer", "minimum": 18, "maximum": 100,
                     "title_zh": "截止日最大年龄（留空不限）", "title_en": "Maximum age at closing (empty: any)"}),
        "pass_zh": "项目负责人职称为{title}、截止日 {age} 岁，符合要求（职称：{titles}；年龄上限：{max_age}）",
        "pass_en": "the lead's title is {title}, aged {age} at closing: allowed (titles: {titles}; "
                   "maximum age: {max_age})",
        "fail_zh": "项目负责人须符合职称（{titles}）和年龄上限（{max_age} 岁）；实为{title}、{age} 岁",
        "fail_en": "the lead must meet the title ({titles}) and age limit ({max_age}); is {title}, aged {age}",
    },
    {
        "code": "partner_hk_macao", "clause_code": "M22", "order": 90,
        "name_zh": "港澳合作", "name_en": "Hong Kong or Macao partner",
        "description_zh": "要求或鼓励与香港、澳门的合作单位共同申报；鼓励时给予优先加分。",
        "description_en": "A partner in Hong Kong or Macao is required, or rewarded with priority points.",
        "params_schema": obj(
            ["mode"],
            mode={"type": "string", "enum": ["required", "bonus"], "default": "required",
                  "x-labels": {"required": "必须有港澳合作单位", "bonus": "有则加分"},
                  "title_zh": "方式（必需 / 加分）", "title_en": "Mode (required / bonus)"},
            bonus_points={"type": "number", "minimum": 0, "maximum": 20, "default": 2,
                          "title_zh": "加分", "title_en": "Bonus points"}),
        "pass_zh": "港澳合作单位：{found}；优先加分 {bonus} 分",
        "pass_en": "partners in Hong Kong or Macao: {found}; priority bonus {bonus}",
        "fail_zh": "须有香港或澳门的合作单位；找到 {count} 家",
        "fail_en": "needs a partner in Hong Kong or Macao; found {count}",
    },
    {
        "code": "not_debarred", "clause_code": "M17", "order": 100,
        "name_zh": "未被限制申报", "name_en": "Not debarred",
        "description_zh": "申报单位和项目负责人不得在限制申报名单内（验收不通过、失信等，在限制期内）。",
        "description_en": "Neither the organisation nor the lead may be on the list of those barred from applying "
                          "(failed acceptance, misconduct) on the day of the check.",
        "params_schema": obj(),
        "pass_zh": "申报单位和项目负责人均不在限制申报名单内",
        "pass_en": "neither the organisation nor the lead is barred from applying",
        "fail_zh": "{who_zh}在限制申报名单内，不得申报",
        "fail_en": "barred from applying: {who_en}",
    },
    {
        "code": "ip_bonus", "kind": "priority", "clause_code": "M19", "order": 110,
        "name_zh": "发明专利优先加分", "name_en": "Invention patent bonus",
        "description_zh": "领域内每项已授权发明专利加分，封顶。",
        "description_en": "Priority points per granted invention patent in the domain, capped.",
        "params_schema": obj(
            ["points_per_patent", "max_points"],
            points_per_patent={"type": "number", "minimum": 0, "maximum": 10, "default": 1,
                               "title_zh": "每项加分", "title_en": "Points per patent"},
            max_points={"type": "number", "minimum": 0, "maximum": 20, "default": 5,
                        "title_zh": "最高加分", "title_en": "At most"},
            domains=DOMAINS_PARAM),
        "pass_zh": "在 {domains} 领域有 {found} 项已授权发明专利，加 {bonus} 分（每项 {points_per_patent} 分，"
                   "最多 {max_points} 分）",
        "pass_en": "{found} granted invention patent(s) in {domains}: bonus {bonus} ({points_per_patent} each, "
                   "at most {max_points})",
        "fail_zh": "发明专利加分无法计算",
        "fail_en": "the invention patent bonus could not be computed",
    },
]


def load(apps, schema_editor):
    RuleTemplate = apps.get_model("policy", "RuleTemplate")
    for item in TEMPLATES:
        code = item["code"]
        defaults = {k: v for k, v in item.items() if k != "code"}
        defaults.setdefault("kind", "eligibility")
        RuleTemplate.objects.update_or_create(code=code, defaults=defaults)


def unload(apps, schema_editor):
    RuleTemplate = apps.get_model("policy", "RuleTemplate")
    RuleTemplate.objects.filter(code__in=[t["code"] for t in TEMPLATES], call_rules__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0004_ruletemplate"),
    ]

    operations = [migrations.RunPython(load, unload)]
