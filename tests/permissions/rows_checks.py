"""Permission rows for the formal check (形式审查): pages and API, every role; a department officer sees only the
calls its department co-owns (another call's pages answer 404)."""

from minsheng.core.roles import Role
from tests.permissions.spec import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, REDIRECT, Row, everyone, only

D = str(Role.DEPARTMENT_OFFICER)
VIEWERS = {Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.AUDITOR, Role.ADMIN}
DECIDERS = {Role.OFFICER, Role.ADMIN}
COMMENTERS = {Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.ADMIN}


def extend_world(world):
    from minsheng.checks import services as check_services
    from tests.checks.conftest import submitted
    from tests.factories import department, user_for_role
    from tests.factories.calls import CallFactory, add_rule

    world.check_call = CallFactory(co_owners=[department("health")])       # the matrix's department officer
    world.check_call_other = CallFactory(co_owners=[department("transport")])
    for call in (world.check_call, world.check_call_other):
        add_rule(call, "verified_organisation")
        add_rule(call, "ip_in_domain", min_count=1, ip_kinds=["invention_patent"])
    world.check_app = submitted(world.check_call)
    world.check_app_other = submitted(world.check_call_other)
    officer = user_for_role(Role.OFFICER, username="matrix_check_officer")
    world.check_decision = check_services.decide(submitted(world.check_call), by=officer, decision="reject",
                                                 reason="矩阵")
    world.check_decision_other = check_services.decide(submitted(world.check_call_other), by=officer,
                                                       decision="reject", reason="矩阵")
    world.check_result = world.check_app.rule_results.first()
    world.check_result_other = world.check_app_other.rule_results.first()


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def api(roles, **overrides):
    return only(roles, anonymous=FORBIDDEN, **overrides)


OUT = {D: NOT_FOUND}

ROWS = [
    Row("checks:call_list", only(VIEWERS)),
    Row("checks:call_list", everyone(NOT_ALLOWED), method="POST", note="read-only page"),
    Row("checks:call_table", only(VIEWERS), kwargs=pk("check_call"), note="co-owned"),
    Row("checks:call_table", only(VIEWERS, **OUT), kwargs=pk("check_call_other"), note="not co-owned"),
    Row("checks:call_export", only(VIEWERS), kwargs=pk("check_call"), note="co-owned"),
    Row("checks:call_export", only(VIEWERS, **OUT), kwargs=pk("check_call_other"), note="not co-owned"),
    Row("checks:start", everyone(NOT_ALLOWED), kwargs=pk("check_call"), note="GET"),
    Row("checks:start", only(DECIDERS, ok=REDIRECT), kwargs=pk("check_call"), method="POST"),
    Row("checks:application", only(VIEWERS), kwargs=pk("check_app"), note="co-owned"),
    Row("checks:application", only(VIEWERS, **OUT), kwargs=pk("check_app_other"), note="not co-owned"),
    Row("checks:decide", everyone(NOT_ALLOWED), kwargs=pk("check_app"), note="GET"),
    Row("checks:decide", only(DECIDERS, ok=REDIRECT), kwargs=pk("check_app"), method="POST",
        data=lambda world: {"decision": "reject", "reason": "不符合指南要求"}),
    Row("checks:comment", everyone(NOT_ALLOWED), kwargs=pk("check_app"), note="GET"),
    Row("checks:comment", only(COMMENTERS, ok=REDIRECT), kwargs=pk("check_app"), method="POST",
        data=lambda world: {"text": "建议关注基层适用性"}, note="co-owned"),
    Row("checks:comment", only(COMMENTERS, ok=REDIRECT, **OUT), kwargs=pk("check_app_other"), method="POST",
        data=lambda world: {"text": "建议关注基层适用性"}, note="not co-owned"),

    Row("checks-decision-list", api(VIEWERS)),
    Row("checks-decision-detail", api(VIEWERS), kwargs=pk("check_decision"), note="co-owned"),
    Row("checks-decision-detail", api(VIEWERS, **OUT), kwargs=pk("check_decision_other"), note="not co-owned"),
    Row("checks-decision-list", api(DECIDERS, ok=201), method="POST", content_type="application/json",
        data=lambda world: {"application": world.check_app.pk, "decision": "reject", "reason": "不符合"},
        note="create"),
    Row("checks-rule-result-list", api(VIEWERS)),
    Row("checks-rule-result-detail", api(VIEWERS), kwargs=pk("check_result"), note="co-owned"),
    Row("checks-rule-result-detail", api(VIEWERS, **OUT), kwargs=pk("check_result_other"), note="not co-owned"),
]
