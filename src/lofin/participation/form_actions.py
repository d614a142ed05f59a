"""Screen submissions of the 주민e참여 actions that take no idempotency key of their own (a proposal, a comment,
a question, an answer, a review, a score, a shortlist decision, a phase change, the tally, an override, a resident
list, a new cycle): each form rendering carries a key, and a second submission of it must not write twice.

The claim is `core.idempotency.once_per_form`'s; the row locked first is the person's resident row, or the cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model

from lofin.core import idempotency

from .models import Cycle, Resident

T = TypeVar("T", bound=Model)


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
    """`core.idempotency.once_per_form` for the 주민e참여 screens (claims of object type `participation.form`)."""
    return idempotency.once_per_form(
        scope="participation",
        government_id=government_id,
        actor=actor,
        form_key=form_key,
        kind=kind,
        values={"values": values},
        lock=lock,
        call=call,
        load=load,
    )
