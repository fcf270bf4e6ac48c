"""A call in review: passed applications, active experts with their accounts, a rubric, an officer."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from minsheng.applications.models import Application
from minsheng.core.roles import Role
from minsheng.review.models import Assignment, Review
from tests.factories import PersonFactory, UserFactory
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory, CriterionFactory
from tests.factories.review import ExpertProfileFactory, expert_user

EXPERT_NAMES = ["欧阳评审", "司马审阅", "诸葛专家", "上官鉴定", "慕容学者", "东方教授", "皇甫研究", "令狐顾问"]


@dataclass
class ReviewWorld:
    call: object
    applications: list
    experts: list
    users: dict = field(default_factory=dict)     # expert pk -> user
    officer: object = None
    criteria: list = field(default_factory=list)


def review_world(n_applications=3, n_experts=4, k=2, max_load=10) -> ReviewWorld:
    now = timezone.now()
    call = CallFactory(closes_at=now - timedelta(days=3), opens_at=now - timedelta(days=40),
                       review_ends_at=now + timedelta(days=20), reviewers_per_proposal=k)
    criteria = [CriterionFactory(call=call, name_zh="创新性", weight=Decimal("60"), scale_min=0, scale_max=10),
                CriterionFactory(call=call, name_zh="可行性", weight=Decimal("40"), scale_min=0, scale_max=10)]
    applications = [ApplicationFactory(call=call, state=Application.State.PASSED, submitted_at=now,
                                       keywords="慢病管理, 远程医疗") for _ in range(n_applications)]
    experts, users = [], {}
    for i in range(n_experts):
        expert = ExpertProfileFactory(person=PersonFactory(name=EXPERT_NAMES[i % len(EXPERT_NAMES)] + str(i),
                                                           in_expert_pool=True), max_load=max_load)
        experts.append(expert)
        users[expert.pk] = expert_user(expert)
    return ReviewWorld(call, applications, experts, users, UserFactory(role=Role.OFFICER), criteria)


def accepted(application, expert) -> Assignment:
    return Assignment.objects.create(application=application, expert=expert, state=Assignment.State.ACCEPTED,
                                     due_at=application.call.review_ends_at)


def submitted_review(assignment, scores: dict, recommendation="fund") -> Review:
    assignment.state = Assignment.State.COMPLETED
    assignment.save(update_fields=["state"])
    return Review.objects.create(assignment=assignment, state=Review.State.SUBMITTED, scores=scores,
                                 recommendation=recommendation, comments="意见", submitted_at=timezone.now())
