"""Screen submissions of the actions that take no idempotency key of their own (예산배정, 자금배정, cancelling a
commitment): each form rendering carries a key, and a second submission of it must not allocate twice.

The key is claimed in the audit trail, in the same transaction as the action: one event with object type
`execution.form` and the hashed key as its object id (an indexed pair). The row of the money the action changes is
locked first — the line, or the office — as every money path does, so two submissions of one form are serialised
there and the second finds the first one's claim and writes nothing. A refused action rolls its claim back with it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict, InvalidInput
from lofin.core.models import AuditEvent

from . import actions
from .forms import KEY_RE
from .models import Allocation, BudgetLine, Commitment, Office

FORM_OBJECT = "execution.form"


class FormReused(Conflict):
    code = "form_reused"
    default_message = _("This form was already submitted with other values. Open the form again to do something new.")


def _claim_id(government_id: int, actor: Any, form_key: str) -> str:
    if not KEY_RE.fullmatch(form_key or ""):
        raise InvalidInput(_("The form has no valid key; open it again."), field="idempotency_key")
    return hashlib.sha256(f"{government_id}:{actor.pk}:{form_key}".encode()).hexdigest()


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _claimed(claim: str, fingerprint: str) -> dict[str, Any] | None:
    event = AuditEvent.objects.filter(object_type=FORM_OBJECT, object_id=claim).only("data").first()
    if event is None:
        return None
    if event.data.get("fingerprint") != fingerprint:
        raise FormReused()
    return event.data


def _claim(actor: Any, action: str, obj: Any, claim: str, fingerprint: str) -> None:
    audit.record(
        actor,
        action,
        obj,
        object_type=FORM_OBJECT,
        object_id=claim,
        data={"object": obj.pk, "fingerprint": fingerprint},
    )


def do_allocate_from_form(
    line: BudgetLine, *, amount: int, kind: str, period: int, actor: Any, form_key: str
) -> Allocation:
    """예산배정 submitted from a screen: at most once per form rendering."""
    claim = _claim_id(line.government_id, actor, form_key)
    fingerprint = _fingerprint("allocate", line.pk, amount, kind, period)
    with transaction.atomic():
        BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
        if done := _claimed(claim, fingerprint):
            return Allocation.objects.get(pk=done["object"])
        allocation = actions.do_allocate(line, amount=amount, kind=kind, period=period, actor=actor)
        _claim(actor, "execution.form.allocate", allocation, claim, fingerprint)
    return allocation


def do_allocate_cash_from_form(office: Office, *, amount: int, actor: Any, form_key: str) -> Office:
    """자금배정 submitted from a screen: at most once per form rendering."""
    claim = _claim_id(office.government_id, actor, form_key)
    fingerprint = _fingerprint("cash", office.pk, amount)
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        if _claimed(claim, fingerprint):
            office.refresh_from_db()
            return office
        office = actions.do_allocate_cash(office, amount=amount, actor=actor)
        _claim(actor, "execution.form.cash", office, claim, fingerprint)
    return office


def do_cancel_commitment_from_form(commitment: Commitment, *, reason: str, actor: Any, form_key: str) -> Commitment:
    """Cancelling a commitment from a screen: a second submission answers with the first result, not with
    "nothing left to cancel"."""
    claim = _claim_id(commitment.government_id, actor, form_key)
    fingerprint = _fingerprint("cancel", commitment.pk)
    with transaction.atomic():
        # Line before commitment: the lock order of every money path.
        BudgetLine.objects.select_for_update().filter(pk=commitment.line_id).first()
        if _claimed(claim, fingerprint):
            commitment.refresh_from_db()
            return commitment
        commitment = actions.do_cancel_commitment(commitment.pk, actor=actor, reason=reason)
        _claim(actor, "execution.form.cancel", commitment, claim, fingerprint)
    return commitment
