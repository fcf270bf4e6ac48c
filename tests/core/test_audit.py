"""The audit trail: append-only, hash-chained, verified by a command, and part of every write's transaction."""

import io
import itertools
import threading
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, transaction

from minsheng.core import audit, services
from minsheng.core.models import AuditChainHead, AuditEvent
from minsheng.core.roles import Role
from minsheng.registry.models import Organisation
from tests.core import append_only
from tests.factories import OrganisationFactory, user_for_role

pytestmark = pytest.mark.django_db


def append(count: int, by=None, prefix: str = "core.test") -> list[AuditEvent]:
    with transaction.atomic():
        return [audit.record(action=f"{prefix}.step", by=by, target_label=f"step {i}", new={"step": i},
                             reason="testing the chain") for i in range(count)]


def run_verify() -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", "--no-progress", stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


@contextmanager
def behind_the_platforms_back():
    """Raw SQL with the append-only triggers switched off, as someone with database access could do."""
    append_only.disable()
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        append_only.enable()


def test_a_chain_of_events_verifies():
    officer = user_for_role(Role.OFFICER)
    events = append(5, by=officer)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert events[0].actor_label == officer.username
    assert list(audit.verify()) == []
    output, error = run_verify()
    assert error is None
    assert "intact: 5 events" in output


def test_a_batch_of_events_joins_the_chain_in_order_and_verifies():
    officer = user_for_role(Role.OFFICER)
    first = append(2, by=officer)
    with transaction.atomic():
        batch = audit.record_many(dict(action="core.test.step", by=officer, new={"step": i}) for i in range(3))
    after = append(1)
    assert [e.seq for e in batch] == [3, 4, 5] and after[0].seq == 6
    assert batch[0].prev_hash == first[-1].hash and after[0].prev_hash == batch[-1].hash
    assert [e.new for e in AuditEvent.objects.filter(seq__in=[3, 4, 5]).order_by("seq")] == [
        {"step": 0}, {"step": 1}, {"step": 2}]
    assert AuditChainHead.objects.get().seq == 6
    assert list(audit.verify()) == []


def test_an_empty_trail_verifies():
    output, error = run_verify()
    assert error is None
    assert "intact: 0 events" in output


def test_verify_names_a_changed_row():
    append(5)
    with behind_the_platforms_back() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = %s WHERE seq = 3", ["nothing happened here"])
    findings = list(audit.verify())
    assert [(f.seq, f.problem.split(":")[0]) for f in findings] == [(3, "changed")]
    output, error = run_verify()
    assert error is not None and "1 problem" in str(error)
    assert "seq 3: changed" in output


def test_verify_names_a_changed_value_even_when_the_hash_is_replaced():
    append(4)
    with behind_the_platforms_back() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_label = %s, hash = %s WHERE seq = 2",
                       ["someone", "0" * 63 + "1"])
    problems = {f.seq: f.problem for f in audit.verify()}
    assert problems[2].startswith("changed")
    assert 3 in problems  # the next row no longer follows it


def test_verify_names_a_removed_row():
    append(5)
    with behind_the_platforms_back() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 3")
    findings = list(audit.verify())
    assert [(f.seq, f.problem.split(":")[0]) for f in findings] == [(3, "removed")]
    output, error = run_verify()
    assert error is not None
    assert "seq 3: removed" in output


def test_verify_names_the_last_row_removed():
    append(5)
    with behind_the_platforms_back() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 5")
    output, error = run_verify()
    assert error is not None
    assert "seq 5: removed" in output


def test_verify_names_an_inserted_row():
    append(5)
    with behind_the_platforms_back() as cursor:
        cursor.execute(
            'INSERT INTO core_auditevent (seq, created_at, actor_id, actor_label, address, request_id, action, '
            'target_type, target_id, target_label, "old", "new", reason, clause, prev_hash, hash) '
            "SELECT seq + 1, created_at, actor_id, 'intruder', address, request_id, 'registry.organisation.verify', "
            "target_type, target_id, target_label, NULL, NULL, 'forged approval', clause, hash, %s "
            "FROM core_auditevent WHERE seq = 5",
            ["f" * 64],
        )
    problems = {f.seq: f.problem for f in audit.verify()}
    assert list(problems) == [6]
    assert problems[6].startswith("inserted")
    output, error = run_verify()
    assert error is not None
    assert "seq 6: inserted" in output


def test_the_database_refuses_update_and_delete():
    event = append(2)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'rewritten'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    event.refresh_from_db()
    assert event.reason == "testing the chain"
    assert AuditEvent.objects.count() == 2
    assert list(audit.verify()) == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE exists on PostgreSQL only")
def test_postgresql_refuses_truncate():
    append(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 1


@contextmanager
def audit_store_failing():
    """A trigger that makes every INSERT into the audit table fail, as a full disk or a lost table would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE FUNCTION test_audit_store_down() RETURNS trigger AS $$ "
                           "BEGIN RAISE EXCEPTION 'audit store unavailable'; END; $$ LANGUAGE plpgsql")
            cursor.execute("CREATE TRIGGER test_audit_store_down BEFORE INSERT ON core_auditevent "
                           "FOR EACH ROW EXECUTE FUNCTION test_audit_store_down()")
        else:
            cursor.execute("CREATE TEMP TRIGGER test_audit_store_down BEFORE INSERT ON core_auditevent "
                           "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER IF EXISTS test_audit_store_down ON core_auditevent")
                cursor.execute("DROP FUNCTION IF EXISTS test_audit_store_down()")
            else:
                cursor.execute("DROP TRIGGER IF EXISTS test_audit_store_down")


def test_a_failed_audit_write_rolls_the_action_back():
    officer = user_for_role(Role.OFFICER)
    organisation = OrganisationFactory.build()
    with audit_store_failing(), pytest.raises(DatabaseError, match="audit store unavailable"):
        services.create_audited(organisation, by=officer)
    assert not Organisation.objects.filter(credit_code=organisation.credit_code).exists()
    assert AuditEvent.objects.count() == 0
    # With the audit store back, the same write goes through and is recorded.
    services.create_audited(OrganisationFactory.build(credit_code=organisation.credit_code), by=officer)
    assert Organisation.objects.filter(credit_code=organisation.credit_code).exists()
    assert AuditEvent.objects.get().action == "registry.organisation.create"


def test_a_failed_audit_write_rolls_an_update_back():
    officer = user_for_role(Role.OFFICER)
    organisation = OrganisationFactory()
    with audit_store_failing(), pytest.raises(DatabaseError):
        services.update_audited(organisation, by=officer, changes={"address": "深圳市福田区深南大道"})
    organisation.refresh_from_db()
    assert organisation.address == "深圳市南山区科技园"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_outside_a_transaction_raises():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(action="core.test.step", reason="no transaction")
    assert not AuditEvent.objects.exists()


def test_services_record_what_changed():
    officer = user_for_role(Role.OFFICER)
    organisation = services.create_audited(OrganisationFactory.build(), by=officer, clause="M19", reason="new")
    created = AuditEvent.objects.get(action="registry.organisation.create")
    assert created.target_id == str(organisation.pk)
    assert created.new["name_zh"] == organisation.name_zh
    assert created.old is None and created.clause == "M19"

    services.update_audited(organisation, by=officer, changes={"address": "深圳市福田区深南大道"}, reason="moved")
    updated = AuditEvent.objects.get(action="registry.organisation.update")
    assert updated.old == {"address": "深圳市南山区科技园"}
    assert updated.new == {"address": "深圳市福田区深南大道"}

    services.update_audited(organisation, by=officer, changes={"address": "深圳市福田区深南大道"})
    assert AuditEvent.objects.filter(action="registry.organisation.update").count() == 1  # nothing changed

    pk = organisation.pk
    services.delete_audited(organisation, by=officer, reason="duplicate")
    deleted = AuditEvent.objects.get(action="registry.organisation.delete")
    assert deleted.target_id == str(pk) and deleted.old["credit_code"] == organisation.credit_code
    assert [e.target_id for e in audit.history_for(Organisation(pk=pk))] == [str(pk)] * 3
    assert list(audit.verify()) == []


def _append_in_thread(count: int, prefix: str, errors: list) -> None:
    try:
        for i in range(count):
            with transaction.atomic():
                audit.record(action=f"{prefix}.step", target_label=f"{prefix} {i}", new={"i": i})
    except Exception as error:  # reported to the test's thread
        errors.append(error)
    finally:
        connection.close()


def _verify_in_thread(stop: threading.Event, findings: list, errors: list) -> None:
    try:
        while not stop.is_set():
            findings.extend(audit.verify())
    except Exception as error:
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="SQLite's in-memory test database serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_keep_one_valid_chain():
    errors, findings, stop = [], [], threading.Event()
    writers = [threading.Thread(target=_append_in_thread, args=(40, f"core.writer{n}", errors)) for n in range(2)]
    checker = threading.Thread(target=_verify_in_thread, args=(stop, findings, errors))
    checker.start()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    stop.set()
    checker.join(timeout=60)
    close_old_connections()
    assert errors == []
    assert findings == [], "verify must not mistake events appended while it runs for tampering"
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 81))
    assert AuditChainHead.objects.get().seq == 80
    assert list(audit.verify()) == []
