"""One way to make a write safe to retry (conventions §5.10, architecture §8.17).

A program sends an `Idempotency-Key` with each write; a screen carries a key per rendering of its form. Either
way a retry of the same request gets the first result, and the same key with a different request is refused
with `KeyReused` (409), never silently answered with the first record:

- `scoped_key` makes the stored key: unique per government and person, so two callers never collide.
- `fingerprint` covers the whole request (every value the caller sent), and the action records it in the audit
  event of its first write (`data["fingerprint"]`).
- `replay` answers a repeated key: the first object when the fingerprints agree, `KeyReused` otherwise.
- `unique_insert` wraps the INSERT of a row with a unique key: a concurrent twin that committed first turns the
  IntegrityError into `Duplicate`, upon which the action replays the twin's result.
- `once_per_form` is the claim for actions that keep no key of their own (예산배정, a comment, a review, ...): the
  claim is an audit event in the same transaction as the action.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import InvalidInput, KeyReused
from lofin.core.models import AuditEvent, User

__all__ = [
    "FORM_KEY_RE",
    "KEY_MAX_LENGTH",
    "Duplicate",
    "KeyReused",
    "fingerprint",
    "once_per_form",
    "recorded_fingerprint",
    "replay",
    "scoped_key",
    "unique_insert",
]

KEY_MAX_LENGTH = 100
# The key a screen puts in its form: made by the server (uuid4 hex), so anything else is a forged or stale form.
FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
FINGERPRINT_LENGTH = 16

M = TypeVar("M", bound=Model)


class Duplicate(Exception):
    """A concurrent request with the same key inserted its row first: roll ours back and replay theirs."""


def scoped_key(government_id: int, actor: User, key: str | None) -> str:
    """The stored form of a caller's key: the same key from another person or government is another request."""
    if not key or len(key) > KEY_MAX_LENGTH or not key.isprintable():
        raise InvalidInput(
            _("An Idempotency-Key of 1 to %(max)s printable characters is required.") % {"max": KEY_MAX_LENGTH},
            field="idempotency_key",
        )
    return f"{government_id}:{actor.pk}:{key}"


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fingerprint(kind: str, /, **request: Any) -> str:
    """A digest of the whole request as the caller sent it (objects by their id). Two requests with the same key
    are the same request only if every value agrees."""
    text = json.dumps([kind, _plain(request)], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def recorded_fingerprint(obj: Model, *, object_type: str | None = None) -> str | None:
    """The fingerprint the first write of `obj` recorded in its audit event, if any."""
    events = AuditEvent.objects.filter(
        object_type=object_type or obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("id")
    for data in events.values_list("data", flat=True)[:20]:
        if isinstance(data, dict) and "fingerprint" in data:
            return str(data["fingerprint"])
    return None


def replay(done: M, request_fingerprint: str, *, recorded: str | None = None, object_type: str | None = None) -> M:
    """The answer to a repeated key: the first result if this is the same request, else `KeyReused`.
    `recorded` is the first request's fingerprint when the caller keeps it; otherwise its audit event is read."""
    first = recorded if recorded is not None else recorded_fingerprint(done, object_type=object_type)
    if first != request_fingerprint:
        raise KeyReused()
    return done


@contextmanager
def unique_insert() -> Iterator[None]:
    """Around the INSERT of a row whose idempotency key is unique. In its own savepoint, so the losing twin's
    failure leaves the outer transaction usable: the caller catches `Duplicate`, rolls its work back and replays."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise Duplicate() from error


def _claim_id(government_id: int, actor: User, form_key: str) -> str:
    if not FORM_KEY_RE.fullmatch(form_key or ""):
        raise InvalidInput(_("The form has no valid key; open it again."), field="idempotency_key")
    return hashlib.sha256(f"{government_id}:{actor.pk}:{form_key}".encode()).hexdigest()


def once_per_form(
    *,
    scope: str,
    government_id: int,
    actor: User,
    form_key: str,
    kind: str,
    values: dict[str, Any],
    lock: Callable[[], Any],
    call: Callable[[], M],
    load: Callable[[int], M],
) -> M:
    """Run `call` at most once per rendering of a form; a repeated submission gets `load(first object's id)`.

    The claim is an audit event (object type `<scope>.form`, the hashed key as its object id, an indexed pair)
    written in the action's transaction. `lock` first takes the row the action changes — in the lock order of every
    money path (architecture §8.15) — so two submissions of one form queue there and the second finds the first
    one's claim. The same key with other values is refused (`KeyReused`): it is another decision made on an old
    form. A refused action rolls its claim back with it."""
    object_type = f"{scope}.form"
    claim = _claim_id(government_id, actor, form_key)
    digest = fingerprint(kind, **values)
    with transaction.atomic():
        lock()
        event = AuditEvent.objects.filter(object_type=object_type, object_id=claim).only("data").first()
        if event is not None:
            if event.data.get("fingerprint") != digest:
                raise KeyReused()
            return load(event.data["object"])
        obj = call()
        audit.record(
            actor,
            f"{scope}.form.{kind}",
            obj,
            object_type=object_type,
            object_id=claim,
            data={"object": obj.pk, "fingerprint": digest},
        )
    return obj
