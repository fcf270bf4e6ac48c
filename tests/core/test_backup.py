"""Backups and the restore drill: a signed backup restores into a fresh database with every row, file and audit
hash, carries a checkpoint of the audit chain, and a damaged, truncated, altered or wrongly signed one is refused
in one line."""

import gzip
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from minsheng.core import backup, checkpoints
from minsheng.core.models import AuditChainHead, AuditEvent
from minsheng.core.services import create_audited
from minsheng.registry.models import Organisation
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def uploads(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "up")}}}
    storages["default"].save("applications/2026/11/guide.pdf", ContentFile(b"%PDF-1.7 test"))
    return tmp_path / "up"


@pytest.fixture
def world():
    organisation = OrganisationFactory(name_zh="深圳市备份测试科技有限公司")
    PersonFactory.create_batch(3, organisation=organisation)
    for name in ("审计链测试单位", "审计链测试单位二"):
        create_audited(Organisation(credit_code=OrganisationFactory.build().credit_code, name_zh=name,
                                    kind="enterprise", district=organisation.district), by=None, reason="test")
    return organisation


@pytest.fixture
def archive(world, uploads, tmp_path):
    return backup.create(tmp_path / "backups")


def _members(path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive.getmembers()}


def _write(path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return path


def _sign(manifest: dict, key: str) -> dict[str, bytes]:
    signed = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    signature = {"algorithm": "HMAC-SHA256", "key": backup.key_id(key.encode()),
                 "signature": hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()}
    return {"manifest.json": signed, "manifest.sig": json.dumps(signature).encode()}


def _rewritten(source, target, change_rows, *, key: str | None, keep_digests: bool = False) -> Path:
    """The archive with its rows changed by `change_rows`, the manifest's digests recomputed (unless
    `keep_digests`), signed with `key` (None: the original signature kept)."""
    members = _members(source)
    manifest = json.loads(members["manifest.json"])
    data = change_rows(json.loads(members["data.json"]))
    payload = json.dumps(data, ensure_ascii=False).encode()
    if not keep_digests:
        for label in manifest["models"]:
            rows = [row for row in data if row["model"] == label]
            manifest["models"][label] = {"rows": len(rows), "sha256": backup._digest_rows(rows)}
    manifest["data_sha256"] = hashlib.sha256(payload).hexdigest()
    head = _sign(manifest, key) if key is not None else {
        "manifest.json": json.dumps(manifest, indent=1, ensure_ascii=False).encode(),
        "manifest.sig": members["manifest.sig"]}
    rest = {name: body for name, body in members.items() if name not in {"manifest.json", "manifest.sig", "data.json"}}
    return _write(target, {**head, "data.json": payload, **rest})


def _renamed(data: list[dict]) -> list[dict]:
    for row in data:
        if row["model"] == "registry.organisation" and row["fields"]["name_zh"] == "深圳市备份测试科技有限公司":
            row["fields"]["name_zh"] = "被改动的单位"
    return data


def test_a_backup_holds_every_row_the_uploads_and_a_signed_manifest(archive, tmp_path):
    members = _members(archive)
    assert list(members)[:3] == ["manifest.json", "manifest.sig", "data.json"]
    assert "uploads/applications/2026/11/guide.pdf" in members
    manifest = json.loads(members["manifest.json"])
    data = json.loads(members["data.json"])
    assert manifest["format"] == 2
    assert manifest["models"]["registry.organisation"]["rows"] == Organisation.objects.count()
    assert manifest["models"]["core.auditevent"]["rows"] == 2
    assert sum(1 for row in data if row["model"] == "registry.person") == manifest["models"]["registry.person"]["rows"]
    assert manifest["data_sha256"] == hashlib.sha256(members["data.json"]).hexdigest()
    signature = json.loads(members["manifest.sig"])
    assert signature["signature"] == hmac.new(settings.BACKUP_KEY.encode(), members["manifest.json"],
                                              hashlib.sha256).hexdigest()
    assert settings.BACKUP_KEY not in members["manifest.sig"].decode() + members["manifest.json"].decode()
    assert not list((tmp_path / "backups").glob("*.partial"))
    # Microseconds survive (the audit chain hashes them).
    event = next(row for row in data if row["model"] == "core.auditevent")
    assert len(event["fields"]["created_at"].split(".")[1]) >= 6


def test_a_backup_writes_a_signed_checkpoint_of_the_chain_into_the_archive_the_data_folder_and_the_log(
        world, tmp_path, caplog):
    caplog.set_level("INFO", logger="minsheng.audit")
    path = backup.create(tmp_path / "backups")
    head = AuditChainHead.objects.get()
    inside = checkpoints.Checkpoint.from_dict(json.loads(_members(path)["manifest.json"])["audit_checkpoint"])
    assert (inside.seq, inside.hash, inside.source) == (2, head.hash, "backup")
    assert inside.is_genuine
    assert checkpoints.load().checkpoints == [inside]
    assert [r.audit_checkpoint for r in caplog.records if hasattr(r, "audit_checkpoint")] == [inside.as_dict()]


def test_the_drill_restores_into_a_fresh_database_and_finds_it_identical(archive):
    report = backup.drill(archive)
    assert report.ok, report.mismatches + report.audit_findings
    manifest = json.loads(_members(archive)["manifest.json"])
    assert report.rows == sum(entry["rows"] for entry in manifest["models"].values())
    assert report.tables == len(manifest["models"])


def test_the_drill_compares_tables_and_the_chain_even_in_a_validly_signed_backup(archive, tmp_path):
    """Someone who holds the backup key re-signs a backup without its last audit event, a changed organisation
    and a manifest that does not admit it: the drill still finds both, from the tables and the checkpoint,
    which only the audit key can sign."""
    last = AuditEvent.objects.get(seq=2)
    previous = AuditEvent.objects.get(seq=1)

    def shortened(data):
        data = [row for row in _renamed(data) if not (row["model"] == "core.auditevent" and row["pk"] == last.pk)]
        for row in data:
            if row["model"] == "core.auditchainhead":
                row["fields"].update(seq=1, hash=previous.hash)
        return data

    original = json.loads(_members(archive)["manifest.json"])
    tampered = _rewritten(archive, tmp_path / "resigned.tar.gz", shortened, key=settings.BACKUP_KEY)
    # Every digest recomputed but the organisations', so the restored table differs from the manifest.
    members = _members(tampered)
    manifest = json.loads(members["manifest.json"])
    manifest["models"]["registry.organisation"] = original["models"]["registry.organisation"]
    rest = {name: body for name, body in members.items() if name not in {"manifest.json", "manifest.sig"}}
    _write(tampered, {**_sign(manifest, settings.BACKUP_KEY), **rest})
    report = backup.drill(tampered)
    assert not report.ok
    assert [line.split(":")[0] for line in report.mismatches] == ["registry.organisation"]
    assert any("shortened: the chain ends at event 1" in line and "recorded event 2" in line
               for line in report.audit_findings), report.audit_findings


def _truncated(archive, tmp_path):
    payload = Path(archive).read_bytes()
    return _bytes(tmp_path, payload[: len(payload) // 2])


def _cut_at_the_end(archive, tmp_path):
    return _bytes(tmp_path, Path(archive).read_bytes()[:-6])


def _corrupted(archive, tmp_path):
    payload = bytearray(Path(archive).read_bytes())
    middle = len(payload) // 2
    payload[middle:middle + 32] = bytes(b ^ 0x5A for b in payload[middle:middle + 32])
    return _bytes(tmp_path, bytes(payload))


def _empty(archive, tmp_path):
    return _bytes(tmp_path, b"")


def _not_an_archive(archive, tmp_path):
    return _bytes(tmp_path, "这不是备份文件\n".encode() * 50)


def _not_a_tar(archive, tmp_path):
    return _bytes(tmp_path, gzip.compress(b"just some compressed text, not a tar archive " * 40))


def _bytes(tmp_path, payload: bytes) -> Path:
    target = tmp_path / "damaged.tar.gz"
    target.write_bytes(payload)
    return target


def _recomputed_hashes(archive, tmp_path):
    return _rewritten(archive, tmp_path / "altered.tar.gz", _renamed, key=None)


def _data_changed(archive, tmp_path):
    members = _members(archive)
    data = json.dumps(_renamed(json.loads(members["data.json"])), ensure_ascii=False).encode()
    return _write(tmp_path / "altered.tar.gz", {**members, "data.json": data})


def _other_key(archive, tmp_path):
    return _rewritten(archive, tmp_path / "other-key.tar.gz", _renamed, key="a-key-of-another-installation")


def _unsigned(archive, tmp_path):
    members = _members(archive)
    del members["manifest.sig"]
    return _write(tmp_path / "unsigned.tar.gz", members)


def _first_format(archive, tmp_path):
    """An archive as backups were written before they were signed."""
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    manifest["format"] = 1
    del manifest["data_sha256"], manifest["audit_checkpoint"]
    return _write(tmp_path / "format1.tar.gz", {"manifest.json": json.dumps(manifest).encode(),
                                                 "data.json": members["data.json"]})


def _extra_file(archive, tmp_path):
    return _write(tmp_path / "extra.tar.gz", {**_members(archive), "uploads/run-me.sh": b"#!/bin/sh\nrm -rf /\n"})


def _missing_file(archive, tmp_path):
    members = _members(archive)
    del members["uploads/applications/2026/11/guide.pdf"]
    return _write(tmp_path / "missing.tar.gz", members)


def _missing(archive, tmp_path):
    return tmp_path / "no-such-backup.tar.gz"


DAMAGE = {
    "truncated": (_truncated, "is truncated: its compressed data ends early"),
    "cut just before the end": (_cut_at_the_end, "is truncated"),
    "corrupted": (_corrupted, "is damaged"),
    "empty": (_empty, "is empty (0 bytes)"),
    "not an archive": (_not_an_archive, "is not a backup archive: not gzip-compressed"),
    "compressed but not a tar": (_not_a_tar, "is damaged: not a readable tar archive"),
    "data changed, hashes recomputed": (_recomputed_hashes, "has been altered: manifest.json does not match its "
                                                            "signature"),
    "data changed": (_data_changed, "has been altered: data.json does not match its digest in the signed manifest"),
    "signed with another key": (_other_key, "was signed with another BACKUP_KEY"),
    "unsigned": (_unsigned, "is not signed: it has no manifest.sig"),
    "first format": (_first_format, "was made before backups were signed (format 1)"),
    "a file added": (_extra_file, "holds uploads/run-me.sh, which its signed manifest does not list"),
    "a file missing": (_missing_file, "is incomplete: uploads/applications/2026/11/guide.pdf listed in its signed "
                                      "manifest are missing"),
    "no such file": (_missing, "no such file"),
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("action", ["drill", "restore"])
def test_a_damaged_or_altered_backup_is_refused_in_one_line(archive, tmp_path, damage, action):
    make, expected = DAMAGE[damage]
    path = make(archive, tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("backup", action, str(path), stdout=io.StringIO())
    message = str(refused.value)
    assert expected in message
    assert message.startswith(str(path)) and "\n" not in message
    assert Organisation.objects.filter(name_zh="被改动的单位").count() == 0


def test_the_wrong_key_is_named_in_the_refusal(archive, settings):
    made_with = backup.key_id(settings.BACKUP_KEY.encode())
    settings.BACKUP_KEY = "the key of another installation"
    with pytest.raises(backup.RestoreRefused) as refused:
        backup.inspect(archive)
    assert str(refused.value).endswith(f"was signed with another BACKUP_KEY (key {made_with}, this installation's is "
                                       f"{backup.key_id(b'the key of another installation')}): restore it with the "
                                       "key it was made with")


@pytest.mark.parametrize("damage", ["truncated", "data changed, hashes recomputed"])
def test_the_command_line_prints_one_line_and_no_traceback(archive, tmp_path, damage):
    make, expected = DAMAGE[damage]
    path = make(archive, tmp_path)
    env = {**os.environ, "MINSHENG_VAR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "BACKUP_KEY": settings.BACKUP_KEY, "AUDIT_KEY": settings.AUDIT_KEY, "SECRET_KEY": settings.SECRET_KEY}
    result = subprocess.run([sys.executable, "-m", "minsheng", "backup", "drill", str(path)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"CommandError: {path} ") and expected in lines[0]


def test_restore_refuses_a_database_that_is_already_in_use(archive):
    with pytest.raises(backup.RestoreRefused, match="already holds audit events"):
        backup.restore(archive)
    with pytest.raises(CommandError, match="already holds audit events"):
        call_command("backup", "restore", str(archive))


def test_the_command_writes_a_backup_and_needs_a_file_for_a_drill(world, tmp_path, capsys):
    call_command("backup", "create", "--output", str(tmp_path), "--no-progress")
    assert "backup written" in capsys.readouterr().out
    assert len(list(tmp_path.glob("minsheng-*.tar.gz"))) == 1
    with pytest.raises(CommandError, match="needs the archive"):
        call_command("backup", "drill")


def test_a_restore_says_which_audit_events_were_lost_after_the_backup(archive, tmp_path):
    """After a disaster the data folder's checkpoints go on past the backup: the restore says so, and verify keeps
    reporting the loss until the file is moved aside."""
    var = tmp_path / "restored-var"
    env = {**os.environ, "MINSHENG_VAR": str(var), "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
           "BACKUP_KEY": settings.BACKUP_KEY, "AUDIT_KEY": settings.AUDIT_KEY, "SECRET_KEY": settings.SECRET_KEY}
    env.pop("AUDIT_CHECKPOINTS_FILE", None)
    later = checkpoints.Checkpoint(seq=7, hash="e" * 64, at="2026-12-01T02:00:00+00:00", source="command").signed()
    checkpoints.append(later, var / "audit-checkpoints.jsonl")

    def minsheng(*args):
        return subprocess.run([sys.executable, "-m", "minsheng", *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=600)

    assert minsheng("migrate", "--no-input", "--verbosity", "0").returncode == 0
    restored = minsheng("backup", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout
    assert "records audit events up to 7" in restored.stdout and "those events were lost" in restored.stdout
    verified = minsheng("audit", "verify", "--no-progress")
    assert verified.returncode == 1
    assert "seq 7: shortened: the chain ends at event 2" in verified.stdout
