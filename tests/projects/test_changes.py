"""Change requests (项目变更, M17/M20): each kind's rule, four eyes, the new task-book version an approval starts,
and the bad input refused with a clear message and nothing written."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook
from minsheng.core import audit, clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.projects import changes, queries, services
from minsheng.projects.models import ChangeRequest
from tests.contracts.helpers import first_paid
from tests.factories import PersonFactory, user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.projects.conftest import moment
from tests.projects.test_services import submit

pytestmark = pytest.mark.django_db
State, Kind = ChangeRequest.State, ChangeRequest.Kind


@contextmanager
def refused(code: str):
    before = (ChangeRequest.objects.count(), TaskBook.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        yield
    assert caught.value.code == code, caught.value.messages
    assert (ChangeRequest.objects.count(), TaskBook.objects.count(), AuditEvent.objects.count()) == before


def budget(project, applicant, amount="100000", source="equipment", target="labour", reason="设备采购价格下降"):
    return services.request_change(project, by=applicant, kind=Kind.BUDGET, reason=reason,
                                   proposal={"from": source, "to": target, "amount": amount})


def lines(book) -> dict:
    return {line.category: line.amount for line in book.budget_lines.all()}


def test_a_small_budget_move_is_approved_by_one_officer_into_a_new_version(project, applicant, officer):
    change = budget(project, applicant)
    assert change.state == State.SUBMITTED and not change.needs_second and change.clause == "M20"
    assert change.proposal["share"] == "10.0"
    services.approve_change(change, by=officer, comments="同意")
    assert change.state == State.APPROVED and change.decided_by == officer
    new = change.result_book
    assert new.number == 2 and new.state == TaskBook.State.DRAFT
    assert lines(new) == {"equipment": Decimal("900000"), "labour": Decimal("1100000")}
    assert sum(lines(new).values()) == sum(lines(change.task_book).values())
    assert f"#{change.pk}" not in new.change_reason and str(change.pk) in new.change_reason
    # the signed version holds until the new one is confirmed and countersigned, as every version
    assert queries.signed_book(project).number == 1
    contracts.confirm(new, revision=new.revision, by=applicant)
    contracts.countersign(new, by=officer)
    assert queries.signed_book(project).pk == new.pk
    assert TaskBook.objects.get(project=project, number=1).state == TaskBook.State.SUPERSEDED
    actions = list(audit.history_for(change).order_by("seq").values_list("action", flat=True))
    assert actions == ["projects.changerequest.submit", "projects.changerequest.approve"]
    revise = audit.history_for(new).get(action="contracts.taskbook.revise")
    assert revise.new["amendment"] == {"budget": {"equipment": "900000.00", "labour": "1100000.00"}}


def test_a_larger_budget_move_needs_a_second_officer_never_the_same(project, applicant, officer):
    change = budget(project, applicant, amount="100000.01")
    assert change.needs_second
    services.approve_change(change, by=officer)
    assert change.state == State.ENDORSED and change.endorsed_by == officer and change.result_book is None
    with pytest.raises(TransitionRefused) as caught:
        services.approve_change(change, by=officer)
    assert caught.value.code == "four_eyes"
    assert ChangeRequest.objects.get(pk=change.pk).state == State.ENDORSED
    second = user_for_role(Role.OFFICER)
    services.approve_change(change, by=second)
    assert change.state == State.APPROVED and change.decided_by == second and change.result_book.number == 2


def test_a_budget_move_may_not_leave_a_category_below_what_it_spent(officer):
    project = approved_project(call=CallFactory(report_every_months=6))
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    first_paid(project, officer, applicant)
    contracts.record_expenditure(project, by=applicant, category="equipment", amount=Decimal("350000"),
                                 spent_on=timezone.localdate(), description="服务器")
    project.refresh_from_db()
    with refused("overspent"):
        budget(project, applicant, amount="650000.01")
    change = budget(project, applicant, amount="650000")        # exactly down to what was spent: allowed
    # money spent after the request counts at the decision: nothing is approved, nothing is written
    contracts.record_expenditure(project, by=applicant, category="equipment", amount=Decimal("1"),
                                 spent_on=timezone.localdate(), description="线缆")
    with refused("overspent"):
        services.approve_change(change, by=officer)
    assert ChangeRequest.objects.get(pk=change.pk).state == State.SUBMITTED


@pytest.mark.parametrize(("proposal", "code"), [
    ({"from": "equipment", "to": "equipment", "amount": "1"}, "same"),
    ({"from": "travel", "to": "labour", "amount": "1"}, "category"),
    ({"from": "equipment", "to": "nonsense", "amount": "1"}, "category"),
    ({"from": "equipment", "to": "labour", "amount": "0"}, "amount"),
    ({"from": "equipment", "to": "labour", "amount": "1000000.01"}, "over_budget"),
])
def test_bad_budget_moves_are_refused(project, applicant, proposal, code):
    with refused(code):
        services.request_change(project, by=applicant, kind=Kind.BUDGET, proposal=proposal, reason="调整")


def test_a_move_into_a_new_category_adds_its_line(project, applicant, officer):
    change = budget(project, applicant, amount="50000", target="travel")
    services.approve_change(change, by=officer)
    assert lines(change.result_book)["travel"] == Decimal("50000")


def extension(project, applicant, ends_on):
    return services.request_change(project, by=applicant, kind=Kind.EXTENSION, reason="临床试验延期",
                                   proposal={"ends_on": ends_on})


def test_an_extension_at_most_twelve_months_and_once(project, applicant, officer):
    with refused("too_long"):
        extension(project, applicant, "2030-01-01")
    with refused("earlier"):
        extension(project, applicant, "2028-12-31")
    with refused("date"):
        extension(project, applicant, "not a date")
    change = extension(project, applicant, "2029-12-31")
    assert change.clause == "M17" and not change.needs_second
    services.approve_change(change, by=officer)
    new = change.result_book
    assert new.ends_on == date(2029, 12, 31)
    contracts.confirm(new, revision=new.revision, by=applicant)
    contracts.countersign(new, by=officer)
    with refused("extended"):
        extension(project, applicant, "2030-06-30")


def test_an_extension_lands_after_today(project, applicant):
    with clock.reading(moment(2029, 6, 1)), refused("past"):
        extension(project, applicant, "2029-05-31")


def test_an_indicator_change_needs_two_officers_and_never_goes_below_delivered(project, applicant, officer):
    submit(project, applicant)    # the first report says 1 patent delivered
    with refused("below_delivered"):
        services.request_change(project, by=applicant, kind=Kind.INDICATOR, reason="市场变化",
                                proposal={"code": "patents", "target": "0.5"})
    with refused("same"):
        services.request_change(project, by=applicant, kind=Kind.INDICATOR, reason="市场变化",
                                proposal={"code": "patents", "target": "2"})
    change = services.request_change(project, by=applicant, kind=Kind.INDICATOR, reason="市场变化",
                                     proposal={"code": "patents", "target": "1"})
    assert change.needs_second
    services.approve_change(change, by=officer)
    services.approve_change(change, by=user_for_role(Role.OFFICER))
    assert change.result_book.indicators.get(code="patents").target == Decimal("1")


def test_the_team_newcomer_comes_from_the_organisations_registry(project, applicant, officer):
    lead = queries.signed_book(project).team[0]["name"]
    stranger = PersonFactory(name="外单位人员")
    with refused("organisation"):
        services.request_change(project, by=applicant, kind=Kind.TEAM, reason="调动",
                                proposal={"replace": lead, "person": stranger.pk})
    with refused("member"):
        services.request_change(project, by=applicant, kind=Kind.TEAM, reason="调动",
                                proposal={"replace": "无此人", "person": stranger.pk})
    newcomer = PersonFactory(name="王新", organisation=project.organisation)
    change = services.request_change(project, by=applicant, kind=Kind.TEAM, reason="原负责人调离",
                                     proposal={"replace": lead, "person": newcomer.pk})
    assert change.needs_second and change.proposal["role"] == changes.lead_role()
    services.approve_change(change, by=officer)
    services.approve_change(change, by=user_for_role(Role.OFFICER))
    assert change.result_book.team[0]["name"] == "王新"


def test_a_rejection_keeps_its_reason_and_one_change_waits_at_a_time(project, applicant, officer):
    change = extension(project, applicant, "2029-06-30")
    with refused("open"):
        budget(project, applicant)
    with refused("reason"):
        services.reject_change(change, by=officer, reason="  ")
    services.reject_change(change, by=officer, reason="延期理由不充分")
    assert change.state == State.REJECTED and change.comments == "延期理由不充分" and change.result_book is None
    assert audit.history_for(change).get(action="projects.changerequest.reject").reason == "延期理由不充分"
    with pytest.raises(TransitionRefused):
        services.approve_change(change, by=officer)
    budget(project, applicant)    # the rejected one no longer blocks


def test_the_applicant_withdraws_and_others_may_not_request(project, applicant, officer):
    with refused("reason"):
        budget(project, applicant, reason="")
    change = budget(project, applicant)
    with pytest.raises(PermissionDenied):
        budget(project, officer)
    other = user_for_role(Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        services.withdraw_change(change, by=other)
    services.withdraw_change(change, by=applicant)
    assert change.state == State.WITHDRAWN
    with pytest.raises(PermissionDenied):
        services.approve_change(budget(project, applicant), by=applicant)


def test_no_request_and_no_approval_while_a_new_version_is_open(project, applicant, officer):
    change = budget(project, applicant)
    contracts.revise(queries.signed_book(project), by=officer, reason="官方修订")
    with refused("open"):
        services.approve_change(change, by=officer)
    assert ChangeRequest.objects.get(pk=change.pk).state == State.SUBMITTED
    services.withdraw_change(change, by=applicant)
    with refused("open_version"):
        budget(project, applicant)


def test_the_rules_table_names_a_clause_for_every_kind():
    assert set(changes.RULES) == set(Kind.values)
    assert all(rule.clause in {"M17", "M20", "M22"} for rule in changes.RULES.values())
    assert changes.add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)


def test_a_partner_from_the_registry_takes_anothers_place(officer):
    from minsheng.applications.models import ApplicationPartner
    from tests.contracts.helpers import under_way
    from tests.factories import PartnerFactory

    project = approved_project(call=CallFactory(report_every_months=6))
    leaving = PartnerFactory(name_zh="香港某大学")
    ApplicationPartner.objects.create(application=project.application, partner=leaving, contribution="算法")
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    under_way(project, officer, applicant)
    project.refresh_from_db()
    assert [p["name"] for p in queries.signed_book(project).partners] == ["香港某大学"]
    joining = PartnerFactory(name_zh="澳门某研究院")
    with refused("empty"):
        services.request_change(project, by=applicant, kind=Kind.PARTNER, reason="合作调整", proposal={})
    with refused("partner"):
        services.request_change(project, by=applicant, kind=Kind.PARTNER, reason="合作调整",
                                proposal={"remove": joining.pk})
    with refused("registry"):
        services.request_change(project, by=applicant, kind=Kind.PARTNER, reason="合作调整",
                                proposal={"add": 999999})
    change = services.request_change(project, by=applicant, kind=Kind.PARTNER, reason="原合作方退出",
                                     proposal={"remove": leaving.pk, "add": joining.pk, "contribution": "临床验证"})
    assert change.clause == "M22" and not change.needs_second
    assert "澳门某研究院" in changes.describe(change)
    services.approve_change(change, by=officer)
    new = change.result_book
    assert [(p["name"], p["contribution"]) for p in new.partners] == [("澳门某研究院", "临床验证")]
    contracts.confirm(new, revision=new.revision, by=applicant)
    contracts.countersign(new, by=officer)   # the PDF carries the partners
    new.refresh_from_db()
    assert new.pdf and new.state == TaskBook.State.SIGNED


def test_the_trail_reads_in_words(project, applicant, officer):
    """The request's and the new version's events read without raw keys, codes or amounts in yuan."""
    import re

    from django.utils import translation

    from minsheng.core import readable

    indicator = services.request_change(project, by=applicant, kind=Kind.EXTENSION, reason="延期",
                                        proposal={"ends_on": "2029-06-30"})
    services.reject_change(indicator, by=officer, reason="不同意")
    change = budget(project, applicant, amount="200000")
    services.approve_change(change, by=officer)
    services.approve_change(change, by=user_for_role(Role.OFFICER))
    events = [*audit.history_for(change).order_by("seq"), *audit.history_for(change.result_book).order_by("seq"),
              *audit.history_for(indicator).order_by("seq")]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text = " ".join(" ".join([r.summary, *r.sentences,
                                      *(f"{c.label} {c.old or ''} {c.new}" for c in r.changes)])
                            for r in readable.read(events))
        assert "20 万元" in text or "20.00 万元" in text, text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b|\b\d{6,}\.\d\d\b", text), text
