"""Demo second round (M17): the 2026 second batch of community health services, closed six days ago. Its
applications were submitted before the close (the clock set back for each, as it was then), the formal check is
done (one returned for correction, one rejected, the others passed), and today `officer` has run the reviewer
assignment without publishing it: every pair is still proposed, so the officer sees the run's quality (load per
expert, affinity per application), may change pairs by hand and publishes it on the page. Idempotent: nothing is
done when the call exists already (everything is written in one transaction)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from minsheng.applications.models import Application
from minsheng.calls.models import Call, Programme
from minsheng.calls.services import CallContent
from minsheng.checks import services as check_services
from minsheng.core import clock
from minsheng.core.money import WAN
from minsheng.demo.builder import SEED
from minsheng.demo.calls import RULES, _criteria, _rules, _timeline, publish_past_call
from minsheng.demo.checks import _return_or_reject
from minsheng.demo.funding import _applications, _check
from minsheng.policy.models import Department, FundingMode, SupportType
from minsheng.registry.models import Organisation, Person
from minsheng.review import assignment
from minsheng.review import queries as review_queries

STEPS = 4
SECOND_CALL_TITLE = "2026年第二批社区健康服务科技惠民示范"
REVIEWERS = 5
TURNED_DOWN = 2        # one application returned for correction, one rejected; the others pass
CORRECTION_DAYS = 10


def second_call() -> Call | None:
    return Call.objects.filter(title_zh=SECOND_CALL_TITLE).first()


def build(builder) -> None:
    rng = random.Random(SEED + 100)
    users = get_user_model().objects
    officer, officer2 = users.filter(username="officer").first(), users.filter(username="officer2").first()
    district = users.filter(username="district_nanshan").first()
    programme = Programme.objects.filter(year=2026, source__code="city_rd").order_by("pk").first()
    organisations = [o for o in builder.organisation_list if o.state == Organisation.State.VERIFIED
                     and Person.objects.filter(organisation=o).exists()]
    if second_call() is not None or None in (officer, officer2, programme) \
            or review_queries.active_experts().count() < REVIEWERS or len(organisations) < 3:
        builder.progress(STEPS)
        return
    with transaction.atomic():
        call = _call(builder, programme, officer, officer2)
        builder.progress(1)
        _applications(builder, call, organisations, rng, district.district_id if district else None,
                      suffix="（第二批推广）")
        builder.progress(1)
        _formal_check(call, officer, rng)
        builder.progress(1)
        assignment.run(call, by=officer)    # today: the run is the officer's latest step
        builder.progress(1)
        builder.created += 1


def _call(builder, programme, officer, officer2) -> Call:
    timeline = _timeline(-45, -6)
    d01 = builder.domains["D01"]
    content = CallContent(
        values={"programme": programme, "title_zh": SECOND_CALL_TITLE,
                "title_en": "2026 second batch: community health services", "description":
                "在第一批示范的基础上，继续支持社区卫生服务、家庭医生签约和居家养老健康服务适宜技术的集成与示范应用"
                "（第六条）。",
                "funding_mode": FundingMode.objects.get(code="demonstration"),
                "support_type": SupportType.objects.get(code="competitive"), "budget": Decimal(1000) * WAN,
                "max_grant": Decimal(150) * WAN, "cofunding_ratio": Decimal(20), "reviewers_per_proposal": REVIEWERS,
                **timeline},
        domains=[d01], focus_directions=list(d01.focus_directions.all()[:3]),
        co_owners=list(Department.objects.filter(code="health")),
        topics=[{"title": "社区健康与居家养老服务适宜技术示范",
                 "description": "家庭医生签约、慢病随访、居家康复与照护服务。", "problems": []}],
        criteria=_criteria(), rules=_rules(RULES[:3]))
    return publish_past_call(content, by=officer, approver=officer2, at=timeline["opens_at"] - timedelta(days=20))


def _formal_check(call, officer, rng) -> None:
    """The day after the close the officer returns one application for correction and rejects another; two days
    later the others pass (any failed rule passed over with a written reason)."""
    at = call.closes_at + timedelta(days=1)
    with clock.reading(at):
        check_services.start_check(call, by=officer)
        waiting = list(Application.objects.filter(call=call, state=Application.State.IN_CHECK).order_by("number"))
        turned_down = sorted(rng.sample(waiting, min(TURNED_DOWN, max(len(waiting) - 1, 0))), key=lambda a: a.number)
        for index, application in enumerate(turned_down):
            _return_or_reject(application, officer, index, at + timedelta(days=CORRECTION_DAYS), rng)
    _check(call, officer)
