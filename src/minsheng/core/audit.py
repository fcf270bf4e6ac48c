"""The audit trail: every write records who, when, from where, what changed, why, and which clause.

`record()` must run inside the transaction of the write it records, so that a failed audit write
rolls the action back. Each event is chained to the previous one with an HMAC over its canonical
JSON, keyed by AUDIT_KEY (kept outside the database), so a row cannot be changed, removed or
inserted without `verify()` naming it.
"""

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from minsheng.core import context, labels, personal
from minsheng.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_label", "address", "request_id", "action",
    "target_type", "target_id", "target_label", "old", "new", "reason", "clause", "prev_hash",
)


def _audit_key() -> bytes:
    return settings.AUDIT_KEY.encode()


def to_json_value(value):
    """Plain JSON for a Python value, so that what is hashed is exactly what the database returns."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _field_value(instance: models.Model, field: models.Field):
    value = getattr(instance, field.attname)
    if isinstance(value, File):
        return value.name or ""
    if isinstance(value, decimal.Decimal | datetime.date | datetime.time | uuid.UUID):
        return str(value) if not isinstance(value, datetime.datetime) else value.isoformat()
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The concrete field values of an instance (foreign keys as ids, many-to-many as id lists)."""
    wanted = set(fields) if fields is not None else None
    values = {}
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted:
            continue
        if field.name in {"password", "created_at", "updated_at"}:
            continue
        values[field.name] = _field_value(instance, field)
    if instance.pk:
        for field in instance._meta.many_to_many:
            if wanted is None or field.name in wanted:
                values[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return to_json_value(values)


def changes(old: dict, new: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ: what an update event stores."""
    keys = [k for k in new.keys() | old.keys() if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in sorted(keys)}, {k: new.get(k) for k in sorted(keys)}


def _digest(fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(_audit_key(), payload.encode(), hashlib.sha256).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict:
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    created = event.created_at
    if isinstance(created, str):  # raw rows read back from SQLite
        created = datetime.datetime.fromisoformat(created)
    fields["created_at"] = created.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return fields


def compute_hash(event: AuditEvent) -> str:
    return _digest(_hashed_fields(event))


def record(
    *,
    action: str,
    by=None,
    target: models.Model | None = None,
    target_label: str | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
    clause: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction of the write it records."""
    return record_many([dict(action=action, by=by, target=target, target_label=target_label, old=old, new=new,
                             reason=reason, clause=clause)])[0]


def record_many(entries: Iterable[dict]) -> list[AuditEvent]:
    """Append one event per entry (the keyword arguments of `record`), in order, under one lock of the chain head
    and with one INSERT per batch: a step taken on a thousand rows costs one round trip, not a thousand."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the write it records")
    ctx = context.current()
    unsigned = [_unsigned_event(ctx, **entry) for entry in entries]
    if not unsigned:
        return []
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS}
        )
        seq, previous = head.seq, head.hash
        for event in unsigned:
            seq += 1
            event.seq, event.prev_hash, event.created_at = seq, previous, timezone.now()
            event.hash = previous = compute_hash(event)
        AuditEvent.objects.bulk_create(unsigned, batch_size=500)
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=previous)
    return unsigned


def _unsigned_event(ctx, *, action: str, by=None, target: models.Model | None = None,
                    target_label: str | None = None, old: dict | None = None, new: dict | None = None,
                    reason: str = "", clause: str = "") -> AuditEvent:
    """The event as it will be stored, before its place in the chain (seq, time, hashes) is known."""
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    # People's contact details enter the trail as tokens only, so that they can be erased later (core/personal.py).
    target_label, old, new, reason = personal.protect_event(
        target=target, label=str(target_label if target_label is not None else (target or "")),
        old=to_json_value(old) if old is not None else None, new=to_json_value(new) if new is not None else None,
        reason=str(reason or ""))
    return AuditEvent(
        actor=actor,
        actor_label=actor.get_username() if actor else "",
        address=ctx.address,
        request_id=ctx.request_id,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=target_label[:300],
        old=to_json_value(old) if old is not None else None,
        new=to_json_value(new) if new is not None else None,
        reason=reason,
        clause=clause,
    )


@dataclass(frozen=True)
class Finding:
    seq: int | None
    problem: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.problem}" if self.seq is not None else self.problem


def _ranges(numbers: list[int]) -> str:
    spans, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            spans.append(f"{start}" if start == n else f"{start}–{n}")
            start = None
    return ", ".join(spans)


def verify(progress=None) -> Iterator[Finding]:
    """Walk the chain in order and yield every broken link, naming the row.

    The chain head is read first and only rows up to it are walked, so that events appended by
    other requests while the walk runs are not mistaken for tampering; rows past the head that no
    legitimate append explains are reported as inserted.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    last = head.seq if head is not None else 0
    expected_seq, previous_hash = 1, GENESIS
    for event in AuditEvent.objects.filter(seq__lte=last).order_by("seq").iterator(chunk_size=2000):
        if progress is not None:
            progress(1)
        if event.seq > expected_seq:
            missing = f"{expected_seq}" if event.seq == expected_seq + 1 else f"{expected_seq}–{event.seq - 1}"
            yield Finding(expected_seq, f"removed: rows {missing} are missing before row {event.seq}")
        elif event.seq < expected_seq:
            yield Finding(event.seq, "inserted: sequence number out of order")
            continue
        if compute_hash(event) != event.hash:
            yield Finding(event.seq, f"changed: content does not match its hash (id {event.pk}, "
                                     f"action {event.action})")
        elif event.prev_hash != previous_hash and event.seq == expected_seq:
            yield Finding(event.seq, "inserted or re-linked: does not follow the previous row")
        expected_seq, previous_hash = event.seq + 1, event.hash
    if last >= expected_seq:
        missing = f"{expected_seq}" if last == expected_seq else f"{expected_seq}–{last}"
        yield Finding(expected_seq, f"removed: rows {missing} are missing at the end")
    elif last and head.hash != previous_hash:
        yield Finding(last, "changed: last row does not match the chain head")
    # A legitimate event is committed together with the head that counts it, so a row that lies past
    # the head as read after this query was written behind the platform's back.
    beyond = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq").values_list("seq", flat=True))
    if beyond:
        now = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
        forged = [seq for seq in beyond if seq > now]
        if forged:
            yield Finding(forged[0], f"inserted: rows {_ranges(forged)} lie past the chain head ({now})")


def history_for(instance: models.Model):
    """The events of one object, newest first."""
    return AuditEvent.objects.filter(target_type__in=labels.labels_of(instance), target_id=str(instance.pk))
