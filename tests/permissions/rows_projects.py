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
EXPORTERS = {Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN}
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
    world.p_submitted = services.submit_report(world.p_project, 1, _filing_of(world.p_project, evidence=True),
                                               by=applicant)
    world.p_accepted_project = _under_way(world.org_own, officer, applicant)
    report = services.submit_report(world.p_accepted_project, 1, _filing_of(world.p_accepted_project),
                                    by=applicant)
    services.accept_report(report, by=officer)
    world.p_checked_project = _under_way(world.org_own, officer, applicant)
    report = services.submit_report(world.p_checked_project, 1, _filing_of(world.p_checked_project), by=applicant)
    services.accept_report(report, by=officer)
    services.record_midterm(world.p_checked_project, by=officer, result="pass", findings="进展正常")
    other_applicant = user_for_role(Role.APPLICANT, organisation=world.org_other)
    world.p_other = _under_way(world.org_other, officer, other_applicant)
    world.p_other_report = services.submit_report(world.p_other, 1, _filing_of(world.p_other, evidence=True),
                                                  by=other_applicant)
    # change requests (项目变更): one waiting on the own organisation's project, one of another organisation
    move = {"from": "equipment", "to": "labour", "amount": "10000"}
    world.p_change = services.request_change(world.p_project, by=applicant, kind="budget", proposal=move,
                                             reason="设备降价")
    world.p_other_change = services.request_change(world.p_other, by=other_applicant, kind="budget",
                                                   proposal=move, reason="设备降价")
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


def _filing_of(project, evidence=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minsheng.projects import services

    data = _filing(project)
    milestones = {int(k[1:-7]): (v, "") for k, v in data.items() if k.endswith("_status")}
    indicators = {int(k[1:-6]): (v, "") for k, v in data.items() if k.endswith("_value")}
    pdf = b"%PDF-1.4\n%%EOF\n"
    files = [SimpleUploadedFile("进展证明.pdf", pdf, content_type="application/pdf")] if evidence else []
    return services.Filing(milestones=milestones, indicators=indicators, problems="无", files=files)


def evidence_of(name):
    def kwargs(world):
        report = getattr(world, name)
        return {"pk": report.pk, "file_pk": report.evidence_files.get().pk}
    return kwargs


def pk(name):
    return lambda world: {"pk": getattr(world, name).pk}


def period(name, number):
    return lambda world: {"pk": getattr(world, name).pk, "period": number}


def api(roles, **overrides):
    return only(roles, anonymous=403, **overrides)


def midterm_of(name):
    def kwargs(world):
        from minsheng.projects.models import MidtermCheck
        return {"pk": MidtermCheck.objects.get(project=getattr(world, name)).pk}
    return kwargs


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
    Row("projects:report_evidence", only(READERS), kwargs=evidence_of("p_submitted")),
    Row("projects:report_evidence", only(READERS, applicant=NOT_FOUND), kwargs=evidence_of("p_other_report"),
        note="another organisation's"),
    Row("projects:accept", only(OFFICER, ok=302), kwargs=pk("p_submitted"), method="POST",
        data=lambda w: {"comments": ""}),
    Row("projects:accept", everyone(NOT_ALLOWED), kwargs=pk("p_submitted"), note="GET"),
    Row("projects:return", only(OFFICER, ok=302), kwargs=pk("p_submitted"), method="POST",
        data=lambda w: {"comments": "请补充证明材料"}),
    Row("projects:midterm", only(OFFICER, ok=302), kwargs=pk("p_accepted_project"), method="POST",
        data=lambda w: {"result": "pass", "findings": "进展正常"}),
    Row("projects:midterm", everyone(NOT_ALLOWED), kwargs=pk("p_accepted_project"), note="GET"),
    # change requests: the organisation asks and withdraws, officers decide, the readers read
    Row("projects:change_new", only(APPLICANT), kwargs=pk("p_accepted_project")),
    Row("projects:change_new", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("p_other"), note="another organisation's"),
    Row("projects:change_new", only(APPLICANT, ok=302), kwargs=pk("p_accepted_project"), method="POST",
        data=lambda w: {"kind": "budget", "source": "equipment", "target": "labour", "amount": "1",
                        "reason": "设备降价"}),
    Row("projects:change", only(READERS), kwargs=pk("p_change")),
    Row("projects:change", only(READERS, applicant=NOT_FOUND), kwargs=pk("p_other_change"),
        note="another organisation's"),
    Row("projects:change_approve", only(OFFICER, ok=302), kwargs=pk("p_change"), method="POST",
        data=lambda w: {"comments": "同意"}),
    Row("projects:change_approve", everyone(NOT_ALLOWED), kwargs=pk("p_change"), note="GET"),
    Row("projects:change_reject", only(OFFICER, ok=302), kwargs=pk("p_change"), method="POST",
        data=lambda w: {"comments": "理由不充分"}),
    Row("projects:change_withdraw", only(APPLICANT, ok=302), kwargs=pk("p_change"), method="POST"),
    Row("projects:change_withdraw", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("p_other_change"), method="POST",
        note="another organisation's"),
    # the API reads them, scoped like the pages
    Row("projects-change-list", only(READERS, anonymous=403)),
    Row("projects-change-detail", only(READERS, anonymous=403), kwargs=pk("p_change")),
    Row("projects-change-detail", only(READERS, anonymous=403, applicant=NOT_FOUND), kwargs=pk("p_other_change"),
        note="another organisation's"),
]


# --- Acceptance (验收) ---------------------------------------------------------------------------------
# The organisation applies; officers check, pick the panel and decide; the expert on the panel scores and reads;
# finance, auditors and administrators read. Another organisation's acceptance answers 404 to the applicant and
# to an expert who is not on its panel.

EXPERT_ROLE = str(Role.EXPERT)
ACCEPTANCE_READERS = READERS | {Role.EXPERT}


def _acceptance_world(world):
    from minsheng.projects import acceptance
    from minsheng.review.models import ExpertProfile
    from tests.factories import PersonFactory
    from tests.factories.review import ExpertProfileFactory
    from tests.projects.acceptance_helpers import GOOD, ended_project, filing

    officer = world.users[OFFICER_ROLE]
    # the matrix's expert, whichever rows file gave them a profile first
    profile = getattr(world, "expert_profile", None) or ExpertProfile.objects.filter(
        person_id=world.users[EXPERT_ROLE].person_id).first()
    if profile is None:
        profile = ExpertProfileFactory(person=PersonFactory(organisation=world.org_other))
        world.users[EXPERT_ROLE].person = profile.person
        world.users[EXPERT_ROLE].save()
        world.expert_profile = profile
    expert = world.users[EXPERT_ROLE]
    world.a_spare_expert = ExpertProfileFactory()

    def filed(organisation=world.org_own):
        project, applicant = ended_project(officer, organisation=organisation)
        return project, acceptance.apply(project, filing(project), by=applicant)

    world.a_ended, _applicant = ended_project(officer, organisation=world.org_own)
    world.a_applied, _item = filed()
    project, item = filed()
    acceptance.decide_check(item, by=officer, passed=True)
    acceptance.add_expert(item, profile, by=officer)
    world.a_review = project
    project, item = filed()
    acceptance.decide_check(item, by=officer, passed=True)
    acceptance.add_expert(item, profile, by=officer)
    acceptance.score(item, by=expert, scores=GOOD, comments="指标完成良好")
    world.a_scored = project
    project, item = filed()
    acceptance.decide_check(item, by=officer, passed=True)
    acceptance.add_expert(item, profile, by=officer)
    acceptance.score(item, by=expert, scores=GOOD, comments="指标完成良好")
    acceptance.decide(item, by=officer, verdict="pass")
    world.a_decided = project
    world.a_other, _item = filed(world.org_other)


def _acceptance_filing(project):
    from minsheng.projects import queries

    book = queries.signed_book(project)
    data = {f"i{i.pk}_delivered": f"{i.target.normalize():f}" for i in book.indicators.all()}
    data.update({f"i{i.pk}_evidence": "检测报告" for i in book.indicators.all()})
    data.update({"summary": "全部完成", "achievements": "示范应用", "ip_produced": "发明专利 1 项"})
    return data


_extend_reports = extend_world


def extend_world(world):   # the reports' world, then the acceptance's
    _extend_reports(world)
    _acceptance_world(world)


ROWS += [
    Row("projects:acceptance", only(ACCEPTANCE_READERS), kwargs=pk("a_review")),
    Row("projects:acceptance", only(READERS, expert=NOT_FOUND), kwargs=pk("a_ended"), note="not applied for"),
    Row("projects:acceptance", only(ACCEPTANCE_READERS, applicant=NOT_FOUND, expert=NOT_FOUND), kwargs=pk("a_other"),
        note="another organisation's"),
    Row("projects:acceptance_apply", only(APPLICANT), kwargs=pk("a_ended")),
    Row("projects:acceptance_apply", only(APPLICANT, ok=NOT_FOUND), kwargs=pk("a_other"),
        note="another organisation's"),
    Row("projects:acceptance_apply", only(APPLICANT, ok=302), kwargs=pk("a_ended"), method="POST",
        data=lambda w: _acceptance_filing(w.a_ended)),
    Row("projects:acceptance_check", only(OFFICER, ok=302), kwargs=pk("a_applied"), method="POST",
        data=lambda w: {"decision": "pass", "comments": ""}),
    Row("projects:acceptance_check", everyone(NOT_ALLOWED), kwargs=pk("a_applied"), note="GET"),
    Row("projects:acceptance_panel", only(OFFICER, ok=302), kwargs=pk("a_review"), method="POST",
        data=lambda w: {"expert": w.a_spare_expert.pk}),
    Row("projects:acceptance_panel", everyone(NOT_ALLOWED), kwargs=pk("a_review"), note="GET"),
    Row("projects:acceptance_score", only({Role.EXPERT}, ok=302), kwargs=pk("a_review"), method="POST",
        data=lambda w: {**{f"score_{k}": v for k, v in {"completion": 9, "quality": 8, "funds": 8, "transfer": 7,
                                                          "ip": 8}.items()}, "comments": "良好"}),
    Row("projects:acceptance_score", only({Role.EXPERT}, ok=NOT_FOUND), kwargs=pk("a_other"), method="POST",
        data=lambda w: {"comments": "良好"}, note="not on the panel"),
    Row("projects:acceptance_score", everyone(NOT_ALLOWED), kwargs=pk("a_review"), note="GET"),
    Row("projects:acceptance_verdict", only(OFFICER, ok=302), kwargs=pk("a_scored"), method="POST",
        data=lambda w: {"verdict": "pass"}),
    Row("projects:acceptance_verdict", everyone(NOT_ALLOWED), kwargs=pk("a_scored"), note="GET"),
    Row("projects:acceptance_pdf", only(ACCEPTANCE_READERS), kwargs=pk("a_decided")),
    # the API reads (an acceptance's own id)
    Row("projects-acceptance-list", only(ACCEPTANCE_READERS, anonymous=403)),
    Row("projects-acceptance-detail", only(ACCEPTANCE_READERS, anonymous=403),
        kwargs=lambda w: {"pk": w.a_review.acceptance.pk}),
    Row("projects-acceptance-detail", only(ACCEPTANCE_READERS, anonymous=403, applicant=NOT_FOUND,
                                           expert=NOT_FOUND), kwargs=lambda w: {"pk": w.a_other.acceptance.pk},
        note="another organisation's"),
    Row("projects:call_projects", only(EXPORTERS), kwargs=lambda w: {"call_pk": w.p_project.call_id}),
    Row("projects:call_projects", only(EXPORTERS, ok=404), kwargs=lambda w: {"call_pk": 999999}, note="unknown"),
    Row("projects:call_reports", only(EXPORTERS), kwargs=lambda w: {"call_pk": w.p_project.call_id}),
    # the API (projects/api.py)
    Row("projects-progress-report-list", api(READERS)),
    Row("projects-progress-report-detail", api(READERS), kwargs=pk("p_submitted")),
    Row("projects-progress-report-detail", api(READERS, applicant=NOT_FOUND), kwargs=pk("p_other_report"),
        note="another organisation's"),
    Row("projects-progress-report-list", api(READERS, ok=NOT_ALLOWED), method="POST", data=lambda w: {},
        content_type="application/json", note="read only"),
    Row("projects-midterm-check-list", api(READERS)),
    Row("projects-midterm-check-detail", api(READERS), kwargs=midterm_of("p_checked_project")),
    Row("projects-midterm-check-detail", api(READERS, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999},
        note="unknown"),
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
