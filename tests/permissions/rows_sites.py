"""Permission rows for demonstration sites and people served (M18 with M16/M17): pages and API, every role, own
and other organisation's sites; the public overview by district and the "from problem to result" page."""

from minsheng.core.roles import Role
from tests.permissions.rows_ip import STAFF, VERIFIERS, WRITE, api, pk
from tests.permissions.spec import GOVERNMENT, NOT_ALLOWED, NOT_FOUND, REDIRECT, Row, everyone, only

A = str(Role.APPLICANT)
READ = GOVERNMENT | {Role.APPLICANT}


def extend_world(world):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from minsheng.core.permissions import SYSTEM
    from minsheng.outcomes import services
    from minsheng.policy.models import District
    from tests.factories.contracts import approved_project
    from tests.outcomes.test_sites import last_ended_quarter

    today = timezone.localdate()
    world.site_district = District.objects.order_by("order").first()
    world.site_since = today - datetime.timedelta(days=400)
    # the last quarter that has ended, and the one before it
    world.site_period = last_ended_quarter(today)
    earlier = last_ended_quarter(datetime.date(*world.site_period, 1).replace(month=3 * world.site_period[1] - 2))

    def site(organisation, name):
        project = approved_project(organisation=organisation)
        type(project).objects.filter(pk=project.pk).update(approved_at=timezone.now() - datetime.timedelta(days=500))
        project.refresh_from_db()
        upload = SimpleUploadedFile("使用证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        created = services.create_site(by=SYSTEM, values=services.SiteValues(
            kind="hospital", name=name, district=world.site_district, address="某路1号", since=world.site_since,
            projects=[project], organisation=organisation), evidence=services.Evidence(upload, "application/pdf"))
        stats = SimpleUploadedFile("服务统计.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        report = services.report_people_served(created, by=SYSTEM, values=services.ReportValues(
            year=earlier[0], quarter=earlier[1], people_served=100),
            evidence=services.Evidence(stats, "application/pdf"))
        return created, project, report

    world.site_own, world.site_project_own, world.site_report_own = site(world.org_own, "矩阵测试社区中心")
    world.site_other, world.site_project_other, world.site_report_other = site(world.org_other, "他单位示范点")


def site_data(world):
    return {"organisation": world.org_own.pk, "kind": "school", "name": "矩阵测试学校",
            "district": world.site_district.pk, "address": "某路2号", "since": world.site_since.isoformat(),
            "projects": [world.site_project_own.pk], "link": "https://example.org/letter"}


def report_data(world):
    year, quarter = world.site_period
    return {"year": year, "quarter": quarter, "people_served": 150, "link": "https://example.org/stats"}


def report_evidence(attr):
    def kwargs(world):
        return {"pk": getattr(world, f"site_{attr}").pk, "report": getattr(world, f"site_report_{attr}").pk}
    return kwargs


ROWS = [
    Row("outcomes:sites", only(READ)),
    Row("outcomes:sites", everyone(NOT_ALLOWED), method="POST", note="read-only page"),
    Row("outcomes:site_export", only(READ)),
    Row("outcomes:site_districts", everyone(), note="public overview"),
    Row("problems:results", everyone(), note="public: from problem to result"),
    Row("outcomes:site_create", only(WRITE)),
    Row("outcomes:site_create", only(WRITE, ok=REDIRECT), method="POST", data=site_data),
    Row("outcomes:site_detail", only(READ), kwargs=pk("site_own"), note="own"),
    Row("outcomes:site_detail", only(READ, **{A: NOT_FOUND}), kwargs=pk("site_other"), note="other"),
    Row("outcomes:site_edit", only(WRITE), kwargs=pk("site_own"), note="own"),
    Row("outcomes:site_edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("site_other"), note="other"),
    Row("outcomes:site_edit", only(WRITE, ok=REDIRECT), kwargs=pk("site_own"), method="POST", data=site_data,
        note="own"),
    Row("outcomes:site_report", only(WRITE, ok=REDIRECT), kwargs=pk("site_own"), method="POST", data=report_data,
        note="own"),
    Row("outcomes:site_report", only(STAFF, ok=REDIRECT, **{A: NOT_FOUND}), kwargs=pk("site_other"), method="POST",
        data=report_data, note="other"),
    Row("outcomes:site_report", everyone(NOT_ALLOWED), kwargs=pk("site_own"), note="POST only"),
    Row("outcomes:site_evidence", only(READ), kwargs=pk("site_own"), note="own"),
    Row("outcomes:site_evidence", only(READ, **{A: NOT_FOUND}), kwargs=pk("site_other"), note="other"),
    Row("outcomes:site_report_evidence", only(READ), kwargs=report_evidence("own"), note="own"),
    Row("outcomes:site_report_evidence", only(READ, **{A: NOT_FOUND}), kwargs=report_evidence("other"),
        note="other"),
    Row("outcomes:site_verify", only(VERIFIERS, ok=REDIRECT), kwargs=pk("site_own"), method="POST",
        data=lambda world: {"seen": "unverified"}),
    Row("outcomes:site_verify", everyone(NOT_ALLOWED), kwargs=pk("site_own"), note="POST only"),
    Row("outcomes:site_unverify", only(VERIFIERS, ok=REDIRECT), kwargs=pk("site_own"), method="POST",
        data=lambda world: {"seen": "verified", "reason": "佐证不清"}),
    Row("site-list", api(READ)),
    Row("site-detail", api(READ), kwargs=pk("site_own"), note="own"),
    Row("site-detail", api(READ, **{A: NOT_FOUND}), kwargs=pk("site_other"), note="other"),
    Row("site-list", api(READ, ok=NOT_ALLOWED), method="POST", note="read-only API"),
    Row("site-public-list", everyone()),
    Row("site-public-detail", everyone(NOT_FOUND), kwargs=pk("site_own"), note="not verified"),
]
