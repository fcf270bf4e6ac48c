"""Demo funding decisions (M17, M20): a third, earlier call (the 2026 first batch, closed months ago) run through
the real services from start to finish: applications submitted before the close, the formal check, the written
review, the panel frozen; then the funding plan proposed by `officer`, confirmed by the health department,
approved by `officer2`, with district and other co-funding; its public notice over, with one objection handled;
and the projects approved (立项) and numbered. Each past step runs with the clock set back to when it happened.
Idempotent: nothing is done when the call exists already (everything is written in one transaction)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from minsheng.applications import services as application_services
from minsheng.applications.models import Application
from minsheng.calls import services as call_services
from minsheng.calls.models import Call, Programme
from minsheng.checks import queries as check_queries
from minsheng.checks import services as check_services
from minsheng.core import clock
from minsheng.core.money import WAN
from minsheng.core.permissions import SYSTEM
from minsheng.demo.applications import ELDERLY, HEALTH, _fill, _user_for
from minsheng.demo.builder import SEED
from minsheng.demo.calls import RULES, _criteria, _rules, _timeline, publish_past_call
from minsheng.funding import services
from minsheng.policy.models import Department, FundingMode, FundingSource, SupportType
from minsheng.problems.models import Problem
from minsheng.registry.models import Organisation, Person
from minsheng.review import assignment, reviewing
from minsheng.review import panel as panel_service
from minsheng.review import queries as review_queries
from minsheng.review.models import Assignment

STEPS = 6
EARLY_CALL_TITLE = "2026年第一批社区健康服务科技惠民示范"
# The demo problem traced end to end (M05 → M18): its topic in this call, the projects funded on it, their
# achievements and demonstration sites (demo parts "achievements" and "sites").
TRACED_PROBLEM = "独居老人慢病用药无人提醒"
APPLICATIONS = 10
OVERRIDE = "申报单位已补交相关证明材料，经核实符合要求。"
MINUTES = ("会议评审于市科技部门第二会议室召开，三位评审专家出席，项目主管主持。\n"
           "专家逐项讨论函评意见后投票，排名按函评结果确定，无调整。")
OBJECTION = ("公示的第二个项目申报单位与本单位存在知识产权纠纷，请核实其核心专利的权属。", "13922220000")
HANDLING = "经核实，该项目核心专利权属清晰，纠纷已于申报前调解结案，维持资助方案，并已电话答复异议人。"


def early_call() -> Call | None:
    return Call.objects.filter(title_zh=EARLY_CALL_TITLE).first()


def build(builder) -> None:
    rng = random.Random(SEED + 85)
    users = get_user_model().objects
    officer, officer2 = users.filter(username="officer").first(), users.filter(username="officer2").first()
    dept_health = users.filter(username="dept_health").first()
    district = users.filter(username="district_nanshan").first()
    programme = Programme.objects.filter(year=2026, source__code="city_rd").order_by("pk").first()
    organisations = [o for o in builder.organisation_list if o.state == Organisation.State.VERIFIED
                     and Person.objects.filter(organisation=o).exists()]
    if early_call() is not None or None in (officer, officer2, dept_health, district, programme) \
            or not review_queries.active_experts().exists() or len(organisations) < 3:
        builder.progress(STEPS)
        return
    with transaction.atomic():
        call = _call(programme, officer, officer2)
        builder.progress(1)
        _applications(builder, call, organisations, rng, district.district_id)
        builder.progress(1)
        _check(call, officer)
        builder.progress(1)
        _review(call, officer, rng, district.district_id)
        builder.progress(1)
        panel = _panel(call, officer, rng)
        builder.progress(1)
        if panel is not None:
            _funding(call, officer, officer2, dept_health, district, rng)
        builder.progress(1)
        builder.created += 1


def _call(programme, officer, officer2) -> Call:
    timeline = _timeline(-240, -180)
    health = list(Department.objects.filter(code="health"))
    d01 = builder_domain()
    content = call_services.CallContent(
        values={"programme": programme, "title_zh": EARLY_CALL_TITLE,
                "title_en": "2026 first batch: community health services", "description":
                "面向社区卫生服务与家庭医生签约服务，支持适宜技术的集成与示范应用（第六条），已完成评审与立项。",
                "funding_mode": FundingMode.objects.get(code="demonstration"),
                "support_type": SupportType.objects.get(code="competitive"), "budget": Decimal(1200) * WAN,
                "max_grant": Decimal(200) * WAN, "cofunding_ratio": Decimal(20), "reviewers_per_proposal": 3,
                # its demonstration projects report monthly and have a mid-term check (demo part "progress")
                "report_every_months": 1, "midterm_check": True,
                **timeline},
        domains=[d01], focus_directions=list(d01.focus_directions.all()[:3]), co_owners=health,
        topics=[{"title": "社区慢病与健康服务适宜技术示范", "description": "家庭医生签约、慢病随访与健康管理。",
                 "problems": list(Problem.objects.filter(title=TRACED_PROBLEM, state=Problem.State.ACCEPTED))}],
        criteria=_criteria(), rules=_rules(RULES[:3]))
    return publish_past_call(content, by=officer, approver=officer2, at=timeline["opens_at"] - timedelta(days=20))


def builder_domain():
    from minsheng.policy.models import Domain

    return Domain.objects.get(code="D01")


def _applications(builder, call, organisations, rng, district_id, suffix="（社区示范）") -> None:
    index_of = {o.pk: index for index, o in enumerate(builder.organisation_list)}
    # Organisations that already applied to the other demo calls: the expert part, which runs before this one,
    # picks its declared conflicts from the applicants in order, so new applicants here would change its choice.
    applied = set(Application.objects.exclude(call=call).exclude(
        state__in=[Application.State.DRAFT, Application.State.WITHDRAWN]).values_list("organisation_id", flat=True))
    chosen = sorted((o for o in organisations if o.pk in applied), key=lambda o: o.pk) or \
        sorted(organisations, key=lambda o: o.pk)
    rng.shuffle(chosen)
    # the demo district officer's district first, so that it has projects to co-fund
    chosen.sort(key=lambda o: o.district_id != district_id)
    texts = HEALTH + ELDERLY
    for n in range(APPLICATIONS):
        organisation = chosen[n % len(chosen)]
        user = _user_for(organisation, index_of[organisation.pk])
        title, *rest = texts[n % len(texts)]
        text = (f"{title}{suffix}", *rest)
        with clock.reading(call.opens_at + timedelta(days=2 + n)):
            app = application_services.start(call, by=user, title=text[0])
            _fill(app, user, text, rng, own_percent=rng.choice([30, 40, 50]))
        with clock.reading(call.closes_at - timedelta(hours=rng.randint(2, 200))):
            application_services.submit(app, by=user)


def _check(call, officer) -> None:
    with clock.reading(call.closes_at + timedelta(days=3)):
        check_services.start_check(call, by=officer)
        for application in Application.objects.filter(call=call, state=Application.State.IN_CHECK).order_by("number"):
            failed = [r for r in check_queries.application_results(application)
                      if not r.passed and not r.overridden_by_id]
            check_services.decide(application, by=officer, decision="pass",
                                  overrides={r.pk: OVERRIDE for r in failed})


def _review(call, officer, rng, district_id) -> None:
    with clock.reading(call.closes_at + timedelta(days=5)):
        assignment.run(call, by=officer)
        assignment.publish(call, by=officer)
        for _round in range(4):
            pending = list(Assignment.objects.filter(application__call=call, state=Assignment.State.PUBLISHED)
                           .order_by("pk"))
            if not pending:
                break
            for pair in pending:
                assignment.respond(pair, by=SYSTEM, accept=True)
    criteria = reviewing.criteria(call)
    with clock.reading(call.closes_at + timedelta(days=20)):
        quality = {}
        pairs = (Assignment.objects.filter(application__call=call, state=Assignment.State.ACCEPTED)
                 .select_related("application__organisation").order_by("pk"))
        for pair in pairs:
            q = quality.setdefault(pair.application_id, rng.uniform(0.45, 0.9))
            if pair.application.organisation.district_id == district_id:    # strong local proposals
                q = quality[pair.application_id] = max(q, 0.88)
            scores = {str(c.pk): float(round(c.scale_min + min(max(q + rng.gauss(0, 0.06), 0), 1)
                                             * (c.scale_max - c.scale_min))) for c in criteria}
            reviewing.save(pair, by=SYSTEM, scores=scores, comments="示范场景明确，技术路线可行。",
                           recommendation="fund" if q > 0.6 else "changes", submit=True)


def _panel(call, officer, rng):
    if not panel_service.ranked_rows(call):
        return None
    with clock.reading(call.review_ends_at + timedelta(days=2)):
        panel = panel_service.convene(call, by=officer)
        experts = sorted(review_queries.active_experts(), key=lambda e: e.pk)
        for expert in rng.sample(experts, min(3, len(experts))):
            panel_service.add_member(panel, expert, by=officer)
        panel_service.open_session(panel, by=officer)
        panel_service.record_minutes(panel, by=officer, minutes=MINUTES)
        return panel_service.freeze(panel, by=officer)


def _funding(call, officer, officer2, dept_health, district, rng) -> None:
    start = call.review_ends_at + timedelta(days=9)
    with clock.reading(start):
        plan = services.create_plan(call, by=officer)
        services.apply_suggestion(plan, by=officer)
        sources = {s.code: s for s in FundingSource.objects.all()}
        for line in plan.lines.filter(grant__gt=0).select_related("application__organisation__district"):
            organisation = line.application.organisation
            if organisation.district_id == district.district_id:
                services.add_cofunding(line, by=district, source=sources["district"],
                                       provider=f"{district.district.name_zh}科技创新局",
                                       amount=(line.grant * Decimal("0.3") / WAN).quantize(Decimal("1")) * WAN)
            own = line.application.funding_lines.filter(source__code="own").first()
            if own is not None and own.amount:
                services.add_cofunding(line, by=officer, source=sources["own"], provider=organisation.name_zh,
                                       amount=own.amount)
            roll = rng.random()
            if roll < 0.3:
                services.add_cofunding(line, by=officer, source=sources["bank_loan"], provider="招商银行深圳分行",
                                       amount=Decimal(rng.choice([100, 200, 300])) * WAN)
            elif roll < 0.45:
                services.add_cofunding(line, by=officer, source=sources["charity"], provider="深圳市慈善会",
                                       amount=Decimal(rng.choice([20, 50])) * WAN)
            elif roll < 0.6:
                services.add_cofunding(line, by=officer, source=sources["equity"], provider="深圳市天使投资引导基金",
                                       amount=Decimal(rng.choice([100, 150])) * WAN)
        services.propose(plan, by=officer, reason="按会评排序在预算总额内安排资助。")
    with clock.reading(start + timedelta(days=1)):
        services.confirm(plan, by=dept_health, note="卫生健康领域部分无异议。")
    with clock.reading(start + timedelta(days=2)):
        services.approve(plan, by=officer2, reason="复核资助额度与配套资金，同意并公示。")
    plan.refresh_from_db()
    lines = [line for line in plan.lines.order_by("rank") if line.funded]
    with clock.reading(plan.notice_starts_at + timedelta(days=1)):
        objection = services.lodge_objection(plan, contact=OBJECTION[1], text=OBJECTION[0], name="王先生",
                                             line=lines[1] if len(lines) > 1 else None)
    with clock.reading(plan.notice_starts_at + timedelta(days=3)):
        services.handle_objection(objection, by=officer, handling=HANDLING)
    with clock.reading(plan.notice_ends_at + timedelta(hours=10)):
        services.decide(plan, by=officer, reason="公示期满，异议已处理，准予立项。")
