"""Permission rows for the IP register (M19) and achievements (M18): pages and API, every role, own and other
organisation's assets and achievements."""

from minsheng.core.roles import Role
from tests.permissions.spec import FORBIDDEN, GOVERNMENT, NOT_ALLOWED, NOT_FOUND, REDIRECT, Row, everyone, only

A = str(Role.APPLICANT)
READ = GOVERNMENT | {Role.APPLICANT}
WRITE = {Role.OFFICER, Role.ADMIN, Role.APPLICANT}
STAFF = {Role.OFFICER, Role.ADMIN}
# Who may try to verify: government officers; the department and district officers see no project today, so they
# are sent back to the page with the refusal (302), like the officer whose step is refused by the state.
VERIFIERS = {Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER}


def extend_world(world):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.core.permissions import SYSTEM
    from minsheng.outcomes import services
    from tests.factories.contracts import approved_project
    from tests.factories.outcomes import IPAssetFactory

    world.ip_own = IPAssetFactory(owner=world.org_own)
    world.ip_other = IPAssetFactory(owner=world.org_other)
    world.project_own = approved_project(organisation=world.org_own)
    world.project_other = approved_project(organisation=world.org_other)

    def achievement(organisation, project, title):
        upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        return services.create_achievement(by=SYSTEM, values=services.AchievementValues(
            kind="paper", title=title, achieved_on=datetime.date(2025, 3, 1), projects=[project],
            organisation=organisation, identifier="10.1000/xyz123"),
            evidence=services.Evidence(upload, "application/pdf"))

    world.achievement_own = achievement(world.org_own, world.project_own, "矩阵测试论文")
    world.achievement_other = achievement(world.org_other, world.project_other, "他单位论文")


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def api(roles, **overrides):
    return only(roles, anonymous=FORBIDDEN, **overrides)


def asset_data(world):
    return {"owner": world.org_own.pk, "kind": "invention_patent", "number": "ZL201080063196.9",
            "title": "矩阵测试专利", "status": "granted", "filed_on": "2010-12-01", "granted_on": "2013-05-01"}


def edit_data(attr):
    def data(world):
        asset = getattr(world, attr)
        return {"owner": asset.owner_id, "kind": asset.kind, "number": asset.number, "title": "改过的标题",
                "status": asset.status, "filed_on": asset.filed_on.isoformat(),
                "granted_on": asset.granted_on.isoformat()}
    return data


def achievement_data(world):
    return {"organisation": world.org_own.pk, "kind": "paper", "title": "矩阵测试论文二", "achieved_on": "2025-05-01",
            "projects": [world.project_own.pk], "identifier": "10.1000/abc456"}


def lapse_data(world):
    return {"lapsed_on": "2025-01-10", "lapse_reason": "未按期缴纳年费"}


ROWS = [
    # /ip/ was the register's address before it took its app's name: everyone is sent on, permanently.
    Row("ip_moved", everyone(301), kwargs=lambda world: {"rest": ""}),
    Row("outcomes:list", only(READ)),
    Row("outcomes:list", everyone(NOT_ALLOWED), method="POST", note="read-only page"),
    Row("outcomes:export", only(READ)),
    Row("outcomes:detail", only(READ), kwargs=pk("ip_own"), note="own"),
    Row("outcomes:detail", only(READ, **{A: NOT_FOUND}), kwargs=pk("ip_other"), note="other"),
    Row("outcomes:create", only(WRITE)),
    Row("outcomes:create", only(WRITE, ok=REDIRECT), method="POST", data=asset_data),
    Row("outcomes:edit", only(WRITE), kwargs=pk("ip_own"), note="own"),
    Row("outcomes:edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("ip_other"), note="other"),
    Row("outcomes:edit", only(WRITE, ok=REDIRECT), kwargs=pk("ip_own"), method="POST", data=edit_data("ip_own"),
        note="own"),
    Row("outcomes:edit", only(STAFF, ok=REDIRECT, **{A: NOT_FOUND}), kwargs=pk("ip_other"), method="POST",
        data=edit_data("ip_other"), note="other"),
    Row("ip-asset-list", api(READ)),
    Row("ip-asset-detail", api(READ), kwargs=pk("ip_own"), note="own"),
    Row("ip-asset-detail", api(READ, **{A: NOT_FOUND}), kwargs=pk("ip_other"), note="other"),
    Row("ip-asset-list", api(READ, ok=NOT_ALLOWED), method="POST", note="read-only API"),
    Row("outcomes:lapse", only(WRITE), kwargs=pk("ip_own"), note="own"),
    Row("outcomes:lapse", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("ip_other"), note="other"),
    Row("outcomes:lapse", only(WRITE, ok=REDIRECT), kwargs=pk("ip_own"), method="POST", data=lapse_data,
        note="own"),
    # achievements (M18)
    Row("outcomes:achievements", only(READ)),
    Row("outcomes:achievement_export", only(READ)),
    Row("outcomes:achievement_create", only(WRITE)),
    Row("outcomes:achievement_create", only(WRITE, ok=REDIRECT), method="POST", data=achievement_data),
    Row("outcomes:achievement_detail", only(READ), kwargs=pk("achievement_own"), note="own"),
    Row("outcomes:achievement_detail", only(READ, **{A: NOT_FOUND}), kwargs=pk("achievement_other"), note="other"),
    Row("outcomes:achievement_edit", only(WRITE), kwargs=pk("achievement_own"), note="own"),
    Row("outcomes:achievement_edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("achievement_other"),
        note="other"),
    Row("outcomes:achievement_edit", only(WRITE, ok=REDIRECT), kwargs=pk("achievement_own"), method="POST",
        data=achievement_data, note="own"),
    Row("outcomes:achievement_evidence", only(READ), kwargs=pk("achievement_own"), note="own"),
    Row("outcomes:achievement_evidence", only(READ, **{A: NOT_FOUND}), kwargs=pk("achievement_other"),
        note="other"),
    Row("outcomes:achievement_verify", only(VERIFIERS, ok=REDIRECT), kwargs=pk("achievement_own"), method="POST",
        data=lambda world: {"seen": "unverified"}),
    Row("outcomes:achievement_verify", everyone(NOT_ALLOWED), kwargs=pk("achievement_own"), note="POST only"),
    Row("outcomes:achievement_unverify", only(VERIFIERS, ok=REDIRECT), kwargs=pk("achievement_own"),
        method="POST", data=lambda world: {"seen": "verified", "reason": "佐证不清"}),
    Row("achievement-list", api(READ)),
    Row("achievement-detail", api(READ), kwargs=pk("achievement_own"), note="own"),
    Row("achievement-detail", api(READ, **{A: NOT_FOUND}), kwargs=pk("achievement_other"), note="other"),
    Row("achievement-public-list", everyone()),
    Row("achievement-public-detail", everyone(NOT_FOUND), kwargs=pk("achievement_own"), note="not verified"),
]
