"""Permission rows for the IP register (M19): pages and API, every role, own and other organisation's assets."""

from minsheng.core.roles import Role
from tests.permissions.spec import FORBIDDEN, GOVERNMENT, NOT_ALLOWED, NOT_FOUND, REDIRECT, Row, everyone, only

A = str(Role.APPLICANT)
READ = GOVERNMENT | {Role.APPLICANT}
WRITE = {Role.OFFICER, Role.ADMIN, Role.APPLICANT}
STAFF = {Role.OFFICER, Role.ADMIN}


def extend_world(world):
    from tests.factories.outcomes import IPAssetFactory

    world.ip_own = IPAssetFactory(owner=world.org_own)
    world.ip_other = IPAssetFactory(owner=world.org_other)


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
]
