"""What the writers of execution share: the locks every money path takes in one order (architecture §8.15: budget
line → commitment → expenditure resolution → office → document counter → journal → audit chain head), document
numbers, the screen's form claim, and the rule that objects of another government look absent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F, Model

from lofin.core import idempotency
from lofin.core.errors import NotFound
from lofin.core.models import User

from ..models import BudgetLine, Commitment, DocumentCounter

M = TypeVar("M", bound=Model)

FORM_SCOPE = "execution"


def same_government(government_id: int, *objects: Any) -> None:
    """Objects of another government look absent, like everything that is not yours."""
    for obj in objects:
        if obj is not None and obj.government_id != government_id:
            raise NotFound()


def lock_line(line_id: int) -> None:
    """The budget line first: every path that moves its money queues here (architecture §8.15)."""
    BudgetLine.objects.select_for_update().filter(pk=line_id).first()


def lock_commitment(line_id: int, commitment_id: int) -> Commitment:
    """The line, then the commitment: the order of every money path."""
    lock_line(line_id)
    commitment = Commitment.objects.select_for_update(of=("self",)).filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound()
    return commitment


def next_number(government_id: int, year: int, kind: str) -> int:
    """The next number of a government's documents of a kind and year (payment orders, resolutions): the counter's
    row is taken after the money rows, so numbers follow the order in which the money moved."""
    counter, _created = DocumentCounter.objects.get_or_create(government_id=government_id, year=year, kind=kind)
    DocumentCounter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
    counter.refresh_from_db()
    return counter.value


def once_per_form(
    government_id: int,
    *,
    actor: User,
    form_key: str,
    kind: str,
    values: dict[str, Any],
    lock: Callable[[], Any],
    call: Callable[[], M],
    load: Callable[[int], M],
) -> M:
    """`core.idempotency.once_per_form` in execution's scope (claims of object type `execution.form`): a screen's
    action without a key of its own runs at most once per rendering of its form."""
    return idempotency.once_per_form(
        scope=FORM_SCOPE,
        government_id=government_id,
        actor=actor,
        form_key=form_key,
        kind=kind,
        values=values,
        lock=lock,
        call=call,
        load=load,
    )
