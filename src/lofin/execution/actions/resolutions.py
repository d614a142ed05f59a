"""Writers of 지출결의 and of the 개산급 settlement (rules in rules.resolutions).

Locks follow architecture §8.15 (line → commitment → resolution → office → counter → journal → audit). A refused
request writes nothing; every write has its audit row in the same transaction.

Accounting: a resolution posts no entry (the commitment was encumbered when made, and the cash leaves the books when
the 지급명령 is issued: payments.do_issue_payment credits 1110). A 개산급 settlement posts the release of the
encumbrance it no longer needs; its refund and further order post through the payment actions.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.accounting import chart, journal
from lofin.core import audit, clock, idempotency
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import LocalGovernment, Membership, User
from lofin.core.permissions import require
from lofin.core.roles import OFFICIAL_ROLES

from ..access import COMMIT, PAY
from ..errors import AlreadySettled, NotEstimatedPayment, NothingPaid, ResolutionExceedsCommitment, ResolutionNotOpen
from ..models import (
    BudgetLine,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    EstimatedSettlement,
    ExpenditureResolution,
    Office,
    PaymentOrder,
    ResolutionStatus,
)
from ..rules import resolutions as rules
from ..rules.values import check_not_negative, check_positive, check_text
from . import commitments, payments
from .common import lock_commitment, next_number

# --- 지출결의 ------------------------------------------------------------------------------------------------------


def do_resolve_expenditure(
    commitment: Commitment,
    *,
    amount: int,
    claim_number: str,
    claimed_on: dt.date,
    claim_amount: int,
    actor: User,
    idempotency_key: str,
    resolved_on: dt.date | None = None,
    inspected_on: dt.date | None = None,
    inspector: User | None = None,
    inspection_result: str = "",
    inspection_note: str = "",
    for_advance: bool = False,
) -> ExpenditureResolution:
    """지출결의 (지방회계법 §31): the 재무관 resolves to pay a creditor's claim on a commitment and sends the claim and
    the inspection record to the 지출원. The amount is at most the claim and at most what is neither paid nor
    already resolved on the commitment; a works, goods or services claim needs a passed inspection. A retried
    request with the same key returns the first resolution; the same key with anything else is refused."""
    check_positive(amount)
    check_positive(claim_amount)
    request = idempotency.fingerprint(
        "resolve",
        commitment=commitment,
        amount=amount,
        claim_number=claim_number,
        claimed_on=claimed_on,
        claim_amount=claim_amount,
        resolved_on=resolved_on,
        inspected_on=inspected_on,
        inspector=inspector,
        inspection_result=inspection_result,
        inspection_note=inspection_note,
        for_advance=for_advance,
    )
    rules.check_resolution_amount(amount, claim_amount)
    claim_number = check_text(claim_number, "claim.number", 40)
    inspection_note = check_text(inspection_note, "inspection.note", 200, required=False)
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, COMMIT, government)
    if inspector is not None and not (
        Membership.objects.current().filter(user=inspector, government=government, role__in=OFFICIAL_ROLES).exists()
    ):
        raise InvalidInput(_("The inspector must be an official of this government."), field="inspection.inspector")
    rules.check_advance_claim(commitment_kind=commitment.kind, for_advance=for_advance)
    line = BudgetLine.objects.get(pk=commitment.line_id)
    today = clock.today()
    on = resolved_on or today
    rules.check_inspection(
        required=rules.needs_inspection(line.object_code, commitment_kind=commitment.kind, for_advance=for_advance),
        result=inspection_result,
        inspected_on=inspected_on,
        inspector_id=inspector.pk if inspector is not None else None,
    )
    rules.check_resolution_dates(
        fiscal_year=line.year,
        committed_on=commitment.committed_on,
        claimed_on=claimed_on,
        inspected_on=inspected_on,
        resolved_on=on,
        today=today,
    )
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    try:
        with transaction.atomic():
            locked = lock_commitment(line.pk, commitment.pk)
            # After the locks: a concurrent retry waits for the first and then finds it here.
            if done := ExpenditureResolution.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, request)
            if locked.status != CommitmentStatus.ACTIVE:
                raise ResolutionExceedsCommitment(_("The commitment is cancelled."), commitment=locked.pk)
            pending = sum(
                a - o
                for a, o in ExpenditureResolution.objects.filter(
                    commitment_id=locked.pk, status=ResolutionStatus.OPEN
                ).values_list("amount", "ordered_amount")
            )
            rules.check_within_commitment(amount, unpaid=locked.amount - locked.paid_amount, resolved=pending)
            number = f"{line.year}-{next_number(government.pk, line.year, 'resolution'):07d}"
            with idempotency.unique_insert():
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
                    idempotency_key=key,
                )
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
                        "inspector": inspector.pk if inspector is not None else None,
                        "result": inspection_result,
                    },
                    "for_advance": for_advance,
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        done = ExpenditureResolution.objects.filter(idempotency_key=key).first()
        if done is None:
            raise Conflict(_("The resolution could not be numbered; try again.")) from None
        return idempotency.replay(done, request)
    return resolution


def do_cancel_resolution(resolution_id: int, *, reason: str, actor: User) -> ExpenditureResolution:
    """Withdraw an open 지출결의. What was already ordered stands: the resolution shrinks to it and is closed;
    untouched, it is cancelled. Its commitment is not changed (the 재무관 cancels that separately)."""
    reason = check_text(reason, "reason", 200)
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
        lock_commitment(found[2], found[1])
        resolution = ExpenditureResolution.objects.select_for_update().get(pk=resolution_id)
        if resolution.status != ResolutionStatus.OPEN:
            raise ResolutionNotOpen(status=resolution.status)
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


# --- 개산급 정산 ---------------------------------------------------------------------------------------------------


def do_settle_estimated_payment(
    commitment: Commitment,
    *,
    actual_amount: int,
    actor: User,
    idempotency_key: str,
    settled_on: dt.date | None = None,
    returned_on: dt.date | None = None,
    office: Office | None = None,
    payee_bank: str = "",
    payee_account: str = "",
) -> EstimatedSettlement:
    """개산급 정산 (지방회계법 §35, 시행령 §45): what was paid on the estimate is set against the actual amount.

    The 지출원 records it, as it records an imprest settlement: an excess came back on `returned_on` and is booked
    as 반납 of the estimate's payment orders (payments.do_record_refund: to the line until 20 January, later revenue);
    a shortfall is paid to the creditor by a further order from `office` (payments.do_issue_payment, with every
    check of a payment). The commitment then shrinks to what it finally cost, releasing the rest to the line's
    allocation (or is cancelled when nothing was owed). One settlement per commitment; a retry returns it."""
    check_not_negative(actual_amount, "actual_amount")
    request = idempotency.fingerprint(
        "settle_estimate",
        commitment=commitment,
        actual_amount=actual_amount,
        settled_on=settled_on,
        returned_on=returned_on,
        office=office,
        payee_bank=payee_bank,
        payee_account=payee_account,
    )
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, PAY, government)
    if commitment.kind != CommitmentKind.ESTIMATED:
        raise NotEstimatedPayment(field="commitment")
    today = clock.today()
    on = settled_on or today
    rules.check_settlement_day(commitment.committed_on, on, today)
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    line = BudgetLine.objects.get(pk=commitment.line_id)
    try:
        with transaction.atomic():
            locked = lock_commitment(line.pk, commitment.pk)
            if done := EstimatedSettlement.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, request)
            if EstimatedSettlement.objects.filter(commitment_id=locked.pk).exists():
                raise AlreadySettled()
            if locked.status != CommitmentStatus.ACTIVE:
                raise AlreadySettled(_("The commitment is cancelled."))
            paid = locked.paid_amount
            if paid == 0:
                raise NothingPaid()
            excess, shortfall = rules.settlement_split(paid, actual_amount)
            rules.check_shortfall_covered(shortfall, locked.amount - paid)
            restored = True
            if excess:
                restored = _take_back(locked, excess, returned_on, actor)
            further = None
            if shortfall:
                if office is None:
                    raise InvalidInput(_("Name the disbursing office that pays the difference."), field="office")
                further = payments.do_issue_payment(
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
            with idempotency.unique_insert():
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
                    idempotency_key=key,
                )
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
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        done = EstimatedSettlement.objects.filter(idempotency_key=key).first()
        if done is None:
            raise AlreadySettled() from None
        return idempotency.replay(done, request)
    return settlement


def _take_back(commitment: Commitment, excess: int, returned_on: dt.date | None, actor: User) -> bool:
    """Book the excess that came back as 반납 of the estimate's orders, the newest first.

    Only what the orders issued by `returned_on` still hold can come back: the commitment's paid amount keeps
    counting a 반납 received after 20 January (revenue of the later year), so it may say more."""
    orders = PaymentOrder.objects.filter(commitment=commitment)
    if (
        returned_on is None
        or not returned_on <= clock.today()
        or not orders.filter(issued_on__lte=returned_on).exists()
    ):
        raise InvalidInput(
            _("Give the day the excess came back (not before the estimate was paid, not in the future)."),
            field="returned_on",
        )
    refundable = list(
        orders.filter(issued_on__lte=returned_on, refunded_amount__lt=F("amount")).order_by("-issued_on", "-pk")
    )
    available = sum(p.amount - p.refunded_amount for p in refundable)
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
    for payment in refundable:
        if not left:
            break
        part = min(left, payment.amount - payment.refunded_amount)
        refund = payments.do_record_refund(
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
    commitment: Commitment, released: int, *, cancel: bool, settlement: EstimatedSettlement, on: dt.date, actor: User
) -> None:
    """Free what the settled commitment no longer needs, as cancelling a commitment frees its unpaid part."""
    line = BudgetLine.objects.get(pk=commitment.line_id)
    commitments.release(commitment, released)
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
        lines=chart.released(released),
        actor=actor,
    )
