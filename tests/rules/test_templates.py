"""Every rule template, pass and fail, as a pure function over hand-built facts; explanations cite the clause."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from minsheng.applications import eligibility as e
from minsheng.engines import rule_parameters
from minsheng.policy.models import RuleTemplate

pytestmark = pytest.mark.django_db

GOOD = e.Facts(
    organisation_kind="enterprise", credit_code="91440300MA5XXXXXX1", organisation_verified=True,
    granted_ip={("invention_patent", "D01"): 2, ("utility_model", "D01"): 1, ("invention_patent", "D05"): 4},
    funding_by_source={"city_rd": Decimal("1000000"), "own": Decimal("1500000")},
    government_sources=frozenset({"city_rd", "industry", "district"}),
    lead_title="senior", lead_birth_year=1980, lead_age=46, lead_projects_under_way=1,
    organisation_other_applications=0, partner_regions=("HK",), call_domains=("D01",),
    application_domain="D01", today=date(2026, 11, 29))

# code -> (params, facts that pass, facts that fail, a fragment of the Chinese failure, of the English failure)
CASES = {
    "org_type_in": ({"kinds": ["enterprise", "university"]}, GOOD, replace(GOOD, organisation_kind="hospital"),
                    "须为以下类型之一", "must be one of"),
    "registered_in_city": ({}, GOOD, replace(GOOD, credit_code="91110108MA0000000X"), "实为 110108",
                           "found 110108"),
    "verified_organisation": ({}, GOOD, replace(GOOD, organisation_verified=False), "尚未通过", "not yet"),
    "ip_in_domain": ({"min_count": 2, "ip_kinds": ["invention_patent"]}, GOOD,
                     replace(GOOD, granted_ip={("invention_patent", "D05"): 9}), "需要在 D01 领域至少 2 项已授权",
                     "needs at least 2 granted"),
    "own_funding_share": ({"min_percent": 60}, GOOD,
                          replace(GOOD, funding_by_source={"city_rd": Decimal("600000"), "industry": Decimal("1"),
                                                           "own": Decimal("400000")}),
                          "实为 40.0%", "it is 40.0%"),
    "lead_projects_under_way": ({"max": 1}, GOOD, replace(GOOD, lead_projects_under_way=2), "现有 2 项", "has 2"),
    "applications_per_organisation": ({"max": 1}, GOOD, replace(GOOD, organisation_other_applications=1),
                                      "本单位共 2 项", "has 2"),
    "lead_title_age": ({"titles": ["senior", "associate"], "max_age": 50}, GOOD, replace(GOOD, lead_age=51),
                       "51 岁", "aged 51"),
    "partner_hk_macao": ({"mode": "required"}, GOOD, replace(GOOD, partner_regions=("TW", "abroad")),
                         "找到 0 家", "found 0"),
    "not_debarred": ({}, GOOD, replace(GOOD, lead_debarred=True), "项目负责人在限制申报名单内",
                     "barred from applying: the project lead"),
}


def template(code):
    return RuleTemplate.objects.get(code=code)


def test_every_template_has_an_evaluator_and_a_case():
    codes = set(RuleTemplate.objects.values_list("code", flat=True))
    assert codes == set(e.EVALUATORS)
    assert codes - {"ip_bonus"} == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_pass_and_fail(code):
    params, good, bad, fail_zh, fail_en = CASES[code]
    t = template(code)
    ok = e.evaluate(t, params, good)
    assert ok.passed, ok.explanation_zh
    assert ok.explanation_zh.startswith(f"{t.clause_code}：") and ok.explanation_en.startswith(f"{t.clause_code}: ")
    ko = e.evaluate(t, params, bad)
    assert not ko.passed
    assert ko.explanation_zh.startswith(f"{t.clause_code}：") and fail_zh in ko.explanation_zh
    assert ko.explanation_en.startswith(f"{t.clause_code}: ") and fail_en in ko.explanation_en


def test_the_m19_example_reads_as_the_issue_says():
    result = e.evaluate(template("ip_in_domain"), {}, replace(GOOD, granted_ip={}))
    assert result.explanation_zh == "M19：需要在 D01 领域至少 1 项已授权发明专利；找到 0 项"
    assert result.explanation_en == "M19: needs at least 1 granted invention patent in D01; found 0"


def test_ip_in_domain_uses_given_domains_before_the_calls():
    t = template("ip_in_domain")
    assert e.evaluate(t, {"min_count": 3, "ip_kinds": ["invention_patent"], "domains": ["D05"]}, GOOD).passed
    assert not e.evaluate(t, {"min_count": 3, "ip_kinds": ["invention_patent"]}, GOOD).passed
    # other kinds count only when asked for
    assert e.evaluate(t, {"min_count": 3, "ip_kinds": ["invention_patent", "utility_model"]}, GOOD).passed


def test_own_share_with_no_budget_fails_and_district_money_counts_as_non_city():
    t = template("own_funding_share")
    assert not e.evaluate(t, {"min_percent": 0}, replace(GOOD, funding_by_source={})).passed
    district_only = replace(GOOD, funding_by_source={"city_rd": Decimal("1"), "district": Decimal("3")})
    assert e.evaluate(t, {"min_percent": 75}, district_only).passed


def test_lead_title_age_either_limit_alone_and_no_lead():
    t = template("lead_title_age")
    assert e.evaluate(t, {"titles": ["senior"]}, replace(GOOD, lead_age=70)).passed
    assert not e.evaluate(t, {"titles": ["junior"]}, GOOD).passed
    assert e.evaluate(t, {"max_age": 46}, GOOD).passed
    assert not e.evaluate(t, {"max_age": 45}, GOOD).passed
    assert not e.evaluate(t, {"max_age": 60}, replace(GOOD, lead_title="", lead_age=None)).passed


def test_partner_bonus_mode_always_passes_and_adds_points_only_with_a_partner():
    t = template("partner_hk_macao")
    with_partner = e.evaluate(t, {"mode": "bonus", "bonus_points": 3}, GOOD)
    assert with_partner.passed and with_partner.bonus == Decimal("3")
    assert "加分 3 分" in with_partner.explanation_zh
    without = e.evaluate(t, {"mode": "bonus", "bonus_points": 3}, replace(GOOD, partner_regions=()))
    assert without.passed and without.bonus == 0
    assert e.evaluate(t, {"mode": "required"}, replace(GOOD, partner_regions=("MO",))).passed


def test_chinese_explanations_name_choices_in_chinese():
    result = e.evaluate(template("org_type_in"), {"kinds": ["university", "hospital"]}, GOOD)
    assert result.explanation_zh == "M17：申报单位须为以下类型之一：高等院校、医疗机构；实为企业"
    assert result.explanation_en == "M17: the applicant must be one of: university, hospital; it is enterprise"


def test_not_debarred_names_the_organisation():
    result = e.evaluate(template("not_debarred"), {}, replace(GOOD, organisation_debarred=True))
    assert not result.passed and "申报单位在限制申报名单内" in result.explanation_zh


def test_ip_bonus_is_capped():
    t = template("ip_bonus")
    assert t.kind == RuleTemplate.Kind.PRIORITY
    two = e.evaluate(t, {"points_per_patent": 1.5, "max_points": 5}, GOOD)
    assert two.passed and two.bonus == Decimal("3.0") and two.explanation_zh.startswith("M19：")
    capped = e.evaluate(t, {"points_per_patent": 2, "max_points": 3}, replace(GOOD, granted_ip={
        ("invention_patent", "D01"): 10}))
    assert capped.bonus == Decimal("3")


@pytest.mark.parametrize("params", [{"kinds": []}, {"kinds": ["bank"]}, {"kinds": "enterprise"}, {"colour": 1}])
def test_params_outside_the_schema_fail_loudly(params):
    with pytest.raises(e.RuleError):
        e.evaluate(template("org_type_in"), params, GOOD)


@pytest.mark.parametrize("params", [{"max": 0}, {"max": "2"}, {"max": True}, {"max": 99}])
def test_integer_bounds_and_types(params):
    with pytest.raises(e.RuleError):
        e.evaluate(template("applications_per_organisation"), params, GOOD)


def test_unknown_code_fails_loudly_and_unevaluable_says_so():
    t = RuleTemplate(code="nonesuch", clause_code="M17", pass_zh="", pass_en="", fail_zh="", fail_en="")
    with pytest.raises(e.RuleError):
        e.evaluate(t, {}, GOOD)
    result = e.unevaluable(t, "no evaluator")
    assert not result.passed and result.explanation_zh.startswith("M17：此规则无法评估")


def test_explanation_naming_an_unknown_value_fails_loudly():
    t = template("verified_organisation")
    t.fail_zh = "{nothing}"
    with pytest.raises(e.RuleError):
        e.evaluate(t, {}, replace(GOOD, organisation_verified=False))


def test_every_schema_default_is_valid_for_the_call_form():
    for t in RuleTemplate.objects.all():
        rule_parameters.check_schema(t.params_schema)
        props = t.params_schema["properties"]
        defaults = {k: v["default"] for k, v in props.items() if "default" in v}
        rule_parameters.check_params(t.params_schema, defaults)
        for prop in props.values():
            assert prop["type"] in {"integer", "number", "string", "array", "boolean"}
            assert prop.get("title_zh") and prop.get("title_en")


def test_facts_are_json_ready():
    import json
    assert json.loads(json.dumps(GOOD.as_json()))["granted_ip"][0] == ["invention_patent", "D01", 2]
