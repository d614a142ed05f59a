"""The writers of 지출결의, of the 금고's payment notice and of the 개산급 settlement (rules in resolution_rules).

Locks follow architecture §8.15 (line → commitment → resolution → office → counter → journal → audit). A refused
request writes nothing; every write has its audit row in the same transaction.

Accounting: a resolution posts no entry (the commitment was encumbered when made, and the cash leaves the books when
the 지급명령 is issued: actions.do_issue_payment credits 1110). The 금고's notice therefore posts nothing either: it
records when and under which reference the transfer happened. A 개산급 settlement posts the release of the
encumbrance it no longer needs; its refund and further order post through the existing actions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.accounting import journal
from lofin.core import audit
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import LocalGovernment, Membership
from lofin.core.permissions import require
from lofin.core.roles import OFFICIAL_ROLES

from . import actions, rules
from . import resolution_rules as rr
from .access import COMMIT, PAY
from .models import (
    BudgetLine,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    EstimatedSettlement,
    ExpenditureResolution,
    Office,
    OfficeKind,
    PaymentConfirmation,
    PaymentOrder,
    PaymentStatus,
    ResolutionStatus,
    SubAllocation,
)


class _Duplicate(Exception):
    """A concurrent request with the same key won: undo ours and answer with theirs."""


class DuplicateBankReference(Conflict):
    code = "bank_reference_reused"
    default_message = _("This bank reference already confirms another payment order.")


class NothingPaid(Conflict):
    code = "nothing_paid"
    default_message = _("Nothing has been paid on this estimate yet: there is nothing to settle.")


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > max_length or "\x00" in value:
        raise InvalidInput(
            _("Give %(field)s (at most %(max)s characters).") % {"field": field, "max": max_length}, field=field
        )
    return value


def _lock(line_id: int, commitment_id: int) -> Commitment:
    """The line, then the commitment: the order of every money path."""
    BudgetLine.objects.select_for_update().filter(pk=line_id).first()
    commitment = Commitment.objects.select_for_update(of=("self",)).filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound()
    return commitment


# --- 지출결의 ------------------------------------------------------------------------------------------------------


def do_resolve_expenditure(
    commitment: Commitment,
    *,
    amount: int,
    claim_number: str,
    claimed_on: dt.date,
    claim_amount: int,
    actor: Any,
    idempotency_key: str,
    resolved_on: dt.date | None = None,
    inspected_on: dt.date | None = None,
    inspector: Any = None,
    inspection_result: str = "",
    inspection_note: str = "",
    for_advance: bool = False,
) -> ExpenditureResolution:
    """지출결의 (지방회계법 §31): the 재무관 resolves to pay a creditor's claim on a commitment and sends the claim and
    the inspection record to the 지출원. The amount is at most the claim and at most what is neither paid nor
    already resolved on the commitment; a works, goods or services claim needs a passed inspection. A retried
    request with the same key returns the first resolution; the same key with other figures is refused."""
    rules.check_positive(amount)
    rules.check_positive(claim_amount)
    if amount > claim_amount:
        raise InvalidInput(_("A resolution pays at most what the creditor claimed."), field="amount")
    claim_number = _text(claim_number, "claim.number", 40)
    inspection_note = _text(inspection_note, "inspection.note", 200, required=False)
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, COMMIT, government)
    if inspector is not None and not (
        Membership.objects.current().filter(user=inspector, government=government, role__in=OFFICIAL_ROLES).exists()
    ):
        raise InvalidInput(_("The inspector must be an official of this government."), field="inspection.inspector")
    if for_advance and commitment.kind != CommitmentKind.ADVANCE:
        raise rr.ResolutionMismatch(
            _("A claim for an advance is resolved on a commitment of the kind 선금급."), field="for_advance"
        )
    line = BudgetLine.objects.get(pk=commitment.line_id)
    on = resolved_on or _today()
    rr.check_inspection(
        required=rr.needs_inspection(line.object_code, commitment_kind=commitment.kind, for_advance=for_advance),
        result=inspection_result,
        inspected_on=inspected_on,
        inspector_id=getattr(inspector, "pk", None),
    )
    rr.check_resolution_dates(
        fiscal_year=line.year,
        committed_on=commitment.committed_on,
        claimed_on=claimed_on,
        inspected_on=inspected_on,
        resolved_on=on,
        today=_today(),
    )
    stored_key = actions._key(government, actor, idempotency_key)
    figures = (
        commitment.pk,
        amount,
        claim_number,
        claimed_on,
        claim_amount,
        inspected_on,
        getattr(inspector, "pk", None),
        inspection_result,
        on,
        for_advance,
    )
    try:
        with transaction.atomic():
            locked = _lock(line.pk, commitment.pk)
            # After the locks: a concurrent retry waits for the first and then finds it here.
            if done := ExpenditureResolution.objects.filter(idempotency_key=stored_key).first():
                return _replayed(done, figures)
            if locked.status != CommitmentStatus.ACTIVE:
                raise rr.ResolutionExceedsCommitment(_("The commitment is cancelled."), commitment=locked.pk)
            unpaid = locked.amount - locked.paid_amount
            pending = sum(
                a - o
                for a, o in ExpenditureResolution.objects.filter(
                    commitment_id=locked.pk, status=ResolutionStatus.OPEN
                ).values_list("amount", "ordered_amount")
            )
            if amount > unpaid - pending:
                raise rr.ResolutionExceedsCommitment(
                    _("The commitment has %(free)s won neither paid nor resolved; the resolution asks %(amount)s won.")
                    % {"free": f"{max(unpaid - pending, 0):,}", "amount": f"{amount:,}"},
                    unpaid=unpaid,
                    resolved=pending,
                    amount=amount,
                )
            number = f"{line.year}-{actions._next_number(government.pk, line.year, 'resolution'):07d}"
            try:
                with transaction.atomic():
                    resolution = ExpenditureResolution.objects.create(
                        government=government,
                        commitment=locked,
                        number=number,
                        fiscal_year=line.year,
                        amount=amount,
                        for_advance=for_advance,
                        claim_number=claim_number,
                        claimed_on=claimed_on,
                        claim_amount=claim_amount,
                        inspected_on=inspected_on,
                        inspector=inspector,
                        inspection_result=inspection_result,
                        inspection_note=inspection_note,
                        resolved_on=on,
                        resolved_by=actor,
                        idempotency_key=stored_key,
                    )
            except IntegrityError:
                raise _Duplicate() from None
            audit.record(
                actor,
                "execution.resolution.create",
                resolution,
                government=government,
                data={
                    "commitment": locked.pk,
                    "number": number,
                    "amount": amount,
                    "claim": {"number": claim_number, "date": claimed_on, "amount": claim_amount},
                    "inspection": {
                        "date": inspected_on,
                        "inspector": getattr(inspector, "pk", None),
                        "result": inspection_result,
                    },
                    "for_advance": for_advance,
                },
            )
    except _Duplicate:
        done = ExpenditureResolution.objects.filter(idempotency_key=stored_key).first()
        if done is None:
            raise Conflict(_("The resolution could not be numbered; try again.")) from None
        return _replayed(done, figures)
    return resolution


def _replayed(done: ExpenditureResolution, figures: tuple[Any, ...]) -> ExpenditureResolution:
    stored = (
        done.commitment_id,
        done.amount,
        done.claim_number,
        done.claimed_on,
        done.claim_amount,
        done.inspected_on,
        done.inspector_id,
        done.inspection_result,
        done.resolved_on,
        done.for_advance,
    )
    if stored != figures:
        raise rr.KeyReused(_("This Idempotency-Key was already used for a different resolution."))
    return done


def do_cancel_resolution(resolution_id: int, *, reason: str, actor: Any) -> ExpenditureResolution:
    """Withdraw an open 지출결의. What was already ordered stands: the resolution shrinks to it and is closed;
    untouched, it is cancelled. Its commitment is not changed (the 재무관 cancels that separately)."""
    reason = _text(reason, "reason", 200)
    found = (
        ExpenditureResolution.objects.filter(pk=resolution_id)
        .values_list("government_id", "commitment_id", "commitment__line_id")
        .first()
    )
    if found is None:
        raise NotFound()
    government = LocalGovernment.objects.get(pk=found[0])
    require(actor, COMMIT, government)
    with transaction.atomic():
        _lock(found[2], found[1])
        resolution = ExpenditureResolution.objects.select_for_update().get(pk=resolution_id)
        if resolution.status != ResolutionStatus.OPEN:
            raise rr.ResolutionNotOpen(status=resolution.status)
        before = resolution.amount
        if resolution.ordered_amount == 0:
            ExpenditureResolution.objects.filter(pk=resolution.pk).update(
                status=ResolutionStatus.CANCELLED, cancel_reason=reason
            )
        else:
            ExpenditureResolution.objects.filter(pk=resolution.pk).update(
                amount=F("ordered_amount"), status=ResolutionStatus.ORDERED, cancel_reason=reason
            )
        resolution.refresh_from_db()
        audit.record(
            actor,
            "execution.resolution.cancel",
            resolution,
            government=government,
            data={"reason": reason, "amount_before": before, "ordered": resolution.ordered_amount},
        )
    return resolution


# --- the 금고's notice (paid) --------------------------------------------------------------------------------------


def do_confirm_payment(payment_id: int, *, paid_on: dt.date, bank_reference: str, actor: Any) -> PaymentOrder:
    """The 금고 reports that it transferred a payment order (지방회계법 시행령 §63②); the 지출원 records it:
    issued → paid. The same report again (same reference and day) answers with the paid order; a second, different
    report of one order is refused, as is a reference that already confirmed another order."""
    bank_reference = _text(bank_reference, "bank_reference", 40)
    found = PaymentOrder.objects.filter(pk=payment_id).values_list("government_id", flat=True).first()
    if found is None:
        raise NotFound()
    government = LocalGovernment.objects.get(pk=found)
    require(actor, PAY, government)
    with transaction.atomic():
        payment = PaymentOrder.objects.select_for_update().get(pk=payment_id)
        done = PaymentConfirmation.objects.filter(payment=payment).first()
        if done is not None:
            if (done.bank_reference, done.paid_on) == (bank_reference, paid_on):
                return payment
            raise rr.AlreadyPaid(paid_on=done.paid_on, bank_reference=done.bank_reference)
        if payment.status != PaymentStatus.ISSUED:
            raise rr.PaymentNotIssued(status=payment.status)
        rr.check_confirmation_date(
            fiscal_year=payment.fiscal_year, issued_on=payment.issued_on, paid_on=paid_on, today=_today()
        )
        try:
            with transaction.atomic():
                confirmation = PaymentConfirmation.objects.create(
                    government=government,
                    payment=payment,
                    paid_on=paid_on,
                    bank_reference=bank_reference,
                    confirmed_by=actor,
                )
        except IntegrityError:
            raise DuplicateBankReference(field="bank_reference") from None
        PaymentOrder.objects.filter(pk=payment.pk, status=PaymentStatus.ISSUED).update(status=PaymentStatus.PAID)
        payment.refresh_from_db()
        audit.record(
            actor,
            "execution.payment.paid",
            payment,
            government=government,
            data={
                "paid_on": paid_on,
                "bank_reference": bank_reference,
                "net": payment.net_amount,
                "confirmation": confirmation.pk,
            },
        )
    return payment


# --- 개산급 정산 ---------------------------------------------------------------------------------------------------


def do_settle_estimated_payment(
    commitment: Commitment,
    *,
    actual_amount: int,
    actor: Any,
    idempotency_key: str,
    settled_on: dt.date | None = None,
    returned_on: dt.date | None = None,
    office: Office | None = None,
    payee_bank: str = "",
    payee_account: str = "",
) -> EstimatedSettlement:
    """개산급 정산 (지방회계법 §35, 시행령 §45): what was paid on the estimate is set against the actual amount.

    The 지출원 records it, as it records an imprest settlement: an excess came back on `returned_on` and is booked
    as 반납 of the estimate's payment orders (actions.do_record_refund: to the line until 20 January, later revenue);
    a shortfall is paid to the creditor by a further order from `office` (actions.do_issue_payment, with every check
    of a payment). The commitment then shrinks to what it finally cost, releasing the rest to the line's
    allocation (or is cancelled when nothing was owed). One settlement per commitment; a retry returns it."""
    if isinstance(actual_amount, bool) or not isinstance(actual_amount, int) or not 0 <= actual_amount <= 10**15:
        raise InvalidInput(_("The actual amount is a whole number of won, zero or more."), field="actual_amount")
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, PAY, government)
    if commitment.kind != CommitmentKind.ESTIMATED:
        raise rr.NotEstimatedPayment(field="commitment")
    on = settled_on or _today()
    if not commitment.committed_on <= on <= _today():
        raise InvalidInput(_("The settlement must be dated between the commitment and today."), field="settled_on")
    stored_key = actions._key(government, actor, idempotency_key)
    line = BudgetLine.objects.get(pk=commitment.line_id)
    try:
        with transaction.atomic():
            locked = _lock(line.pk, commitment.pk)
            if done := EstimatedSettlement.objects.filter(idempotency_key=stored_key).first():
                return _settlement_replayed(done, commitment.pk, actual_amount)
            if EstimatedSettlement.objects.filter(commitment_id=locked.pk).exists():
                raise rr.AlreadySettled()
            if locked.status != CommitmentStatus.ACTIVE:
                raise rr.AlreadySettled(_("The commitment is cancelled."))
            paid = locked.paid_amount
            if paid == 0:
                raise NothingPaid()
            excess, shortfall = rr.settlement_split(paid, actual_amount)
            if shortfall > locked.amount - paid:
                raise rules.InsufficientCommitment(
                    _("The commitment does not cover the actual amount; the 재무관 must commit the difference first."),
                    unpaid=locked.amount - paid,
                    amount=shortfall,
                )
            restored = True
            if excess:
                restored = _take_back(locked, excess, returned_on, actor)
            further = None
            if shortfall:
                if office is None:
                    raise InvalidInput(_("Name the disbursing office that pays the difference."), field="office")
                further = actions.do_issue_payment(
                    locked,
                    amount=shortfall,
                    payee_name=locked.creditor,
                    payee_bank=payee_bank,
                    payee_account=payee_account,
                    office=office,
                    actor=actor,
                    idempotency_key=f"estimated-shortfall:{locked.pk}",
                    issued_on=on,
                )
            locked.refresh_from_db()
            final = max(actual_amount, locked.paid_amount)
            released = locked.amount - final if final else locked.amount
            try:
                with transaction.atomic():
                    settlement = EstimatedSettlement.objects.create(
                        government=government,
                        commitment=locked,
                        estimated_amount=paid,
                        actual_amount=actual_amount,
                        refunded_amount=excess,
                        refund_restored_line=restored,
                        further_payment=further,
                        released_amount=released,
                        settled_on=on,
                        settled_by=actor,
                        idempotency_key=stored_key,
                    )
            except IntegrityError:
                raise _Duplicate() from None
            if released:
                _release(locked, released, cancel=final == 0, settlement=settlement, on=on, actor=actor)
            audit.record(
                actor,
                "execution.estimated.settle",
                settlement,
                government=government,
                data={
                    "commitment": locked.pk,
                    "estimated": paid,
                    "actual": actual_amount,
                    "refunded": excess,
                    "restored_line": restored,
                    "further_payment": further.pk if further else None,
                    "released": released,
                },
            )
    except _Duplicate:
        done = EstimatedSettlement.objects.filter(idempotency_key=stored_key).first()
        if done is None:
            raise rr.AlreadySettled() from None
        return _settlement_replayed(done, commitment.pk, actual_amount)
    return settlement


def _settlement_replayed(done: EstimatedSettlement, commitment_id: int, actual: int) -> EstimatedSettlement:
    if (done.commitment_id, done.actual_amount) != (commitment_id, actual):
        raise rr.KeyReused(_("This Idempotency-Key was already used for a different settlement."))
    return done


def _take_back(commitment: Commitment, excess: int, returned_on: dt.date | None, actor: Any) -> bool:
    """Book the excess that came back as 반납 of the estimate's orders, the newest first.

    Only what the orders issued by `returned_on` still hold can come back: the commitment's paid amount keeps
    counting a 반납 received after 20 January (revenue of the later year), so it may say more."""
    orders = PaymentOrder.objects.filter(commitment=commitment)
    if returned_on is None or not returned_on <= _today() or not orders.filter(issued_on__lte=returned_on).exists():
        raise InvalidInput(
            _("Give the day the excess came back (not before the estimate was paid, not in the future)."),
            field="returned_on",
        )
    payments = list(
        orders.filter(issued_on__lte=returned_on, refunded_amount__lt=F("amount")).order_by("-issued_on", "-pk")
    )
    available = sum(p.amount - p.refunded_amount for p in payments)
    if excess > available:
        raise Conflict(
            _(
                "An excess of %(excess)s won cannot come back: the estimate's payment orders hold only "
                "%(available)s won that has not been refunded already."
            )
            % {"excess": f"{excess:,}", "available": f"{available:,}"},
            reason="excess_exceeds_refundable",
            excess=excess,
            available=available,
        )
    restored = True
    left = excess
    for payment in payments:
        if not left:
            break
        part = min(left, payment.amount - payment.refunded_amount)
        refund = actions.do_record_refund(
            payment,
            amount=part,
            received_on=returned_on,
            actor=actor,
            idempotency_key=f"estimated-return:{commitment.pk}:{payment.pk}",
        )
        restored = restored and refund.restored_line
        left -= part
    return restored


def _release(
    commitment: Commitment, released: int, *, cancel: bool, settlement: EstimatedSettlement, on: dt.date, actor: Any
) -> None:
    """Free what the settled commitment no longer needs, as do_cancel_commitment frees its unpaid part."""
    line = BudgetLine.objects.get(pk=commitment.line_id)
    BudgetLine.objects.filter(pk=line.pk).update(committed=F("committed") - released)
    office = commitment.office
    if office is not None and office.kind == OfficeKind.SUB_FINANCE:
        SubAllocation.objects.filter(line_id=line.pk, office_id=office.pk).update(committed=F("committed") - released)
        BudgetLine.objects.filter(pk=line.pk).update(sub_committed=F("sub_committed") - released)
    if cancel:
        # Nothing was owed: kept at its amount for the record, as a cancelled commitment is.
        Commitment.objects.filter(pk=commitment.pk).update(status=CommitmentStatus.CANCELLED)
    else:
        Commitment.objects.filter(pk=commitment.pk).update(amount=F("amount") - released)
    journal.post(
        government_id=commitment.government_id,
        account_id=line.account_id,
        fiscal_year=line.year,
        posted_on=on,
        source_type="execution.estimated_settlement",
        source_id=settlement.pk,
        description=f"개산급 정산 {commitment.creditor}"[:200],
        lines=[(actions.ENCUMBRANCE_RESERVE, released, 0), (actions.ENCUMBRANCE, 0, released)],
        actor=actor,
    )
