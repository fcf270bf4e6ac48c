"""The call workflow (M17): drafting with its checks, four eyes, co-owners (M05), the audit trail."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minsheng.calls import services
from minsheng.calls.models import Call, CallRule
from minsheng.core import clock
from minsheng.core.models import AuditEvent
from tests.calls.conftest import content, timeline
from tests.factories.calls import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _health_has_an_officer(dept_health):
    """The calls drafted here are co-owned by the health department, which needs an active officer to act for it."""


def _messages(exc) -> dict:
    return {name: " ".join(messages) for name, messages in exc.value.message_dict.items()}


def test_draft_submit_publish_by_a_second_officer(officer, officer2, programme):
    call = services.save_call(by=officer, content=content(programme))
    assert call.state == Call.State.DRAFT and call.drafted_by == officer
    assert call.code.startswith("MSZN-2026-")
    assert call.topics.count() == 1 and call.criteria.count() == 2
    services.submit_call(call=call, by=officer)
    with pytest.raises(ValidationError, match="four eyes"):
        services.publish_call(call=call, by=officer)
    call.refresh_from_db()
    assert call.state == Call.State.IN_REVIEW
    services.publish_call(call=call, by=officer2)
    call.refresh_from_db()
    assert call.state == Call.State.PUBLISHED and call.approved_by == officer2 and call.published_at
    actions = list(AuditEvent.objects.filter(target_type="calls.call", target_id=str(call.pk))
                   .values_list("action", "clause"))
    assert ("calls.call.create", "M17") in actions
    assert ("calls.call.submit", "M17") in actions and ("calls.call.publish", "M17") in actions
    assert ("calls.call.co_owners", "M05") in actions


def test_a_co_owning_department_officer_approves_with_clause_m05(officer, dept_health, programme):
    call = services.submit_call(call=services.save_call(by=officer, content=content(programme)), by=officer)
    services.publish_call(call=call, by=dept_health)
    event = AuditEvent.objects.get(action="calls.call.publish", target_id=str(call.pk))
    assert event.clause == "M05" and event.actor == dept_health


def test_a_department_without_an_active_officer_cannot_co_own_a_call(officer, programme):
    from minsheng.core.roles import Role
    from tests.factories import department, user_for_role

    civil = department("civil_affairs")
    user_for_role(Role.DEPARTMENT_OFFICER, department=civil, is_active=False)     # a former officer does not count
    with pytest.raises(ValidationError) as refused:
        services.save_call(by=officer, content=content(programme, co_owners=[department("health"), civil]))
    assert "Municipal civil affairs department has no active officer" in _messages(refused)["co_owners"]
    assert not Call.objects.exists()
    draft = services.save_call(by=officer, content=content(programme, co_owners=[department("health")]))
    with pytest.raises(ValidationError, match="no active officer"):          # nor added later, on an edit
        services.save_call(by=officer, call=draft, content=content(programme, co_owners=[civil]))
    user_for_role(Role.DEPARTMENT_OFFICER, department=civil)
    call = services.save_call(by=officer, call=draft, content=content(programme, co_owners=[civil]))
    assert list(call.co_owners.values_list("code", flat=True)) == ["civil_affairs"]


def test_a_department_that_does_not_co_own_may_not_approve(officer, dept_education, programme):
    call = services.submit_call(call=services.save_call(by=officer, content=content(programme)), by=officer)
    with pytest.raises(PermissionDenied):
        services.publish_call(call=call, by=dept_education)
    call.refresh_from_db()
    assert call.state == Call.State.IN_REVIEW


def test_return_to_draft_needs_a_reason_and_is_audited(officer, officer2, programme):
    call = services.submit_call(call=services.save_call(by=officer, content=content(programme)), by=officer)
    with pytest.raises(ValidationError) as exc:
        services.return_call(call=call, by=officer2, reason="  ")
    assert "reason" in exc.value.message_dict
    services.return_call(call=call, by=officer2, reason="预算过高")
    call.refresh_from_db()
    assert call.state == Call.State.DRAFT
    assert AuditEvent.objects.get(action="calls.call.return").reason == "预算过高"


def test_withdraw_a_published_call(officer, officer2, programme):
    call = CallFactory(programme=programme, drafted_by=officer)
    services.withdraw_call(call=call, by=officer2, reason="政策调整")
    call.refresh_from_db()
    assert call.state == Call.State.WITHDRAWN


def test_a_step_that_does_not_apply_is_refused_and_changes_nothing(officer, officer2, programme):
    call = CallFactory(programme=programme, drafted_by=officer)  # published
    with pytest.raises(ValidationError, match="someone else"):
        services.publish_call(call=call, by=officer2)
    assert not AuditEvent.objects.filter(action="calls.call.publish").exists()


def test_editing_a_published_call_is_refused(officer, programme):
    call = CallFactory(programme=programme, drafted_by=officer)
    with pytest.raises(ValidationError, match="withdraw it"):
        services.save_call(by=officer, call=call, content=content(programme))


def test_submit_needs_topics_and_a_complete_rubric(officer, programme):
    call = services.save_call(by=officer, content=content(programme, topics=[], criteria=[]))
    with pytest.raises(ValidationError) as exc:
        services.submit_call(call=call, by=officer)
    assert "topic" in str(exc.value) and "100" in str(exc.value)


def test_editing_a_draft_keeps_children_ids_and_replaces_the_rest(officer, programme):
    call = services.save_call(by=officer, content=content(programme))
    topic = call.topics.get()
    edited = content(programme, topics=[{"id": topic.pk, "title": "改名后的方向", "description": "", "problems": []},
                                        {"title": "新增方向", "description": "", "problems": []}],
                     criteria=[{"name_zh": "综合", "name_en": "", "description": "", "weight": Decimal("100"),
                                "scale_min": 1, "scale_max": 5}])
    services.save_call(by=officer, call=call, content=edited)
    titles = list(call.topics.values_list("pk", "title"))
    assert titles[0] == (topic.pk, "改名后的方向") and titles[1][1] == "新增方向"
    assert list(call.criteria.values_list("name_zh", flat=True)) == ["综合"]


# --- Timeline, money, rubric ------------------------------------------------------------------------

@pytest.mark.parametrize("field,change", [
    ("closes_at", {"closes_at": "opens_at"}),
    ("review_ends_at", {"review_ends_at": "closes_at"}),
    ("notice_at", {"notice_at": "review_ends_at"}),
])
def test_timeline_must_be_in_order(officer, programme, field, change):
    values = timeline()
    (target, source), = change.items()
    values[target] = values[source]
    with pytest.raises(ValidationError) as exc:
        services.save_call(by=officer, content=content(programme, values=values))
    assert field in exc.value.message_dict
    assert "Asia/Shanghai" in exc.value.message_dict[field][0]
    assert not Call.objects.exists()


def test_budget_beyond_the_remaining_envelope_is_refused(officer, programme):
    CallFactory(programme=programme, budget=Decimal("45000000"), max_grant=Decimal("1000000"))
    with pytest.raises(ValidationError) as exc:
        services.save_call(by=officer, content=content(programme))  # asks 1,000 万元; 500 万元 left
    message = exc.value.message_dict["budget"][0]
    assert "500.00" in message and "1,000.00" in message
    assert Call.objects.count() == 1


def test_withdrawn_calls_free_their_envelope(officer, programme):
    CallFactory(programme=programme, budget=Decimal("45000000"), state=Call.State.WITHDRAWN)
    assert services.save_call(by=officer, content=content(programme)).pk


def test_a_programme_envelope_cannot_shrink_below_its_calls(officer, programme):
    CallFactory(programme=programme, budget=Decimal("30000000"))
    with pytest.raises(ValidationError) as exc:
        services.update_programme(programme=programme, by=officer, changes={"budget": Decimal("20000000")})
    assert "3,000.00" in exc.value.message_dict["budget"][0]


@pytest.mark.parametrize("values,field,words", [
    ({"max_grant": Decimal("20000000"), "budget": Decimal("10000000")}, "max_grant", "did you type 元"),
    ({"max_grant": Decimal("200")}, "max_grant", "less than 1 万元"),
    ({"budget": Decimal("3000")}, "budget", "less than 1 万元"),
])
def test_amounts_that_look_ten_thousand_times_off_are_flagged(officer, programme, values, field, words):
    with pytest.raises(ValidationError) as exc:
        services.save_call(by=officer, content=content(programme, values=values))
    assert words in exc.value.message_dict[field][0]


def test_a_programme_envelope_typed_in_yuan_is_flagged(officer):
    with pytest.raises(ValidationError) as exc:
        services.create_programme(by=officer, values={
            "year": 2026, "source": ProgrammeFactory.build().source, "name_zh": "元当万元",
            "budget": Decimal("300000000") * 10000})
    assert "10,000" in exc.value.message_dict["budget"][0]


def test_rubric_weights_must_add_up_to_100(officer, programme):
    criteria = [{"name_zh": "创新性", "name_en": "", "description": "", "weight": Decimal("60"), "scale_min": 0,
                 "scale_max": 10}]
    with pytest.raises(ValidationError) as exc:
        services.save_call(by=officer, content=content(programme, criteria=criteria))
    assert "60" in exc.value.message_dict["criteria"][0]


def test_only_accepted_problems_can_be_answered(officer, programme):
    from minsheng.problems.models import Problem

    new = Problem.objects.create(tracking_code="MS-2026-TEST001", title="新问题", description="x")
    accepted = Problem.objects.create(tracking_code="MS-2026-TEST002", title="已受理", description="x",
                                      state=Problem.State.ACCEPTED)
    topics = [{"title": "方向", "description": "", "problems": [new]}]
    with pytest.raises(ValidationError) as exc:
        services.save_call(by=officer, content=content(programme, topics=topics))
    assert "MS-2026-TEST001" in exc.value.message_dict["topics"][0]
    call = services.save_call(by=officer, content=content(
        programme, topics=[{"title": "方向", "description": "", "problems": [accepted]}]))
    assert list(call.topics.get().problems.all()) == [accepted]


# --- The rule set ------------------------------------------------------------------------------------

def test_rules_with_valid_parameters_are_saved_with_defaults(officer, programme, template):
    call = services.save_call(by=officer, content=content(programme, rules=[(template, {"min_count": 2})]))
    rule = CallRule.objects.get(call=call)
    assert rule.params == {"min_count": 2, "mode": "required", "strict": False}


@pytest.mark.parametrize("params,param,words", [
    ({}, "min_count", "required"),
    ({"min_count": 0}, "min_count", "at least 1"),
    ({"min_count": 51}, "min_count", "at most 50"),
    ({"min_count": "two"}, "min_count", "whole number"),
    ({"min_count": 1, "share": 101}, "share", "at most 100"),
    ({"min_count": 1, "kinds": ["enterprise", "bank"]}, "kinds", "bank"),
    ({"min_count": 1, "mode": "sometimes"}, "mode", "sometimes"),
    ({"min_count": 1, "strict": "yes"}, "strict", "yes or no"),
    ({"min_count": 1, "colour": "red"}, "colour", "not a parameter"),
])
def test_rule_parameters_are_checked_against_the_schema(officer, programme, template, params, param, words):
    with pytest.raises(ValidationError) as exc:
        services.save_call(by=officer, content=content(programme, rules=[(template, params)]))
    message = exc.value.message_dict[f"rule_test_min_patents_{param}"][0]
    assert words in message and template.name in message
    assert not Call.objects.exists()


def test_an_inactive_template_cannot_be_picked(officer, programme, template):
    template.is_active = False
    template.save()
    with pytest.raises(ValidationError) as exc:
        services.save_call(by=officer, content=content(programme, rules=[(template, {"min_count": 1})]))
    assert "rule_test_min_patents" in exc.value.message_dict


def test_the_library_templates_accept_their_own_defaults(officer, programme):
    """Every template the rules library ships validates with the parameters it proposes by default."""
    from minsheng.calls import schema
    from minsheng.policy.models import RuleTemplate

    for template in RuleTemplate.objects.filter(is_active=True):
        defaults = {name: prop["default"] for name, prop in schema.properties(template.params_schema).items()
                    if "default" in prop}
        _values, errors = schema.validate(template.params_schema, defaults)
        assert not errors, (template.code, errors)


def test_the_closing_time_is_judged_by_the_server_clock(officer, officer2, programme):
    """The deadline follows the platform's clock (core.clock), not the wall clock: moved past the close, the call
    may no longer be sent for approval or published; a second before it, it may."""
    call = services.save_call(by=officer, content=content(programme))
    with clock.reading(call.closes_at), pytest.raises(ValidationError, match="closing time"):
        services.submit_call(call=call, by=officer)
    with clock.reading(call.closes_at - timedelta(seconds=1)):
        services.submit_call(call=call, by=officer)
    with clock.reading(call.closes_at), pytest.raises(ValidationError, match="closing time has passed"):
        services.publish_call(call=call, by=officer2)
    call.refresh_from_db()
    assert call.state == Call.State.IN_REVIEW
    with clock.reading(call.closes_at - timedelta(seconds=1)):
        services.publish_call(call=call, by=officer2)
    call.refresh_from_db()
    assert call.state == Call.State.PUBLISHED


def test_the_call_pages_buttons_are_the_tables_steps(officer, officer2, dept_health, programme):
    """Each button asks a permission that holds only in the state its step starts from; the drafter never
    approves (the table's four eyes), and nobody edits a call that is not a draft."""
    call = services.save_call(by=officer, content=content(programme))
    assert officer.has_perm("calls.edit_draft_call", call) and officer.has_perm("calls.call.submit", call)
    assert not officer2.has_perm("calls.call.publish", call)                   # a draft is not approved
    services.submit_call(call=call, by=officer)
    assert not officer.has_perm("calls.edit_draft_call", call) and not officer.has_perm("calls.call.submit", call)
    assert not officer.has_perm("calls.call.publish", call)                    # the drafter: four eyes
    assert officer2.has_perm("calls.call.publish", call) and dept_health.has_perm("calls.call.publish", call)
    assert officer.has_perm("calls.call.return", call)                         # the drafter may pull it back
    services.publish_call(call=call, by=officer2)
    assert officer.has_perm("calls.call.withdraw", call) and not officer.has_perm("calls.call.return", call)
    assert not dept_health.has_perm("calls.call.withdraw", call)
