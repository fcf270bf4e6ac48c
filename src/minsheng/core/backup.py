"""Backups and the restore drill (quality promise 13).

A backup is one `.tar.gz`: `manifest.json` first, then `manifest.sig`, `data.json` (every row of every model, Django's
serialisation with natural keys, so it restores into SQLite or PostgreSQL alike) and the uploaded files under
`uploads/`. The manifest holds, per model, the row count and a SHA-256 digest of its rows, the digest of `data.json`
and of each uploaded file, and a signed checkpoint of the audit chain's head at the moment of the backup (also
appended to the data folder's checkpoints file and the log). `manifest.sig` is an HMAC of the manifest under
BACKUP_KEY, a key kept with the platform's other keys and never in the archive, so whoever holds a backup cannot
change its rows and recompute the digests unseen.

Before anything is restored, `inspect()` reads the whole archive once and checks the compression, the signature
and every digest; a damaged, truncated, altered or wrongly signed archive is refused with one line saying what is
wrong. A restore goes into a freshly migrated, otherwise empty database: the reference rows the migrations made
are replaced by the backup's, in one transaction (foreign keys are checked at commit), so a failed restore leaves
nothing behind. The drill restores a backup into a scratch database in a child process, recomputes the digests
there and compares them with the manifest, and verifies the restored audit chain against the backup's checkpoint.
"""

import datetime
import gzip
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from minsheng.core import checkpoints

FORMAT = 2
MANIFEST, SIGNATURE, DATA = "manifest.json", "manifest.sig", "data.json"
CHUNK = 1 << 20
EXPORTS = "exports/"
# Rebuilt by `migrate` from the code itself; the serialised rows name them by natural key.
REBUILT = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def _models() -> list:
    return [model for model in serializers.sort_dependencies([(c, None) for c in apps.get_app_configs()])
            if model._meta.label_lower not in REBUILT and not model._meta.proxy]


def _rows(model) -> Iterator:
    return model._default_manager.order_by("pk").iterator(chunk_size=2000)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; the audit chain hashes microseconds, so keep them."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def _serialise(model) -> list[dict]:
    rows = serializers.serialize("python", _rows(model), use_natural_foreign_keys=True)
    return json.loads(json.dumps(rows, cls=_Encoder))


def _digest_rows(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _upload_root() -> Path | None:
    location = getattr(storages["default"], "location", None)
    return Path(location) if location else None


def _uploads() -> Iterator[tuple[str, Path]]:
    root = _upload_root()
    if root is None or not root.exists():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if not name.startswith(EXPORTS):    # large exports' files: copies of rows, kept a few days
            yield name, path


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digests(progress: Callable[[int], object] = lambda n: None) -> dict:
    """What a manifest records about the current database and uploads: counts and digests."""
    result = {"models": {}, "files": {}}
    for model in _models():
        rows = _serialise(model)
        result["models"][model._meta.label_lower] = {"rows": len(rows), "sha256": _digest_rows(rows)}
        progress(1)
    for name, path in _uploads():
        result["files"][name] = _file_digest(path)
    return result


@contextmanager
def _snapshot():
    """One consistent view of the whole database for the duration of the copy.

    SQLite's IMMEDIATE transactions hold the write lock; PostgreSQL's default READ COMMITTED would give each table
    its own moment, so the transaction asks for REPEATABLE READ (unless it runs inside an outer one, in the tests).
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _signature(manifest: bytes) -> dict:
    key = settings.BACKUP_KEY.encode()
    return {"algorithm": "HMAC-SHA256", "key": key_id(key),
            "signature": hmac.new(key, manifest, hashlib.sha256).hexdigest()}


def key_id(key: bytes) -> str:
    """A short name of a key that reveals nothing of it, so a refusal can say that another key signed."""
    return hashlib.sha256(b"minsheng backup key\0" + key).hexdigest()[:12]


def create(directory: Path, progress: Callable[[int], object] = lambda n: None,
           archiving: Callable[[], object] = lambda: None) -> Path:
    """Write a signed backup into `directory`; return its path. Reads one consistent snapshot. `progress(1)` is
    called after each table is read, `archiving()` once the snapshot is read and the archive is being written."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = directory / f"minsheng-{stamp}.tar.gz"
    partial = target.with_suffix(".partial")
    with _snapshot():
        data, manifest = [], {"format": FORMAT, "created_at": timezone.now().isoformat(), "database":
                              connection.vendor, "models": {}, "files": {}}
        for model in _models():
            rows = _serialise(model)
            data.extend(rows)
            manifest["models"][model._meta.label_lower] = {"rows": len(rows), "sha256": _digest_rows(rows)}
            progress(1)
        files = list(_uploads())
        manifest["files"] = {name: _file_digest(path) for name, path in files}
        checkpoint = checkpoints.current("backup")  # the head of exactly these rows
    archiving()
    payload = json.dumps(data, ensure_ascii=False).encode()
    manifest["data_sha256"] = hashlib.sha256(payload).hexdigest()
    manifest["audit_checkpoint"] = checkpoint.as_dict()
    signed = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    with tarfile.open(partial, "w:gz") as archive:
        _add_bytes(archive, MANIFEST, signed)
        _add_bytes(archive, SIGNATURE, json.dumps(_signature(signed)).encode())
        _add_bytes(archive, DATA, payload)
        for name, path in files:
            archive.add(path, arcname=f"uploads/{name}")
    partial.replace(target)  # never leave a half-written file under the final name
    checkpoints.write("backup", checkpoint)
    return target


def _add_bytes(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(payload))


class RestoreRefused(Exception):
    """A backup that cannot be restored, or a database it cannot be restored into; the message is one line."""


def _check_compression(path: Path) -> None:
    """Read the whole gzip stream: a truncated copy or a corrupt byte anywhere shows here."""
    size = path.stat().st_size
    if size == 0:
        raise RestoreRefused(f"{path} is empty (0 bytes): not a backup")
    try:
        with gzip.open(path) as stream:
            while stream.read(CHUNK):
                pass
    except EOFError as error:
        raise RestoreRefused(f"{path} is truncated: its compressed data ends early, after {size:,} bytes "
                             "(an interrupted copy or a full disk?)") from error
    except gzip.BadGzipFile as error:
        if str(error).startswith("Not a gzipped file"):
            with path.open("rb") as handle:
                first = handle.read(2)
            if first != b"\x1f\x8b":
                raise RestoreRefused(f"{path} is not a backup archive: not gzip-compressed") from error
        raise RestoreRefused(f"{path} is damaged: its compressed data is corrupt ({error})") from error
    except zlib.error as error:
        raise RestoreRefused(f"{path} is damaged: its compressed data is corrupt ({error})") from error


def _read_signed_manifest(path: Path, archive: tarfile.TarFile) -> dict:
    """The first two members, the manifest and its signature, checked against BACKUP_KEY."""
    first = archive.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise RestoreRefused(f"{path} is not a Minsheng backup: it does not start with {MANIFEST}")
    signed = archive.extractfile(first).read()
    second = archive.next()
    if second is None or second.name != SIGNATURE or not second.isfile():
        try:
            old_format = json.loads(signed).get("format") == 1
        except (ValueError, AttributeError):
            old_format = False
        if old_format:
            raise RestoreRefused(f"{path} was made before backups were signed (format 1) and cannot be trusted")
        raise RestoreRefused(f"{path} is not signed: it has no {SIGNATURE} (the signature was removed)")
    try:
        signature = json.loads(archive.extractfile(second).read())
        claimed_key, claimed = signature["key"], signature["signature"]
    except (ValueError, KeyError, TypeError) as error:
        raise RestoreRefused(f"{path} has been altered: {SIGNATURE} is not a signature") from error
    expected = _signature(signed)
    if not hmac.compare_digest(str(claimed), expected["signature"]):
        if claimed_key != expected["key"]:
            raise RestoreRefused(f"{path} was signed with another BACKUP_KEY (key {claimed_key}, this installation's "
                                 f"is {expected['key']}): restore it with the key it was made with")
        raise RestoreRefused(f"{path} has been altered: {MANIFEST} does not match its signature")
    try:
        manifest = json.loads(signed)
        format_ = manifest.get("format")
    except (ValueError, AttributeError) as error:
        raise RestoreRefused(f"{path} has a signed but unreadable {MANIFEST}") from error
    if format_ != FORMAT or not isinstance(manifest.get("models"), dict) or not isinstance(manifest.get("files"), dict):
        raise RestoreRefused(f"{path} uses backup format {format_!r}, which this version cannot read")
    return manifest


def _member_digest(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    handle = archive.extractfile(member)
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def inspect(path: Path) -> dict:
    """Check a whole archive against its signed manifest without restoring anything; return the manifest.

    Raises RestoreRefused with one line naming what is wrong: a missing, empty, truncated, corrupt, unsigned,
    wrongly signed or altered archive.
    """
    path = Path(path)
    try:
        if not path.is_file():
            raise RestoreRefused(f"{path}: no such file")
        _check_compression(path)
        with tarfile.open(path, "r|gz") as archive:
            manifest = _read_signed_manifest(path, archive)
            expected = {DATA: manifest.get("data_sha256")} | {f"uploads/{name}": digest
                                                               for name, digest in manifest["files"].items()}
            seen = set()
            for index, member in enumerate(archive):
                if index < 2:  # the manifest and its signature, read above
                    continue
                if member.name not in expected or not member.isfile() or member.name in seen:
                    raise RestoreRefused(f"{path} has been altered: it holds {member.name}, which its signed "
                                         "manifest does not list")
                seen.add(member.name)
                if _member_digest(archive, member) != expected[member.name]:
                    raise RestoreRefused(f"{path} has been altered: {member.name} does not match its digest in "
                                         "the signed manifest")
            missing = sorted(set(expected) - seen)
            if missing:
                raise RestoreRefused(f"{path} is incomplete: {missing[0]}"
                                     f"{f' and {len(missing) - 1} other file(s)' if len(missing) > 1 else ''} "
                                     "listed in its signed manifest are missing")
    except tarfile.TarError as error:
        raise RestoreRefused(f"{path} is damaged: not a readable tar archive ({error})") from error
    except (EOFError, zlib.error) as error:
        raise RestoreRefused(f"{path} is damaged: {error}") from error
    except OSError as error:
        raise RestoreRefused(f"{path} cannot be read: {error.strerror or error}") from error
    return manifest


def restore(path: Path) -> int:
    """Load a backup into this (freshly migrated) database and its uploads folder; return the number of rows."""
    from minsheng.core.models import AuditEvent

    manifest = inspect(path)
    if AuditEvent.objects.exists():
        raise RestoreRefused("the target database already holds audit events: restore only into a new database")
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as scratch:
        fixture = Path(scratch) / DATA
        fixture.write_bytes(archive.extractfile(DATA).read())
        members = [m for m in archive.getmembers() if m.name.startswith("uploads/") and m.isfile()]
        with transaction.atomic():
            # Only the migrations' reference rows are here; foreign keys are checked at commit. Empty tables are
            # left alone: the platform's role may not delete from the audit tables at all.
            for model in reversed(_models()):
                if model._default_manager.exists():
                    model._default_manager.all()._raw_delete(model._default_manager.db)
            call_command("loaddata", str(fixture), verbosity=0)
        root = _upload_root()
        for member in members:
            relative = Path(member.name).relative_to("uploads")
            if relative.is_absolute() or ".." in relative.parts:
                raise RestoreRefused(f"unsafe path in backup: {member.name}")
            destination = root / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())
    return sum(entry["rows"] for entry in manifest["models"].values())


def lost_since_restore() -> checkpoints.Checkpoint | None:
    """After a restore: the newest checkpoint in the data folder past the restored head, whose events were lost."""
    from minsheng.core.models import AuditChainHead

    restored = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    later = [c for c in checkpoints.load().checkpoints if c.seq > restored]
    return max(later, key=lambda c: c.seq, default=None)


@dataclass
class DrillReport:
    backup: Path
    database: str
    rows: int
    tables: int
    mismatches: list[str]
    audit_findings: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.audit_findings


def drill(path: Path, database_url: str | None = None) -> DrillReport:
    """Check `path`, restore it into a scratch database in a child process and compare it with the manifest.

    The scratch database is a new SQLite file unless `database_url` names an empty PostgreSQL database. The
    restored audit chain is verified against the checkpoint the backup carries.
    """
    path = Path(path).resolve()
    manifest = inspect(path)
    with tempfile.TemporaryDirectory(prefix="minsheng-drill-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'drill.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url, "MINSHENG_VAR": scratch, "SECRET_KEY": settings.SECRET_KEY,
               "AUDIT_KEY": settings.AUDIT_KEY, "BACKUP_KEY": settings.BACKUP_KEY}
        # The scratch database is the drill's own: its role runs the migrations, and the checkpoints it compares
        # with are the backup's, not the data folder's (which go on past the backup).
        for name in ("MIGRATIONS_DATABASE_URL", "AUDIT_CHECKPOINTS_FILE"):
            env.pop(name, None)
        command = [sys.executable, "-m", "minsheng"]
        _run([*command, "migrate", "--no-input", "--verbosity", "0"], env)
        _run([*command, "backup", "restore", str(path)], env)
        restored = json.loads(_run([*command, "backup", "digests"], env))
        audit = _run([*command, "audit", "verify", "--no-progress", "--checkpoints", str(path)], env, check=False)
    mismatches = []
    for label, expected in manifest["models"].items():
        got = restored["models"].get(label)
        if got != expected:
            mismatches.append(f"{label}: expected {expected['rows']} rows ({expected['sha256'][:12]}), "
                              f"restored {got['rows'] if got else 0} rows ({got['sha256'][:12] if got else '-'})")
    for name, digest in manifest["files"].items():
        if restored["files"].get(name) != digest:
            mismatches.append(f"uploads/{name}: missing or different after restore")
    findings = [] if audit.returncode == 0 else [line for line in audit.stdout.splitlines() if line.strip()]
    if audit.returncode != 0 and not findings:
        findings = [_last_line(audit.stderr)]
    return DrillReport(path, url.split("@")[-1], sum(e["rows"] for e in manifest["models"].values()),
                       len(manifest["models"]), mismatches, findings)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _run(command: list[str], env: dict, check: bool = True):
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if check and result.returncode != 0:
        # The child's last line is its error ("CommandError: …", or an exception's message): one line.
        raise RestoreRefused(f"{' '.join(command[3:5])} in the scratch database failed: {_last_line(result.stderr)}")
    return result.stdout if check else result
