"""Demo formal check (形式审查) of the closed demo call: the officer starts the check for the applications the
"applications" part submitted, then decides, so that the call shows applications passed, returned for correction
(with a deadline), rejected, one passed with a written override of a failed rule, and a few still in the check.
Idempotent: a call that already has decisions is left as it is. No mail is sent for demo decisions."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model

from minsheng.applications.models import Application
from minsheng.checks import queries as check_queries
from minsheng.checks import services as check_services
from minsheng.checks.models import CheckDecision
from minsheng.core import clock
from minsheng.demo.builder import SEED
from minsheng.demo.calls import closed_call

STEPS = 2
State = Application.State

RETURN_REASONS = ["请补充合作单位盖章的合作协议，并核对预算中自筹资金的来源说明。",
                  "预算表中设备费超出指南规定比例，请调整后重新提交。",
                  "项目负责人承诺书未签字，请补充后重新提交。"]
REJECT_REASONS = ["申报内容不属于本指南支持的方向。",
                  "申报单位在限制申报期内，不符合申报条件。",
                  "同一单位在本指南下的申报数量超过规定。"]
OVERRIDE_REASON = "申报单位已补交发明专利授权证书（授权公告日早于申报截止日），经核实符合要求。"


def build(builder) -> None:
    rng = random.Random(SEED + 60)
    call = closed_call()
    officer = get_user_model().objects.filter(username="officer").first()
    if call is None or officer is None or CheckDecision.objects.filter(application__call=call).exists():
        builder.progress(STEPS)
        return
    check_services.start_check(call, by=officer)
    builder.progress(1)
    applications = list(Application.objects.filter(call=call, state=State.IN_CHECK).order_by("number"))
    if not applications:
        builder.progress(1)
        return
    deadline = clock.now() + timedelta(days=7)
    # a few stay in the check, undecided; of the rest, those meeting every rule pass, the first with a failed
    # rule passes over it with a written reason, the others with failed rules are returned (two in three, with
    # a deadline) or rejected; a call whose applications all meet the rules still shows one of each
    waiting = max(1, len(applications) // 6) if len(applications) > 3 else 0
    decided = applications[:len(applications) - waiting]
    any_failed = any(_failed(a) for a in decided)
    overridden, turned_down = False, 0
    for index, application in enumerate(decided):
        failed = _failed(application)
        if failed and not overridden:
            check_services.decide(application, by=officer, decision="pass",
                                  overrides={r.pk: OVERRIDE_REASON for r in failed})
            overridden = True
        elif failed or (not any_failed and index in (1, 2)):   # a missing document, found by reading
            _return_or_reject(application, officer, turned_down, deadline, rng)
            turned_down += 1
        else:
            check_services.decide(application, by=officer, decision="pass")
    builder.progress(1)


def _failed(application):
    return [r for r in check_queries.application_results(application) if not r.passed and not r.overridden_by_id]


def _return_or_reject(application, officer, index, deadline, rng):
    if index % 3 != 1:      # returned, rejected, returned, ...: two in three are returned with a deadline
        check_services.decide(application, by=officer, decision="return", reason=rng.choice(RETURN_REASONS),
                              deadline=deadline)
    else:
        check_services.decide(application, by=officer, decision="reject", reason=rng.choice(REJECT_REASONS))
