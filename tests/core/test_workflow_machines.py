"""Property-based state-machine tests of every transition table (core/workflow.py, each app's states.py).

Hypothesis drives one fresh object per example through random sequences of named steps, taken by the platform
(SYSTEM, which holds every permission) and by nobody (no actor, which holds none). After every step:

- the object is in a state the table allows it to reach from its first state, never another;
- a step the table allows from the current state moved it to the step's target and left exactly one audit event;
- a step the table does not allow, or one without permission, changed nothing and left no event;
- each step's permission (`<prefix>.<step>`, what pages ask) holds exactly when the step may start.
"""

from decimal import Decimal

import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from minsheng.applications import states as application_states
from minsheng.calls import states as call_states
from minsheng.calls.models import Call
from minsheng.contracts import states as contract_states
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core import audit, workflow
from minsheng.core.permissions import SYSTEM
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused, Workflow
from minsheng.funding import states as funding_states
from minsheng.funding.models import FundingPlan, Objection
from minsheng.outcomes import states as outcome_states
from minsheng.outcomes.models import Achievement, Transfer
from minsheng.problems import states as problem_states
from minsheng.problems.models import Problem
from minsheng.problems.services import make_tracking_code
from minsheng.projects import states as project_report_states
from minsheng.projects.models import Acceptance, ChangeRequest, ProgressReport, Termination
from minsheng.registry import states as registry_states
from minsheng.registry.models import Organisation
from minsheng.review import states as review_states
from minsheng.review.models import Assignment, ExpertProfile, Panel, Review
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.factories.review import ExpertProfileFactory

pytestmark = pytest.mark.django_db
BOUNDED = settings(max_examples=8, stateful_step_count=15, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def reachable(table: Workflow, start: str) -> set[str]:
    """The states the table can lead to from `start` (start included)."""
    seen, frontier = {start}, [start]
    while frontier:
        state = frontier.pop()
        for transition in table:
            if state in transition.sources and transition.target not in seen:
                seen.add(transition.target)
                frontier.append(transition.target)
    return seen


def run_machine(table: Workflow, make):
    """Run the state machine of `table` over objects made by `make()` (a fresh one per example)."""

    class Machine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.obj = make()
            self.start = getattr(self.obj, table.field)
            self.allowed_states = reachable(table, self.start)

        def events(self) -> int:
            return audit.history_for(self.obj).count()

        def fresh_state(self) -> str:
            return type(self.obj).objects.values_list(table.field, flat=True).get(pk=self.obj.pk)

        @rule(name=st.sampled_from(sorted(table.transitions)))
        def step_by_the_platform(self, name):
            before, events = self.fresh_state(), self.events()
            transition = table[name]
            if before in transition.sources:
                left = workflow.move(self.obj, name, by=SYSTEM, reason="property test")
                assert left == before
                assert self.fresh_state() == transition.target == getattr(self.obj, table.field)
                assert self.events() == events + 1
                event = audit.history_for(self.obj).order_by("-seq").first()
                assert event.action == table.action(name)
                assert (event.old[table.field], event.new[table.field]) == (before, transition.target)
                assert event.clause == transition.clause
            else:
                with pytest.raises(TransitionRefused):
                    workflow.move(self.obj, name, by=SYSTEM)
                assert self.fresh_state() == before
                assert self.events() == events

        @rule(name=st.sampled_from(sorted(table.transitions)))
        def step_by_nobody(self, name):
            before, events = self.fresh_state(), self.events()
            with pytest.raises((TransitionRefused, PermissionDenied)):
                workflow.move(self.obj, name, by=None)
            assert self.fresh_state() == before
            assert self.events() == events

        @rule(name=st.text(min_size=1, max_size=8).filter(lambda n: n not in table.transitions))
        def unknown_step(self, name):
            before, events = self.fresh_state(), self.events()
            with pytest.raises(TransitionRefused):
                workflow.move(self.obj, name, by=SYSTEM)
            assert (self.fresh_state(), self.events()) == (before, events)

        @invariant()
        def only_states_the_table_allows(self):
            assert self.fresh_state() in self.allowed_states

        @invariant()
        def each_steps_permission_follows_the_state(self):
            """The rules permission `<prefix>.<step>` (what pages ask for their buttons) holds exactly when the
            table lets the step start from the state now; nobody holds it."""
            self.obj.refresh_from_db()
            for name, transition in table.transitions.items():
                assert rules.has_perm(table.action(name), SYSTEM, self.obj) == (
                    getattr(self.obj, table.field) in transition.sources)
                assert not rules.has_perm(table.action(name), None, self.obj)

    run_state_machine_as_test(Machine, settings=BOUNDED)


def test_application_table():
    run_machine(application_states.WORKFLOW, lambda: ApplicationFactory())


def test_funding_plan_table():
    run_machine(funding_states.WORKFLOW, lambda: FundingPlan.objects.create(call=CallFactory()))


def test_task_book_table():
    project = approved_project()
    officer = user_for_role(Role.OFFICER)

    def make():
        # one version at a time is open: earlier examples' versions are closed before the next is issued
        TaskBook.objects.filter(project=project).update(state=TaskBook.State.SUPERSEDED)
        number = TaskBook.objects.filter(project=project).count() + 1
        return TaskBook.objects.create(project=project, number=number, title=project.title, grant=project.grant,
                                       ip_clause="IP", data_clause="data", issued_by=officer,
                                       issued_at=timezone.now())

    run_machine(contract_states.BOOK, make)


def test_tranche_table():
    project = approved_project()
    officer = user_for_role(Role.OFFICER)
    book = TaskBook.objects.create(project=project, title=project.title, grant=project.grant, ip_clause="IP",
                                   data_clause="data", issued_by=officer, issued_at=timezone.now())

    def make():
        order = Tranche.objects.filter(project=project).count() + 1
        return Tranche.objects.create(project=project, task_book=book, order=order, condition="signing", percent=1,
                                      amount=Decimal("100.00"))

    run_machine(contract_states.TRANCHE, make)


def test_expert_profile_table():
    run_machine(review_states.EXPERT, lambda: ExpertProfileFactory(state=ExpertProfile.State.INVITED))


def test_assignment_table():
    application = ApplicationFactory()     # one application, a new expert per example (a pair is unique)
    run_machine(review_states.ASSIGNMENT, lambda: Assignment.objects.create(application=application,
                                                                            expert=ExpertProfileFactory()))


def test_review_table():
    application = ApplicationFactory()

    def make():
        pair = Assignment.objects.create(application=application, expert=ExpertProfileFactory(),
                                         state=Assignment.State.ACCEPTED)
        return Review.objects.create(assignment=pair)

    run_machine(review_states.REVIEW, make)


def test_panel_table():
    run_machine(review_states.PANEL, lambda: Panel.objects.create(call=CallFactory(), convened_at=timezone.now()))


def test_call_table():
    run_machine(call_states.WORKFLOW, lambda: CallFactory(state=Call.State.DRAFT))


def test_organisation_table():
    run_machine(registry_states.WORKFLOW, lambda: OrganisationFactory(state=Organisation.State.PENDING))


def test_objection_table():
    plan = FundingPlan.objects.create(call=CallFactory(), state=FundingPlan.State.NOTICE)
    run_machine(funding_states.OBJECTION, lambda: Objection.objects.create(
        plan=plan, contact="0755-12345678", text="property test", lodged_at=timezone.now()))


def test_project_table():
    run_machine(funding_states.PROJECT, lambda: approved_project())


def test_problem_table():
    run_machine(problem_states.WORKFLOW, lambda: Problem.objects.create(
        tracking_code=make_tracking_code(), title="老旧小区加装电梯难", description="老人上下楼困难。"))


def test_progress_report_table():
    project = approved_project()
    officer = user_for_role(Role.OFFICER)
    book = TaskBook.objects.create(project=project, title=project.title, grant=project.grant, ip_clause="IP",
                                   data_clause="data", issued_by=officer, issued_at=timezone.now())

    def make():
        period = ProgressReport.objects.filter(project=project).count() + 1
        return ProgressReport.objects.create(project=project, task_book=book, period=period,
                                             period_ends_on=timezone.localdate(), due_on=timezone.localdate())

    run_machine(project_report_states.REPORT, make)


def test_change_request_table():
    officer = user_for_role(Role.OFFICER)

    def make():     # one waits at a time per project: a project per example
        project = approved_project()
        applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
        book = TaskBook.objects.create(project=project, title=project.title, grant=project.grant, ip_clause="IP",
                                       data_clause="data", issued_by=officer, issued_at=timezone.now())
        return ChangeRequest.objects.create(project=project, task_book=book, kind=ChangeRequest.Kind.EXTENSION,
                                            proposal={"from": "2028-12-31", "ends_on": "2029-06-30"},
                                            reason="临床试验延期", clause="M17", requested_by=applicant,
                                            requested_at=timezone.now(), comments="理由")

    run_machine(project_report_states.CHANGE, make)


def test_acceptance_table():
    officer = user_for_role(Role.OFFICER)

    def make():
        # one acceptance per project; the texts a closing or a failure needs are there from the start
        project = approved_project()
        book = TaskBook.objects.create(project=project, title=project.title, grant=project.grant, ip_clause="IP",
                                       data_clause="data", issued_by=officer, issued_at=timezone.now())
        return Acceptance.objects.create(project=project, task_book=book, summary="完成", applied_by=officer,
                                         applied_at=timezone.now(), conditions="补齐指标", verdict_reason="未完成")

    run_machine(project_report_states.ACCEPTANCE, make)


def test_achievement_table():
    project = approved_project()

    def make():
        achievement = Achievement.objects.create(organisation=project.organisation, kind="paper", title="论文",
                                                 achieved_on=timezone.localdate(), identifier="10.1000/xyz123")
        achievement.projects.set([project])
        return achievement

    run_machine(outcome_states.ACHIEVEMENT, make)


def test_demonstration_site_table():
    from minsheng.outcomes.models import DemonstrationSite
    from minsheng.policy.models import District

    project = approved_project()

    def make():
        site = DemonstrationSite.objects.create(
            organisation=project.organisation, kind="community", name="社区中心", address="某路1号",
            district=District.objects.order_by("order").first(), since=timezone.localdate(),
            link="https://example.org/letter")
        site.projects.set([project])
        return site

    run_machine(outcome_states.SITE, make)


def test_transfer_table():
    project = approved_project()
    achievement = Achievement.objects.create(organisation=project.organisation, kind="standard", title="标准",
                                             achieved_on=timezone.localdate(), identifier="GB/T 12345-2023")
    achievement.projects.set([project])

    def make():
        transfer = Transfer.objects.create(organisation=project.organisation, kind="licence", title="许可合同",
                                           counterparty_name="某公司", counterparty_kind="enterprise",
                                           value=Decimal("100000"), contract_on=timezone.localdate())
        transfer.achievements.set([achievement])
        return transfer

    run_machine(outcome_states.TRANSFER, make)


def test_ip_lapse_table():
    from tests.factories.outcomes import IPAssetFactory

    run_machine(outcome_states.LAPSE, lambda: IPAssetFactory())


def test_termination_table():
    def make():
        return Termination.objects.create(project=approved_project(), state=Termination.State.REQUESTED,
                                          grounds=Termination.Grounds.REQUEST, reason="property test")

    run_machine(project_report_states.TERMINATION, make)


def test_every_table_is_tested_here():
    """A new table in some app's states.py needs its machine in this file."""
    tested = {application_states.WORKFLOW, funding_states.WORKFLOW, contract_states.BOOK, contract_states.TRANCHE,
              review_states.EXPERT, review_states.ASSIGNMENT, review_states.REVIEW, review_states.PANEL,
              call_states.WORKFLOW, registry_states.WORKFLOW, funding_states.OBJECTION, funding_states.PROJECT,
              problem_states.WORKFLOW, project_report_states.REPORT, project_report_states.CHANGE,
              project_report_states.ACCEPTANCE, project_report_states.TERMINATION, outcome_states.ACHIEVEMENT,
              outcome_states.LAPSE, outcome_states.SITE, outcome_states.TRANSFER}
    assert set(workflow.registered()) == tested


def test_tables_name_known_states_permissions_and_clauses():
    import rules

    for table in workflow.registered():
        states = {value for value, _label in table.model._meta.get_field(table.field).flatchoices}
        assert table.states() <= states, table.prefix
        for transition in table:
            assert rules.perm_exists(transition.permission), transition.permission
            assert transition.clause == "" or (transition.clause[0] == "M" and 1 <= int(transition.clause[1:]) <= 24)

