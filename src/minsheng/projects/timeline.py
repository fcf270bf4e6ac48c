"""A project's whole life as one timeline (M17): from the problem it answers and the call, through its application,
formal check, review, ranking and funding decision, to its task book versions, tranches, expenditures, progress
reports, mid-term check and whatever later stages record about it (changes, acceptance, termination, recovery,
achievements).

The entries are the audit trail's events (core.audit), so the timeline says exactly what the trail says, in the
reader's language (core.vocabulary). Which events belong to a project:

- every event on the project itself, and on every object of any model with a foreign key or one-to-one field named
  `project` to funding.Project, discovered from the app registry: a later stage's model joins the timeline as soon
  as it exists, with no change here;
- the events before the project: its application's, the problems its topic answers, its application's review
  assignments, reviews and panel votes, the objections to its plan line, and the public milestones of its call
  (published), panel (ranking frozen) and funding plan (proposed, put on notice, projects approved).

Who sees what (`audience`), one rule for the page and the tests:

- programme officers, auditors and administrators: every entry, with its actor, target and reason;
- the applicant (its organisation's project): everything of the project and of its own application, and the public
  milestones of the call, panel and plan without their actors; never a review assignment, a review, a panel vote or
  anything an expert did (experts' identities and individual scores stay with the programme office), never the
  problem's submitter;
- finance: the money (tranches, expenditures, funding lines, recoveries) and the project's state (its decision, its
  task book signed, its state moves), nothing of the application or its review.

Fixed cost: the project's ids are gathered in subqueries of one query on the trail, so the number of queries does
not grow with the events (tests/projects/test_timeline.py measures it).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.applications.models import Application
from minsheng.core import labels, vocabulary
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role, is_admin, is_applicant, is_auditor, is_finance, is_officer
from minsheng.funding.models import FundingPlan, Objection, Project
from minsheng.problems.models import Problem
from minsheng.review.models import Assignment, Panel, PanelVote, Review

ALL, APPLICANT, FINANCE = "all", "applicant", "finance"

# The stage an entry belongs to, from its target's app: what the page groups its badges by.
STAGES = {
    "origin": pgettext_lazy("timeline stage", "Problem and call"),
    "application": pgettext_lazy("timeline stage", "Application"),
    "review": pgettext_lazy("timeline stage", "Review"),
    "decision": pgettext_lazy("timeline stage", "Funding decision"),
    "contract": pgettext_lazy("timeline stage", "Task book"),
    "money": pgettext_lazy("timeline stage", "Money"),
    "execution": pgettext_lazy("timeline stage", "Execution"),
}
_STAGE_OF_APP = {"problems": "origin", "calls": "origin", "applications": "application", "review": "review",
                 "funding": "decision", "contracts": "contract"}

# The public milestones of the call, its panel and its plan: the only events of those shared objects that belong
# to one project's life (the rest are about the other applications of the call).
PUBLIC_MILESTONES = {
    "calls.call": {"calls.call.publish", "calls.call.withdraw"},
    "review.panel": {"review.panel.freeze"},
    "funding.fundingplan": {"funding.plan.approve", "funding.plan.decide"},
}
# What the programme office sees of those shared objects besides the public milestones.
OFFICE_MILESTONES = {
    "review.panel": {"review.panel.convene", "review.panel.open", "review.panel.minutes"},
    "funding.fundingplan": {"funding.plan.create", "funding.plan.propose", "funding.plan.confirm"},
}
# Never shown to the applicant: what identifies experts and their individual judgement (M09, M17).
REVIEW_TARGETS = {"review.assignment", "review.review", "review.panelvote"}
# Money, for finance: models by label. A later stage's model is money when its label says recovery (追回).
MONEY_TARGETS = {"contracts.tranche", "contracts.expenditure", "funding.projectfunding"}
# The project's state, for finance: its moves, its decision and the task book that starts it.
STATE_ACTIONS = {"funding.plan.decide", "contracts.taskbook.sign"}


def audience(user) -> str | None:
    """Which timeline the user reads: ALL, APPLICANT, FINANCE, or None (no timeline)."""
    if is_officer(user) or is_auditor(user) or is_admin(user):
        return ALL
    if is_finance(user):
        return FINANCE
    if is_applicant(user):
        return APPLICANT
    return None


@cache
def linked_models() -> tuple[type, ...]:
    """Every model with a `project` foreign key or one-to-one field to funding.Project."""
    found = []
    for model in apps.get_models():
        try:
            field = model._meta.get_field("project")
        except FieldDoesNotExist:
            continue
        if field.is_relation and (field.many_to_one or field.one_to_one) and field.related_model is Project:
            found.append(model)
    return tuple(sorted(found, key=lambda m: m._meta.label_lower))


def _is_money(label: str) -> bool:
    return label in MONEY_TARGETS or "recover" in label


def _ids(queryset):
    """The queryset's primary keys as text (the trail's target_id), for a subquery."""
    return queryset.order_by().annotate(_target=Cast("pk", output_field=CharField())).values("_target")


def _on(model_or_label, ids) -> Q:
    return Q(target_type__in=labels.labels_of(model_or_label), target_id__in=ids)


@dataclass
class Entry:
    when: datetime
    action: str
    label: str
    stage: str
    actor: str = ""
    target: str = ""
    reason: str = ""
    clause: str = ""
    late: bool = False

    @property
    def stage_label(self) -> str:
        return str(STAGES[self.stage])


def _scope(project: Project, application: Application) -> list[Q]:
    """Every event that may belong to the project's life (before the audience narrows it), one condition per
    kind of record, each on the trail's (target_type, target_id) index."""
    branches = [_on(Project, [str(project.pk)]), _on(Application, [str(application.pk)])]
    for model in linked_models():
        branches.append(_on(model, _ids(model.objects.filter(project=project))))
    if application.topic_id:
        branches.append(_on(Problem, _ids(Problem.objects.filter(topics=application.topic_id))))
    branches.append(_on(Assignment, _ids(Assignment.objects.filter(application=application))))
    branches.append(_on(Review, _ids(Review.objects.filter(assignment__application=application))))
    branches.append(_on(PanelVote, _ids(PanelVote.objects.filter(application=application))))
    branches.append(_on(Objection, _ids(Objection.objects.filter(line__application=application))))
    shared = {"calls.call": [str(project.call_id)],
              "review.panel": _ids(Panel.objects.filter(call=project.call_id)),
              "funding.fundingplan": _ids(FundingPlan.objects.filter(call=project.call_id))}
    for label, ids in shared.items():
        actions = PUBLIC_MILESTONES[label] | OFFICE_MILESTONES.get(label, set())
        branches.append(_on(label, ids) & Q(action__in=actions))
    return branches


def _events(project: Project, application: Application):
    """The project's events, oldest first. One query: the conditions are a UNION ALL of index lookups rather
    than one OR, which PostgreSQL answers by reading the whole trail in time order (271 ms of 200,000 events
    against 2 ms); the events themselves are then read by primary key."""
    lookups = [AuditEvent.objects.filter(branch).order_by().values("pk") for branch in _scope(project, application)]
    return (AuditEvent.objects.filter(pk__in=lookups[0].union(*lookups[1:], all=True)).select_related("actor")
            .order_by("created_at", "seq"))


def _shown(event: AuditEvent, target: str, reader: str) -> tuple[bool, bool]:
    """(whether the reader sees the event, whether it sees who did it and why)."""
    if reader == ALL:
        return True, True
    public = event.action in PUBLIC_MILESTONES.get(target, ())
    if reader == FINANCE:
        money = _is_money(target) or event.action.startswith("funding.project.") or event.action in STATE_ACTIONS
        return money, money and not public
    # the applicant
    if target in REVIEW_TARGETS or (target in OFFICE_MILESTONES and not public):
        return False, False
    if event.actor is not None and event.actor.role == Role.EXPERT:
        return False, False
    if target == "problems.problem":
        return event.action == "calls.problem.topic", False
    if target == "funding.objection":
        return False, False
    return True, not public


def _stage(target: str) -> str:
    if _is_money(target):
        return "money"
    if target == "funding.project":
        return "execution"
    return _STAGE_OF_APP.get(target.partition(".")[0], "execution")


def entries(project: Project, user, *, late_periods=()) -> list[Entry]:
    """The project's life as `user` may read it, oldest first. `late_periods` (queries.PeriodRow of late
    periods) add one entry each on their due date: a late report counts against the project (M17)."""
    reader = audience(user)
    if reader is None:
        return []
    application = project.application
    events = _events(project, application)
    found, decided = [], False
    for event in events:
        target = labels.current(event.target_type)
        visible, detailed = _shown(event, target, reader)
        decided = decided or event.action == "funding.plan.decide"
        if not visible:
            continue
        actor = ""
        if detailed and event.actor is not None:
            actor = event.actor.display_name or event.actor_label
        elif detailed:
            actor = event.actor_label
        found.append(Entry(
            when=event.created_at, action=event.action, label=vocabulary.action_text(event.action),
            stage=_stage(target), actor=actor, target=event.target_label if reader == ALL else "",
            reason=vocabulary.reason_text(event.reason) if detailed else "", clause=event.clause))
    if not decided:   # a project approved before the trail recorded the plan's decision still shows it
        found.append(Entry(when=project.approved_at, action="funding.plan.decide",
                           label=vocabulary.action_text("funding.plan.decide"), stage="decision", clause="M17"))
    if reader != FINANCE:
        for row in late_periods:
            due = timezone.make_aware(datetime.combine(row.period.due_on, datetime.max.time()))
            found.append(Entry(when=due, action="", label=str(_("Progress report for period %(n)s is late")
                                                                % {"n": row.period.number}),
                               stage="execution", clause="M17", late=True))
    found.sort(key=lambda entry: entry.when)
    return found
