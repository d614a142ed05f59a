"""세입 (revenue) actions: 징수결의 → 납입고지 → 수납 (and the 출납원's deposit) → 과오납 환급.

The only writers of the revenue models, with revenue_yearend (미수납 이월, 시효). Each action checks the role and
the rules (revenue_rules), changes amounts with one conditional UPDATE (check-and-set), posts its journal entry and
writes its audit row in the same transaction, and leaves nothing behind when it is refused. Lock order, the same as
every money path (architecture §8.15): assessment → receipt → journal → audit chain head.

Legal sources beyond revenue_rules: 법 §21 and 시행령 §18 (징수결의), 법 §23 and 시행령 §25 (the 징수관 may not
handle the cash, except in an office of five or fewer staff), 법 §27 (past-year revenue collected now is revenue
of the current year), 지방재정법 §84 (a 납입고지 or 독촉 interrupts prescription).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.accounting import journal
from lofin.budget.models import Account, NationalCode
from lofin.core import audit, fiscal, workdays
from lofin.core.errors import Conflict, InvalidInput, NotFound, SeparationOfDuties
from lofin.core.models import LocalGovernment
from lofin.core.permissions import has_permission, require

from . import rules
from .access import CASHIER, REVENUE
from .models import (
    Assessment,
    AssessmentStatus,
    OverpaymentRefund,
    Receipt,
    ReceiptChannel,
    RefundInterestRate,
)
from .revenue_rules import (
    CASH_LEDGER,
    OTHER_EXPENSE,
    SOURCE_ASSESSMENT,
    SOURCE_RECEIPT,
    SOURCE_REFUND,
    RevenueKind,
    UnknownRevenueCode,
    check_closing_exception,
    deposit_deadline,
    ledgers_for,
    notice_due_date,
    revenue_fiscal_year,
    split_refund_interest,
)

# --- typed refusals ----------------------------------------------------------------------------------------------


class OverCollection(Conflict):
    code = "over_collection"
    default_message = _("The receipt exceeds what is still to be collected on the assessment.")


class AssessmentNotOpen(Conflict):
    code = "assessment_not_open"
    default_message = _("This assessment is no longer open for collection.")


class AssessmentCarried(Conflict):
    code = "assessment_carried"
    default_message = _("This assessment was carried to the next year; collect on the carried assessment.")


class ClaimPrescribed(Conflict):
    code = "claim_prescribed"
    default_message = _("The claim has expired by prescription (지방재정법 §82).")


class OverRefund(Conflict):
    code = "over_refund"
    default_message = _("More cannot be refunded than was received and not yet refunded.")


class AlreadyDeposited(Conflict):
    code = "already_deposited"
    default_message = _("This receipt is already in the 금고.")


class KeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request.")


class _Duplicate(Exception):
    """A concurrent request with the same idempotency key won: undo ours and return theirs."""


# --- helpers -------------------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _latest_day() -> dt.date:
    """The latest day a recorded event may carry: money received, deposited or refunded, a carry or a write-off is
    recorded after it happened, never ahead (a future date would write off claims or inflate refund interest)."""
    return timezone.localdate()


def check_not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > _latest_day():
        raise InvalidInput(
            _("%(day)s is in the future: record what has already happened.") % {"day": day.isoformat()},
            field=field,
        )


def _key(government: LocalGovernment, actor: Any, key: str) -> str:
    if not key or len(key) > 100:
        raise InvalidInput(_("An Idempotency-Key of 1 to 100 characters is required."), field="idempotency_key")
    return f"{government.pk}:{actor.pk}:{key}"


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _government(government_id: int) -> LocalGovernment:
    return LocalGovernment.objects.get(pk=government_id)


def _is_carried(assessment_id: int) -> bool:
    return Assessment.objects.filter(carried_from_id=assessment_id).exists()


def prescription_start(assessment: Assessment) -> dt.date:
    """Prescription runs from the due date; a claim never given one was due when decided."""
    return assessment.due_on or assessment.assessed_on


def known_revenue_codes(year: int) -> set[str]:
    return set(
        NationalCode.objects.filter(kind="revenue", year=year, level__in=("item", "subitem")).values_list(
            "code", flat=True
        )
    )


def _text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > max_length or "\x00" in value:
        raise InvalidInput(
            _("Give %(field)s (at most %(max)s characters).") % {"field": field, "max": max_length}, field=field
        )
    return value


# --- 징수결의 (assessment) -------------------------------------------------------------------------------------------


def do_assess(
    account: Account,
    *,
    revenue_code: str,
    payer_name: str,
    amount: int,
    actor: Any,
    idempotency_key: str,
    kind: str = RevenueKind.NOTICE,
    assessed_on: dt.date | None = None,
    due_on: dt.date | None = None,
    notice_on: dt.date | None = None,
    received_on: dt.date | None = None,
    budget_year: int | None = None,
    basic_year: int | None = None,
    payer_number: str = "",
) -> Assessment:
    """징수결의 (지방회계법 §21, 시행령 §18): the 징수관 decides that a payer owes `amount` to a revenue item of the year
    the revenue belongs to. A `notice_on` given here is a notice issued with the decision: it is recorded like
    do_send_notice's (due date, interruption of prescription), not only used for the fiscal year.
    Journal: Dr receivable / Cr revenue (by chapter). A retried request returns the first."""
    rules.check_positive(amount)
    revenue_code = _text(revenue_code, "revenue_code", 10)
    payer_name = _text(payer_name, "payer_name", 100)
    payer_number = _text(payer_number, "payer_number", 20, required=False)
    government = _government(account.government_id)
    require(actor, REVENUE, government)
    if not account.is_active:
        raise InvalidInput(_("This account (회계) is closed."), field="account")
    on = assessed_on or _today()
    if notice_on is not None and notice_on < on:
        raise InvalidInput(_("A notice cannot precede the decision it notifies."), field="notice_on")
    year = revenue_fiscal_year(
        kind,
        revenue_code=revenue_code,
        decided_on=on,
        due_on=due_on,
        notice_on=notice_on,
        received_on=received_on,
        budget_year=budget_year,
        basic_year=basic_year,
    )
    # A decision may still be booked to a past year until its 출납 work is complete (10 Feb), not after.
    if year < on.year and not fiscal.books_open(year, on):
        raise rules.ClosedPeriod(
            _("Revenue of fiscal year %(year)s can no longer be decided on %(day)s.") % {"year": year, "day": on},
            fiscal_year=year,
        )
    if not NationalCode.objects.filter(
        kind="revenue", year=year, level__in=("item", "subitem"), code=revenue_code
    ).exists():
        raise UnknownRevenueCode(
            _("There is no revenue item %(code)s in the national code list of %(year)s.")
            % {"code": revenue_code, "year": year},
            revenue_code=revenue_code,
            year=year,
        )
    receivable, credited = ledgers_for(revenue_code)
    stored_key = _key(government, actor, idempotency_key)
    fingerprint = _fingerprint(account.pk, revenue_code, payer_name, amount, year)
    # The payer's due date is the fixed one moved off a holiday (시행령 §19④); attribution used the unmoved one.
    if notice_on is not None:
        payer_due: dt.date | None = notice_due_date(notice_on, fixed_due_on=due_on)
    else:
        payer_due = workdays.next_business_day(due_on, labour_day=True) if due_on else None
    try:
        with transaction.atomic():
            if done := Assessment.objects.filter(idempotency_key=stored_key).first():
                return _replayed_assessment(done, fingerprint)
            try:
                with transaction.atomic():
                    assessment = Assessment.objects.create(
                        government=government,
                        year=year,
                        account=account,
                        revenue_code=revenue_code,
                        payer_name=payer_name,
                        payer_number=payer_number,
                        amount=amount,
                        assessed_on=on,
                        notice_on=notice_on,
                        due_on=payer_due,
                        interrupted_on=notice_on,
                        decided_by=actor,
                        idempotency_key=stored_key,
                    )
            except IntegrityError:
                raise _Duplicate() from None
            journal.post(
                government_id=government.pk,
                account_id=account.pk,
                fiscal_year=year,
                posted_on=on,
                source_type=SOURCE_ASSESSMENT,
                source_id=assessment.pk,
                description=f"징수결의 {revenue_code} {payer_name}",
                lines=[(receivable, amount, 0), (credited, 0, amount)],
                actor=actor,
            )
            audit.record(
                actor,
                "execution.revenue.assess",
                assessment,
                government=government,
                data={
                    "year": year,
                    "kind": kind,
                    "revenue_code": revenue_code,
                    "amount": amount,
                    "notice_on": notice_on,
                    "due_on": payer_due,
                    "fingerprint": fingerprint,
                },
            )
    except _Duplicate:
        return _replayed_assessment(Assessment.objects.get(idempotency_key=stored_key), fingerprint)
    return assessment


def _replayed_assessment(done: Assessment, fingerprint: str) -> Assessment:
    if _fingerprint(done.account_id, done.revenue_code, done.payer_name, done.amount, done.year) != fingerprint:
        raise KeyReused()
    return done


# --- 납입고지 (notice) ------------------------------------------------------------------------------------------------


def do_send_notice(
    assessment: Assessment, *, actor: Any, notice_on: dt.date | None = None, fixed_due_on: dt.date | None = None
) -> Assessment:
    """납입고지 (시행령 §19): sets the 납부기한 (R-RV-1) and interrupts prescription (지방재정법 §84). It moves no money,
    so it posts no journal entry; a repeated notice (독촉) is a new notice with its own audit row."""
    government = _government(assessment.government_id)
    require(actor, REVENUE, government)
    on = notice_on or _today()
    with transaction.atomic():
        current = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        if current is None:
            raise NotFound()
        if on < current.assessed_on:
            raise InvalidInput(_("A notice cannot precede the decision it notifies."), field="notice_on")
        _check_collectable(current, on)
        due = notice_due_date(on, fixed_due_on=fixed_due_on, current=current.due_on)
        interrupted = max(on, current.interrupted_on) if current.interrupted_on else on
        # Check-and-set on the state read under the lock: a concurrent receipt or prescription wins cleanly.
        changed = Assessment.objects.filter(
            pk=current.pk, status=AssessmentStatus.OPEN, collected_amount=current.collected_amount
        ).update(notice_on=on, due_on=due, interrupted_on=interrupted)
        if changed != 1:
            raise AssessmentNotOpen()
        current.refresh_from_db()
        audit.record(
            actor,
            "execution.revenue.notice",
            current,
            government=government,
            data={"notice_on": on, "due_on": due, "outstanding": current.outstanding},
        )
    return current


def _check_collectable(assessment: Assessment, on: dt.date) -> None:
    if assessment.status != AssessmentStatus.OPEN:
        raise AssessmentNotOpen(status=assessment.status)
    if _is_carried(assessment.pk):
        raise AssessmentCarried(assessment=assessment.pk)
    # An expired claim cannot be revived by a notice or a payment, even before do_mark_prescribed has run.
    if rules.is_prescribed(prescription_start(assessment), assessment.interrupted_on, on):
        raise ClaimPrescribed(assessment=assessment.pk)


# --- 수납 (receipt) -------------------------------------------------------------------------------------------------


def do_record_receipt(
    assessment: Assessment,
    *,
    amount: int,
    received_on: dt.date,
    channel: str,
    actor: Any,
    idempotency_key: str,
    deposited_on: dt.date | None = None,
    same_locality: bool = True,
    small_office_exception: bool = False,
    past_year_revenue: bool = False,
    exception: fiscal.ClosingException | None = None,
) -> Receipt:
    """수납 through the 금고 or an 출납원, within what is still to be collected (check-and-set on the assessment).

    - R-RV-2: an 출납원's cash must reach the 금고 in time (`deposit_deadline`); a late deposit is recorded, flagged.
    - R-RV-3: the 징수관 who decided the assessment may not take its cash as 출납원, unless the office has five or
      fewer staff — `small_office_exception`, an explicit flag written to the audit row.
    - Fiscal year: the assessment's, while its cash window is open (R-FY-1, with the listed `exception`s); later
      only as 과년도 수입 of the year received (`past_year_revenue`, 지방회계법 §27), otherwise ClosedPeriod.
    Journal: Dr 1110 cash / Cr the receivable."""
    rules.check_positive(amount)
    if channel not in ReceiptChannel.values:
        raise InvalidInput(_("Unknown receipt channel."), field="channel")
    check_closing_exception(exception, assessment.revenue_code)
    government = _government(assessment.government_id)
    if channel == ReceiptChannel.CASHIER:
        require(actor, CASHIER, government)
        if actor.pk == assessment.decided_by_id and not small_office_exception:
            raise SeparationOfDuties(
                _("You decided this assessment as 징수관, so you cannot also take its cash as 출납원 (지방회계법 §23).")
            )
    elif not has_permission(actor, CASHIER, government):
        # The 금고's own receipts are recorded from its 영수보고 by the 징수관 or an 출납원.
        require(actor, REVENUE, government)
    if fiscal.may_post_cash(assessment.year, received_on, exception):
        fiscal_year = assessment.year
    elif past_year_revenue and received_on > fiscal.cash_closing_date(assessment.year):
        fiscal_year = fiscal.fiscal_year(received_on)
    else:
        raise rules.ClosedPeriod(
            _(
                "Revenue of fiscal year %(year)s cannot be received on %(day)s; past-year revenue is booked to the year it is received."
            )
            % {"year": assessment.year, "day": received_on},
            fiscal_year=assessment.year,
            day=received_on,
        )
    check_not_future(received_on, "received_on")
    check_not_future(deposited_on, "deposited_on")
    if channel == ReceiptChannel.TREASURY:
        # Money paid into the 금고 is deposited as it is received.
        deposited_on, late = received_on, False
    elif deposited_on is not None:
        if deposited_on < received_on:
            raise InvalidInput(_("Cash cannot be deposited before it was received."), field="deposited_on")
        late = deposited_on > deposit_deadline(received_on, same_locality=same_locality)
    else:
        late = False
    receivable, _credited = ledgers_for(assessment.revenue_code)
    stored_key = _key(government, actor, idempotency_key)
    try:
        with transaction.atomic():
            current = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
            if current is None:
                raise NotFound()
            # Looked up under the assessment's lock: a retry that waited behind its first attempt finds it here,
            # even when the assessment has been fully collected meanwhile.
            if done := Receipt.objects.filter(idempotency_key=stored_key).first():
                return _replayed_receipt(done, assessment.pk, amount, received_on, channel)
            _check_collectable(current, received_on)
            taken = Assessment.objects.filter(
                pk=current.pk, status=AssessmentStatus.OPEN, collected_amount__lte=F("amount") - amount
            ).update(collected_amount=F("collected_amount") + amount)
            if taken != 1:
                current.refresh_from_db()
                raise OverCollection(
                    _("Only %(outstanding)s won remain to be collected on this assessment.")
                    % {"outstanding": f"{current.outstanding:,}"},
                    outstanding=current.outstanding,
                    amount=amount,
                )
            Assessment.objects.filter(pk=current.pk, collected_amount=F("amount")).update(
                status=AssessmentStatus.COLLECTED
            )
            try:
                with transaction.atomic():
                    receipt = Receipt.objects.create(
                        government=government,
                        assessment=current,
                        amount=amount,
                        received_on=received_on,
                        channel=channel,
                        deposited_on=deposited_on,
                        deposit_late=late,
                        recorded_by=actor,
                        idempotency_key=stored_key,
                    )
            except IntegrityError:
                raise _Duplicate() from None
            journal.post(
                government_id=government.pk,
                account_id=current.account_id,
                fiscal_year=fiscal_year,
                posted_on=received_on,
                source_type=SOURCE_RECEIPT,
                source_id=receipt.pk,
                description=f"수납 {current.revenue_code} {current.payer_name}",
                lines=[(CASH_LEDGER, amount, 0), (receivable, 0, amount)],
                actor=actor,
            )
            audit.record(
                actor,
                "execution.revenue.receipt",
                receipt,
                government=government,
                data={
                    "assessment": current.pk,
                    "amount": amount,
                    "channel": channel,
                    "fiscal_year": fiscal_year,
                    "past_year_revenue": fiscal_year != current.year,
                    "exception": exception,
                    "deposited_on": deposited_on,
                    "deposit_late": late,
                    "same_locality": same_locality,
                    # R-RV-3: the small-office exception is recorded whenever it is claimed.
                    "small_office_exception": small_office_exception,
                },
            )
    except _Duplicate:
        return _replayed_receipt(
            Receipt.objects.get(idempotency_key=stored_key), assessment.pk, amount, received_on, channel
        )
    return receipt


def _replayed_receipt(done: Receipt, assessment_id: int, amount: int, received_on: dt.date, channel: str) -> Receipt:
    if (done.assessment_id, done.amount, done.received_on, done.channel) != (
        assessment_id,
        amount,
        received_on,
        channel,
    ):
        raise KeyReused()
    return done


def do_record_deposit(
    receipt: Receipt,
    *,
    deposited_on: dt.date,
    actor: Any,
    same_locality: bool = True,
    small_office_exception: bool = False,
) -> Receipt:
    """The 출납원 pays cash received earlier into the 금고 (R-RV-2); a deposit after the deadline is recorded and
    flagged late. The cash ledger already holds it since the receipt (cash on hand is 현금및현금성자산 too), so no
    journal entry; the deposit and its lateness are audited. The 징수관 who decided the claim may not carry its cash
    (R-RV-3) unless the small office flag is set. Repeating the same deposit returns the receipt unchanged."""
    government = _government(receipt.government_id)
    require(actor, CASHIER, government)
    decided_by = Assessment.objects.filter(pk=receipt.assessment_id).values_list("decided_by_id", flat=True).first()
    if actor.pk == decided_by and not small_office_exception:
        raise SeparationOfDuties(
            _("You decided this assessment as 징수관, so you cannot also handle its cash as 출납원 (지방회계법 §23).")
        )
    if deposited_on < receipt.received_on:
        raise InvalidInput(_("Cash cannot be deposited before it was received."), field="deposited_on")
    check_not_future(deposited_on, "deposited_on")
    late = deposited_on > deposit_deadline(receipt.received_on, same_locality=same_locality)
    with transaction.atomic():
        changed = Receipt.objects.filter(
            pk=receipt.pk, channel=ReceiptChannel.CASHIER, deposited_on__isnull=True
        ).update(deposited_on=deposited_on, deposit_late=late)
        receipt.refresh_from_db()
        if changed != 1:
            if receipt.channel == ReceiptChannel.CASHIER and receipt.deposited_on == deposited_on:
                return receipt
            raise AlreadyDeposited(deposited_on=receipt.deposited_on)
        audit.record(
            actor,
            "execution.revenue.deposit",
            receipt,
            government=government,
            data={
                "deposited_on": deposited_on,
                "deposit_late": late,
                "same_locality": same_locality,
                "small_office_exception": small_office_exception,
            },
        )
    return receipt


# --- 과오납 환급 (refund with interest) ----------------------------------------------------------------------------


def refund_rates() -> list[tuple[dt.date, Fraction]]:
    return [
        (r.valid_from, Fraction(r.annual_rate_bp, 10_000)) for r in RefundInterestRate.objects.order_by("valid_from")
    ]


def do_refund_overpayment(
    receipt: Receipt,
    *,
    amount: int,
    reason: str,
    actor: Any,
    idempotency_key: str,
    refunded_on: dt.date | None = None,
    interest_from: dt.date | None = None,
) -> OverpaymentRefund:
    """과오납 환급 (지방회계법 §28): refunded out of the revenue of the year of the refund, with 환급가산금 from the day
    after `interest_from` (the payment by default; the day of the law change, 감면 or disposition for the other cases
    of 시행령 §31) to the refund, at the rate in force each day, truncated to the won.
    Journal: Dr the credited ledger of the revenue (principal) and Dr 5900 (interest) / Cr 1110 cash."""
    rules.check_positive(amount)
    reason = _text(reason, "reason", 200)
    government = _government(receipt.government_id)
    require(actor, REVENUE, government)
    on = refunded_on or _today()
    check_not_future(on, "refunded_on")
    start = interest_from or receipt.received_on
    if start < receipt.received_on or on < start:
        raise InvalidInput(
            _("Interest runs from the payment (or a later day that made it refundable) to the refund."),
            field="interest_from",
        )
    interest = split_refund_interest(amount, refund_rates(), start, on)
    assessment = Assessment.objects.get(pk=receipt.assessment_id)
    _receivable, credited = ledgers_for(assessment.revenue_code)
    stored_key = _key(government, actor, idempotency_key)
    try:
        with transaction.atomic():
            # The key is looked up under the receipt's lock, so a retry that waited behind its first attempt finds
            # it instead of a receipt refunded in full meanwhile.
            Receipt.objects.select_for_update().filter(pk=receipt.pk).first()
            if done := OverpaymentRefund.objects.filter(idempotency_key=stored_key).first():
                return _replayed_refund(done, receipt.pk, amount, reason)
            taken = Receipt.objects.filter(pk=receipt.pk, refunded_amount__lte=F("amount") - amount).update(
                refunded_amount=F("refunded_amount") + amount
            )
            if taken != 1:
                receipt.refresh_from_db()
                raise OverRefund(refundable=receipt.amount - receipt.refunded_amount, amount=amount)
            try:
                with transaction.atomic():
                    refund = OverpaymentRefund.objects.create(
                        government=government,
                        receipt=receipt,
                        amount=amount,
                        interest=interest,
                        refunded_on=on,
                        reason=reason,
                        recorded_by=actor,
                        idempotency_key=stored_key,
                    )
            except IntegrityError:
                raise _Duplicate() from None
            lines = [(credited, amount, 0), (CASH_LEDGER, 0, amount + interest)]
            if interest:
                lines.insert(1, (OTHER_EXPENSE, interest, 0))
            journal.post(
                government_id=government.pk,
                account_id=assessment.account_id,
                fiscal_year=fiscal.fiscal_year(on),
                posted_on=on,
                source_type=SOURCE_REFUND,
                source_id=refund.pk,
                description=f"과오납 환급 {assessment.revenue_code} {assessment.payer_name}"[:200],
                lines=lines,
                actor=actor,
            )
            audit.record(
                actor,
                "execution.revenue.refund",
                refund,
                government=government,
                data={
                    "receipt": receipt.pk,
                    "amount": amount,
                    "interest": interest,
                    "interest_from": start,
                    "refunded_on": on,
                    "reason": reason,
                },
            )
    except _Duplicate:
        return _replayed_refund(OverpaymentRefund.objects.get(idempotency_key=stored_key), receipt.pk, amount, reason)
    return refund


def _replayed_refund(done: OverpaymentRefund, receipt_id: int, amount: int, reason: str) -> OverpaymentRefund:
    if (done.receipt_id, done.amount, done.reason) != (receipt_id, amount, reason):
        raise KeyReused()
    return done
