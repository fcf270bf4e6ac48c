"""Permission rows for projects under way (M17): the project's organisation files its progress reports; programme
officers accept or return them and record the mid-term check; finance reads a project's reports; officers,
auditors and administrators read the list of late and waiting reports. Another organisation's project answers 404
to an applicant."""

from minsheng.core.roles import Role
from tests.once import drawn
from tests.permissions.spec import NOT_ALLOWED, NOT_FOUND, Row, everyone, only

APPLICANT_ROLE, OFFICER_ROLE = str(Role.APPLICANT), str(Role.OFFICER)
READERS = {Role.APPLICANT, Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN}
QUEUE = {Role.OFFICER, Role.AUDITOR, Role.ADMIN}
OFFICER, APPLICANT = {Role.OFFICER}, {Role.APPLICANT}
RECOVERY_READERS = {Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN}
FINANCE = {Role.FINANCE}


def _under_way(organisation, officer, applicant):
    """A project of a call with six-monthly reports and a mid-term check, its task book signed and begun a year
    ago, so that its first period has ended."""
    from datetime import timedelta

    from django.utils import timezone

    from minsheng.contracts import services
    from minsheng.contracts.models import TaskBook
    from tests.factories.calls import CallFactory
    from tests.factories.contracts import approved_project

    project = approved_project(organisation=organisation, call=CallFactory(report_every_months=6,
                                                                           midterm_check=True))
    book = services.issue(project, by=officer)
    services.confirm(book, revision=1, by=applicant)
    services.countersign(book, by=officer)
    today = timezone.localdate()
    TaskBook.objects.filter(pk=book.pk).update(starts_on=today - timedelta(days=365),
                                               ends_on=today + timedelta(days=365))
    project.refresh_from_db()
    return project


def _filing(project):
    from minsheng.projects import queries

    book = queries.signed_book(project)
    data = {f"m{m.pk}_status": "in_progress" for m in book.milestones.all()}
    data.update({f"i{i.pk}_value": "1" for i in book.indicators.all()})
    data["problems"] = "无"
    return data


def extend_world(world):
    from minsheng.projects import services
    from tests.factories import user_for_role

    officer, applicant = world.users[OFFICER_ROLE], world.users[APPLICANT_ROLE]
    world.p_project = _under_way(world.org_own, officer, applicant)
    world.p_submitted = services.submit_report(world.p_project, 1, _filing_of(world.p_project), by=applicant)
    world.p_accepted_project = _under_way(world.org_own, officer, applicant)
    report = services.submit_report(world.p_accepted_project, 1, _filing_of(world.p_accepted_project),
                                    by=applicant)
    services.accept_report(report, by=officer)
    other_applicant = user_for_role(Role.APPLICANT, organisation=world.org_other)
    world.p_other = _under_way(world.org_other, officer, other_applicant)
    world.p_other_report = services.submit_report(world.p_other, 1, _filing_of(world.p_other), by=other_applicant)
    _terminations(world, officer, applicant)


def _terminations(world, officer, applicant):
    """A project the organisation asked to terminate, one proposed by another officer (so the world's officer may
    decide it), and one terminated with a recovery of its paid money; another organisation's proposal."""
    from datetime import timedelta

    from minsheng.core import clock
    from minsheng.projects import termination as ending
    from tests.contracts.helpers import first_paid
    from tests.factories import user_for_role
    from tests.factories.contracts import approved_project

    proposer, second = user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)
    world.t_requested = ending.request_termination(_under_way(world.org_own, officer, applicant), by=applicant,
                                                   reason="团队解散")
    world.t_project_free = _under_way(world.org_own, officer, applicant)
    world.t_proposed = ending.propose_termination(_under_way(world.org_own, officer, applicant), by=proposer,
                                                  grounds="other", reason="单位注销")
    paid = approved_project(organisation=world.org_own)
    first_paid(paid, officer, applicant)
    world.t_approved = ending.approve_termination(
        ending.propose_termination(paid, by=proposer, grounds="other", reason="单位注销"), by=second,
        reason="同意", due_on=clock.today() + timedelta(days=30))
    world.t_recovery = world.t_approved.recovery
    world.t_approved_project = paid
    other = approved_project(organisation=world.org_other)
    world.t_other = ending.propose_termination(other, by=proposer, grounds="other", reason="他单位")


def _filing_of(project):
    from minsheng.projects import services

    data = _filing(project)
    milestones = {int(k[1:-7]): (v, "") for k, v in data.items() if k.endswith("_status")}
    indicators = {int(k[1:-6]): (v, "") for k, v in data.items() if k.endswith("_value")}
    return services.Filing(milestones=milestones, indicators=indicators, problems="无")


def pk(name):
    return lambda world: {"pk": getattr(world, name).pk}


def period(name, number):
    return lambda world: {"pk": getattr(world, name).pk, "period": number}


ROWS = [
    Row("projects:queue", only(QUEUE)),
    Row("projects:project", only(READERS), kwargs=pk("p_project")),
    Row("projects:project", only(READERS, applicant=NOT_FOUND), kwargs=pk("p_other"), note="another organisation's"),
    Row("projects:project", only(READERS, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999}, note="unknown"),
    Row("projects:file", only(APPLICANT), kwargs=period("p_project", 2), note="the period's form"),
    Row("projects:file", only(APPLICANT, ok=NOT_FOUND), kwargs=period("p_project", 99), note="no such period"),
    Row("projects:file", only(APPLICANT, ok=NOT_FOUND), kwargs=period("p_other", 2), note="another organisation's"),
    Row("projects:file", only(APPLICANT, ok=302), kwargs=period("p_project", 2), method="POST",
        data=lambda w: _filing(w.p_project)),
    Row("projects:report", only(READERS), kwargs=pk("p_submitted")),
    Row("projects:report", only(READERS, applicant=NOT_FOUND), kwargs=pk("p_other_report"),
        note="another organisation's"),
    Row("projects:accept", only(OFFICER, ok=302), kwargs=pk("p_submitted"), method="POST",
        data=lambda w: {"comments": ""}),
    Row("projects:accept", everyone(NOT_ALLOWED), kwargs=pk("p_submitted"), note="GET"),
    Row("projects:return", only(OFFICER, ok=302), kwargs=pk("p_submitted"), method="POST",
        data=lambda w: {"comments": "请补充证明材料"}),
    Row("projects:midterm", only(OFFICER, ok=302), kwargs=pk("p_accepted_project"), method="POST",
        data=lambda w: {"result": "pass", "findings": "进展正常"}),
    Row("projects:midterm", everyone(NOT_ALLOWED), kwargs=pk("p_accepted_project"), note="GET"),
]

# Termination and recovery of funds (终止与经费追回)
def _decision(world):
    return {"reason": "同意", "due_on": ""}


def _receipt(world):
    from minsheng.core import clock

    return drawn({"amount": "1", "received_on": clock.today().isoformat(), "bank_reference": "ICBC-M1"})


ROWS += [
    Row("projects:terminate", only(OFFICER), kwargs=pk("t_project_free"), note="the proposal form"),
    Row("projects:terminate", only(OFFICER, ok=302), kwargs=pk("t_project_free"), method="POST",
        data=lambda w: {"grounds": "other", "reason": "承担单位注销"}),
    Row("projects:terminate", only(OFFICER, ok=403), kwargs=pk("t_approved_project"),
        note="a terminated project"),
    Row("projects:terminate", only(OFFICER, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999}, note="unknown"),
    Row("projects:request_termination", only(APPLICANT, ok=302), kwargs=pk("t_project_free"), method="POST",
        data=lambda w: {"reason": "团队解散"}),
    Row("projects:request_termination", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("p_other"), method="POST",
        data=lambda w: {"reason": "他单位"}, note="another organisation's"),
    Row("projects:request_termination", everyone(NOT_ALLOWED), kwargs=pk("t_project_free"), note="GET"),
    Row("projects:termination", only(READERS), kwargs=pk("t_proposed")),
    Row("projects:termination", only(READERS), kwargs=pk("t_approved"), note="with its recovery"),
    Row("projects:termination", only(READERS, applicant=NOT_FOUND), kwargs=pk("t_other"),
        note="another organisation's"),
    Row("projects:termination_review", only(OFFICER, ok=302), kwargs=pk("t_requested"), method="POST",
        data=lambda w: {"grounds": "request", "reason": "属实"}),
    Row("projects:termination_decline", only(OFFICER, ok=302), kwargs=pk("t_requested"), method="POST",
        data=lambda w: {"reason": "请先申请调整"}),
    Row("projects:termination_approve", only(OFFICER, ok=302), kwargs=pk("t_proposed"), method="POST",
        data=_decision),
    Row("projects:termination_approve", everyone(NOT_ALLOWED), kwargs=pk("t_proposed"), note="GET"),
    Row("projects:termination_reject", only(OFFICER, ok=302), kwargs=pk("t_proposed"), method="POST",
        data=lambda w: {"reason": "项目可继续"}),
    Row("projects:recoveries", only(RECOVERY_READERS)),
    Row("projects:recoveries_export", only(RECOVERY_READERS)),
    Row("projects:receipt", only(FINANCE, ok=302), kwargs=pk("t_recovery"), method="POST", data=_receipt),
    Row("projects:receipt", everyone(NOT_ALLOWED), kwargs=pk("t_recovery"), note="GET"),
    Row("projects-termination-list", only(READERS, anonymous=403)),
    Row("projects-termination-detail", only(READERS, anonymous=403), kwargs=pk("t_approved")),
    Row("projects-termination-detail", only(READERS, anonymous=403, applicant=NOT_FOUND), kwargs=pk("t_other"),
        note="another organisation's"),
    Row("projects-recovery-list", only(READERS, anonymous=403)),
    Row("projects-recovery-detail", only(READERS, anonymous=403), kwargs=pk("t_recovery")),
    Row("projects-termination-list", only(READERS, ok=NOT_ALLOWED, anonymous=403), method="POST",
        note="read-only", content_type="application/json"),
]
