"""What a 지급명령 against a 지출결의 adds to actions.do_issue_payment (시행령 §33: the order follows the documents the
재무관 sent). Kept apart so the payment action only calls in; no import of the actions module here."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, NotFound

from . import rules
from .models import ExpenditureResolution, PaymentOrder, ResolutionPayment, ResolutionStatus
from .resolution_rules import OverResolution, ResolutionMismatch, ResolutionNotOpen


def check(
    resolution: ExpenditureResolution,
    commitment_id: int,
    government_id: int,
    *,
    issuer: int,
    cashiers: set[int],
    small_office_exception: bool,
    is_advance: bool,
) -> None:
    """Before the transaction: the resolution is of this commitment and this kind of payment, and the 지출원 is not
    the 재무관 who resolved it (법 §36)."""
    if resolution.government_id != government_id:
        raise NotFound()
    if resolution.commitment_id != commitment_id or resolution.for_advance != is_advance:
        raise ResolutionMismatch(field="resolution_id", commitment=resolution.commitment_id)
    rules.check_separation(
        committed_by=resolution.resolved_by_id,
        issuer=issuer,
        cashiers=cashiers,
        small_office_exception=small_office_exception,
    )


def check_replay(done: PaymentOrder, resolution: ExpenditureResolution | None) -> None:
    linked = ResolutionPayment.objects.filter(payment=done).values_list("resolution_id", flat=True).first()
    if linked != (resolution.pk if resolution is not None else None):
        raise Conflict(_("This Idempotency-Key was already used for a different payment."), reason="key_reused")


def take(resolution: ExpenditureResolution, amount: int) -> None:
    """Check-and-set in one statement, after the commitment's row and before the office's (architecture §8.15)."""
    taken = ExpenditureResolution.objects.filter(
        pk=resolution.pk, status=ResolutionStatus.OPEN, ordered_amount__lte=F("amount") - amount
    ).update(ordered_amount=F("ordered_amount") + amount)
    if taken != 1:
        resolution.refresh_from_db()
        if resolution.status != ResolutionStatus.OPEN:
            raise ResolutionNotOpen(status=resolution.status)
        raise OverResolution(remaining=resolution.amount - resolution.ordered_amount, amount=amount)
    ExpenditureResolution.objects.filter(pk=resolution.pk, ordered_amount=F("amount")).update(
        status=ResolutionStatus.ORDERED
    )


def link(resolution: ExpenditureResolution, payment: Any) -> None:
    ResolutionPayment.objects.create(resolution=resolution, payment=payment)
