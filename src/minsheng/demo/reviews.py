"""Demo review round (M17) of the closed demo call: the officer runs and publishes the assignment for the
applications that passed the formal check; most experts accept, some decline with a reason (each decline
re-solves that application, keeping everyone else), a few have not answered yet; reviews in every state: submitted
(with reviewers of different severity, so normalisation matters), drafts, and overdue ones past their deadline.
Idempotent: nothing is done when the call already has assignments."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from minsheng.core import clock
from minsheng.core.permissions import SYSTEM
from minsheng.demo.builder import SEED
from minsheng.demo.calls import closed_call
from minsheng.review import assignment, reviewing
from minsheng.review.models import Assignment

STEPS = 4
DECLINE_REASONS = ["评审期间出差，无法按时完成评审。", "与申报单位近期有合作洽谈，主动回避。",
                   "本人研究方向与该项目差距较大。"]
COMMENTS = ["技术路线清晰，示范场景明确，建议加强数据安全措施。", "创新性一般，预算中设备费偏高，建议压缩。",
            "团队基础扎实，绩效指标可考核，推广前景较好。", "需求分析不足，建议补充用户调研和对照数据。"]


def build(builder) -> None:
    rng = random.Random(SEED + 70)
    call = closed_call()
    officer = get_user_model().objects.filter(username="officer").first()
    if (call is None or officer is None or not call.criteria.exists() or not assignment.applications_of(call)
            or Assignment.objects.filter(application__call=call).exists()):
        builder.progress(STEPS)
        return
    with transaction.atomic():
        assignment.run(call, by=officer)
        builder.progress(1)
        assignment.publish(call, by=officer)
        builder.progress(1)
        _answer(call, rng)
        builder.progress(1)
        _review(call, rng, officer)
        builder.progress(1)


def _user(pair):
    """The expert's account; most demo experts have none, and the platform (SYSTEM) answers for them."""
    return get_user_model().objects.filter(person_id=pair.expert.person_id, role="expert").first() or SYSTEM


def _answer(call, rng) -> None:
    """Most accept; every seventh declines (a replacement is published at once); one stays unanswered."""
    demo_person = get_user_model().objects.filter(username="expert").values_list("person_id", flat=True).first()
    first = list(Assignment.objects.filter(application__call=call, state=Assignment.State.PUBLISHED)
                 .exclude(expert__person_id=demo_person).order_by("pk").values_list("pk", flat=True))
    unanswered = set(first[4:5])
    declining = set(first[2::7]) - unanswered
    for _round in range(4):
        pending = list(Assignment.objects.filter(application__call=call, state=Assignment.State.PUBLISHED)
                       .exclude(pk__in=unanswered).select_related("expert__person").order_by("pk"))
        if not pending:
            break
        for pair in pending:
            by = _user(pair)
            if pair.pk in declining:
                assignment.respond(pair, by=by, accept=False, reason=rng.choice(DECLINE_REASONS))
            else:
                assignment.respond(pair, by=by, accept=True)


def _review(call, rng, officer) -> None:
    """Submitted reviews from reviewers of different severity; some drafts; two overdue (deadline passed), of which
    the officer has already replaced the first (its pair expired, a replacement published) and not yet the other."""
    criteria = reviewing.criteria(call)
    quality = {}
    severity = {}
    demo_person = get_user_model().objects.filter(username="expert").values_list("person_id", flat=True).first()
    pairs = list(Assignment.objects.filter(application__call=call, state=Assignment.State.ACCEPTED)
                 .select_related("expert__person").order_by("pk"))
    demo_kept = 0
    for index, pair in enumerate(pairs):
        quality.setdefault(pair.application_id, rng.uniform(0.35, 0.9))
        severity.setdefault(pair.expert_id, rng.uniform(-0.15, 0.1))
        kind = {1: "overdue", 2: "draft", 3: "draft", 9: "overdue"}.get(len(pairs) - index, "submitted")
        if pair.expert.person_id == demo_person and demo_kept < 1:
            demo_kept += 1      # the demo expert still has one to write
            continue
        scores = {}
        for c in criteria:
            share = min(max(quality[pair.application_id] + severity[pair.expert_id] + rng.gauss(0, 0.08), 0), 1)
            scores[str(c.pk)] = float(round(c.scale_min + share * (c.scale_max - c.scale_min)))
        recommendation = ("fund" if quality[pair.application_id] > 0.7 else
                          "changes" if quality[pair.application_id] > 0.5 else "reject")
        if kind == "submitted":
            reviewing.save(pair, by=SYSTEM, scores=scores, comments=rng.choice(COMMENTS), recommendation=recommendation,
                           submit=True)
        elif kind == "draft":
            partial = dict(list(scores.items())[:max(1, len(scores) // 2)])
            reviewing.save(pair, by=SYSTEM, scores=partial, comments="", recommendation="", submit=False)
        else:
            # Overdue: the expert was given an earlier deadline (a replacement's week) that has now passed.
            Assignment.objects.filter(pk=pair.pk).update(due_at=clock.now() - timedelta(days=2))
            if not Assignment.objects.filter(application__call=call, state=Assignment.State.EXPIRED).exists():
                assignment.replace_overdue(call, by=officer)
