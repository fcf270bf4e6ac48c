"""Demo formal check (形式审查) of the closed demo call: the officer starts the check for the applications the
"applications" part submitted, then decides, so that the call shows applications passed, returned for correction
(with a deadline), rejected, one passed with a written override of a failed rule, and a few still in the check.
Idempotent: a call that already has decisions is left as it is. No mail is sent for demo decisions."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from minsheng.applications import check_queries, check_services
from minsheng.applications.models import Application, CheckDecision
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
    deadline = timezone.now() + timedelta(days=7)
    failing = [a for a in applications if _failed(a)]
    clean = [a for a in applications if not _failed(a)]
    # one failed application is passed with an override; the others are returned or rejected in turn
    if failing:
        first = failing.pop(0)
        check_services.decide(first, by=officer, decision="pass", notify=False,
                              overrides={r.pk: OVERRIDE_REASON for r in _failed(first)})
    for index, application in enumerate(failing):
        _return_or_reject(application, officer, index, deadline, rng)
    # of the clean ones: most pass, one is returned for a missing document anyway, a few wait in the check
    waiting = max(1, len(clean) // 5) if len(clean) > 2 else 0
    for index, application in enumerate(clean[:len(clean) - waiting]):
        if index == 1 or (not failing and index == 2):
            _return_or_reject(application, officer, index - 1, deadline, rng)
        else:
            check_services.decide(application, by=officer, decision="pass", notify=False)
    builder.progress(1)


def _failed(application):
    return [r for r in check_queries.application_results(application) if not r.passed and not r.overridden_by_id]


def _return_or_reject(application, officer, index, deadline, rng):
    if index % 2 == 0:
        check_services.decide(application, by=officer, decision="return", reason=rng.choice(RETURN_REASONS),
                              deadline=deadline, notify=False)
    else:
        check_services.decide(application, by=officer, decision="reject", reason=rng.choice(REJECT_REASONS),
                              notify=False)
