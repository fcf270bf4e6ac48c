import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from stdnum.cn import uscc

from minsheng.core import audit, personal, readable, vocabulary
from minsheng.core.roles import Role
from minsheng.demo.applications import ORGANISATION_ACCOUNT_PREFIX
from minsheng.demo.builder import PASSWORD
from minsheng.notifications.models import Notification
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
)

pytestmark = pytest.mark.django_db


def run_demo(*options) -> str:
    out = io.StringIO()
    call_command("demo", "--no-progress", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_builds_a_realistic_world_once():
    output = run_demo()
    # The demo's people are fictional: its steps notify them in the platform and mail nobody, now or later.
    assert mail.outbox == [] and not DBTaskResult.objects.exists()
    def told(**who):
        rows = Notification.objects.filter(**{f"recipient__{k}": v for k, v in who.items()})
        return rows.filter(read_at__isnull=True).count(), rows.filter(read_at__isnull=False).count()

    for username in ("expert", "officer", "dept_health", "district_nanshan", "finance", "admin"):
        unread, read = told(username=username)
        assert unread and read, f"{username} has {unread} unread and {read} read notifications"
    unread, read = told(username__startswith=ORGANISATION_ACCOUNT_PREFIX)   # the organisations' applicants
    assert unread and read
    assert told(username="auditor")[0]          # the money to recover of the demo's termination
    # Every event the demo recorded through the platform's services verifies: a wrong value in one (a clause that
    # is not text, say) breaks the chain the nightly check walks.
    assert list(audit.verify()) == []
    assert told(username="officer")[0]                                    # a returned tranche
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"checks.decision", "funding.project_approved", "review.invitation", "contracts.task_book",
            "contracts.tranche_requested", "contracts.tranche_returned", "funding.plan_to_confirm",
            "funding.plan_in_district", "problems.step"} <= kinds
    organisations = Organisation.objects.all()
    assert 40 <= organisations.count() <= 50
    assert set(organisations.values_list("kind", flat=True)) == set(Organisation.Kind.values)
    assert organisations.values("district").distinct().count() == 10
    assert all(uscc.is_valid(code) for code in organisations.values_list("credit_code", flat=True))
    assert organisations.filter(state=Organisation.State.PENDING).count() == 3
    assert Person.objects.count() == 200
    assert Person.objects.filter(in_expert_pool=True).count() == 60
    assert all(len(m) == 18 and "********" in m for m in Person.objects.values_list("id_number_masked", flat=True))
    assert InnovationCarrier.objects.count() >= 15
    assert ServiceInstitution.objects.count() >= 5
    assert SharedFacility.objects.count() >= 10
    assert set(CooperationPartner.objects.values_list("region", flat=True)) == {"HK", "MO", "TW", "abroad"}

    users = get_user_model().objects.all()
    assert set(users.values_list("role", flat=True)) == set(Role.values)
    for user in users:
        assert user.check_password(PASSWORD)
    role_accounts = users.exclude(username__startswith=ORGANISATION_ACCOUNT_PREFIX)
    assert all(username in output for username in role_accounts.values_list("username", flat=True))
    organisation_accounts = sorted(users.filter(username__startswith=ORGANISATION_ACCOUNT_PREFIX)
                                   .values_list("username", flat=True))
    assert organisation_accounts[0] in output and organisation_accounts[-1] in output
    assert f"共 {len(organisation_accounts)} 个，从 {organisation_accounts[0]} 到 {organisation_accounts[-1]}" in output
    assert not organisations.filter(state=Organisation.State.VERIFIED, verified_at__isnull=True).exists()
    assert PASSWORD in output

    counts = (Organisation.objects.count(), Person.objects.count(), users.count())
    events = audit.AuditEvent.objects.count()
    second = run_demo()
    assert (Organisation.objects.count(), Person.objects.count(), users.count()) == counts
    assert audit.AuditEvent.objects.count() == events, "a second run writes nothing"
    assert "applicant" in second
    listing = run_demo("--accounts")
    for user in users.filter(username__startswith=ORGANISATION_ACCOUNT_PREFIX).select_related("organisation"):
        assert f"{user.username}  {user.organisation.name_zh}" in listing
    assert not list(audit.verify())
    # What the demo world recorded reads in words: every action and value labelled, no contact detail in clear.
    trail = list(audit.AuditEvent.objects.all())
    assert not {e.action for e in trail if not vocabulary.action_label(e.action)}
    assert not {(e.action, key) for e in trail for side in (e.old, e.new) if isinstance(side, dict) for key in side
                if not vocabulary.is_hidden(e.target_type, key) and not readable.spec_of(e.action, e.target_type, key)}
    assert not [e.seq for e in trail if personal.holds_clear_contact(str([e.target_label, e.reason, e.old, e.new]))]


def test_every_demo_account_finds_work_waiting_in_its_inbox():
    from minsheng.core import inbox
    from minsheng.core.navigation import INBOX_GROUP
    from minsheng.demo.builder import ACCOUNTS

    run_demo()
    users = get_user_model().objects
    for account in ACCOUNTS:
        rows = inbox.waiting_for(users.get(username=account.username))
        assert rows, f"nothing waits for the demo account {account.username}"
        assert all(row.key in INBOX_GROUP for row in rows), [row.key for row in rows]
    officer = {row.key: row for row in inbox.waiting_for(users.get(username="officer"))}
    assert officer["registry.verify"].count == Organisation.objects.filter(state=Organisation.State.PENDING).count()
