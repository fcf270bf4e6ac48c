"""Permission rows for applications: pages and API, every role; own, another organisation's, and an
application in a call the department officer's department does not co-own."""

from minsheng.core.roles import Role
from tests.permissions.spec import FORBIDDEN, NOT_FOUND, Row, only

A, D = str(Role.APPLICANT), str(Role.DEPARTMENT_OFFICER)
READERS = {Role.APPLICANT, Role.OFFICER, Role.ADMIN, Role.DEPARTMENT_OFFICER}
APPLICANT = {Role.APPLICANT}


def extend_world(world):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from minsheng.applications.models import Attachment
    from minsheng.core import pdf
    from tests.factories import department
    from tests.factories.applications import ApplicationFactory, complete_application
    from tests.factories.calls import CallFactory

    world.app_call = CallFactory(co_owners=[department("health")])
    world.app_own = complete_application(ApplicationFactory(call=world.app_call, organisation=world.org_own,
                                                            lead=world.person_own))
    world.app_other = ApplicationFactory(call=world.app_call, organisation=world.org_other,
                                         lead=world.person_other)
    world.app_elsewhere = ApplicationFactory(organisation=world.org_other, lead=world.person_other)
    name = "applications/permission-matrix.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(pdf.render([pdf.paragraph("承诺书")], document_title="承诺书")))
    world.attachment_own = Attachment.objects.create(
        application=world.app_own, kind="commitment", file=name, original_name="承诺书.pdf",
        content_type="application/pdf", size=default_storage.size(name), sha256="0" * 64,
        uploaded_by=world.users[A])
    world.pdf = default_storage.open(name).read()


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def section(attr, key="objectives"):
    return lambda world: {"pk": getattr(world, attr).pk, "section": key}


def attachment(world):
    return {"pk": world.app_own.pk, "attachment_pk": world.attachment_own.pk}


def upload(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"kind": "commitment", "version": world.app_own.version,
            "file": SimpleUploadedFile("承诺书.pdf", world.pdf)}


def api(roles, **overrides):
    return only(roles, anonymous=FORBIDDEN, **overrides)


def start_query(world):
    return {"call": world.app_call.pk}


ROWS = [
    Row("applications:list", only(READERS)),
    Row("applications:start", only(APPLICANT, ok=NOT_FOUND), note="no call given"),
    Row("applications:start", only(APPLICANT, ok=302), method="POST", data=start_query, note="start"),
    Row("applications:detail", only(READERS), kwargs=pk("app_own"), note="own"),
    Row("applications:detail", only(READERS, **{A: NOT_FOUND}), kwargs=pk("app_other"), note="other organisation"),
    Row("applications:detail", only(READERS, **{A: NOT_FOUND, D: NOT_FOUND}), kwargs=pk("app_elsewhere"),
        note="call not co-owned"),
    Row("applications:edit", only(APPLICANT), kwargs=section("app_own"), note="own"),
    Row("applications:edit", only(APPLICANT, ok=NOT_FOUND), kwargs=section("app_other"), note="other"),
    Row("applications:edit", only(APPLICANT, ok=302), kwargs=section("app_own"), method="POST", note="save",
        data=lambda w: {"objectives": "矩阵目标", "version": w.app_own.version}),
    Row("applications:attachments", only(READERS), kwargs=pk("app_own"), note="own"),
    Row("applications:attachments", only(READERS, **{A: NOT_FOUND}), kwargs=pk("app_other"), note="other"),
    Row("applications:attachments", only(APPLICANT, ok=302), kwargs=pk("app_own"), method="POST", data=upload,
        note="upload"),
    Row("applications:attachment", only(READERS), kwargs=attachment, note="own"),
    Row("applications:attachment_delete", only(APPLICANT, ok=302), kwargs=attachment, method="POST",
        data=lambda w: {"version": w.app_own.version}),
    Row("applications:pdf", only(READERS), kwargs=pk("app_own"), note="own"),
    Row("applications:pdf", only(READERS, **{A: NOT_FOUND}), kwargs=pk("app_other"), note="other"),
    Row("applications:submit", only(APPLICANT), kwargs=pk("app_own"), note="review"),
    Row("applications:submit", only(APPLICANT, ok=302), kwargs=pk("app_own"), method="POST", note="submit"),
    Row("applications:submit", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("app_other"), method="POST",
        note="other"),
    Row("applications:withdraw", only(APPLICANT, ok=302), kwargs=pk("app_own"), method="POST",
        data=lambda w: {"reason": "矩阵撤回"}),
    Row("applications:withdraw", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("app_other"), method="POST",
        data=lambda w: {"reason": "矩阵撤回"}, note="other"),
    # API
    Row("applications-application-list", api(READERS)),
    Row("applications-application-list", api(APPLICANT, ok=201), method="POST", data=start_query,
        content_type="application/json", note="start"),
    Row("applications-application-detail", api(READERS), kwargs=pk("app_own"), note="own"),
    Row("applications-application-detail", api(READERS, **{A: NOT_FOUND}), kwargs=pk("app_other"), note="other"),
    Row("applications-application-detail", api(READERS, **{A: NOT_FOUND, D: NOT_FOUND}),
        kwargs=pk("app_elsewhere"), note="call not co-owned"),
    Row("applications-application-section", api(APPLICANT), kwargs=section("app_own"), method="PUT",
        data=lambda w: {"version": w.app_own.version, "data": {"objectives": "矩阵"}},
        content_type="application/json"),
    Row("applications-application-section", api(APPLICANT, ok=NOT_FOUND), kwargs=section("app_other"),
        method="PUT", data=lambda w: {"version": 1, "data": {"objectives": "矩阵"}},
        content_type="application/json", note="other"),
    Row("applications-application-submit", api(APPLICANT), kwargs=pk("app_own"), method="POST", note="own"),
    Row("applications-application-submit", api(APPLICANT, ok=NOT_FOUND), kwargs=pk("app_other"), method="POST",
        note="other"),
]
