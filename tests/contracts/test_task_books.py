"""Task books: generated from the approved application and money, totals that agree, the applicant's
confirmation of the revision it read, the officer's countersignature, the frozen PDF in Chinese, new versions."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from minsheng.contracts import services
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.concurrency import StaleVersion
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db
Book = TaskBook.State


def test_generated_from_the_application_and_the_approved_money(project, officer):
    book = services.issue(project, by=officer)
    application = project.application
    assert book.state == Book.DRAFT and book.number == 1 and book.revision == 1
    assert book.objectives == application.objectives and book.grant == project.grant
    assert [m.title for m in book.milestones.all()] == ["平台上线"]
    indicators = {i.code: i.target for i in book.indicators.all()}
    assert indicators == {"patents": Decimal("2"), "people_served": Decimal("20000")}
    assert book.team[0]["name"] == application.lead.name
    assert book.ip_claims[0]["kind"] == "promised"
    assert "M19" in book.ip_clause and "M16" in book.data_clause
    # the request was 2,000,000 (1,000,000 equipment, 1,000,000 labour); the award 800,000 + 1,200,000 own money
    budget = {line.category: line.amount for line in book.budget_lines.all()}
    assert budget == {"equipment": Decimal("1000000.00"), "labour": Decimal("1000000.00")}
    assert services.totals(book) == (Decimal("2000000.00"), Decimal("2000000.00"))
    assert book.split == [{"condition": "signing", "percent": 50}, {"condition": "midterm", "percent": 30},
                          {"condition": "acceptance", "percent": 20}]
    assert AuditEvent.objects.filter(action="contracts.taskbook.issue", target_id=str(book.pk)).exists()
    with pytest.raises(ValidationError, match="已"):
        services.issue(project, by=officer)


def test_a_cut_award_scales_the_budget():
    from tests.factories.contracts import approved_project

    project = approved_project(grant=Decimal("500000"), own=Decimal("1000000"))
    book = services.issue(project, by=user_for_role(Role.OFFICER))
    budget = {line.category: line.amount for line in book.budget_lines.all()}
    assert budget == {"equipment": Decimal("750000.00"), "labour": Decimal("750000.00")}
    assert {line.category: line.requested for line in book.budget_lines.all()}["equipment"] == Decimal("1000000")


def test_only_officers_issue(project, applicant):
    with pytest.raises(PermissionDenied):
        services.issue(project, by=applicant)
    with pytest.raises(PermissionDenied):
        services.issue(project, by=user_for_role(Role.FINANCE))


def test_budget_must_agree_with_the_funding(project, officer, applicant):
    book = services.issue(project, by=officer)
    with pytest.raises(ValidationError, match="200"):
        services.save_budget(book, amounts={"equipment": Decimal("1500000"), "labour": Decimal("1000000")},
                             revision=1, by=applicant)
    services.save_budget(book, amounts={"equipment": Decimal("1200000"), "labour": Decimal("600000"),
                                        "travel": Decimal("200000")}, revision=1, by=applicant)
    book.refresh_from_db()
    assert book.revision == 2
    assert {line.category: line.amount for line in book.budget_lines.all()}["travel"] == Decimal("200000")
    other = user_for_role(Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        services.save_budget(book, amounts={"equipment": Decimal("2000000")}, revision=2, by=other)


def test_confirmation_of_a_changed_task_book_is_refused(project, officer, applicant):
    book = services.issue(project, by=officer)
    services.set_split(book, percents={"signing": 40, "midterm": 40, "acceptance": 20}, revision=1, by=officer)
    with pytest.raises(StaleVersion, match="打开"):
        services.confirm(book, revision=1, by=applicant)
    book.refresh_from_db()
    assert book.state == Book.DRAFT
    services.confirm(book, revision=book.revision, by=applicant)
    book.refresh_from_db()
    assert book.state == Book.CONFIRMED and book.confirmed_by == applicant


def test_split_must_total_one_hundred(project, officer):
    book = services.issue(project, by=officer)
    with pytest.raises(ValidationError, match="100"):
        services.set_split(book, percents={"signing": 50, "midterm": 30, "acceptance": 30}, revision=1, by=officer)
    services.set_split(book, percents={"signing": 70, "midterm": 0, "acceptance": 30}, revision=1, by=officer)
    book.refresh_from_db()
    assert book.split == [{"condition": "signing", "percent": 70}, {"condition": "acceptance", "percent": 30}]


def _signed(project, officer, applicant):
    book = services.issue(project, by=officer)
    services.confirm(book, revision=book.revision, by=applicant)
    return services.countersign(book, by=officer)


def test_countersign_freezes_a_chinese_pdf_and_starts_the_project(project, officer, applicant):
    book = services.issue(project, by=officer)
    with pytest.raises(ValidationError):     # not confirmed yet
        services.countersign(book, by=officer)
    services.confirm(book, revision=1, by=applicant)
    with pytest.raises(PermissionDenied):    # the applicant can never countersign
        services.countersign(book, by=applicant)
    services.countersign(book, by=officer)
    book.refresh_from_db()
    project.refresh_from_db()
    assert book.state == Book.SIGNED and book.signed_by == officer
    assert hashlib.sha256(bytes(book.pdf)).hexdigest() == book.pdf_sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(book.pdf))).pages)
    for expected in ("任务书", project.number, project.organisation.name_zh, "平台上线", "知识产权", "设备费"):
        assert expected in text, expected
    assert project.state == Project.State.UNDER_WAY
    assert AuditEvent.objects.filter(action="funding.project.start", target_id=str(project.pk)).count() == 1
    tranches = list(Tranche.objects.filter(project=project).order_by("order"))
    assert [(t.condition, t.amount) for t in tranches] == [
        ("signing", Decimal("400000.00")), ("midterm", Decimal("240000.00")), ("acceptance", Decimal("160000.00"))]
    assert sum(t.amount for t in tranches) == project.grant


def test_a_later_change_makes_a_new_version(project, officer, applicant):
    first = _signed(project, officer, applicant)
    with pytest.raises(ValidationError):
        services.revise(first, by=officer, reason=" ")
    second = services.revise(first, by=officer, reason="调整设备费与劳务费")
    assert second.number == 2 and second.state == Book.DRAFT
    assert second.budget_lines.count() == first.budget_lines.count()
    with pytest.raises(ValidationError):   # one open version at a time
        services.revise(first, by=officer, reason="again")
    services.save_budget(second, amounts={"equipment": Decimal("900000"), "labour": Decimal("1100000")},
                         revision=1, by=applicant)
    second.refresh_from_db()
    services.confirm(second, revision=second.revision, by=applicant)
    services.countersign(second, by=officer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Book.SUPERSEDED and bytes(first.pdf)   # the old PDF is kept
    assert second.state == Book.SIGNED and second.pdf_sha256 != first.pdf_sha256
    assert Tranche.objects.filter(project=project).count() == 3   # planned once
    assert AuditEvent.objects.filter(action="funding.project.start").count() == 1


def test_the_buttons_are_permissions_that_know_the_state(project, officer, applicant):
    """Issuing, confirming, countersigning, revising and requesting money: each asked with the state inside."""
    finance = user_for_role(Role.FINANCE)
    assert officer.has_perm("contracts.issue_first_task_book", project)
    assert not finance.has_perm("contracts.issue_first_task_book", project)
    book = services.issue(project, by=officer)
    assert not officer.has_perm("contracts.issue_first_task_book", project)           # issued once
    assert applicant.has_perm("contracts.taskbook.confirm", book)
    assert applicant.has_perm("contracts.edit_draft_budget", book)
    assert officer.has_perm("contracts.edit_draft_split", book)
    assert not officer.has_perm("contracts.taskbook.confirm", book)
    assert not officer.has_perm("contracts.taskbook.sign", book)                      # not confirmed yet
    services.confirm(book, revision=1, by=applicant)
    book.refresh_from_db()
    assert not applicant.has_perm("contracts.taskbook.confirm", book)
    assert not applicant.has_perm("contracts.edit_draft_budget", book)
    assert not officer.has_perm("contracts.edit_draft_split", book)
    assert officer.has_perm("contracts.taskbook.sign", book) and not applicant.has_perm("contracts.taskbook.sign", book)
    assert not officer.has_perm("contracts.revise_task_book", book)
    services.countersign(book, by=officer)
    book.refresh_from_db()
    project.refresh_from_db()
    assert officer.has_perm("contracts.revise_task_book", book)
    first = project.tranches.get(order=1)
    assert officer.has_perm("contracts.tranche.request", first) and not finance.has_perm("contracts.tranche.request",
                                                                                            first)
    second = services.revise(book, by=officer, reason="调整")
    assert not officer.has_perm("contracts.revise_task_book", book)                   # one open version at a time
    assert applicant.has_perm("contracts.edit_draft_budget", second)
    assert not officer.has_perm("contracts.edit_draft_split", second)                 # the tranches are planned
    event = AuditEvent.objects.get(action="funding.project.start")
    assert (event.old["state"], event.new["state"], event.clause) == ("approved", "under_way", "M17")
