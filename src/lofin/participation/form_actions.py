"""Screen submissions of the 주민e참여 actions that take no idempotency key of their own (a proposal, a comment,
a question, an answer, a review, a score, a shortlist decision, a phase change, the tally, an override, a resident
list, a new cycle): each form rendering carries a key, and a second submission of it must not write twice.

As in execution (architecture §8.17) the key is claimed in the audit trail in the same transaction as the action:
one event with object type `participation.form` and the hashed key as its object id. A row is locked first — the
person's resident row, or the cycle — so two submissions of one form are serialised and the second finds the first
one's claim and writes nothing. A refused action rolls its claim back with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import InvalidInput
from lofin.core.models import AuditEvent
from lofin.execution.form_actions import FormReused
from lofin.execution.forms import KEY_RE

from .models import Cycle, Resident

FORM_OBJECT = "participation.form"
T = TypeVar("T", bound=Model)


def _claim_id(government_id: int, actor: Any, form_key: str) -> str:
    if not KEY_RE.fullmatch(form_key or ""):
        raise InvalidInput(_("The form has no valid key; open it again."), field="idempotency_key")
    return hashlib.sha256(f"pb:{government_id}:{actor.pk}:{form_key}".encode()).hexdigest()


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def lock_resident(government_id: int, user: Any) -> Callable[[], None]:
    return lambda: Resident.objects.select_for_update().filter(government_id=government_id, user=user).first()


def lock_cycle(cycle_id: int) -> Callable[[], None]:
    return lambda: Cycle.objects.select_for_update().filter(pk=cycle_id).first()


def once(
    government_id: int,
    *,
    actor: Any,
    form_key: str,
    kind: str,
    values: tuple[Any, ...],
    lock: Callable[[], Any],
    call: Callable[[], T],
    load: Callable[[int], T],
) -> T:
    """Run `call` at most once per form rendering; a repeated submission gets `load(first object's id)`.
    The same key with other values is refused (FormReused): it is another decision, made on an old form."""
    claim = _claim_id(government_id, actor, form_key)
    fingerprint = _fingerprint(kind, *values)
    with transaction.atomic():
        lock()
        event = AuditEvent.objects.filter(object_type=FORM_OBJECT, object_id=claim).only("data").first()
        if event is not None:
            if event.data.get("fingerprint") != fingerprint:
                raise FormReused()
            return load(event.data["object"])
        obj = call()
        audit.record(
            actor,
            f"participation.form.{kind}",
            obj,
            object_type=FORM_OBJECT,
            object_id=claim,
            data={"object": obj.pk, "fingerprint": fingerprint},
        )
    return obj
