"""Backups and the restore drill (quality promise 13).

A backup is one `.tar.gz`: `data.json` (every row of every model, Django's serialisation with natural keys, so
it restores into SQLite or PostgreSQL alike), the uploaded files under `uploads/`, and `manifest.json` with, per
model, the row count and a SHA-256 digest of its rows, and per uploaded file its digest.

A restore goes into a freshly migrated, otherwise empty database: the reference rows the migrations made are
replaced by the backup's, in one transaction (foreign keys are checked at commit), so a failed restore leaves
nothing behind. The drill restores a backup into a scratch database in a child process, recomputes the digests
there and compares them with the manifest, and verifies the restored audit chain.
"""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
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

FORMAT = 1
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
        yield path.relative_to(root).as_posix(), path


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


def create(directory: Path, progress: Callable[[int], object] = lambda n: None) -> Path:
    """Write a backup into `directory`; return its path. Reads in one transaction, so the copy is consistent."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = directory / f"minsheng-{stamp}.tar.gz"
    partial = target.with_suffix(".partial")
    with transaction.atomic():
        data, manifest = [], {"format": FORMAT, "created_at": timezone.now().isoformat(), "database":
                              connection.vendor, "models": {}, "files": {}}
        for model in _models():
            rows = _serialise(model)
            data.extend(rows)
            manifest["models"][model._meta.label_lower] = {"rows": len(rows), "sha256": _digest_rows(rows)}
            progress(1)
        files = list(_uploads())
        manifest["files"] = {name: _file_digest(path) for name, path in files}
    with tarfile.open(partial, "w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        _add_bytes(archive, "data.json", json.dumps(data, ensure_ascii=False).encode())
        for name, path in files:
            archive.add(path, arcname=f"uploads/{name}")
    partial.replace(target)  # never leave a half-written file under the final name
    return target


def _add_bytes(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(payload))


def manifest_of(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.load(archive.extractfile("manifest.json"))


class RestoreRefused(Exception):
    pass


def restore(path: Path) -> int:
    """Load a backup into this (freshly migrated) database and its uploads folder; return the number of rows."""
    from minsheng.core.models import AuditEvent

    if AuditEvent.objects.exists():
        raise RestoreRefused("the target database already holds audit events: restore only into a new database")
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as scratch:
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise RestoreRefused(f"unknown backup format {manifest.get('format')!r}")
        fixture = Path(scratch) / "data.json"
        fixture.write_bytes(archive.extractfile("data.json").read())
        members = [m for m in archive.getmembers() if m.name.startswith("uploads/") and m.isfile()]
        with transaction.atomic():
            # Only the migrations' reference rows are here; foreign keys are checked at commit.
            for model in reversed(_models()):
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


@dataclass
class DrillReport:
    backup: Path
    database: str
    rows: int
    mismatches: list[str]
    audit_findings: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.audit_findings


def drill(path: Path, database_url: str | None = None) -> DrillReport:
    """Restore `path` into a scratch database in a child process and compare it with the manifest.

    The scratch database is a new SQLite file unless `database_url` names an empty PostgreSQL database.
    """
    manifest = manifest_of(path)
    with tempfile.TemporaryDirectory(prefix="minsheng-drill-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'drill.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url, "MINSHENG_VAR": scratch, "SECRET_KEY": settings.SECRET_KEY,
               "AUDIT_KEY": settings.AUDIT_KEY}
        command = [sys.executable, "-m", "minsheng"]
        _run([*command, "migrate", "--no-input", "--verbosity", "0"], env)
        _run([*command, "backup", "restore", str(path)], env)
        restored = json.loads(_run([*command, "backup", "digests"], env))
        audit = _run([*command, "audit", "verify", "--no-progress"], env, check=False)
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
    return DrillReport(path, url.split("@")[-1], sum(e["rows"] for e in manifest["models"].values()),
                       mismatches, findings)


def _run(command: list[str], env: dict, check: bool = True):
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if check and result.returncode != 0:
        raise RestoreRefused(f"{' '.join(command[2:4])} failed:\n{result.stderr.strip()[-2000:]}")
    return result.stdout if check else result
