"""세입 (revenue) writers: 징수결의 → 납입고지 → 수납 (and the 출납원's deposit) → 과오납 환급, and a 징수결의 made in
error cancelled or corrected (a new decision linked to the old, the books reversed and re-posted).

The only writers of the revenue models, with actions.yearend (미수납 이월, 시효). Each action checks the role and
the rules (rules.revenue), changes amounts with one conditional UPDATE (check-and-set), posts its journal entry and
writes its audit row in the same transaction, and leaves nothing behind when it is refused. Lock order, the same as
every money path (architecture §8.15): assessment → receipt → journal → audit chain head.

Legal sources beyond rules.revenue: 법 §21 and 시행령 §18 (징수결의), 법 §27 (past-year revenue collected now is
revenue of the current year), 지방재정법 §84 (a 납입고지 or 독촉 interrupts prescription).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.accounting import chart, journal
from lofin.accounting.models import JournalEntry
from lofin.budget.models import Account
from lofin.core import audit, clock, fiscal, idempotency
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import has_permission, require

from ..access import CASHIER, REVENUE
from ..errors import (
    AlreadyDeposited,
    AssessmentCarried,
    AssessmentCollected,
    AssessmentNotOpen,
    OverCollection,
    OverRefund,
    UnknownRevenueCode,
)
from ..models import Assessment, AssessmentStatus, Office, OverpaymentRefund, Receipt, ReceiptChannel
from ..queries.revenue import is_carried, is_revenue_code, ledgers_for, prescription_years, refund_rates
from ..rules import revenue as rules
from ..rules.values import check_not_future, check_positive, check_text
from .common import once_per_form, same_government


def _government(government_id: int) -> LocalGovernment:
    return LocalGovernment.objects.get(pk=government_id)


def check_collectable(assessment: Assessment, on: dt.date) -> None:
    """Open, not continued next year, and not expired by prescription on `on`."""
    if assessment.status != AssessmentStatus.OPEN:
        raise AssessmentNotOpen(status=assessment.status)
    if is_carried(assessment.pk):
        raise AssessmentCarried(assessment=assessment.pk)
    rules.check_not_prescribed(
        assessment.due_on,
        assessment.assessed_on,
        assessment.interrupted_on,
        on,
        assessment=assessment.pk,
        years=prescription_years(assessment),
        local_tax=rules.is_local_tax(assessment.revenue_code),
    )


# --- 징수결의 (assessment) -------------------------------------------------------------------------------------------


def do_assess(
    account: Account,
    *,
    revenue_code: str,
    payer_name: str,
    amount: int,
    actor: User,
    idempotency_key: str,
    kind: str = rules.RevenueKind.NOTICE,
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
    Journal: Dr receivable / Cr revenue (by chapter). A retried request returns the first; the same key with
    anything else is refused."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "assess",
        account=account,
        revenue_code=revenue_code,
        payer_name=payer_name,
        payer_number=payer_number,
        amount=amount,
        kind=kind,
        assessed_on=assessed_on,
        due_on=due_on,
        notice_on=notice_on,
        received_on=received_on,
        budget_year=budget_year,
        basic_year=basic_year,
    )
    revenue_code = check_text(revenue_code, "revenue_code", 10)
    payer_name = check_text(payer_name, "payer_name", 100)
    payer_number = check_text(payer_number, "payer_number", 20, required=False)
    government = _government(account.government_id)
    require(actor, REVENUE, government)
    if not account.is_active:
        raise InvalidInput(_("This account (회계) is closed."), field="account")
    on = assessed_on or clock.today()
    rules.check_notice_day(notice_on, on)
    year = rules.revenue_fiscal_year(
        kind,
        revenue_code=revenue_code,
        decided_on=on,
        due_on=due_on,
        notice_on=notice_on,
        received_on=received_on,
        budget_year=budget_year,
        basic_year=basic_year,
    )
    rules.check_decision_year(year, on)
    if not is_revenue_code(year, revenue_code):
        raise UnknownRevenueCode(
            _("There is no revenue item %(code)s in the national code list of %(year)s.")
            % {"code": revenue_code, "year": year},
            revenue_code=revenue_code,
            year=year,
        )
    receivable, credited = ledgers_for(revenue_code)
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    payer_due = rules.payer_due_date(notice_on=notice_on, fixed_due_on=due_on)
    try:
        with transaction.atomic():
            if done := Assessment.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, request)
            with idempotency.unique_insert():
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
                    idempotency_key=key,
                )
            journal.post(
                government_id=government.pk,
                account_id=account.pk,
                fiscal_year=year,
                posted_on=on,
                source_type=rules.SOURCE_ASSESSMENT,
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
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        return idempotency.replay(Assessment.objects.get(idempotency_key=key), request)
    return assessment


# --- 납입고지 (notice) ------------------------------------------------------------------------------------------------


def do_send_notice(
    assessment: Assessment, *, actor: User, notice_on: dt.date | None = None, fixed_due_on: dt.date | None = None
) -> Assessment:
    """납입고지 (시행령 §19): sets the 납부기한 (R-RV-1) and interrupts prescription (지방재정법 §84). It moves no money,
    so it posts no journal entry; a repeated notice (독촉) is a new notice with its own audit row."""
    government = _government(assessment.government_id)
    require(actor, REVENUE, government)
    on = notice_on or clock.today()
    with transaction.atomic():
        current = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        if current is None:
            raise NotFound()
        rules.check_notice_day(on, current.assessed_on)
        check_collectable(current, on)
        due = rules.notice_due_date(on, fixed_due_on=fixed_due_on, current=current.due_on)
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


def do_send_notice_from_form(
    assessment: Assessment, *, notice_on: dt.date | None, fixed_due_on: dt.date | None, actor: User, form_key: str
) -> Assessment:
    """납입고지 from a screen. A repeated notice is a legitimate 독촉 with its own record, so a double click must not
    send a second one: one notice per form rendering."""
    return once_per_form(
        assessment.government_id,
        actor=actor,
        form_key=form_key,
        kind="notice",
        values={"assessment": assessment.pk, "notice_on": notice_on, "fixed_due_on": fixed_due_on},
        lock=lambda: Assessment.objects.select_for_update().filter(pk=assessment.pk).first(),
        call=lambda: do_send_notice(assessment, notice_on=notice_on, fixed_due_on=fixed_due_on, actor=actor),
        load=lambda pk: Assessment.objects.get(pk=pk),
    )


# --- 수납 (receipt) -------------------------------------------------------------------------------------------------


def do_record_receipt(
    assessment: Assessment,
    *,
    amount: int,
    received_on: dt.date,
    channel: str,
    actor: User,
    idempotency_key: str,
    deposited_on: dt.date | None = None,
    same_locality: bool = True,
    office: Office | None = None,
    past_year_revenue: bool = False,
    exception: fiscal.ClosingException | None = None,
) -> Receipt:
    """수납 through the 금고 or an 출납원, within what is still to be collected (check-and-set on the assessment).

    - R-RV-2: an 출납원's cash must reach the 금고 in time (`deposit_deadline`); a late deposit is recorded, flagged.
    - R-RV-3: the 징수관 who decided the assessment may not take its cash as 출납원, unless their `office` has a
      정원 of five or fewer (the office's data, written to the audit row).
    - Fiscal year: the assessment's, while its cash window is open (R-FY-1, with the listed `exception`s); later
      only as 과년도 수입 of the year received (`past_year_revenue`, 지방회계법 §27), otherwise ClosedPeriod.
    Journal: Dr 1110 cash / Cr the receivable."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "receipt",
        assessment=assessment,
        amount=amount,
        received_on=received_on,
        channel=channel,
        deposited_on=deposited_on,
        same_locality=same_locality,
        office=office,
        past_year_revenue=past_year_revenue,
        exception=exception,
    )
    if channel not in ReceiptChannel.values:
        raise InvalidInput(_("Unknown receipt channel."), field="channel")
    rules.check_closing_exception(exception, assessment.revenue_code)
    government = _government(assessment.government_id)
    if channel == ReceiptChannel.CASHIER:
        require(actor, CASHIER, government)
        same_government(assessment.government_id, office)
        rules.check_cashier_not_collector(
            cashier=actor.pk, decided_by=assessment.decided_by_id, office_staff=_staff(office)
        )
    elif not has_permission(actor, CASHIER, government):
        # The 금고's own receipts are recorded from its 영수보고 by the 징수관 or an 출납원.
        require(actor, REVENUE, government)
    fiscal_year = rules.receipt_fiscal_year(
        assessment.year, received_on, exception=exception, past_year_revenue=past_year_revenue
    )
    today = clock.today()
    check_not_future(received_on, "received_on", today=today)
    check_not_future(deposited_on, "deposited_on", today=today)
    if channel == ReceiptChannel.TREASURY:
        # Money paid into the 금고 is deposited as it is received.
        deposited_on, late = received_on, False
    elif deposited_on is not None:
        late = rules.deposit_is_late(received_on, deposited_on, same_locality=same_locality)
    else:
        late = False
    receivable, _credited = ledgers_for(assessment.revenue_code)
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    try:
        with transaction.atomic():
            current = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
            if current is None:
                raise NotFound()
            # Looked up under the assessment's lock: a retry that waited behind its first attempt finds it here,
            # even when the assessment has been fully collected meanwhile.
            if done := Receipt.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, request)
            check_collectable(current, received_on)
            # A payment acknowledges the debt and interrupts prescription (민법 §168 through 지방재정법 §84; R-RV-5,
            # R-RV-7): the last interruption moves to the day received, never back.
            interrupted = max(received_on, current.interrupted_on) if current.interrupted_on else received_on
            taken = Assessment.objects.filter(
                pk=current.pk, status=AssessmentStatus.OPEN, collected_amount__lte=F("amount") - amount
            ).update(collected_amount=F("collected_amount") + amount, interrupted_on=interrupted)
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
            with idempotency.unique_insert():
                receipt = Receipt.objects.create(
                    government=government,
                    assessment=current,
                    amount=amount,
                    received_on=received_on,
                    channel=channel,
                    deposited_on=deposited_on,
                    deposit_late=late,
                    recorded_by=actor,
                    idempotency_key=key,
                )
            journal.post(
                government_id=government.pk,
                account_id=current.account_id,
                fiscal_year=fiscal_year,
                posted_on=received_on,
                source_type=rules.SOURCE_RECEIPT,
                source_id=receipt.pk,
                description=f"수납 {current.revenue_code} {current.payer_name}",
                lines=[(chart.CASH, amount, 0), (receivable, 0, amount)],
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
                    "office": office.pk if office is not None else None,
                    "office_staff": _staff(office),
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        return idempotency.replay(Receipt.objects.get(idempotency_key=key), request)
    return receipt


def do_record_deposit(
    receipt: Receipt,
    *,
    deposited_on: dt.date,
    actor: User,
    same_locality: bool = True,
    office: Office | None = None,
) -> Receipt:
    """The 출납원 pays cash received earlier into the 금고 (R-RV-2); a deposit after the deadline is recorded and
    flagged late. The cash ledger already holds it since the receipt (cash on hand is 현금및현금성자산 too), so no
    journal entry; the deposit and its lateness are audited. The 징수관 who decided the claim may not carry its cash
    (R-RV-3) unless their office's 정원 is five or fewer. Repeating the same deposit returns the receipt unchanged."""
    government = _government(receipt.government_id)
    require(actor, CASHIER, government)
    decided_by = Assessment.objects.filter(pk=receipt.assessment_id).values_list("decided_by_id", flat=True).first()
    same_government(receipt.government_id, office)
    rules.check_cashier_not_collector(
        cashier=actor.pk, decided_by=decided_by, office_staff=_staff(office), taking=False
    )
    late = rules.deposit_is_late(receipt.received_on, deposited_on, same_locality=same_locality)
    check_not_future(deposited_on, "deposited_on", today=clock.today())
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
                "office": office.pk if office is not None else None,
                "office_staff": _staff(office),
            },
        )
    return receipt


# --- 과오납 환급 (refund with interest) ----------------------------------------------------------------------------


def do_refund_overpayment(
    receipt: Receipt,
    *,
    amount: int,
    reason: str,
    actor: User,
    idempotency_key: str,
    refunded_on: dt.date | None = None,
    interest_from: dt.date | None = None,
) -> OverpaymentRefund:
    """과오납 환급 (지방회계법 §28): refunded out of the revenue of the year of the refund, with 환급가산금 from the day
    after `interest_from` (the payment by default; the day of the law change, 감면 or disposition for the other cases
    of 시행령 §31) to the refund, at the rate in force each day, truncated to the won.
    A local tax follows 지방세기본법 §62 instead (§28② 단서, R-RV-7): the refund is counted from the assessment's last
    payment backwards (rules.revenue.local_tax_refund_tranches), whichever receipt it is recorded against.
    Journal: Dr the credited ledger of the revenue (principal) and Dr 5900 (interest) / Cr 1110 cash. 환급가산금 is
    interest the government pays for having held a payer's money: a cost of the year it is paid (5900 기타비용), not a
    reduction of any revenue — debiting 4400 would show negative 기타수익 in a year with little other revenue."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "overpayment_refund",
        receipt=receipt,
        amount=amount,
        reason=reason,
        refunded_on=refunded_on,
        interest_from=interest_from,
    )
    reason = check_text(reason, "reason", 200)
    government = _government(receipt.government_id)
    require(actor, REVENUE, government)
    today = clock.today()
    on = refunded_on or today
    check_not_future(on, "refunded_on", today=today)
    start = interest_from or receipt.received_on
    rules.check_refund_period(receipt.received_on, start, on)
    rates = refund_rates()
    assessment = Assessment.objects.get(pk=receipt.assessment_id)
    local_tax = rules.is_local_tax(assessment.revenue_code)
    _receivable, credited = ledgers_for(assessment.revenue_code)
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    try:
        with transaction.atomic():
            # Assessment before receipt (the lock order of revenue): a local tax's interest reads all its receipts.
            Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
            # The key is looked up under the receipt's lock, so a retry that waited behind its first attempt finds
            # it instead of a receipt refunded in full meanwhile.
            Receipt.objects.select_for_update().filter(pk=receipt.pk).first()
            if done := OverpaymentRefund.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, request)
            tranches: list[tuple[dt.date, int]] = [(receipt.received_on, amount)]
            if local_tax:
                paid = list(Receipt.objects.filter(assessment_id=assessment.pk).values_list("received_on", "amount"))
                before = sum(
                    Receipt.objects.filter(assessment_id=assessment.pk).values_list("refunded_amount", flat=True)
                )
                tranches = rules.local_tax_refund_tranches(paid, before, amount)
                interest = rules.local_tax_refund_interest(tranches, rates, on, interest_from)
            else:
                interest = rules.split_refund_interest(amount, rates, start, on)
            taken = Receipt.objects.filter(pk=receipt.pk, refunded_amount__lte=F("amount") - amount).update(
                refunded_amount=F("refunded_amount") + amount
            )
            if taken != 1:
                receipt.refresh_from_db()
                raise OverRefund(refundable=receipt.amount - receipt.refunded_amount, amount=amount)
            with idempotency.unique_insert():
                refund = OverpaymentRefund.objects.create(
                    government=government,
                    receipt=receipt,
                    amount=amount,
                    interest=interest,
                    refunded_on=on,
                    reason=reason,
                    recorded_by=actor,
                    idempotency_key=key,
                )
            lines = [(credited, amount, 0), (chart.CASH, 0, amount + interest)]
            if interest:
                lines.insert(1, (chart.OTHER_EXPENSE, interest, 0))
            journal.post(
                government_id=government.pk,
                account_id=assessment.account_id,
                fiscal_year=fiscal.fiscal_year(on),
                posted_on=on,
                source_type=rules.SOURCE_REFUND,
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
                    "statute": "지방세기본법 §62" if local_tax else "지방회계법 §28",
                    "tranches": tranches,
                    "reason": reason,
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        return idempotency.replay(OverpaymentRefund.objects.get(idempotency_key=key), request)
    return refund


# --- 징수결의 취소·정정 (cancelling or correcting a decision made in error) -------------------------------------------


def _check_amendable(current: Assessment, on: dt.date) -> None:
    """A decision is cancelled or corrected while it is open here, on a day from the decision to today, while its
    year's books are open (시행령 §3); a decision carried to the next year is amended on its successor there."""
    if current.status != AssessmentStatus.OPEN:
        raise AssessmentNotOpen(status=current.status)
    if is_carried(current.pk):
        raise AssessmentCarried(assessment=current.pk)
    if on < current.assessed_on:
        raise InvalidInput(_("A decision cannot be cancelled or corrected before it was made."), field="cancelled_on")
    check_not_future(on, "cancelled_on", today=clock.today())
    rules.check_decision_year(current.year, on)


def _reverse_decision(current: Assessment, on: dt.date, reason: str, actor: User) -> None:
    """The decision's receivable and revenue taken back by a reversing entry dated `on` (the books are corrected by
    new entries, never by changing old ones). A carried successor was never posted on its own: its reversal takes
    back what it carried."""
    receivable, credited = ledgers_for(current.revenue_code)
    original = (
        JournalEntry.objects.filter(source_type=rules.SOURCE_ASSESSMENT, source_id=current.pk)
        .values_list("pk", flat=True)
        .first()
    )
    journal.post(
        government_id=current.government_id,
        account_id=current.account_id,
        fiscal_year=current.year,
        posted_on=on,
        source_type=rules.SOURCE_CANCELLATION,
        source_id=current.pk,
        description=f"징수결의 취소 {current.revenue_code} {current.payer_name}: {reason}"[:200],
        lines=[(credited, current.amount, 0), (receivable, 0, current.amount)],
        actor=actor,
        reverses_id=original,
    )


def do_cancel_assessment(
    assessment: Assessment, *, reason: str, actor: User, cancelled_on: dt.date | None = None
) -> Assessment:
    """징수결의 취소: the 징수관 withdraws a decision made in error (지방회계법 §21) while nothing has been received
    against it — money received is refunded first (과오납 환급, §28) or the decision corrected instead. The decision
    is kept with the day and the reason; a reversing entry takes its receivable and revenue back. Repeating the same
    cancellation returns it unchanged."""
    reason = check_text(reason, "reason", 200)
    government = _government(assessment.government_id)
    require(actor, REVENUE, government)
    on = cancelled_on or clock.today()
    with transaction.atomic():
        current = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        if current is None:
            raise NotFound()
        if (
            current.status == AssessmentStatus.CANCELLED
            and (current.cancelled_on, current.cancel_reason) == (on, reason)
            and not Assessment.objects.filter(corrects=current).exists()
        ):
            return current
        _check_amendable(current, on)
        if current.collected_amount:
            raise AssessmentCollected(collected=current.collected_amount)
        changed = Assessment.objects.filter(pk=current.pk, status=AssessmentStatus.OPEN, collected_amount=0).update(
            status=AssessmentStatus.CANCELLED, cancelled_on=on, cancel_reason=reason
        )
        if changed != 1:
            raise AssessmentNotOpen()
        _reverse_decision(current, on, reason, actor)
        current.refresh_from_db()
        audit.record(
            actor,
            "execution.revenue.cancel",
            current,
            government=government,
            data={"reason": reason, "cancelled_on": on, "amount": current.amount, "year": current.year},
        )
    return current


def do_cancel_assessment_from_form(
    assessment: Assessment, *, reason: str, cancelled_on: dt.date | None, actor: User, form_key: str
) -> Assessment:
    """Cancelling from a screen: a second submission answers with the first result."""
    return once_per_form(
        assessment.government_id,
        actor=actor,
        form_key=form_key,
        kind="cancel_assessment",
        values={"assessment": assessment.pk, "reason": reason, "cancelled_on": cancelled_on},
        lock=lambda: Assessment.objects.select_for_update().filter(pk=assessment.pk).first(),
        call=lambda: do_cancel_assessment(assessment, reason=reason, cancelled_on=cancelled_on, actor=actor),
        load=lambda pk: Assessment.objects.get(pk=pk),
    )


def do_correct_assessment(
    assessment: Assessment,
    *,
    reason: str,
    actor: User,
    idempotency_key: str,
    amount: int | None = None,
    payer_name: str | None = None,
    payer_number: str | None = None,
    due_on: dt.date | None = None,
    corrected_on: dt.date | None = None,
) -> Assessment:
    """징수결의 정정: a decision made in error (amount, payer, due date) is replaced by a new decision that points back
    to it (`corrects`); the old one is cancelled with the reason, its entry reversed and the new one posted — never
    overwritten. Money already received stays the payer's payment: its receipts move to the new decision, which may
    not be for less than they hold nor for another payer (refund first, 과오납 환급, 지방회계법 §28). The new decision
    keeps the year, account, revenue item, notice and last interruption of prescription. Values left None are kept;
    a retried request returns the first correction, the same key with anything else is refused."""
    if amount is not None:
        check_positive(amount)
    request = idempotency.fingerprint(
        "correct_assessment",
        assessment=assessment,
        amount=amount,
        payer_name=payer_name,
        payer_number=payer_number,
        due_on=due_on,
        reason=reason,
        corrected_on=corrected_on,
    )
    reason = check_text(reason, "reason", 200)
    government = _government(assessment.government_id)
    require(actor, REVENUE, government)
    on = corrected_on or clock.today()
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    try:
        with transaction.atomic():
            current = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
            if current is None:
                raise NotFound()
            if done := Assessment.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, request)
            _check_amendable(current, on)
            new = _corrected(current, amount, payer_name, payer_number, due_on)
            changes = {
                f: [getattr(current, f), getattr(new, f)]
                for f in ("amount", "payer_name", "payer_number", "due_on")
                if getattr(current, f) != getattr(new, f)
            }
            if not changes:
                raise InvalidInput(
                    _("Change the amount, the payer or the due date; to withdraw the decision, cancel it."),
                    field="amount",
                )
            _check_correction_keeps_receipts(current, new)
            changed = Assessment.objects.filter(
                pk=current.pk, status=AssessmentStatus.OPEN, collected_amount=current.collected_amount
            ).update(status=AssessmentStatus.CANCELLED, cancelled_on=on, cancel_reason=reason)
            if changed != 1:
                raise AssessmentNotOpen()
            new.assessed_on, new.decided_by, new.idempotency_key = on, actor, key
            if new.collected_amount == new.amount:
                new.status = AssessmentStatus.COLLECTED
            with idempotency.unique_insert():
                new.save(force_insert=True)
            moved = list(Receipt.objects.filter(assessment=current).order_by("pk").values_list("pk", flat=True))
            Receipt.objects.filter(pk__in=moved).update(assessment=new)
            _reverse_decision(current, on, reason, actor)
            receivable, credited = ledgers_for(new.revenue_code)
            journal.post(
                government_id=government.pk,
                account_id=new.account_id,
                fiscal_year=new.year,
                posted_on=on,
                source_type=rules.SOURCE_ASSESSMENT,
                source_id=new.pk,
                description=f"징수결의 정정 {new.revenue_code} {new.payer_name}"[:200],
                lines=[(receivable, new.amount, 0), (credited, 0, new.amount)],
                actor=actor,
            )
            audit.record(
                actor,
                "execution.revenue.cancel",
                current,
                government=government,
                data={"reason": reason, "cancelled_on": on, "amount": current.amount, "corrected_by": new.pk},
            )
            audit.record(
                actor,
                "execution.revenue.correct",
                new,
                government=government,
                data={
                    "corrects": current.pk,
                    "reason": reason,
                    "changes": changes,
                    "receipts": moved,
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        return idempotency.replay(Assessment.objects.get(idempotency_key=key), request)
    return new


def _corrected(
    current: Assessment, amount: int | None, payer_name: str | None, payer_number: str | None, due_on: dt.date | None
) -> Assessment:
    """The new decision as corrected (unsaved): the old one's values, with those given instead."""
    if due_on is not None and due_on < current.assessed_on:
        raise InvalidInput(_("A due date cannot precede the decision."), field="due_on")
    return Assessment(
        government_id=current.government_id,
        year=current.year,
        account_id=current.account_id,
        revenue_code=current.revenue_code,
        payer_name=check_text(payer_name, "payer_name", 100) if payer_name is not None else current.payer_name,
        payer_number=check_text(payer_number, "payer_number", 20, required=False)
        if payer_number is not None
        else current.payer_number,
        amount=amount if amount is not None else current.amount,
        collected_amount=current.collected_amount,
        notice_on=current.notice_on,
        due_on=rules.payer_due_date(notice_on=None, fixed_due_on=due_on) if due_on is not None else current.due_on,
        interrupted_on=current.interrupted_on,
        carried_from_id=current.carried_from_id,
        corrects=current,
    )


def _check_correction_keeps_receipts(current: Assessment, new: Assessment) -> None:
    """Money received stays the payer's payment of the corrected decision: not less than it, nor another payer."""
    if not current.collected_amount:
        return
    if (new.payer_name, new.payer_number) != (current.payer_name, current.payer_number):
        raise AssessmentCollected(
            _(
                "Money received from one payer cannot become another payer's payment: refund it first (과오납 환급, "
                "지방회계법 §28)."
            ),
            collected=current.collected_amount,
        )
    if new.amount < current.collected_amount:
        raise AssessmentCollected(
            _(
                "%(collected)s won have been received on this assessment: the corrected amount cannot be less; refund "
                "the difference first (과오납 환급, 지방회계법 §28)."
            )
            % {"collected": f"{current.collected_amount:,}"},
            collected=current.collected_amount,
            amount=new.amount,
        )


def _staff(office: Office | None) -> int | None:
    """The 정원 of the office a 징수관 names for the small-office exception of R-RV-3 (None: no office named)."""
    return office.staff_count if office is not None else None
