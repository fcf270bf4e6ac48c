"""An audit chain that cannot be shortened unseen: the database keeps its head from moving back, and signed
checkpoints kept outside the database show a chain that ends too early or was rewritten after them."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from minsheng.core import audit, backup, checkpoints
from minsheng.core.logging import JsonFormatter
from minsheng.core.models import AuditChainHead, AuditEvent
from tests.core import append_only
from tests.core.test_audit import append, behind_the_platforms_back, run_verify

pytestmark = pytest.mark.django_db


def run_checkpoint() -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("audit", "checkpoint", stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def shorten_to(seq: int) -> None:
    """What someone who can switch the triggers off does: delete the newest events, point the head back."""
    kept = AuditEvent.objects.get(seq=seq)
    with behind_the_platforms_back() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq > %s", [seq])
        cursor.execute("UPDATE core_auditchainhead SET seq = %s, hash = %s", [seq, kept.hash])


def checkpoint_lines(settings) -> list[dict]:
    return [json.loads(line) for line in settings.AUDIT_CHECKPOINTS_FILE.read_text().splitlines()]


# --- The database keeps the head from moving back --------------------------------------------------------------

def _refused(sql: str, params=()):
    with pytest.raises(DatabaseError, match="audit chain head"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_move_the_head_back_even_when_the_events_are_gone():
    """The attack of the finding: the newest events deleted, the head pointed back at the new last one."""
    events = append(5)
    append_only.disable(tables=["core_auditevent"])  # the events' guard off; the head's is what is tested
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE seq > 3")
        _refused("UPDATE core_auditchainhead SET seq = 3, hash = %s", [events[2].hash])
    finally:
        append_only.enable(tables=["core_auditevent"])
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (5, events[4].hash)


def test_the_database_refuses_any_head_move_but_forward_to_an_existing_event():
    events = append(3)
    _refused("UPDATE core_auditchainhead SET seq = 2, hash = %s", [events[1].hash])  # back
    _refused("UPDATE core_auditchainhead SET hash = %s", [events[1].hash])  # sideways
    _refused("UPDATE core_auditchainhead SET seq = 4, hash = %s", ["f" * 64])  # forward to nothing
    _refused("UPDATE core_auditchainhead SET seq = 4, hash = %s", [events[2].hash])  # to an event not there
    _refused("DELETE FROM core_auditchainhead")
    if connection.vendor == "postgresql":
        _refused("TRUNCATE core_auditchainhead")
    assert AuditChainHead.objects.get().seq == 3
    # The platform's own appends still move it forward.
    append(1)
    assert AuditChainHead.objects.get().seq == 4
    assert list(audit.verify()) == []


# --- Checkpoints ---------------------------------------------------------------------------------------------

def test_the_checkpoint_command_signs_the_head_into_the_file_and_the_log(settings, caplog):
    caplog.set_level("INFO", logger="minsheng.audit")
    events = append(4)
    output, error = run_checkpoint()
    assert error is None
    assert "checkpoint written: event 4" in output
    append(2)
    assert run_checkpoint()[1] is None
    lines = checkpoint_lines(settings)
    assert [(line["seq"], line["hash"], line["source"]) for line in lines] == [
        (4, events[3].hash, "command"), (6, AuditChainHead.objects.get().hash, "command")]
    assert all(checkpoints.Checkpoint.from_dict(line).is_genuine for line in lines)
    logged = [record.audit_checkpoint for record in caplog.records if hasattr(record, "audit_checkpoint")]
    assert logged == lines
    # The log line carries the checkpoint as JSON, so a log can be read back.
    record = next(r for r in caplog.records if hasattr(r, "audit_checkpoint"))
    assert json.loads(JsonFormatter().format(record))["audit_checkpoint"] == lines[0]


def test_an_empty_trail_can_be_checkpointed(settings):
    _output, error = run_checkpoint()
    assert error is None
    assert [(line["seq"], line["hash"]) for line in checkpoint_lines(settings)] == [(0, audit.GENESIS)]
    assert run_verify()[1] is None


def test_verify_reports_a_chain_shortened_after_a_checkpoint():
    """Finding 3: delete the newest events and point the head back; verify said "intact"."""
    append(5)
    assert run_checkpoint()[1] is None
    shorten_to(3)
    assert list(audit.verify()) == []  # the chain alone is consistent: only the checkpoint shows the loss
    output, error = run_verify()
    assert error is not None and "1 problem" in str(error)
    assert "seq 5: shortened: the chain ends at event 3, but the checkpoint signed" in output
    assert "recorded event 5" in output
    assert "compared with 1 signed checkpoint(s), the latest at event 5" in str(error)


def test_verify_reports_a_chain_rewritten_after_a_checkpoint():
    """Shortened, then grown again with new events made with the audit key: longer, valid, and not the same."""
    append(5)
    assert run_checkpoint()[1] is None
    shorten_to(2)
    append(4, prefix="core.rewritten")
    assert list(audit.verify()) == []
    output, error = run_verify()
    assert error is not None
    assert "seq 5: changed: event 5 is not the one the checkpoint signed" in output


def test_the_checkpoint_command_alerts_a_scheduler_and_still_writes(settings):
    append(5)
    assert run_checkpoint()[1] is None
    shorten_to(4)
    output, error = run_checkpoint()
    assert error is not None and "no longer matches earlier checkpoints" in str(error)
    assert "shortened: the chain ends at event 4" in output
    assert [line["seq"] for line in checkpoint_lines(settings)] == [5, 4]
    # The newer, lower checkpoint hides nothing: the earlier one still shows the loss.
    assert "seq 5: shortened" in run_verify()[0]


def test_the_scheduler_gets_no_output_when_all_is_well(settings):
    append(2)
    out = io.StringIO()
    call_command("audit", "checkpoint", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert len(checkpoint_lines(settings)) == 1


def test_a_forged_or_unreadable_checkpoint_is_reported(settings):
    append(3)
    assert run_checkpoint()[1] is None
    genuine = checkpoint_lines(settings)[0]
    lowered = {**genuine, "seq": 1, "hash": AuditEvent.objects.get(seq=1).hash}
    with settings.AUDIT_CHECKPOINTS_FILE.open("a") as lines:
        lines.write(json.dumps(lowered) + "\n")
        lines.write("{not json\n")
    output, error = run_verify()
    assert error is not None and "2 problem" in str(error)
    assert "checkpoint: line 2 of" in output and "does not carry this installation's signature" in output
    assert "checkpoint: line 3 of" in output and "is not a checkpoint" in output


def test_a_checkpoint_signed_with_another_audit_key_is_not_trusted(settings):
    append(2)
    assert run_checkpoint()[1] is None
    settings.AUDIT_KEY = "another installation's audit key"
    loaded = checkpoints.load()
    assert loaded.checkpoints == []
    assert [finding.seq for finding in loaded.problems] == [2]


def test_verify_reads_checkpoints_from_a_log_and_a_backup(settings, tmp_path, caplog):
    """The data folder's file can be lost with the server: copies in the log and in a backup still count."""
    caplog.set_level("INFO", logger="minsheng.audit")
    append(3)
    assert run_checkpoint()[1] is None
    log = tmp_path / "minsheng.log"
    formatter = JsonFormatter()
    log.write_text("".join(formatter.format(record) + "\n" for record in caplog.records)
                   + '{"time": "…", "level": "INFO", "message": "an ordinary line"}\nplain text\n')
    append(2)
    archive = backup.create(tmp_path / "backups")
    settings.AUDIT_CHECKPOINTS_FILE.unlink()
    shorten_to(2)

    assert run_verify()[1] is None  # without any checkpoint, nothing shows the loss
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--no-progress", "--checkpoints", str(log), "--checkpoints", str(archive),
                     stdout=out, stderr=io.StringIO())
    output = out.getvalue()
    assert "seq 5: shortened: the chain ends at event 2" in output and "(backup)" in output
    assert "1 earlier checkpoint(s) also lie past the end" in output


def test_verify_says_when_a_named_file_holds_no_checkpoint(tmp_path):
    append(1)
    empty = tmp_path / "other.log"
    empty.write_text("nothing to see\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--no-progress", "--checkpoints", str(empty),
                     "--checkpoints", str(tmp_path / "missing.jsonl"), stdout=out, stderr=io.StringIO())
    assert f"checkpoint: {empty} holds no checkpoint" in out.getvalue()
    assert "missing.jsonl cannot be read" in out.getvalue()
