from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from minsheng.calls.services import CallContent
from minsheng.core.roles import Role
from minsheng.policy.models import FundingMode, RuleTemplate, SupportType
from tests.factories import department, domain, user_for_role
from tests.factories.calls import ProgrammeFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are checked in English, the source language: the Chinese catalogue may reword them."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def officer(db):
    return user_for_role(Role.OFFICER, username="drafter")


@pytest.fixture
def officer2(db):
    return user_for_role(Role.OFFICER, username="approver")


@pytest.fixture
def dept_health(db):
    return user_for_role(Role.DEPARTMENT_OFFICER, username="health_officer", department=department("health"))


@pytest.fixture
def dept_education(db):
    return user_for_role(Role.DEPARTMENT_OFFICER, username="education_officer", department=department("education"))


@pytest.fixture
def programme(db):
    return ProgrammeFactory(budget=Decimal("50000000"))  # 5,000 万元


@pytest.fixture
def template(db):
    """A rule template of our own, so the tests do not depend on the library's wording."""
    return RuleTemplate.objects.create(
        code="test_min_patents", clause_code="M19", name_zh="测试专利数", name_en="Test patents",
        description_zh="至少若干项专利。", params_schema={
            "type": "object", "required": ["min_count"], "properties": {
                "min_count": {"type": "integer", "minimum": 1, "maximum": 50, "title_zh": "最少数量",
                              "title_en": "At least"},
                "share": {"type": "number", "minimum": 0, "maximum": 100, "title_zh": "比例"},
                "kinds": {"type": "array", "items": {"type": "string", "enum": ["enterprise", "hospital"]},
                          "title_zh": "单位类型"},
                "mode": {"type": "string", "enum": ["required", "bonus"], "default": "required",
                         "title_zh": "方式"},
                "strict": {"type": "boolean", "title_zh": "严格"}}},
        pass_zh="通过", pass_en="passed", fail_zh="未通过", fail_en="failed")


def timeline(opens=-1, closes=20):
    now = timezone.now().replace(microsecond=0)
    closes_at = now + timedelta(days=closes)
    return {"opens_at": now + timedelta(days=opens), "closes_at": closes_at,
            "review_ends_at": closes_at + timedelta(days=30), "notice_at": closes_at + timedelta(days=40)}


def content(programme, **overrides) -> CallContent:
    values = {"programme": programme, "title_zh": "智慧医疗测试指南", "title_en": "Smart health test call",
              "description": "测试用指南。", "funding_mode": FundingMode.objects.get(code="key_tech"),
              "support_type": SupportType.objects.get(code="competitive"), "budget": Decimal("10000000"),
              "max_grant": Decimal("2000000"), "cofunding_ratio": Decimal("20"), "reviewers_per_proposal": 5,
              **timeline()}
    values.update(overrides.pop("values", {}))
    base = {"domains": [domain("D01")], "co_owners": [department("health")],
            "topics": [{"title": "慢病远程随访", "description": "社区随访", "problems": []}],
            "criteria": [{"name_zh": "创新性", "name_en": "", "description": "", "weight": Decimal("60"),
                          "scale_min": 0, "scale_max": 10},
                         {"name_zh": "可行性", "name_en": "", "description": "", "weight": Decimal("40"),
                          "scale_min": 0, "scale_max": 10}]}
    base.update(overrides)
    return CallContent(values=values, **base)
