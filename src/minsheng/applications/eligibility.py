"""Eligibility and priority rules as pure functions (M17, M19, M20, M21, M22).

A call's rules are rows (calls.CallRule → policy.RuleTemplate with parameters); the test behind each template
is a function here, found by the template's `code`: `(params, facts) -> Verdict`. No database access: the facts
are gathered once by `minsheng.applications.facts.gather` and the same facts give the same verdict, so every rule
can be tested with hand-built Facts. The explanation is rendered from the template's str.format texts over the
parameters and the verdict's values, and always starts with the clause ("M19：…" / "M19: …").
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import translation

# The registry of programmed rules and the parameter schema live in an engine: policy's admin checks a template
# against them without importing this app.
from minsheng.core.money import WAN
from minsheng.engines.rule_parameters import EVALUATORS, RuleError, check_params, evaluator

ZERO = Decimal("0")
# The city's own money: a call's co-funding share counts everything else (district, bank, private, own money).
CITY_SOURCES = frozenset({"city_rd", "industry"})
HK_MACAO = frozenset({"HK", "MO"})
REGIONS = frozenset({"HK", "MO", "TW", "abroad"})


@dataclass(frozen=True)
class Facts:
    """What the rules may look at, gathered from the database at one moment (see facts.gather)."""

    organisation_kind: str = ""
    credit_code: str = ""
    organisation_verified: bool = False
    # granted IP assets of the organisation: {(ip kind, domain code or ""): count}
    granted_ip: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # the application's funding lines: {source code: amount in yuan}
    funding_by_source: Mapping[str, Decimal] = field(default_factory=dict)
    government_sources: frozenset = frozenset()
    lead_title: str = ""                 # "" when the application names no lead
    lead_birth_year: int | None = None
    lead_age: int | None = None          # at the call's closing date
    lead_projects_under_way: int = 0
    organisation_other_applications: int = 0   # non-withdrawn, same call, this one excluded
    partner_regions: tuple[str, ...] = ()
    organisation_debarred: bool = False
    lead_debarred: bool = False
    call_domains: tuple[str, ...] = ()
    application_domain: str = ""
    today: date | None = None

    @property
    def total_budget(self) -> Decimal:
        return sum(self.funding_by_source.values(), ZERO)

    @property
    def city_money(self) -> Decimal:
        return sum((v for k, v in self.funding_by_source.items() if k in CITY_SOURCES), ZERO)

    @property
    def region_code(self) -> str:
        """The administrative division of the credit code: characters 3–8."""
        return self.credit_code[2:8]

    def granted_count(self, kinds, domains) -> int:
        """Granted IP of the given kinds in any of the given domains (no domains: in any domain)."""
        return sum(n for (kind, domain), n in self.granted_ip.items()
                   if kind in kinds and (not domains or domain in domains))

    def as_json(self) -> dict:
        """The facts in a form a JSON column keeps (RuleResult.facts)."""
        return {
            "organisation_kind": self.organisation_kind, "credit_code": self.credit_code,
            "organisation_verified": self.organisation_verified,
            "granted_ip": [[k, d, n] for (k, d), n in sorted(self.granted_ip.items())],
            "funding_by_source": {k: str(v) for k, v in self.funding_by_source.items()},
            "lead_title": self.lead_title, "lead_birth_year": self.lead_birth_year, "lead_age": self.lead_age,
            "lead_projects_under_way": self.lead_projects_under_way,
            "organisation_other_applications": self.organisation_other_applications,
            "partner_regions": list(self.partner_regions), "organisation_debarred": self.organisation_debarred,
            "lead_debarred": self.lead_debarred, "call_domains": list(self.call_domains),
            "application_domain": self.application_domain,
            "today": self.today.isoformat() if self.today else None,
        }


@dataclass(frozen=True)
class Verdict:
    passed: bool
    bonus: Decimal = ZERO
    values: dict = field(default_factory=dict)   # what the explanation shows (found, needed, ...)


# Chinese names of the choice values the explanations show. Explanations are stored with each result, so the
# Chinese text must not depend on the state of a translation catalogue when the rule ran.
ZH_LABELS = {
    "enterprise": "企业", "university": "高等院校", "institute": "科研机构", "hospital": "医疗机构",
    "public": "事业单位", "service": "科技服务机构", "other": "其他",
    "invention_patent": "发明专利", "utility_model": "实用新型专利", "design": "外观设计专利",
    "software_copyright": "软件著作权", "standard": "标准", "plant_variety": "植物新品种",
    "ic_layout": "集成电路布图设计",
    "senior": "正高级职称", "associate": "副高级职称", "intermediate": "中级职称", "junior": "初级职称",
    "none": "无职称", "HK": "香港", "MO": "澳门", "TW": "台湾", "abroad": "境外",
}


class Label:
    """A choice code shown by its label in the language active when the explanation is rendered."""

    def __init__(self, choices, code):
        self.choices, self.code = choices, code

    def __str__(self) -> str:
        if (translation.get_language() or "").startswith("zh") and self.code in ZH_LABELS:
            return ZH_LABELS[self.code]
        try:
            label = str(self.choices(self.code).label)
        except ValueError:
            return str(self.code)
        # inside an English sentence: "a granted invention patent", but "Hong Kong"
        return label if self.code in REGIONS else label[:1].lower() + label[1:]

    def __format__(self, spec) -> str:
        return format(str(self), spec)


class Joined(list):
    """A list shown joined with the language's separator (、 or , )."""

    def __format__(self, spec) -> str:
        sep = ", " if (translation.get_language() or "").startswith("en") else "、"
        return format(sep.join(str(v) for v in self) or "—", spec)


def _choices():
    # Imported late: the model classes carry the labels; no query is ever made.
    from minsheng.outcomes.models import IPAsset
    from minsheng.registry.models import CooperationPartner, Organisation, Person
    return Organisation.Kind, IPAsset.Kind, Person.Title, CooperationPartner.Region


# ---------------------------------------------------------------------------------------------------------------
# The rules. Each reads only `params` (already checked against the schema, defaults filled in) and `facts`.

@evaluator("org_type_in")
def org_type_in(params, facts):
    kind_choices = _choices()[0]
    return Verdict(facts.organisation_kind in params["kinds"], values={
        "kinds": Joined(Label(kind_choices, k) for k in params["kinds"]),
        "found": Label(kind_choices, facts.organisation_kind)})


@evaluator("registered_in_city")
def registered_in_city(params, facts):
    prefix = params["region_prefix"]
    return Verdict(facts.region_code.startswith(prefix), values={
        "region_prefix": prefix, "found": facts.region_code or "—"})


@evaluator("verified_organisation")
def verified_organisation(params, facts):
    return Verdict(facts.organisation_verified)


def _domains(params, facts) -> list[str]:
    return list(params.get("domains") or facts.call_domains)


@evaluator("ip_in_domain")
def ip_in_domain(params, facts):
    domains = _domains(params, facts)
    found = facts.granted_count(params["ip_kinds"], domains)
    return Verdict(found >= params["min_count"], values={
        "found": found, "domains": Joined(domains), "ip_kinds": Joined(Label(_choices()[1], k)
                                                                         for k in params["ip_kinds"])})


@evaluator("ip_bonus")
def ip_bonus(params, facts):
    domains = _domains(params, facts)
    found = facts.granted_count(["invention_patent"], domains)
    bonus = min(Decimal(str(params["points_per_patent"])) * found, Decimal(str(params["max_points"])))
    return Verdict(True, bonus=bonus, values={"found": found, "domains": Joined(domains), "bonus": bonus})


@evaluator("own_funding_share")
def own_funding_share(params, facts):
    total = facts.total_budget
    share = ((total - facts.city_money) * 100 / total).quantize(Decimal("0.1")) if total else ZERO
    return Verdict(bool(total) and share >= Decimal(str(params["min_percent"])), values={
        "share": share, "total_wan": (total / WAN).quantize(Decimal("0.01"))})


@evaluator("lead_projects_under_way")
def lead_projects_under_way(params, facts):
    return Verdict(facts.lead_projects_under_way <= params["max"], values={"found": facts.lead_projects_under_way})


@evaluator("applications_per_organisation")
def applications_per_organisation(params, facts):
    found = facts.organisation_other_applications + 1
    return Verdict(found <= params["max"], values={"found": found})


@evaluator("lead_title_age")
def lead_title_age(params, facts):
    titles, max_age = params.get("titles") or [], params.get("max_age")
    title_ok = not titles or facts.lead_title in titles
    age_ok = max_age is None or (facts.lead_age is not None and facts.lead_age <= max_age)
    title_choices = _choices()[2]
    return Verdict(bool(facts.lead_title) and title_ok and age_ok, values={
        "titles": Joined(Label(title_choices, t) for t in titles),
        "max_age": max_age if max_age is not None else "—",
        "title": Label(title_choices, facts.lead_title) if facts.lead_title else "—",
        "age": facts.lead_age if facts.lead_age is not None else "—"})


@evaluator("partner_hk_macao")
def partner_hk_macao(params, facts):
    found = sorted({r for r in facts.partner_regions if r in HK_MACAO})
    region_choices = _choices()[3]
    values = {"found": Joined(Label(region_choices, r) for r in found), "count": len(found)}
    if params["mode"] == "bonus":
        bonus = Decimal(str(params.get("bonus_points", 0))) if found else ZERO
        return Verdict(True, bonus=bonus, values={**values, "bonus": bonus})
    return Verdict(bool(found), values=values)


@evaluator("not_debarred")
def not_debarred(params, facts):
    who_zh = [w for w, barred in (("申报单位", facts.organisation_debarred), ("项目负责人", facts.lead_debarred))
              if barred]
    who_en = [w for w, barred in (("the organisation", facts.organisation_debarred),
                                  ("the project lead", facts.lead_debarred)) if barred]
    return Verdict(not who_zh, values={"who_zh": "、".join(who_zh), "who_en": " and ".join(who_en)})


# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evaluation:
    passed: bool
    bonus: Decimal
    explanation_zh: str
    explanation_en: str
    error: str = ""        # set when the rule could not be evaluated


def render(template_text: str, clause: str, lang: str, mapping: dict) -> str:
    with translation.override(lang):
        body = template_text.format_map(mapping)
    return f"{clause}：{body}" if lang.startswith("zh") else f"{clause}: {body}"


def evaluate(template, params: dict, facts: Facts) -> Evaluation:
    """Run one rule (template: anything with code, clause_code, params_schema and the four texts).

    Raises RuleError when the template has no evaluator or the parameters do not fit: `checks` turns that into a
    failed result saying the rule could not be evaluated; tests let it surface.
    """
    fn = EVALUATORS.get(template.code)
    if fn is None:
        raise RuleError(f"no evaluator for rule template {template.code!r}")
    params = check_params(template.params_schema or {}, params or {})
    verdict = fn(params, facts)
    shown = {k: Joined(v) if isinstance(v, list) else v for k, v in params.items()}
    mapping = {**shown, **verdict.values, "bonus": verdict.bonus}
    try:
        texts = [render(template.pass_zh if verdict.passed else template.fail_zh, template.clause_code, "zh-hans",
                        mapping),
                 render(template.pass_en if verdict.passed else template.fail_en, template.clause_code, "en",
                        mapping)]
    except (KeyError, IndexError, ValueError) as exc:
        raise RuleError(f"explanation of {template.code!r} names an unknown value: {exc}") from exc
    return Evaluation(verdict.passed, verdict.bonus, *texts)


def unevaluable(template, error: str) -> Evaluation:
    clause = template.clause_code
    return Evaluation(False, ZERO, f"{clause}：此规则无法评估（{error}），请联系管理员。",
                      f"{clause}: this rule could not be evaluated ({error}); please tell the administrator.", error)
