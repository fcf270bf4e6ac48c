"""Funding plan services: envelope, maximum grant, cuts, four eyes, co-owners, notice, objections, 立项, PDF."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from minsheng.applications.models import Application
from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.funding import calendar, pdf, services
from minsheng.funding.models import FundingPlan, Objection, Project, ProjectFunding
from minsheng.notifications.models import Notification
from minsheng.notifications.services import prefixed
from minsheng.policy.models import Department, FundingSource, SupportType
from minsheng.review.models import Panel
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.funding import WAN, frozen_call

pytestmark = pytest.mark.django_db
S = FundingPlan.State
SH = ZoneInfo("Asia/Shanghai")


def grants(plan, *pairs):
    lines = list(plan.lines.order_by("rank"))
    return {line.pk: (Decimal(g) * WAN, reason) for line, (g, reason) in zip(lines, pairs, strict=False)}


def test_plan_needs_a_frozen_ranking():
    world = frozen_call()
    world.call.panel.state = "session"
    world.call.panel.save()
    with pytest.raises(ValidationError, match="frozen"):
        services.create_plan(world.call, by=world.officer)
    assert not FundingPlan.objects.exists()


def test_plan_lines_follow_the_frozen_ranking_with_requests():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    lines = list(plan.lines.order_by("rank"))
    assert [line.application for line in lines] == world.applications
    assert [line.requested for line in lines] == [Decimal(r) * WAN for r in (300, 250, 200, 150)]
    assert AuditEvent.objects.filter(action="funding.plan.create", clause="M17").count() == 1


def test_grant_above_the_maximum_is_refused_and_nothing_written():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    with pytest.raises(ValidationError) as exc:
        services.update_plan(plan, by=world.officer, grants=grants(plan, (260, "x"), (100, "cut")))
    assert "maximum grant" in str(exc.value)
    assert all(line.grant == 0 for line in plan.lines.all())


def test_plan_over_the_envelope_is_refused():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    with pytest.raises(ValidationError, match="envelope"):
        services.update_plan(plan, by=world.officer,
                             grants=grants(plan, (250, "max"), (250, ""), (200, ""), (150, "")))
    assert all(line.grant == 0 for line in plan.lines.all())


def test_a_cut_needs_its_reason():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    with pytest.raises(ValidationError, match="reason"):
        services.update_plan(plan, by=world.officer, grants=grants(plan, (200, "")))
    services.update_plan(plan, by=world.officer, grants=grants(plan, (200, "预算偏高")))
    line = plan.lines.get(rank=1)
    assert line.grant == 200 * WAN and line.cut_reason == "预算偏高"


def test_partial_funding_refused_when_the_call_does_not_allow_it():
    world = frozen_call()
    world.call.allow_partial_funding = False
    world.call.save()
    plan = services.create_plan(world.call, by=world.officer)
    with pytest.raises(ValidationError, match="partial"):
        services.update_plan(plan, by=world.officer, grants=grants(plan, (200, "预算偏高")))


def test_suggestion_fills_the_envelope_in_rank_order():
    world = frozen_call()   # requests 300, 250, 200, 150; envelope 600; max 250
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    got = [(line.grant / WAN, bool(line.cut_reason)) for line in plan.lines.order_by("rank")]
    assert got == [(250, True), (250, False), (100, True), (0, False)]
    world.call.allow_partial_funding = False
    world.call.save()
    plan.refresh_from_db()
    services.apply_suggestion(plan, by=world.officer)
    assert [line.grant / WAN for line in plan.lines.order_by("rank")] == [0, 250, 200, 150]


def test_suggestion_leaves_a_remainder_below_half_a_request_unspent():
    world = frozen_call()
    world.call.budget = 560 * WAN    # after 250 + 250, 60 is left: under half of 200 and of 150
    world.call.save()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    assert [line.grant / WAN for line in plan.lines.order_by("rank")] == [250, 250, 0, 0]


def test_proposer_cannot_approve_and_another_officer_can():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    with pytest.raises(ValidationError, match="another officer"):
        services.approve(plan, by=world.officer, reason="同意")
    plan.refresh_from_db()
    assert plan.state == S.PROPOSED
    services.approve(plan, by=world.second_officer, reason="同意")
    plan.refresh_from_db()
    assert plan.state == S.NOTICE and plan.approved_by == world.second_officer
    event = AuditEvent.objects.get(action="funding.plan.approve")
    assert event.actor == world.second_officer and event.reason == "同意" and event.clause == "M17"


def test_a_second_approval_loses_the_race():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    stale = FundingPlan.objects.get(pk=plan.pk)
    services.approve(plan, by=world.second_officer, reason="同意")
    with pytest.raises(TransitionRefused):
        services.approve(stale, by=user_for_role(Role.OFFICER), reason="同意")
    assert AuditEvent.objects.filter(action="funding.plan.approve").count() == 1


def test_co_owning_departments_confirm_before_approval():
    world = frozen_call()
    health = Department.objects.get(code="health")
    world.call.co_owners.add(health)
    health_officer = user_for_role(Role.DEPARTMENT_OFFICER, department=health)
    other = user_for_role(Role.DEPARTMENT_OFFICER, department=Department.objects.exclude(pk=health.pk).first())
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    district = next(line for line in plan.lines.all() if line.funded).application.organisation.district
    district_officer = user_for_role(Role.DISTRICT_OFFICER, district=district)
    elsewhere = user_for_role(Role.DISTRICT_OFFICER, district=type(district).objects.exclude(pk=district.pk).first())
    services.propose(plan, by=world.officer)
    # the co-owning department is asked to confirm, the funded organisations' district may add its money
    assert [(n.recipient, n.target, n.url) for n in Notification.objects.filter(kind="funding.plan_to_confirm")] \
        == [(health_officer, plan, f"/funding/calls/{world.call.pk}/")]
    assert [n.recipient for n in Notification.objects.filter(kind="funding.plan_in_district")] == [district_officer]
    assert not Notification.objects.filter(recipient__in=[other, elsewhere]).exists()
    with pytest.raises(ValidationError, match="confirm"):
        services.approve(plan, by=world.second_officer, reason="同意")
    with pytest.raises(PermissionDenied):
        services.confirm(plan, by=other)
    services.confirm(plan, by=health_officer)
    services.approve(plan, by=world.second_officer, reason="同意")
    assert FundingPlan.objects.get(pk=plan.pk).state == S.NOTICE


def test_who_may_approve_a_plan_now_is_one_rule_for_the_page_the_service_and_the_permission():
    from minsheng.funding.rules import approval_refusal

    world = frozen_call(co_owners=[Department.objects.get(code="health")])
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    assert not world.second_officer.has_perm("funding.approve_plan", plan)          # a draft: nobody
    services.propose(plan, by=world.officer)
    plan.refresh_from_db()
    # The proposer never; another officer not while the department has not confirmed; the reason is named.
    assert "four eyes" in approval_refusal(world.officer, plan)
    assert not world.officer.has_perm("funding.approve_plan", plan)
    assert approval_refusal(world.second_officer, plan) == (
        "Waiting for the co-owning departments to confirm: Municipal health, population and family planning "
        "department.")
    assert not world.second_officer.has_perm("funding.approve_plan", plan)
    assert world.second_officer.has_perm("funding.approve_plan")                     # the role still approves plans
    assert world.officer.has_perm("funding.return_plan")                            # and may take it back
    services.confirm(plan, by=user_for_role(Role.DEPARTMENT_OFFICER, department=Department.objects.get(code="health")))
    assert approval_refusal(world.second_officer, plan) == ""
    assert world.second_officer.has_perm("funding.approve_plan", plan)
    assert not world.officer.has_perm("funding.approve_plan", plan)
    # The step's own permission (from the transition table) agrees: state, permission and four eyes in one rule.
    assert world.second_officer.has_perm("funding.plan.approve", plan)
    assert not world.officer.has_perm("funding.plan.approve", plan)
    assert world.officer.has_perm("funding.plan.approve")                            # the role, without a plan
    dept = user_for_role(Role.DEPARTMENT_OFFICER, department=Department.objects.get(code="health"))
    assert not dept.has_perm("funding.approve_plan", plan)                          # a department confirms only
    with pytest.raises(ValidationError, match="four eyes"):
        services.approve(plan, by=world.officer, reason="同意")
    services.approve(plan, by=world.second_officer, reason="同意")
    plan.refresh_from_db()
    assert not world.second_officer.has_perm("funding.approve_plan", plan)          # in notice: done
    assert not world.second_officer.has_perm("funding.plan.approve", plan)
    assert world.second_officer.has_perm("funding.plan.decide", plan)


def test_cofunding_scope_and_leverage():
    world = frozen_call()
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    line = plan.lines.get(rank=2)     # 250 万元 granted
    district = FundingSource.objects.get(code="district")
    bank = FundingSource.objects.get(code="bank_loan")
    own_district = line.application.organisation.district
    other_org = OrganisationFactory()
    assert other_org.district == own_district   # factory default: the same district
    elsewhere = user_for_role(Role.DISTRICT_OFFICER, district=type(own_district).objects.exclude(
        pk=own_district.pk).first())
    with pytest.raises(PermissionDenied):
        services.add_cofunding(line, by=elsewhere, source=district, provider="区科技局", amount=50 * WAN)
    with pytest.raises(PermissionDenied):   # a district officer records only district funds
        services.add_cofunding(line, by=user_for_role(Role.DISTRICT_OFFICER, district=own_district), source=bank,
                               provider="银行", amount=50 * WAN)
    services.add_cofunding(line, by=user_for_role(Role.DISTRICT_OFFICER, district=own_district), source=district,
                           provider="南山区科技创新局", amount=50 * WAN)
    services.add_cofunding(line, by=world.officer, source=bank, provider="招商银行", amount=600 * WAN)
    from minsheng.funding import queries

    view = queries.plan_view(plan)
    money = dict((line_.pk, m) for line_, m in view.rows)[line.pk]
    assert money.public == 300 * WAN and money.private == 600 * WAN and money.ratio == Decimal("2.00")
    assert view.money.ratio == Decimal("0.92")     # 600 bank ÷ (600 grants + 50 district)
    assert AuditEvent.objects.filter(action="funding.cofunding.add", clause="M20").count() == 2


def test_notice_counts_working_days_with_holidays():
    # 2026-09-30 (Wed) published: Oct 1–7 National Day holiday, Oct 10 (Sat) a make-up working day.
    last, fallback = calendar.notice_end(date(2026, 9, 30), 5)
    assert (last, fallback) == (date(2026, 10, 13), False)
    last, fallback = calendar.notice_end(date(2026, 11, 27), 5)   # Fri: Mon–Fri next week
    assert last == date(2026, 12, 4) and not fallback


def test_notice_falls_back_to_weekdays_for_unknown_years():
    last, fallback = calendar.notice_end(date(2040, 1, 6), 5)     # Friday
    assert last == date(2040, 1, 13) and fallback


def _in_notice(world, published=datetime(2026, 6, 1, 10, 0, tzinfo=SH)):
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    services.propose(plan, by=world.officer)
    with clock.reading(published):
        services.approve(plan, by=world.second_officer, reason="同意")
    plan.refresh_from_db()
    return plan


def test_objection_during_and_after_the_notice():
    world = frozen_call()
    plan = _in_notice(world)     # Mon 2026-06-01; 5 working days → ends at midnight after Mon 2026-06-08
    assert plan.notice_ends_at == datetime(2026, 6, 9, 0, 0, tzinfo=SH)
    with clock.reading(datetime(2026, 6, 8, 23, 59, tzinfo=SH)):
        with pytest.raises(ValidationError, match=r"contact|telephone"):
            services.lodge_objection(plan, contact=" ", text="有问题")
        objection = services.lodge_objection(plan, contact="13800000000", text="申报单位资质存疑")
    with clock.reading(datetime(2026, 6, 9, 0, 0, tzinfo=SH)), pytest.raises(ValidationError, match="over"):
        services.lodge_objection(plan, contact="13800000000", text="迟到的异议")
    assert Objection.objects.count() == 1 and objection.state == Objection.State.OPEN


def test_approval_of_projects_numbers_money_mail_and_pdf(django_capture_on_commit_callbacks):
    world = frozen_call()
    applicant = user_for_role(Role.APPLICANT, organisation=world.applications[0].organisation,
                              email="a@example.cn")
    plan = _in_notice(world)
    line = plan.lines.get(rank=1)
    # co-funding is closed once the plan is approved
    with pytest.raises(ValidationError):
        services.add_cofunding(line, by=world.officer, source=FundingSource.objects.get(code="own"),
                               provider="自筹", amount=WAN)
    with clock.reading(datetime(2026, 6, 3, 9, 0, tzinfo=SH)):
        objection = services.lodge_objection(plan, contact="x@example.cn", text="第三名单位不符合条件",
                                             line=plan.lines.get(rank=3))
        with pytest.raises(ValidationError, match="notice runs"):
            services.decide(plan, by=world.officer)
    with clock.reading(datetime(2026, 6, 10, 9, 0, tzinfo=SH)):
        with pytest.raises(ValidationError, match="still open"):
            services.decide(plan, by=world.officer)
        services.handle_objection(objection, by=world.officer, handling="经核实，撤销该项目", withdraw=True)
        with pytest.raises(ValidationError, match="already"):
            services.handle_objection(objection, by=world.officer, handling="again")
        with django_capture_on_commit_callbacks(execute=True):
            projects = services.decide(plan, by=world.officer, reason="公示无异议")
    assert [p.number for p in projects] == [f"XM2026-{world.call.pk:04d}-001", f"XM2026-{world.call.pk:04d}-002"]
    assert Project.objects.count() == 2
    first = projects[0]
    assert first.grant == 250 * WAN and first.lead == world.applications[0].lead
    assert set(ProjectFunding.objects.filter(project=first).values_list("source__code", flat=True)) == {"city_rd"}
    to_applicant = [m for m in mail.outbox if m.to == [applicant.email]]
    assert len(to_applicant) == 1 and first.number in to_applicant[0].subject
    assert not any(projects[1].number in m.subject for m in to_applicant)   # another organisation's project
    told = Notification.objects.get(recipient=applicant)
    assert (told.kind, told.target) == ("funding.project_approved", first)
    assert prefixed(told.subject) == to_applicant[0].subject
    assert told.url == f"/funding/projects/{first.pk}/"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.render(first))).pages)
    assert first.number in text and first.title in text
    with pytest.raises(ValidationError):
        services.decide(plan, by=world.officer)
    assert Project.objects.count() == 2


def test_pdf_text_is_chinese():
    from django.utils import translation

    world = frozen_call()
    plan = _in_notice(world)
    with clock.reading(plan.notice_ends_at + timedelta(hours=1)):
        project = services.decide(plan, by=world.officer)[0]
    with translation.override("zh-hans"):
        data = pdf.render(project)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "立项决定书" in text and "杠杆率" in text
    assert project.organisation.name_zh in text
    assert project.title in text
    assert "250" in text


def test_a_stable_support_plan_starts_from_the_passed_applications_without_a_ranking():
    world = frozen_call(support_type=SupportType.objects.get(code="stable"))
    Panel.objects.filter(call=world.call).delete()
    late = ApplicationFactory(call=world.call, state=Application.State.IN_CHECK)
    with pytest.raises(ValidationError, match="1 application is still in the formal check"):
        services.create_plan(world.call, by=world.officer)
    late.state = Application.State.REJECTED
    late.save()
    plan = services.create_plan(world.call, by=world.officer)
    by_number = sorted(world.applications, key=lambda a: a.number)
    assert [line.application for line in plan.lines.order_by("rank")] == by_number
    event = AuditEvent.objects.get(action="funding.plan.create")
    assert event.new["support_type"] == "stable" and "stable support" in event.reason


def test_the_plan_pages_buttons_are_permissions_that_know_the_state():
    """Confirming a part, handling objections, reading why one may not approve: rules with the state inside."""
    health = Department.objects.get(code="health")
    world = frozen_call(co_owners=[health])
    department = user_for_role(Role.DEPARTMENT_OFFICER, department=health)
    plan = services.create_plan(world.call, by=world.officer)
    services.apply_suggestion(plan, by=world.officer)
    assert world.officer.has_perm("funding.plan.propose", plan)
    assert not department.has_perm("funding.confirm_plan_part", plan)              # a draft: nothing to confirm
    assert not world.second_officer.has_perm("funding.see_approval_refusal", plan)
    services.propose(plan, by=world.officer)
    plan.refresh_from_db()
    assert not world.officer.has_perm("funding.plan.propose", plan)
    assert department.has_perm("funding.confirm_plan_part", plan)
    assert not world.officer.has_perm("funding.confirm_plan_part", plan)             # not a co-owner
    assert world.officer.has_perm("funding.plan.return", plan)
    assert world.second_officer.has_perm("funding.see_approval_refusal", plan)
    assert not world.officer.has_perm("funding.handle_plan_objections", plan)        # no notice yet
    services.confirm(plan, by=department)
    assert not department.has_perm("funding.confirm_plan_part", plan)                # once only
    with clock.reading(datetime(2026, 6, 1, 10, 0, tzinfo=SH)):
        services.approve(plan, by=world.second_officer, reason="同意")
    plan.refresh_from_db()
    assert world.officer.has_perm("funding.handle_plan_objections", plan)
    assert world.officer.has_perm("funding.plan.decide", plan)
    assert not world.officer.has_perm("funding.plan.return", plan)
    assert not department.has_perm("funding.handle_plan_objections", plan)


def test_handling_an_objection_is_one_move_of_its_table_with_the_withdrawn_project():
    world = frozen_call()
    plan = _in_notice(world)
    line = plan.lines.get(rank=3)
    with clock.reading(datetime(2026, 6, 3, 9, 0, tzinfo=SH)):
        objection = services.lodge_objection(plan, contact="x@example.cn", text="不符合条件", line=line)
        plain = services.lodge_objection(plan, contact="y@example.cn", text="没有指明项目")
    with pytest.raises(ValidationError, match="names no project"):
        services.handle_objection(plain, by=world.officer, handling="撤销", withdraw=True)
    assert Objection.objects.get(pk=plain.pk).state == Objection.State.OPEN
    with pytest.raises(PermissionDenied):
        services.handle_objection(objection, by=user_for_role(Role.FINANCE), handling="无权处理")
    services.handle_objection(objection, by=world.officer, handling="经核实，撤销该项目", withdraw=True)
    event = AuditEvent.objects.get(action="funding.objection.handle")
    assert (event.old["state"], event.new["state"]) == ("open", "handled")
    assert event.new["withdrawn"] == line.application.number and event.reason == "经核实，撤销该项目"
    assert event.clause == "M17" and event.actor == world.officer
    line.refresh_from_db()
    assert line.withdrawn and line.withdrawn_reason == "经核实，撤销该项目"
    with pytest.raises(TransitionRefused, match="already been handled"):
        services.handle_objection(objection, by=world.second_officer, handling="again")
    assert AuditEvent.objects.filter(action="funding.objection.handle").count() == 1
