"""Demo review panel (会评, M17) of the closed call: the officer convenes it with five members (the demo expert
among them, so a visitor signed in as `expert` finds it in the workspace), opens the session, members vote on the
applications they may see, some adjusting a score with a reason, and the minutes so far are recorded. The panel
is left in session, not frozen, so a visitor can vote and freeze it. Idempotent: nothing is done when the call
already has a panel."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from minsheng.core import clock
from minsheng.core.permissions import SYSTEM
from minsheng.demo.builder import SEED
from minsheng.demo.calls import closed_call
from minsheng.review import panel as service
from minsheng.review import queries
from minsheng.review.models import Panel, PanelMember

STEPS = 3
MEMBERS = 5
VOTED = 4              # of the five, the first four have voted; the demo expert's votes are left to the visitor
REASONS_UP = ["示范场景明确、受益人群广，会上讨论认为函评分数偏低。", "补充说明了数据安全方案，可行性高于函评判断。"]
REASONS_DOWN = ["预算中设备费占比过高，会上讨论认为应下调。", "绩效指标难以考核，建议列入备选。"]
MINUTES = ("会议评审于市科技部门第一会议室召开，五位评审专家出席，项目主管主持。\n"
           "一、项目主管介绍函评结果及排序规则；\n"
           "二、专家逐项讨论函评意见，存在利益冲突的专家对相关项目回避；\n"
           "三、专家投票并对个别项目调整分数，均已说明理由。\n"
           "（会议进行中，待全部投票后定稿排名。）")


def build(builder) -> None:
    rng = random.Random(SEED + 80)
    call = closed_call()
    User = get_user_model()
    officer = User.objects.filter(username="officer").first()
    if (call is None or officer is None or Panel.objects.filter(call=call).exists()
            or not service.ranked_rows(call)):
        builder.progress(STEPS)
        return
    demo_person = User.objects.filter(username="expert").values_list("person_id", flat=True).first()
    experts = list(queries.active_experts())
    chosen = [e for e in experts if e.person_id == demo_person][:1]
    others = [e for e in experts if e.person_id != demo_person]
    chosen += rng.sample(others, min(MEMBERS - len(chosen), len(others)))
    with transaction.atomic():
        panel = service.convene(call, by=officer, meets_at=clock.now() + timedelta(days=1))
        for expert in chosen:
            service.add_member(panel, expert, by=officer)
        service.open_session(panel, by=officer)
        builder.progress(1)
        _vote(panel, demo_person, rng)
        builder.progress(1)
        service.record_minutes(panel, by=officer, minutes=MINUTES)
        builder.progress(1)


def _vote(panel, demo_person, rng) -> None:
    rows = service.ranked_rows(panel.call)
    members = [m for m in PanelMember.objects.filter(panel=panel).select_related("expert__person")
               if m.expert.person_id != demo_person][:VOTED]
    for member in members:
        for row in service.visible_applications(member, rows):
            merit = row.result.normalised_mean
            verdict = service.written_verdict(row.reviews)
            roll = rng.random()
            choice = (verdict or "reserve") if roll < 0.7 else "reserve"
            score, reason = None, ""
            if roll > 0.85:
                score = f"{min(max(merit + rng.uniform(3, 8), 0), 100):.2f}"
                choice, reason = "fund", rng.choice(REASONS_UP)
            elif roll < 0.1:
                score = f"{min(max(merit - rng.uniform(3, 8), 0), 100):.2f}"
                reason = rng.choice(REASONS_DOWN)
            service.vote(panel, by=SYSTEM, member=member, application=row.application, choice=choice,
                         adjusted_score=score, reason=reason)
