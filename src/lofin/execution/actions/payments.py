"""Writers of payments: 지급명령 (payment orders) against a commitment — and, given one, against its 지출결의 —, 반납
(money paid coming back) and the 금고's notice that it paid an order.

Locks follow architecture §8.15 (line → commitment → resolution → office → counter → journal → audit). A refused
request writes nothing; every write has its audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.accounting import assets, chart, journal
from lofin.core import audit, clock, fiscal, idempotency
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require
from lofin.core.types import parse_account_number, parse_business_number

from ..access import PAY
from ..errors import (
    AlreadyPaid,
    DuplicateBankReference,
    InsufficientCommitment,
    OverDisbursementLimit,
    OverResolution,
    PaymentNotIssued,
    ResolutionNotOpen,
)
from ..models import (
    BudgetLine,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    ExpenditureResolution,
    ImprestAdvance,
    Office,
    PaymentConfirmation,
    PaymentOrder,
    PaymentStatus,
    Refund,
    ResolutionPayment,
    ResolutionStatus,
    Withholding,
)
from ..queries.offices import cashier_ids
from ..rules import payments as rules
from ..rules.resolutions import check_confirmation_date, check_order_follows
from ..rules.values import check_positive, check_text
from . import commitments
from .common import lock_line, next_number, same_government

SOURCE = "execution.payment"


def do_issue_payment(
    commitment: Commitment,
    *,
    amount: int,
    payee_name: str,
    payee_bank: str,
    payee_account: str,
    office: Office,
    actor: User,
    idempotency_key: str,
    payee_number: str = "",
    issued_on: dt.date | None = None,
    incurred_on: dt.date | None = None,
    drop_odd_won: bool = False,
    withholdings: Sequence[tuple[str, int]] = (),
    exception: fiscal.ClosingException | None = None,
    is_advance: bool = False,
    claimed_on: dt.date | None = None,
    head_approval: bool = False,
    resolution: ExpenditureResolution | None = None,
) -> PaymentOrder:
    """지급명령 (R-EX-2): against a commitment, within its unpaid amount, within the office's 지출한도, to the
    creditor, in the fiscal year's cash window, by someone other than the 재무관 who committed. Given a 지출결의,
    also within what remains of it and by someone other than the 재무관 who resolved it. A retried request with the
    same key returns the first order; the same key with anything else changed (a corrected payee account, …) is
    refused with `KeyReused`."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "payment",
        commitment=commitment,
        amount=amount,
        drop_odd_won=drop_odd_won,
        payee_name=payee_name,
        payee_bank=payee_bank,
        payee_account=payee_account,
        payee_number=payee_number,
        office=office,
        issued_on=issued_on,
        incurred_on=incurred_on,
        withholdings=[list(w) for w in withholdings],
        exception=exception,
        is_advance=is_advance,
        claimed_on=claimed_on,
        head_approval=head_approval,
        resolution=resolution,
    )
    if drop_odd_won:
        amount = rules.odd_won_dropped(amount)
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, PAY, government)
    same_government(commitment.government_id, office)
    rules.check_disbursing_office(office.kind)
    payee_bank = (payee_bank or "").strip()[:20]
    try:
        # ASCII digits only, kept as digits: the edge types refuse the rest, and so does this action for a screen or
        # another service calling it.
        payee_account = parse_account_number(payee_account)
    except ValueError:
        payee_account = ""
    if not payee_bank or not payee_account:
        raise InvalidInput(_("Give the payee's bank and account number (6 to 20 digits)."), field="payee_account")
    try:
        payee_number = parse_business_number(payee_number) if payee_number else ""
    except ValueError as error:
        raise InvalidInput(str(error), field="payee_number") from None
    rules.check_payee(
        commitment.creditor,
        payee_name,
        creditor_number=commitment.creditor_number,
        payee_number=payee_number,
        assignees=list(commitment.assignments.values_list("assignee", "assignee_number")),
    )
    cashiers = cashier_ids(government)
    committing_office = (
        Office.objects.filter(pk=commitment.office_id).values_list("kind", "staff_count").first()
        if commitment.office_id is not None
        else None
    )
    rules.check_separation(
        committed_by=commitment.committed_by_id,
        issuer=actor.pk,
        cashiers=cashiers,
        committing_office=committing_office,
    )
    if resolution is not None:
        # 시행령 §33: the order follows the documents the 재무관 sent, and the 지출원 is not the 재무관 who resolved it.
        same_government(government.pk, resolution)
        check_order_follows(
            resolution_commitment=resolution.commitment_id,
            commitment=commitment.pk,
            resolution_for_advance=resolution.for_advance,
            is_advance=is_advance,
        )
        rules.check_separation(
            committed_by=resolution.resolved_by_id,
            issuer=actor.pk,
            cashiers=cashiers,
            committing_office=committing_office,
        )
    line = commitment.line
    on = issued_on or clock.today()
    rules.check_payment_date(line.year, on, exception, incurred_on=incurred_on)
    withheld = rules.withheld_total(amount, withholdings)
    rules.check_advance_claim(
        commitment_kind=commitment.kind, is_advance=is_advance, claimed_on=claimed_on, issued_on=on
    )
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    try:
        with transaction.atomic():
            if done := PaymentOrder.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, request)
            # Lock order of every money path: budget line, then commitment, then office. The line first, as
            # do_commit does, so a payment and a commitment on one line never wait for each other crosswise.
            lock_line(line.pk)
            taken = Commitment.objects.filter(
                pk=commitment.pk, status=CommitmentStatus.ACTIVE, paid_amount__lte=F("amount") - amount
            ).update(paid_amount=F("paid_amount") + amount)
            if taken != 1:
                commitment.refresh_from_db()
                raise InsufficientCommitment(unpaid=commitment.amount - commitment.paid_amount, amount=amount)
            if resolution is not None:
                _take_resolution(resolution, amount)
            within = Office.objects.filter(pk=office.pk, paid_amount__lte=F("limit_amount") - amount).update(
                paid_amount=F("paid_amount") + amount
            )
            if within != 1:
                office.refresh_from_db()
                raise OverDisbursementLimit(
                    limit=office.limit_amount, paid=office.paid_amount, amount=amount, office=office.code
                )
            if is_advance:
                # Under the line lock: concurrent advances on one commitment are counted one after the other.
                advanced = sum(
                    PaymentOrder.objects.filter(commitment=commitment, is_advance=True).values_list("amount", flat=True)
                )
                rules.check_advance(commitment.amount, advanced + amount, head_approval=head_approval)
            BudgetLine.objects.filter(pk=line.pk).update(paid=F("paid") + amount)
            number = f"{line.year}-{next_number(government.pk, line.year, 'payment'):07d}"
            with idempotency.unique_insert():
                payment = PaymentOrder.objects.create(
                    government_id=government.pk,
                    commitment=commitment,
                    office=office,
                    number=number,
                    fiscal_year=line.year,
                    amount=amount,
                    withholding_amount=withheld,
                    payee_name=payee_name.strip()[:100],
                    payee_number=payee_number,
                    payee_bank=payee_bank,
                    payee_account=payee_account,
                    issued_on=on,
                    incurred_on=incurred_on,
                    issued_by=actor,
                    idempotency_key=key,
                    is_advance=is_advance,
                    claimed_on=claimed_on,
                    head_approval=head_approval,
                )
            Withholding.objects.bulk_create(
                [Withholding(payment=payment, kind=k[:20], amount=v) for k, v in withholdings]
            )
            if resolution is not None:
                ResolutionPayment.objects.create(resolution=resolution, payment=payment)
            entry_lines = [
                (chart.expense_rule(line.object_code, line.year).debit, amount, 0),
                (chart.CASH, 0, amount - withheld),
                *chart.released(amount),
            ]
            if withheld:
                entry_lines.append((chart.WITHHOLDING, 0, withheld))
            journal.post(
                government_id=government.pk,
                account_id=line.account_id,
                fiscal_year=line.year,
                posted_on=on,
                source_type=SOURCE,
                source_id=payment.pk,
                description=f"{number} {payee_name}"[:200],
                lines=entry_lines,
                actor=actor,
            )
            # A capital 통계목 (시설비, 자산취득비) buys an asset: the register the depreciation reads.
            assets.register_payment(
                government_id=government.pk,
                account_id=line.account_id,
                object_code=line.object_code,
                fiscal_year=line.year,
                acquired_on=on,
                amount=amount,
                source_type=SOURCE,
                source_id=payment.pk,
                description=f"{number} {payee_name}",
            )
            audit.record(
                actor,
                "execution.payment.issue",
                payment,
                government=government,
                data={
                    "commitment": commitment.pk,
                    "amount": amount,
                    "withheld": withheld,
                    "number": number,
                    "advance": is_advance,
                    "incurred_on": incurred_on,
                    "drop_odd_won": drop_odd_won,
                    "exception": exception,
                    "resolution": resolution.pk if resolution is not None else None,
                    # R-EX-6: an advance paid more than 14 days after the claim is recorded as late.
                    "advance_late": bool(is_advance and claimed_on and rules.advance_is_late(claimed_on, on)),
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        # A concurrent request with the same key won: it must be the same payment, as on the lookup above.
        return idempotency.replay(PaymentOrder.objects.get(idempotency_key=key), request)
    return payment


def _take_resolution(resolution: ExpenditureResolution, amount: int) -> None:
    """Check-and-set on the 지출결의 in one statement, after the commitment's row and before the office's
    (architecture §8.15)."""
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


def do_record_refund(
    payment: PaymentOrder,
    *,
    amount: int,
    received_on: dt.date,
    actor: User,
    idempotency_key: str,
    exception: fiscal.ClosingException | None = None,
) -> Refund:
    """지출반납: money paid comes back (R-FY-4). By 31 Dec it restores the line (and the commitment, and the office's
    ceiling); until 20 Jan of the next year only a refund of the listed kinds does — 선금급·개산급 and 일상경비, known
    from the payment, or a subsidy or 민간위탁 settlement the official declares (`exception`); any other is revenue
    of the year it arrives in (과년도수입). A restored refund of a cancelled commitment releases the amount."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "refund", payment=payment, amount=amount, received_on=received_on, exception=exception
    )
    government = LocalGovernment.objects.get(pk=payment.government_id)
    require(actor, PAY, government)
    rules.check_refund_day(payment.issued_on, received_on, clock.today())
    kind = rules.refund_kind(
        exception,
        advance=payment.is_advance or payment.commitment.kind == CommitmentKind.ESTIMATED,
        imprest=ImprestAdvance.objects.filter(payment=payment).exists(),
    )
    restores = rules.refund_restores_line(payment.fiscal_year, received_on, kind)
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    with transaction.atomic():
        commitment = payment.commitment
        line = commitment.line
        # The same lock order as the other money paths: line, commitment, office, then the payment. The key is
        # looked up under the line's lock, so a concurrent duplicate waits and then finds the first refund.
        lock_line(line.pk)
        if done := Refund.objects.filter(idempotency_key=key).first():
            return idempotency.replay(done, request)
        taken = PaymentOrder.objects.filter(pk=payment.pk, refunded_amount__lte=F("amount") - amount).update(
            refunded_amount=F("refunded_amount") + amount
        )
        if taken != 1:
            raise Conflict(_("More cannot come back than was paid."))
        cancelled = Commitment.objects.filter(pk=commitment.pk, cancelled_on__isnull=False).exists()
        if restores:
            BudgetLine.objects.filter(pk=line.pk).update(paid=F("paid") - amount)
            if cancelled:
                commitments.release_refunded(commitment.pk, amount)
            else:
                Commitment.objects.filter(pk=commitment.pk).update(paid_amount=F("paid_amount") - amount)
            Office.objects.filter(pk=payment.office_id).update(paid_amount=F("paid_amount") - amount)
        refund = Refund.objects.create(
            government_id=government.pk,
            payment=payment,
            amount=amount,
            received_on=received_on,
            restored_line=restores,
            recorded_by=actor,
            idempotency_key=key,
        )
        ledger = chart.expense_rule(line.object_code, line.year).debit if restores else chart.OTHER_REVENUE
        lines = [(chart.CASH, amount, 0), (ledger, 0, amount)]
        if restores and not cancelled:
            # The commitment is open again for the amount that came back; a cancelled one stays released.
            lines += chart.encumbered(amount)
        journal.post(
            government_id=government.pk,
            account_id=line.account_id,
            fiscal_year=payment.fiscal_year if restores else fiscal.fiscal_year(received_on),
            posted_on=received_on,
            source_type="execution.refund",
            source_id=refund.pk,
            description=f"반납 {payment.number}",
            lines=lines,
            actor=actor,
        )
        if restores:
            assets.reduce_for_refund(SOURCE, payment.pk, amount)
        PaymentOrder.objects.filter(pk=payment.pk, refunded_amount=F("amount")).update(status=PaymentStatus.RETURNED)
        audit.record(
            actor,
            "execution.refund",
            refund,
            government=government,
            data={
                "payment": payment.pk,
                "amount": amount,
                "restored_line": restores,
                "kind": kind,
                "released": restores and cancelled,
                "fingerprint": request,
            },
        )
    return refund


def do_confirm_payment(payment_id: int, *, paid_on: dt.date, bank_reference: str, actor: User) -> PaymentOrder:
    """The 금고 reports that it transferred a payment order (지방회계법 시행령 §63②); the 지출원 records it:
    issued → paid. The same report again (same reference and day) answers with the paid order; a second, different
    report of one order is refused, as is a reference that already confirmed another order.

    It posts nothing: the cash left the books when the order was issued (the order credits 1110); the notice records
    when and under which reference the transfer happened."""
    bank_reference = check_text(bank_reference, "bank_reference", 40)
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
            raise AlreadyPaid(paid_on=done.paid_on, bank_reference=done.bank_reference)
        if payment.status != PaymentStatus.ISSUED:
            raise PaymentNotIssued(status=payment.status)
        check_confirmation_date(
            fiscal_year=payment.fiscal_year, issued_on=payment.issued_on, paid_on=paid_on, today=clock.today()
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
