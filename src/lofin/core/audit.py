"""Write and verify the hash-chained audit trail.

Every write in an action calls `record(...)` inside the same transaction, so the business change and its
audit row commit together or not at all. Each chain (one per government, one "system") is a sequence
1, 2, 3, ...; each row stores the hash of the previous row and its own hash over its content. Changing,
deleting or inserting any row breaks the chain at that row, which `verify` reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from lofin.core import clock
from lofin.core.models import GENESIS_HASH, SYSTEM_CHAIN, AuditChain, AuditEvent, LocalGovernment, User

# Who did it: a person, or, for what no person did (a bootstrap, a refused log-in, a job), None ("system") or a label.
Actor = User | str | None


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """Audit data must survive a JSON round trip through both databases unchanged: no floats."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        raise TypeError("floats are not allowed in audit data; use integer won or Decimal")
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


SEPARATOR = "\x1f"


def timestamp(value: dt.datetime) -> str:
    """UTC to the microsecond, as "%Y-%m-%dT%H:%M:%S.%fZ" (isoformat is several times faster than strftime)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _key() -> bytes:
    """The chain is an HMAC keyed outside the database: someone who can write the tables but does not hold
    LOFIN_AUDIT_KEY cannot forge a consistent chain."""
    return settings.LOFIN_AUDIT_KEY.encode("utf-8")


def compute_hash(
    *,
    chain_key: str,
    seq: int,
    government_id: int | None,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    prev_hash: str,
) -> str:
    content = SEPARATOR.join(
        [
            chain_key,
            str(seq),
            "" if government_id is None else str(government_id),
            timestamp(occurred_at),
            "" if actor_id is None else str(actor_id),
            actor_label,
            action,
            object_type,
            object_id,
            canonical_json(data),
            prev_hash,
        ]
    )
    return hmac.new(_key(), content.encode("utf-8"), hashlib.sha256).hexdigest()


def chain_key_for(government: LocalGovernment | None) -> str:
    return government.code if government is not None else SYSTEM_CHAIN


def ensure_chains(keys: list[str]) -> None:
    existing = set(AuditChain.objects.filter(key__in=keys).values_list("key", flat=True))
    AuditChain.objects.bulk_create([AuditChain(key=k) for k in keys if k not in existing], ignore_conflicts=True)


def _lock_chain(key: str) -> AuditChain:
    try:
        return AuditChain.objects.select_for_update().get(key=key)
    except AuditChain.DoesNotExist:
        try:
            with transaction.atomic():
                AuditChain.objects.create(key=key)
        except IntegrityError:
            # Another writer created it first; its row is what we lock below.
            pass
        return AuditChain.objects.select_for_update().get(key=key)


def actor_fields(actor: Actor) -> tuple[int | None, str]:
    """The actor's id and the label the chain keeps for it."""
    if isinstance(actor, User) and actor.pk is not None:
        return actor.pk, actor.get_username()
    return None, str(actor) if actor else "system"


def record(
    actor: Actor,
    action: str,
    obj: Model | None = None,
    *,
    government: LocalGovernment | None = None,
    data: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic, with the change it records")
    if government is None and obj is not None:
        government = obj if isinstance(obj, LocalGovernment) else getattr(obj, "government", None)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    key = chain_key_for(government)
    actor_id, actor_label = actor_fields(actor)
    payload = _plain(data or {})
    occurred_at = clock.now()

    chain = _lock_chain(key)
    seq = chain.last_seq + 1
    digest = compute_hash(
        chain_key=key,
        seq=seq,
        government_id=government.pk if government is not None else None,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        data=payload,
        prev_hash=chain.last_hash,
    )
    event = AuditEvent.objects.create(
        chain_key=key,
        seq=seq,
        government=government,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        data=payload,
        prev_hash=chain.last_hash,
        hash=digest,
    )
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=seq, last_hash=digest, prev_hash=chain.last_hash)
    return event


LOCK_HEAD = "SELECT last_seq, last_hash FROM core_auditchain WHERE key = %s"
INSERT_EVENT = """
INSERT INTO core_auditevent
    (chain_key, seq, government_id, occurred_at, actor_id, actor_label, action, object_type, object_id, data,
     prev_hash, hash)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
MOVE_HEAD = "UPDATE core_auditchain SET last_seq = %s, last_hash = %s, prev_hash = last_hash WHERE key = %s"


def record_raw(
    actor: User,
    action: str,
    *,
    government_id: int | None,
    chain_key: str,
    object_type: str,
    object_id: int | str,
    data: dict[str, Any],
    occurred_at: dt.datetime,
) -> None:
    """`record` without the ORM, for hot paths: same content, same hash, same lock on the chain head. SQLite only
    (its transactions take the write lock at BEGIN, so reading the head needs no FOR UPDATE)."""
    if not connection.in_atomic_block or connection.vendor != "sqlite":
        raise RuntimeError("record_raw runs inside a SQLite transaction")
    payload = _plain(data)
    actor_id, actor_label = actor_fields(actor)
    with connection.cursor() as cursor:
        cursor.execute(LOCK_HEAD, [chain_key])
        head = cursor.fetchone()
        if head is None:
            raise RuntimeError(f"audit chain {chain_key} has no head")
        seq, prev = head[0] + 1, head[1]
        digest = compute_hash(
            chain_key=chain_key,
            seq=seq,
            government_id=government_id,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            data=payload,
            prev_hash=prev,
        )
        cursor.execute(
            INSERT_EVENT,
            [
                chain_key,
                seq,
                government_id,
                occurred_at,
                actor_id,
                actor_label,
                action,
                object_type,
                str(object_id),
                canonical_json(payload),
                prev,
                digest,
            ],
        )
        cursor.execute(MOVE_HEAD, [seq, digest, chain_key])


@dataclass(frozen=True)
class Break:
    chain_key: str
    seq: int
    event_id: int | None
    reason: str

    def describe(self) -> str:
        row = f"row id {self.event_id}" if self.event_id is not None else "missing row"
        return f"chain {self.chain_key}: first bad event is seq {self.seq} ({row}): {self.reason}"


@dataclass
class ChainReport:
    chain_key: str
    events: int
    broken: Break | None


def _events(key: str) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(chain_key=key).order_by("seq").iterator(chunk_size=5000)


def verify_chain(key: str) -> ChainReport:
    expected_government = _government_ids([key])
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for event in _events(key):
        count += 1
        if event.seq != expected_seq:
            return ChainReport(key, count, Break(key, expected_seq, None, f"sequence jumps to {event.seq}"))
        if event.prev_hash != expected_prev:
            return ChainReport(key, count, Break(key, event.seq, event.pk, "does not link to the previous event"))
        if expected_government.get(key, "missing") != event.government_id:
            return ChainReport(key, count, Break(key, event.seq, event.pk, "belongs to another government's chain"))
        digest = compute_hash(
            chain_key=event.chain_key,
            seq=event.seq,
            government_id=event.government_id,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            data=event.data,
            prev_hash=event.prev_hash,
        )
        if digest != event.hash:
            return ChainReport(key, count, Break(key, event.seq, event.pk, "content does not match its hash"))
        expected_prev = event.hash
        expected_seq += 1
    head = AuditChain.objects.filter(key=key).first()
    if head is None:
        return ChainReport(key, count, Break(key, expected_seq, None, "the chain head is missing"))
    if head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
        return ChainReport(
            key,
            count,
            Break(key, expected_seq, None, f"chain head says {head.last_seq} events; found {count}"),
        )
    return ChainReport(key, count, None)


def _government_ids(keys: list[str]) -> dict[str, int | None]:
    ids: dict[str, int | None] = dict(LocalGovernment.objects.filter(code__in=keys).values_list("code", "pk"))
    if SYSTEM_CHAIN in keys:
        ids[SYSTEM_CHAIN] = None
    return ids


def verify(government_code: str | None = None) -> list[ChainReport]:
    """Every government has a chain (created with the registry), plus the system chain; a chain whose head or
    events were removed is reported, not skipped."""
    if government_code:
        keys = [government_code]
    else:
        keys = sorted(
            set(LocalGovernment.objects.values_list("code", flat=True))
            | {SYSTEM_CHAIN}
            | set(AuditChain.objects.values_list("key", flat=True))
            | set(AuditEvent.objects.values_list("chain_key", flat=True).distinct())
        )
    return [verify_chain(k) for k in keys]
