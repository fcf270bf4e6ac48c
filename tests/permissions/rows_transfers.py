"""Permission rows for transfers (M18) and the transfer rate's public pages: pages and API, every role, own and
other organisation's transfers."""

from minsheng.core.roles import Role
from tests.permissions.spec import FORBIDDEN, GOVERNMENT, NOT_ALLOWED, NOT_FOUND, REDIRECT, Row, everyone, only

A = str(Role.APPLICANT)
READ = GOVERNMENT | {Role.APPLICANT}
WRITE = {Role.OFFICER, Role.ADMIN, Role.APPLICANT}
STAFF = {Role.OFFICER, Role.ADMIN}
# Who may try to verify: government officers; the department and district officers see no project of this world,
# so they are sent back to the page with the refusal (302), as for achievements.
VERIFIERS = {Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER}


def extend_world(world):
    import datetime
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.core.permissions import SYSTEM
    from minsheng.outcomes import services
    from tests.factories.contracts import approved_project
    from tests.factories.outcomes import achievement_of

    def transfer(organisation, title):
        achievement = achievement_of(approved_project(organisation=organisation), title=f"{title}的标准")
        upload = SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        return achievement, services.create_transfer(by=SYSTEM, values=services.TransferValues(
            kind="licence", title=title, contract_on=datetime.date(2025, 3, 1), value=Decimal("100000"),
            achievements=[achievement], organisation=organisation, counterparty_name="矩阵测试受让公司",
            counterparty_kind="enterprise"), evidence=services.Evidence(upload, "application/pdf"))

    world.transferred_own, world.transfer_own = transfer(world.org_own, "矩阵测试许可合同")
    world.transferred_other, world.transfer_other = transfer(world.org_other, "他单位许可合同")


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def api(roles, **overrides):
    return only(roles, anonymous=FORBIDDEN, **overrides)


def transfer_data(world):
    return {"organisation": world.org_own.pk, "kind": "licence", "title": "矩阵测试许可合同二",
            "achievements": [world.transferred_own.pk], "counterparty_name": "矩阵测试受让公司",
            "counterparty_kind": "enterprise", "counterparty_region": "mainland", "value": "10",
            "contract_on": "2025-04-01"}


ROWS = [
    Row("outcomes:transfers", only(READ)),
    Row("outcomes:transfer_export", only(READ)),
    Row("outcomes:transfer_create", only(WRITE)),
    Row("outcomes:transfer_create", only(WRITE, ok=REDIRECT), method="POST", data=transfer_data),
    Row("outcomes:transfer_detail", only(READ), kwargs=pk("transfer_own"), note="own"),
    Row("outcomes:transfer_detail", only(READ, **{A: NOT_FOUND}), kwargs=pk("transfer_other"), note="other"),
    Row("outcomes:transfer_edit", only(WRITE), kwargs=pk("transfer_own"), note="own"),
    Row("outcomes:transfer_edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("transfer_other"), note="other"),
    Row("outcomes:transfer_edit", only(WRITE, ok=REDIRECT), kwargs=pk("transfer_own"), method="POST",
        data=transfer_data, note="own"),
    Row("outcomes:transfer_receipt", only(WRITE, ok=REDIRECT), kwargs=pk("transfer_own"), method="POST",
        data=lambda world: {"amount": "1", "received_on": "2025-04-01"}, note="own"),
    Row("outcomes:transfer_receipt", only(STAFF, ok=REDIRECT, **{A: NOT_FOUND}), kwargs=pk("transfer_other"),
        method="POST", data=lambda world: {"amount": "1", "received_on": "2025-04-01"}, note="other"),
    Row("outcomes:transfer_receipt", everyone(NOT_ALLOWED), kwargs=pk("transfer_own"), note="POST only"),
    Row("outcomes:transfer_evidence", only(READ), kwargs=pk("transfer_own"), note="own"),
    Row("outcomes:transfer_evidence", only(READ, **{A: NOT_FOUND}), kwargs=pk("transfer_other"), note="other"),
    Row("outcomes:transfer_verify", only(VERIFIERS, ok=REDIRECT), kwargs=pk("transfer_own"), method="POST",
        data=lambda world: {"seen": "unverified"}),
    Row("outcomes:transfer_verify", everyone(NOT_ALLOWED), kwargs=pk("transfer_own"), note="POST only"),
    Row("outcomes:transfer_unverify", only(VERIFIERS, ok=REDIRECT), kwargs=pk("transfer_own"), method="POST",
        data=lambda world: {"seen": "verified", "reason": "合同附件不清"}),
    Row("outcomes:transfer_rate", everyone()),
    Row("outcomes:domain", everyone(), kwargs=lambda world: {"code": "D01"}),
    Row("transfer-list", api(READ)),
    Row("transfer-detail", api(READ), kwargs=pk("transfer_own"), note="own"),
    Row("transfer-detail", api(READ, **{A: NOT_FOUND}), kwargs=pk("transfer_other"), note="other"),
    Row("transfer-list", api(READ, ok=NOT_ALLOWED), method="POST", note="read-only API"),
    Row("transfer-public-list", everyone()),
    Row("transfer-public-detail", everyone(NOT_FOUND), kwargs=pk("transfer_own"), note="not verified"),
]
