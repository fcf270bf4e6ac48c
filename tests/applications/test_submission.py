"""Submission: the deadline to the second by the server's clock, completeness, double submit, withdrawal,
resubmission of a returned application before its correction deadline, race-free numbers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.applications import services
from minsheng.applications.models import Application, RuleResult
from minsheng.core import audit, clock, workflow
from minsheng.core.models import AuditEvent
from minsheng.core.permissions import SYSTEM
from minsheng.core.workflow import TransitionRefused
from tests.factories.applications import complete_application
from tests.factories.calls import CallFactory, add_rule

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 23:59:59 Shanghai time, ten days from now
CLOSES = (datetime.now(SHANGHAI) + timedelta(days=10)).replace(hour=23, minute=59, second=59, microsecond=0)
CLOSES_TEXT = CLOSES.strftime("%Y-%m-%d 23:59:59")
# Queries of one submission over HTTP with four rules (48 measured: session, user, the rules' facts, the writes and
# two appends to the audit chain).
SUBMIT_QUERY_BUDGET = 50


def freeze(monkeypatch, at):
    monkeypatch.setattr(clock, "now", lambda: at)


@pytest.fixture
def closing_call(db):
    return CallFactory(opens_at=CLOSES - timedelta(days=30), closes_at=CLOSES)


@pytest.fixture
def ready(closing_call, organisation, applicant):
    from tests.factories.applications import ApplicationFactory

    return complete_application(ApplicationFactory(call=closing_call, organisation=organisation, created_by=applicant))


@pytest.mark.parametrize("offset, allowed", [
    (timedelta(seconds=-1), True),                 # 23:59:58
    (timedelta(microseconds=-1), True),            # 23:59:58.999999
    (timedelta(0), False),                         # 23:59:59 exactly: closed (open while now < closes_at)
    (timedelta(microseconds=500000), False),       # 23:59:59.5
    (timedelta(seconds=1), False),                 # one second after closing
])
def test_deadline_to_the_exact_second(monkeypatch, ready, applicant, offset, allowed):
    freeze(monkeypatch, CLOSES + offset)
    if allowed:
        assert services.submit(ready, by=applicant) is True
        assert ready.state == Application.State.SUBMITTED and ready.submitted_at == CLOSES + offset
    else:
        with pytest.raises(ValidationError, match=CLOSES_TEXT):
            services.submit(ready, by=applicant)
        ready.refresh_from_db()
        assert ready.state == Application.State.DRAFT
        assert not AuditEvent.objects.filter(action="applications.application.submit").exists()


def test_the_deadline_is_decided_in_shanghai_time_whatever_the_client_says(monkeypatch, ready, applicant, client):
    # 16:00:00 UTC is 00:00:00 in Shanghai on the next day: too late, though early evening in London.
    at = (CLOSES + timedelta(seconds=1)).astimezone(ZoneInfo("UTC"))
    assert (at.hour, at.minute, at.second) == (16, 0, 0)
    freeze(monkeypatch, at)
    client.force_login(applicant)
    response = client.post(reverse("applications:submit", args=[ready.pk]), follow=True)
    assert CLOSES_TEXT in response.content.decode()
    ready.refresh_from_db()
    assert ready.state == Application.State.DRAFT


def test_incomplete_is_refused(draft, applicant):
    with pytest.raises(ValidationError) as error:
        services.submit(draft, by=applicant)
    assert error.value.code == "refused"
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_submission_records_rule_results_and_is_audited(ready, applicant):
    add_rule(ready.call, "own_funding_share", min_percent=50)
    assert services.submit(ready, by=applicant)
    result = RuleResult.objects.get(application=ready)
    assert result.passed and result.clause_code == "M20" and result.round == 1
    event = AuditEvent.objects.get(action="applications.application.submit")
    assert event.clause == "M17" and event.old == {"state": "draft"}


def test_double_submit_submits_once(ready, applicant, client):
    client.force_login(applicant)
    url = reverse("applications:submit", args=[ready.pk])
    first, second = client.post(url), client.post(url)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("applications:detail", args=[ready.pk])
    assert AuditEvent.objects.filter(action="applications.application.submit").count() == 1
    ready.refresh_from_db()
    assert ready.state == Application.State.SUBMITTED and ready.version == 2
    assert services.submit(ready, by=applicant) is False


def test_withdraw_until_the_check_starts(ready, applicant):
    services.submit(ready, by=applicant)
    workflow.move(ready, "start_check", by=SYSTEM)  # the officer starts the formal check first
    with pytest.raises(TransitionRefused):
        services.withdraw(ready, by=applicant, reason="不再申报")
    ready.refresh_from_db()
    assert ready.state == Application.State.IN_CHECK


def test_withdraw_needs_a_reason_and_is_audited(ready, applicant):
    services.submit(ready, by=applicant)
    with pytest.raises(ValidationError):
        services.withdraw(ready, by=applicant, reason=" ")
    services.withdraw(ready, by=applicant, reason="团队变动")
    ready.refresh_from_db()
    assert ready.state == Application.State.WITHDRAWN and ready.state_reason == "团队变动"
    assert AuditEvent.objects.get(action="applications.application.withdraw").reason == "团队变动"


def test_withdraw_and_start_of_check_race_only_one_wins(ready, applicant):
    services.submit(ready, by=applicant)
    stale = Application.objects.get(pk=ready.pk)       # the page the applicant had open
    workflow.move(ready, "start_check", by=SYSTEM)     # the officer wins
    with pytest.raises(TransitionRefused, match=r"形式审查|formal check"):
        services.withdraw(stale, by=applicant, reason="撤回")
    assert not AuditEvent.objects.filter(action="applications.application.withdraw").exists()


def test_returned_application_is_edited_and_resubmitted_until_its_correction_deadline(monkeypatch, ready, applicant):
    freeze(monkeypatch, CLOSES - timedelta(days=1))
    services.submit(ready, by=applicant)
    deadline = CLOSES + timedelta(days=10)
    workflow.move(ready, "check_return", by=SYSTEM, correction_deadline=deadline, state_reason="补充承诺书")
    freeze(monkeypatch, CLOSES + timedelta(days=5))  # the call is closed, the correction deadline is not
    services.save_section(ready, "objectives", {"objectives": "补充后的目标"}, version=ready.version, by=applicant)
    assert services.submit(ready, by=applicant)
    assert ready.state == Application.State.SUBMITTED
    assert AuditEvent.objects.filter(action="applications.application.submit").count() == 2


def test_resubmission_after_the_correction_deadline_is_refused(monkeypatch, ready, applicant):
    services.submit(ready, by=applicant)
    deadline = CLOSES + timedelta(days=10)
    workflow.move(ready, "check_return", by=SYSTEM, correction_deadline=deadline)
    freeze(monkeypatch, deadline)
    with pytest.raises(ValidationError, match="修改截止时间"):
        services.submit(ready, by=applicant)


def test_numbers_follow_the_call_code_in_sequence(call, applicant):
    first = services.start(call, by=applicant, title="一")
    second = services.start(call, by=applicant, title="二")
    assert (first.number, second.number) == (f"{call.code}-0001", f"{call.code}-0002")
    assert AuditEvent.objects.filter(action="applications.application.create").count() == 2


def test_only_a_verified_organisation_in_an_open_call_may_start(call, applicant, organisation, monkeypatch):
    organisation.state = organisation.State.PENDING
    organisation.save()
    applicant.refresh_from_db()
    with pytest.raises(ValidationError, match=r"verified|核实|认证|审核"):
        services.start(call, by=applicant)
    organisation.state = organisation.State.VERIFIED
    organisation.save()
    applicant.refresh_from_db()
    freeze(monkeypatch, call.closes_at)
    with pytest.raises(ValidationError):
        services.start(call, by=applicant)
    assert not Application.objects.exists()


def _chain_head_writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith('UPDATE "core_auditchainhead"'))


def test_a_submission_appends_to_the_audit_chain_twice_whatever_the_number_of_rules(ready, applicant, client):
    """On deadline day every writer queues for the chain's head: a submission takes it once for its own event and
    once for its round of rule results, not once per rule, and stays within its query budget."""
    for code, params in [("own_funding_share", {"min_percent": 50}), ("verified_organisation", {}),
                         ("registered_in_city", {}), ("not_debarred", {})]:
        add_rule(ready.call, code, **params)
    client.force_login(applicant)
    client.get(reverse("applications:detail", args=[ready.pk]))   # the session's first reads are not the submit's
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("applications:submit", args=[ready.pk])).status_code == 302
    assert _chain_head_writes(queries) == 2
    assert RuleResult.objects.filter(application=ready, round=1).count() == 4
    events = AuditEvent.objects.filter(action="applications.ruleresult.create", target_id=str(ready.pk))
    assert sorted(events.values_list("clause", flat=True)) == sorted(
        RuleResult.objects.filter(application=ready).values_list("clause_code", flat=True))
    assert not list(audit.verify())
    assert len(queries) <= SUBMIT_QUERY_BUDGET, "\n".join(q["sql"][:120] for q in queries)
