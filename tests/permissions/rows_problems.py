"""Permission rows for livelihood problems (M05): the public report and tracking, the triage pages and the API."""

from minsheng.core.roles import Role
from tests.permissions.spec import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, everyone, only

STAFF = {Role.OFFICER, Role.ADMIN}
READ = {Role.OFFICER, Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER}
SCOPED = {str(Role.DEPARTMENT_OFFICER): NOT_FOUND, str(Role.DISTRICT_OFFICER): NOT_FOUND}
CREATED = 201


def extend_world(world):
    from minsheng.problems import services as problems
    from tests.factories import district, domain
    from tests.factories.calls import CallFactory

    def report(title, domain_code, district_code):
        return problems.submit_problem(by=None, values={
            "title": title, "description": f"{title}，影响很多居民的日常生活，希望有科技手段解决。",
            "domain": domain(domain_code), "district": district(district_code), "contact_email": "p@example.cn"})

    # The world's department officer is health's (it leads D01); its district officer is Nanshan's.
    world.problem_in_scope = report("社区康复训练设备缺乏", "D01", "nanshan")
    world.problem_out_of_scope = report("课后托管缺少优质课程", "D05", "futian")
    world.problem_target = report("中风患者居家康复难", "D01", "nanshan")
    world.draft_call = CallFactory(draft=True)


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def api(roles, **overrides):
    return only(roles, anonymous=FORBIDDEN, **overrides)


def report_data(world):
    return {"title": "矩阵测试问题标题", "description": "矩阵测试问题的描述，足够长的文字。", "affected": "居民",
            "form_token": "0123456789abcdef0123456789abcdef"}


def triage(action, data):
    """A decision: officers and administrators are redirected back to the page; others are refused."""
    return [
        Row(f"problems:{action}", everyone(NOT_ALLOWED), kwargs=pk("problem_in_scope"), note="GET"),
        Row(f"problems:{action}", only(STAFF, ok=REDIRECT), kwargs=pk("problem_in_scope"), method="POST",
            data=data),
    ]


ROWS = [
    Row("problems:submit", everyone(OK)),
    # A valid report from anyone renders the page with its tracking code.
    Row("problems:submit", everyone(OK), method="POST", data=report_data, note="valid"),
    Row("problems:track", everyone(OK)),
    Row("problems:track", everyone(OK), query="?code=MS-2026-AAAAAAA", note="wrong code"),
    Row("problems:track", everyone(NOT_ALLOWED), method="POST"),
    Row("problems:list", only(READ)),
    Row("problems:list", everyone(NOT_ALLOWED), method="POST", note="read-only page"),
    Row("problems:export", only(READ)),
    Row("problems:detail", only(READ), kwargs=pk("problem_in_scope"), note="in scope"),
    Row("problems:detail", only(READ, **SCOPED), kwargs=pk("problem_out_of_scope"), note="out of scope"),
    *triage("accept", lambda world: {"note": "受理", "seen": "new"}),
    *triage("reject", lambda world: {"reason": "不属于支持范围", "seen": "new"}),
    *triage("merge", lambda world: {"into": world.problem_target.tracking_code, "seen": "new"}),
    *triage("topic", lambda world: {"call": world.draft_call.pk, "title": "社区康复", "seen": "new"}),
    # API: public report and tracking; the officers' read.
    Row("problem-public-list", everyone(CREATED), method="POST", data=lambda world: {
        "title": "矩阵测试问题标题", "description": "矩阵测试问题的描述，足够长的文字。"},
        content_type="application/json"),
    Row("problem-public-list", everyone(NOT_ALLOWED), note="GET"),
    Row("problem-track-detail", everyone(OK), kwargs=lambda world: {"code": world.problem_in_scope.tracking_code}),
    Row("problem-track-detail", everyone(NOT_FOUND), kwargs=lambda world: {"code": "MS-2026-AAAAAAA"},
        note="wrong code"),
    Row("problem-list", api(READ)),
    Row("problem-detail", api(READ), kwargs=pk("problem_in_scope"), note="in scope"),
    Row("problem-detail", api(READ, **SCOPED), kwargs=pk("problem_out_of_scope"), note="out of scope"),
]
