"""A progress report and an acceptance file cite the register's achievements (M18) instead of retyping them, and a
progress report carries evidence files (M17): only the organisation's own achievements of the project are cited,
files pass the shared upload check, and the files are served only to those who may view the project."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.outcomes.models import Achievement
from minsheng.projects import queries, services
from minsheng.projects.models import ProgressReport, ReportEvidence
from tests.factories import user_for_role
from tests.factories.contracts import approved_project
from tests.projects.conftest import moment
from tests.projects.test_services import filing

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def achievement(organisation, *projects, title="样机检测报告") -> Achievement:
    row = Achievement.objects.create(organisation=organisation, kind=Achievement.Kind.PAPER, title=title,
                                     achieved_on=datetime.date(2027, 5, 1), identifier="10.1000/xyz")
    row.projects.add(*projects)
    return row


def file_with(project, applicant, **kw) -> ProgressReport:
    typed = filing(project)
    typed.achievements = kw.get("achievements", [])
    typed.files = kw.get("files", [])
    with clock.reading(moment(2027, 7, 2)):
        return services.submit_report(project, 1, typed, by=applicant)


def test_a_report_cites_achievements_and_keeps_evidence_files(project, applicant):
    cited = achievement(project.organisation, project)
    upload = SimpleUploadedFile("检测报告.pdf", PDF, content_type="application/pdf")
    report = file_with(project, applicant, achievements=[str(cited.pk)], files=[upload])
    assert list(report.achievements.all()) == [cited]
    row = report.evidence_files.get()
    assert row.original_name == "检测报告.pdf" and row.content_type == "application/pdf" and row.size == len(PDF)
    assert len(row.sha256) == 64 and row.uploaded_by == applicant
    event = AuditEvent.objects.get(action="projects.progressreport.submit")
    assert event.new["achievements"] == "样机检测报告" and event.new["files"] == "检测报告.pdf"


@pytest.mark.parametrize("whose", ["other organisation", "not linked"])
def test_citing_an_achievement_not_the_projects_own_is_refused_and_nothing_is_written(project, applicant, whose):
    if whose == "other organisation":
        other = approved_project()
        stranger = achievement(other.organisation, project, other)
    else:
        stranger = achievement(project.organisation, title="别的项目的成果")
    with pytest.raises(ValidationError) as caught:
        file_with(project, applicant, achievements=[stranger.pk],
                  files=[SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")])
    assert caught.value.code == "achievement" and "M18" in caught.value.messages[0]
    assert not ProgressReport.objects.filter(project=project).exists()
    assert not ReportEvidence.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("notes.pdf", b"just text"), ("picture.pdf", PNG)])
def test_a_file_the_upload_rule_refuses_refuses_the_report(project, applicant, name, content):
    with pytest.raises(ValidationError) as caught:
        file_with(project, applicant, files=[SimpleUploadedFile("ok.png", PNG, content_type="image/png"),
                                             SimpleUploadedFile(name, content, content_type="application/pdf")])
    assert caught.value.code == "file" and name in caught.value.messages[0]
    assert not ProgressReport.objects.filter(project=project).exists() and not ReportEvidence.objects.exists()


def test_a_refiling_after_a_return_adds_files_and_keeps_the_earlier_ones(project, applicant, officer):
    report = file_with(project, applicant, files=[SimpleUploadedFile("one.pdf", PDF, content_type="application/pdf")])
    with clock.reading(moment(2027, 7, 5)):
        services.return_report(report, by=officer, comments="请补充检测报告")
    typed = filing(project)
    typed.files = [SimpleUploadedFile("two.png", PNG, content_type="image/png")]
    with clock.reading(moment(2027, 7, 8)):
        report = services.submit_report(project, 1, typed, by=applicant)
    assert [f.original_name for f in report.evidence_files.all()] == ["one.pdf", "two.png"]


def test_the_evidence_file_is_served_only_to_those_who_may_view_the_project(client, project, applicant, officer):
    report = file_with(project, applicant, files=[SimpleUploadedFile("检测.pdf", PDF, content_type="application/pdf")])
    row = report.evidence_files.get()
    url = reverse("projects:report_evidence", args=[report.pk, row.pk])
    for user in (applicant, officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"
    other = approved_project()
    client.force_login(user_for_role(Role.APPLICANT, organisation=other.organisation))
    assert client.get(url).status_code == 404
    client.force_login(applicant)
    assert client.get(reverse("projects:report_evidence", args=[report.pk, row.pk + 1])).status_code == 404


def test_the_report_page_lists_the_cited_achievements_and_the_files(client, project, applicant):
    cited = achievement(project.organisation, project)
    report = file_with(project, applicant, achievements=[cited.pk],
                       files=[SimpleUploadedFile("检测.pdf", PDF, content_type="application/pdf")])
    client.force_login(applicant)
    page = client.get(reverse("projects:report", args=[report.pk])).content.decode()
    assert "样机检测报告" in page and "10.1000/xyz" in page
    assert reverse("outcomes:achievement_detail", args=[cited.pk]) in page
    assert reverse("projects:report_evidence", args=[report.pk, report.evidence_files.get().pk]) in page
    data = client.get(f"/api/v1/projects/progress-reports/{report.pk}/").json()
    assert data["achievements"] == [cited.pk]


def test_the_filing_form_posts_citations_and_files(client, project, applicant):
    cited = achievement(project.organisation, project)
    client.force_login(applicant)
    signed = queries.signed_book(project)
    data = {f"m{m.pk}_status": "in_progress" for m in signed.milestones.all()}
    data.update({f"i{i.pk}_value": "1" for i in signed.indicators.all()})
    data["achievements"] = [cited.pk]
    data["evidence_files"] = [SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")]
    with clock.reading(moment(2027, 7, 2)):
        form = client.get(reverse("projects:file", args=[project.pk, 1])).content.decode()
        assert 'enctype="multipart/form-data"' in form and "样机检测报告" in form
        response = client.post(reverse("projects:file", args=[project.pk, 1]), data)
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=project, period=1)
    assert list(report.achievements.all()) == [cited] and report.evidence_files.count() == 1


# --- the acceptance file cites the register too ------------------------------------------------------------------

def test_an_acceptance_file_cites_the_projects_achievements_and_lists_them(client, officer):
    from minsheng.projects import acceptance
    from minsheng.projects.models import Acceptance
    from tests.projects.acceptance_helpers import ended_project
    from tests.projects.acceptance_helpers import filing as acceptance_filing

    project, applicant = ended_project(officer)
    own = achievement(project.organisation, project, title="远程监测软件著作权")
    stranger = achievement(approved_project().organisation, project, title="他单位成果")
    typed = acceptance_filing(project, achievements="")
    typed.cited = [stranger.pk]
    with pytest.raises(ValidationError) as caught:
        acceptance.apply(project, typed, by=applicant)
    assert caught.value.code == "achievement" and not Acceptance.objects.filter(project=project).exists()
    typed.cited = [own.pk]
    item = acceptance.apply(project, typed, by=applicant)
    assert list(item.cited_achievements.all()) == [own]
    # the register's entries describe the achievements: the M18 rule passes with no text typed
    assert all(r.passed for r in acceptance.check_results(item))
    assert AuditEvent.objects.get(action="projects.acceptance.apply").new["achievements"] == "远程监测软件著作权"
    client.force_login(officer)
    page = client.get(reverse("projects:acceptance", args=[project.pk])).content.decode()
    assert "远程监测软件著作权" in page and reverse("outcomes:achievement_detail", args=[own.pk]) in page
    assert client.get(f"/api/v1/projects/acceptances/{item.pk}/").json()["cited_achievements"] == [own.pk]


def test_the_acceptance_form_posts_the_cited_achievements(client, officer):
    from minsheng.projects.models import Acceptance
    from tests.projects.acceptance_helpers import ended_project

    project, applicant = ended_project(officer)
    own = achievement(project.organisation, project, title="远程监测软件著作权")
    client.force_login(applicant)
    url = reverse("projects:acceptance_apply", args=[project.pk])
    assert "远程监测软件著作权" in client.get(url).content.decode()
    data = {f"i{i.pk}_delivered": str(i.target) for i in queries.signed_book(project).indicators.all()}
    data.update({"summary": "完成了全部研究内容。", "cite-achievements": [own.pk]})
    response = client.post(url, data)
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    assert list(Acceptance.objects.get(project=project).cited_achievements.all()) == [own]
