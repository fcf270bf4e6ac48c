"""Permission rows for funding decisions (资助方案, 公示, 立项; M17, M20): officers run the plan, co-owning departments
confirm, district officers commit their district's funds, the public reads notices and objects, applicants read
their own organisation's projects (another organisation's answers 404)."""

from minsheng.core.roles import Role
from tests.once import drawn
from tests.permissions.spec import FORBIDDEN, GOVERNMENT, NOT_ALLOWED, NOT_FOUND, REDIRECT, Row, everyone, only

A = str(Role.APPLICANT)
STAFF = {Role.OFFICER, Role.ADMIN}
EXPORTERS = {Role.OFFICER, Role.ADMIN, Role.FINANCE, Role.AUDITOR}


def extend_world(world):
    from minsheng.funding import services
    from minsheng.policy.models import FundingSource
    from tests.factories import department, user_for_role
    from tests.factories.funding import WAN, decided_plan, frozen_call, plan_in_notice

    draft = frozen_call(co_owners=[department("health")])
    world.fund_draft = services.create_plan(draft.call, by=draft.officer)
    services.apply_suggestion(world.fund_draft, by=draft.officer)
    world.fund_line = world.fund_draft.lines.get(rank=2)
    district_officer = user_for_role(Role.DISTRICT_OFFICER, district=world.fund_line.application.organisation.district)
    world.fund_cofunding = services.add_cofunding(world.fund_line, by=district_officer,
                                                  source=FundingSource.objects.get(code="district"),
                                                  provider="南山区科技创新局", amount=10 * WAN)
    world.fund_frozen_call = frozen_call().call                    # frozen ranking, no plan yet
    notice = frozen_call()
    world.fund_notice = plan_in_notice(notice)
    world.fund_objection = services.lodge_objection(world.fund_notice, contact="13800000000", text="矩阵异议")
    decided = frozen_call(organisations=[world.org_own, world.org_other])
    plan = decided_plan(decided)
    world.fund_project_own = plan.call.projects.get(organisation=world.org_own)
    world.fund_project_other = plan.call.projects.get(organisation=world.org_other)


def call(attr):
    return lambda world: {"call_pk": getattr(world, attr).call_id}


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def line_kw(world):
    return {"call_pk": world.fund_draft.call_id, "pk": world.fund_line.pk}


def api(roles, **overrides):
    return only(roles, anonymous=FORBIDDEN, **overrides)


POST = dict(method="POST")
JSON = dict(method="POST", content_type="application/json")
ROWS = [
    Row("funding:call_list", only(GOVERNMENT)),
    Row("funding:plan", only(GOVERNMENT), kwargs=call("fund_draft"), note="draft"),
    Row("funding:plan", only(GOVERNMENT), kwargs=lambda w: {"call_pk": w.fund_frozen_call.pk}, note="no plan"),
    Row("funding:plan_create", everyone(NOT_ALLOWED), kwargs=lambda w: {"call_pk": w.fund_frozen_call.pk},
        note="GET"),
    Row("funding:plan_create", only(STAFF, ok=REDIRECT), kwargs=lambda w: {"call_pk": w.fund_frozen_call.pk}, **POST),
    Row("funding:plan_save", only(STAFF, ok=REDIRECT), kwargs=call("fund_draft"), **POST,
        data=lambda w: {"notice_days": 5}),
    Row("funding:plan_suggest", only(STAFF, ok=REDIRECT), kwargs=call("fund_draft"), **POST),
    Row("funding:plan_propose", only(STAFF, ok=REDIRECT), kwargs=call("fund_draft"), **POST),
    Row("funding:plan_return", only(STAFF, ok=REDIRECT), kwargs=call("fund_draft"), **POST,
        data=lambda w: {"reason": "请调整"}),
    Row("funding:plan_confirm", only({Role.DEPARTMENT_OFFICER}, ok=REDIRECT), kwargs=call("fund_draft"), **POST,
        note="co-owned"),
    Row("funding:plan_confirm", only(set()), kwargs=call("fund_notice"), **POST, note="not co-owned"),
    Row("funding:plan_approve", only(STAFF, ok=REDIRECT), kwargs=call("fund_draft"), **POST,
        data=lambda w: {"reason": "同意"}),
    Row("funding:plan_decide", only(STAFF, ok=REDIRECT), kwargs=call("fund_notice"), **POST),
    Row("funding:export", only(EXPORTERS), kwargs=call("fund_draft")),
    Row("funding:cofunding_add", only({*STAFF, Role.DISTRICT_OFFICER}, ok=REDIRECT), kwargs=line_kw, **POST,
        data=lambda w: drawn({"source": w.fund_cofunding.source_id, "provider": "区财政", "amount": "5"})),
    Row("funding:cofunding_remove", only({Role.DISTRICT_OFFICER, Role.ADMIN}, ok=REDIRECT),
        kwargs=lambda w: {"call_pk": w.fund_draft.call_id, "pk": w.fund_cofunding.pk}, **POST, data=lambda w: drawn()),
    Row("funding:objection_handle", only(STAFF, ok=REDIRECT),
        kwargs=lambda w: {"call_pk": w.fund_notice.call_id, "pk": w.fund_objection.pk}, **POST,
        data=lambda w: {"handling": "已核实并答复"}),
    Row("funding:project_list", only(GOVERNMENT | {Role.APPLICANT})),
    Row("funding:project_detail", only(GOVERNMENT | {Role.APPLICANT}), kwargs=pk("fund_project_own"), note="own"),
    Row("funding:project_detail", only(GOVERNMENT | {Role.APPLICANT}, **{A: NOT_FOUND}),
        kwargs=pk("fund_project_other"), note="other organisation"),
    Row("funding:project_pdf", only(GOVERNMENT | {Role.APPLICANT}), kwargs=pk("fund_project_own"), note="own"),
    Row("funding:project_pdf", only(GOVERNMENT | {Role.APPLICANT}, **{A: NOT_FOUND}),
        kwargs=pk("fund_project_other"), note="other organisation"),

    Row("portal:notice_list", everyone()),
    Row("portal:notice_detail", everyone(), kwargs=pk("fund_notice"), note="in notice"),
    Row("portal:notice_detail", everyone(NOT_FOUND), kwargs=pk("fund_draft"), note="draft: not public"),
    Row("portal:notice_detail", everyone(REDIRECT), kwargs=pk("fund_notice"), **POST, note="objection",
        data=lambda w: {"contact": "13800000000", "text": "对公示项目有异议"}),

    Row("funding-plan-list", api(GOVERNMENT)),
    Row("funding-plan-detail", api(GOVERNMENT), kwargs=pk("fund_draft")),
    Row("funding-plan-approve", api(STAFF, ok=409), kwargs=pk("fund_draft"), **JSON, note="draft: 409",
        data=lambda w: {"reason": "同意"}),
    Row("funding-notice-list", everyone()),
    Row("funding-notice-detail", everyone(), kwargs=pk("fund_notice")),
    Row("funding-notice-detail", everyone(NOT_FOUND), kwargs=pk("fund_draft"), note="draft: not public"),
    Row("funding-objection-list", api(GOVERNMENT)),
    Row("funding-objection-detail", api(GOVERNMENT), kwargs=pk("fund_objection")),
    Row("funding-objection-list", everyone(201), **JSON, note="public create",
        data=lambda w: {"plan": w.fund_notice.pk, "contact": "13800000000", "text": "对公示项目有异议"}),
    Row("funding-project-list", api(GOVERNMENT | {Role.APPLICANT})),
    Row("funding-project-detail", api(GOVERNMENT | {Role.APPLICANT}), kwargs=pk("fund_project_own"), note="own"),
    Row("funding-project-detail", api(GOVERNMENT | {Role.APPLICANT}, **{A: NOT_FOUND}),
        kwargs=pk("fund_project_other"), note="other organisation"),
]
