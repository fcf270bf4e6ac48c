"""Signed checkpoints of the audit chain's head, kept outside the database.

The chain proves that no event was changed, inserted or removed before its head; it cannot prove that the head
itself was not moved back over deleted events by someone who can switch the database's triggers off. So the head
(its sequence number and hash, and the time) is signed with a key derived from AUDIT_KEY and written where the
database cannot reach: appended to AUDIT_CHECKPOINTS_FILE in the data folder and to the log by
`minsheng audit checkpoint` (run on a schedule), and into every backup's manifest. `verify_trail()` walks the
chain and compares it with every checkpoint it can read: a chain that ends before a checkpoint's event, or whose
event at a checkpoint's sequence number is not the one signed, was shortened or rewritten. Events appended after
the newest checkpoint are protected by the database alone, so the schedule sets how large that window is.
"""

import dataclasses
import datetime
import hashlib
import hmac
import json
import logging
import os
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from minsheng.core import audit
from minsheng.core.models import AuditChainHead, AuditEvent

logger = logging.getLogger("minsheng.audit")

FORMAT = 1
# Where a checkpoint was made: by `minsheng audit checkpoint` (a scheduler or a person) or by `backup create`.
SOURCES = ("command", "backup", "nightly")   # who wrote it: `audit checkpoint`, a backup, the scheduler


def _key() -> bytes:
    # Derived, so that a checkpoint's signature can never be mistaken for an event's hash under AUDIT_KEY.
    return hmac.new(settings.AUDIT_KEY.encode(), b"minsheng audit checkpoint", hashlib.sha256).digest()


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601, UTC
    source: str
    signature: str = ""

    def payload(self) -> dict:
        return {"checkpoint": FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at, "source": self.source}

    def _expected_signature(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"))
        return hmac.new(_key(), canonical.encode(), hashlib.sha256).hexdigest()

    def signed(self) -> "Checkpoint":
        return dataclasses.replace(self, signature=self._expected_signature())

    @property
    def is_genuine(self) -> bool:
        return hmac.compare_digest(self.signature, self._expected_signature())

    def as_dict(self) -> dict:
        return {**self.payload(), "signature": self.signature}

    @property
    def when(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.at)

    def describe(self) -> str:
        return f"the checkpoint signed {self.at[:19].replace('T', ' ')} UTC ({self.source})"

    @classmethod
    def from_dict(cls, data) -> "Checkpoint":
        """Raises ValueError when `data` is not a checkpoint of a known format."""
        if not isinstance(data, dict) or data.get("checkpoint") != FORMAT:
            raise ValueError("not a checkpoint")
        seq, digest, at, source, signature = (data.get(k) for k in ("seq", "hash", "at", "source", "signature"))
        if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0 and isinstance(digest, str)
                and isinstance(at, str) and isinstance(source, str) and isinstance(signature, str)):
            raise ValueError("a checkpoint with missing or mistyped fields")
        datetime.datetime.fromisoformat(at)  # ValueError when it is not a time
        return cls(seq=seq, hash=digest, at=at, source=source, signature=signature)


def current(source: str) -> Checkpoint:
    """A signed checkpoint of the head as this transaction sees it."""
    if source not in SOURCES:
        raise ValueError(f"unknown checkpoint source {source!r}")
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, audit.GENESIS)
    at = timezone.now().astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return Checkpoint(seq=head[0], hash=head[1], at=at, source=source).signed()


def append(checkpoint: Checkpoint, path: Path | None = None) -> Path:
    """Add one line to the checkpoints file (never rewritten: opened for appending only) and to the log."""
    path = Path(path or settings.AUDIT_CHECKPOINTS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(checkpoint.as_dict(), sort_keys=True) + "\n").encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        written = os.write(descriptor, line)  # one write: concurrent writers' lines do not interleave
        if written != len(line):
            raise OSError(f"only {written} of {len(line)} bytes of the checkpoint reached {path}")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    logger.info("audit checkpoint: event %s, hash %s", checkpoint.seq, checkpoint.hash,
                extra={"audit_checkpoint": checkpoint.as_dict()})
    return path


@dataclass
class Loaded:
    """The genuine checkpoints read from some files, and what was wrong in them."""

    checkpoints: list[Checkpoint] = field(default_factory=list)
    problems: list[audit.Finding] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    @property
    def latest(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: (c.seq, c.at), default=None)

    def add(self, checkpoint: Checkpoint) -> None:
        if checkpoint not in self.checkpoints:  # the same checkpoint in the file, the log and a backup
            self.checkpoints.append(checkpoint)


def _problem(where: str, seq: int | None, text: str) -> audit.Finding:
    return audit.Finding(seq, f"checkpoint: {where} {text}")


def _read_lines(loaded: Loaded, path: Path, strict: bool) -> None:
    """A checkpoints file (strict: every line must be a genuine checkpoint) or a log (other lines are skipped)."""
    found = 0
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"line {number} of {path}"
            try:
                data = json.loads(line)
            except ValueError:
                data = None
            if isinstance(data, dict) and "audit_checkpoint" in data:  # a log line
                data = data["audit_checkpoint"]
            try:
                checkpoint = Checkpoint.from_dict(data)
            except ValueError:
                if strict:
                    loaded.problems.append(_problem(where, None, "is not a checkpoint"))
                continue
            found += 1
            if checkpoint.is_genuine:
                loaded.add(checkpoint)
            else:
                loaded.problems.append(_problem(where, checkpoint.seq, "does not carry this installation's "
                                                "signature (changed by hand, or made with another AUDIT_KEY)"))
    if not strict and not found:
        loaded.problems.append(_problem(str(path), None, "holds no checkpoint"))


def _read_backup(loaded: Loaded, path: Path) -> None:
    """The checkpoint in a backup's manifest. The backup's own signature is the drill's business."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            manifest = json.load(member) if member is not None else {}
    except (OSError, EOFError, KeyError, ValueError, tarfile.TarError) as error:
        loaded.problems.append(_problem(str(path), None, f"cannot be read as a backup ({error})"))
        return
    try:
        checkpoint = Checkpoint.from_dict(manifest.get("audit_checkpoint") if isinstance(manifest, dict) else None)
    except ValueError:
        loaded.problems.append(_problem(str(path), None, "is a backup without a checkpoint"))
        return
    if checkpoint.is_genuine:
        loaded.add(checkpoint)
    else:
        loaded.problems.append(_problem(f"the backup {path}", checkpoint.seq, "does not carry this installation's "
                                        "signature (changed, or made with another AUDIT_KEY)"))


def load(paths: Iterable[Path | str] = (), include_default: bool = True) -> Loaded:
    """Read the data folder's checkpoints file and any other files named: checkpoint files, logs or backups."""
    loaded = Loaded()
    default = Path(settings.AUDIT_CHECKPOINTS_FILE)
    wanted = ([(default, True)] if include_default else []) + [(Path(p), False) for p in paths]
    for path, is_default in wanted:
        if is_default and not path.exists():
            continue  # no checkpoint written yet
        loaded.paths.append(path)
        try:
            if not is_default and tarfile.is_tarfile(path):
                _read_backup(loaded, path)
            else:
                _read_lines(loaded, path, strict=is_default or path.suffix == ".jsonl")
        except OSError as error:
            loaded.problems.append(_problem(str(path), None, f"cannot be read ({error.strerror or error})"))
    return loaded


def compare(loaded: Loaded) -> list[audit.Finding]:
    """Where the chain in the database falls short of, or differs from, what the checkpoints recorded."""
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    findings = []
    beyond = [c for c in loaded.checkpoints if c.seq > head]
    if beyond:
        latest = max(beyond, key=lambda c: (c.seq, c.at))
        others = f"; {len(beyond) - 1} earlier checkpoint(s) also lie past the end" if len(beyond) > 1 else ""
        findings.append(audit.Finding(latest.seq, f"shortened: the chain ends at event {head}, but "
                                                   f"{latest.describe()} recorded event {latest.seq}{others}"))
    within = sorted((c for c in loaded.checkpoints if 0 < c.seq <= head), key=lambda c: (c.seq, c.at))
    seqs = sorted({c.seq for c in within})
    stored = {}
    for start in range(0, len(seqs), 500):
        stored.update(AuditEvent.objects.filter(seq__in=seqs[start:start + 500]).values_list("seq", "hash"))
    reported = set()
    for checkpoint in within:
        digest = stored.get(checkpoint.seq)
        # A missing event is named by the chain walk ("removed"); here only a different one.
        if digest is not None and digest != checkpoint.hash and checkpoint.seq not in reported:
            reported.add(checkpoint.seq)
            findings.append(audit.Finding(checkpoint.seq, f"changed: event {checkpoint.seq} is not the one "
                                                          f"{checkpoint.describe()} recorded"))
    return findings


@dataclass
class TrailCheck:
    findings: list[audit.Finding]
    checkpoints: Loaded

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_trail(progress: Callable[[int], object] | None = None, paths: Iterable[Path | str] = ()) -> TrailCheck:
    """The whole check: the chain walk, then the chain against every checkpoint that can be read.

    The checkpoints are read before the chain's head, so that one written while the walk runs is never mistaken
    for a chain that ends too early.
    """
    loaded = load(paths)
    findings = list(audit.verify(progress=progress))
    return TrailCheck(findings + loaded.problems + compare(loaded), loaded)


def write(source: str, checkpoint: Checkpoint | None = None) -> tuple[Checkpoint, list[audit.Finding]]:
    """Record a checkpoint (the current head unless one is given) and compare the chain with the earlier ones.

    The checkpoint is written even when the chain has been shortened since an earlier one: it is true of the
    head now, and the earlier checkpoint still shows the loss to every later check.
    """
    earlier = load()
    checkpoint = checkpoint or current(source)
    append(checkpoint)
    findings = earlier.problems + compare(earlier)
    for finding in findings:
        logger.warning("audit chain check at checkpoint: %s", finding)
    return checkpoint, findings
