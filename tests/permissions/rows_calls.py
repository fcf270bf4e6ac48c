"""Permission rows for programmes and calls (M17, M05): pages and API, every role; drafts answer 404 outside
the officers, auditors and co-owning departments; a department that does not co-own a call sees 404."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from minsheng.core.roles import Role
from tests.permissions.spec import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, REDIRECT, Row, everyone, only

STAFF = {Role.OFFICER, Role.ADMIN}
READ_ALL = STAFF | {Role.AUDITOR}
READ_DRAFT = READ_ALL | {Role.DEPARTMENT_OFFICER}
DECIDE = STAFF | {Role.DEPARTMENT_OFFICER}
PROGRAMMES = STAFF | {Role.AUDITOR, Role.FINANCE}
D = str(Role.DEPARTMENT_OFFICER)


def extend_world(world):
    from tests.factories import UserFactory, department, domain
    from tests.factories.calls import CallFactory, ProgrammeFactory, complete

    drafter = UserFactory(role=Role.OFFICER, username="matrix_call_drafter")
    health, transport = [department("health")], [department("transport")]
    world.calls_programme = ProgrammeFactory(name_zh="矩阵专项", budget=Decimal("500000000"))
    world.calls_domain_id = domain("D01").pk
    world.calls_department_id = health[0].pk

    def call(**kwargs):
        return complete(CallFactory(programme=world.calls_programme, drafted_by=drafter, **kwargs))

    world.call_published = call(co_owners=health)
    world.call_draft = call(draft=True, co_owners=health)
    world.call_draft_other = call(draft=True, co_owners=transport)
    world.call_review = call(in_review=True, co_owners=health)
    world.call_review_other = call(in_review=True, co_owners=transport)


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def call_data(world):
    from minsheng.policy.models import FundingMode, SupportType

    now = timezone.now()
    return {
        "programme": world.calls_programme.pk, "title_zh": "矩阵指南", "description": "说明",
        "domains": [world.calls_domain_id], "funding_mode": FundingMode.objects.get(code="key_tech").pk,
        "support_type": SupportType.objects.get(code="competitive").pk, "budget_wan": "100",
        "max_grant_wan": "50", "cofunding_ratio": "0", "reviewers_per_proposal": "5",
        "opens_at": _local(now + timedelta(days=1)), "closes_at": _local(now + timedelta(days=30)),
        "review_ends_at": _local(now + timedelta(days=60)), "notice_at": _local(now + timedelta(days=70)),
        "co_owners": [world.calls_department_id],
        "topics-TOTAL_FORMS": "1", "topics-INITIAL_FORMS": "0", "topics-0-title": "方向",
        "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-0-name_zh": "综合",
        "criteria-0-weight": "100", "criteria-0-scale_min": "0", "criteria-0-scale_max": "10",
    }


def programme_data(world):
    from minsheng.policy.models import FundingSource

    return {"year": "2027", "source": FundingSource.objects.get(code="city_rd").pk, "name_zh": "矩阵新专项",
            "budget_wan": "5000"}


def api(roles, **overrides):
    return only(roles, anonymous=FORBIDDEN, **overrides)


def reason(world):
    return {"reason": "矩阵测试理由"}


ROWS = [
    # The public calls list and pages; drafts only for officers, auditors and co-owning departments.
    Row("calls:list", everyone()),
    Row("calls:list", everyone(NOT_ALLOWED), method="POST", note="read-only page"),
    Row("calls:export", only(READ_ALL)),
    Row("calls:detail", everyone(), kwargs=pk("call_published"), note="published"),
    Row("calls:detail", {**everyone(NOT_FOUND), **{str(r): 200 for r in READ_DRAFT}}, kwargs=pk("call_draft"),
        note="draft co-owned"),
    Row("calls:detail", {**everyone(NOT_FOUND), **{str(r): 200 for r in READ_ALL}}, kwargs=pk("call_draft_other"),
        note="draft of another department"),
    Row("calls:guide", everyone(), kwargs=pk("call_published"), note="published"),
    Row("calls:guide", {**everyone(NOT_FOUND), **{str(r): 200 for r in READ_DRAFT}}, kwargs=pk("call_draft"),
        note="draft"),

    # Drafting: programme officers and administrators; a published call's edit page sends them back.
    Row("calls:create", only(STAFF)),
    Row("calls:create", only(STAFF, ok=REDIRECT), method="POST", data=call_data),
    Row("calls:edit", only(STAFF), kwargs=pk("call_draft"), note="draft"),
    Row("calls:edit", only(STAFF, ok=REDIRECT), kwargs=pk("call_draft"), method="POST", data=call_data,
        note="draft"),
    Row("calls:edit", only(STAFF, ok=REDIRECT), kwargs=pk("call_published"), note="published: refused"),

    # The workflow (POST only): submit and withdraw by officers; approve and return also by co-owners.
    Row("calls:submit", everyone(NOT_ALLOWED), kwargs=pk("call_draft"), note="GET"),
    Row("calls:submit", only(STAFF, ok=REDIRECT), kwargs=pk("call_draft"), method="POST"),
    Row("calls:approve", only(DECIDE, ok=REDIRECT), kwargs=pk("call_review"), method="POST", note="co-owned"),
    Row("calls:approve", only(DECIDE, ok=REDIRECT, **{D: NOT_FOUND}), kwargs=pk("call_review_other"),
        method="POST", note="another department's"),
    Row("calls:return", only(DECIDE, ok=REDIRECT), kwargs=pk("call_review"), method="POST", data=reason),
    Row("calls:withdraw", only(STAFF, ok=REDIRECT), kwargs=pk("call_published"), method="POST", data=reason),

    # Programmes: officers and administrators write; auditors and finance read.
    Row("calls:programme_list", only(PROGRAMMES)),
    Row("calls:programme_detail", only(PROGRAMMES), kwargs=pk("calls_programme")),
    Row("calls:programme_create", only(STAFF)),
    Row("calls:programme_create", only(STAFF, ok=REDIRECT), method="POST", data=programme_data),
    Row("calls:programme_edit", only(STAFF), kwargs=pk("calls_programme")),
    Row("calls:programme_edit", only(STAFF, ok=REDIRECT), kwargs=pk("calls_programme"), method="POST",
        data=lambda world: {**programme_data(world), "name_zh": "矩阵专项改名"}),

    # API: published calls for anyone; drafts as on the pages; programmes for officers, auditors, finance.
    Row("calls-call-list", everyone()),
    Row("calls-call-detail", everyone(), kwargs=pk("call_published"), note="published"),
    Row("calls-call-detail", {**everyone(NOT_FOUND), **{str(r): 200 for r in READ_DRAFT}}, kwargs=pk("call_draft"),
        note="draft co-owned"),
    Row("calls-call-detail", {**everyone(NOT_FOUND), **{str(r): 200 for r in READ_ALL}},
        kwargs=pk("call_draft_other"), note="draft of another department"),
    Row("calls-call-list", everyone(NOT_ALLOWED), method="POST", note="read-only"),
    Row("calls-programme-list", api(PROGRAMMES)),
    Row("calls-programme-detail", api(PROGRAMMES), kwargs=pk("calls_programme")),
]
