"""Pure rules of revenue (세입), each with its legal source. No ORM here; the writers are in actions.revenue.

Legal sources (domain reference §3, §7; text read in 지방회계법 시행령 as in force 2024-04-16):
- 시행령 §2①: the fiscal year a revenue belongs to (`revenue_fiscal_year`).
- 시행령 §3: the 출납폐쇄 exceptions a receipt may claim until 20 January (`check_closing_exception`).
- 시행령 §19: the 납부기한 of a notice is 15 days after it, moved off holidays, Saturdays and Labour Day; a due date
  fixed by law or contract applies as it is, even when earlier (R-RV-7).
- 시행령 §21: an 출납원 deposits cash in the 금고 the next day (same locality as the 금고) or by the fifth day.
- 법 §28, 시행령 §31: 과오납 refunds come out of current-year revenue, with interest at the 국세환급가산금 rate
  (국세기본법 시행령 §43의3②, set by 국세기본법 시행규칙 §19의3) from the day after payment to the refund.
- 지방세 follows 지방세기본법 (지방회계법 §28② 단서, R-RV-7): prescription of 10 years from 5천만원 (§39), refund
  interest counted from the last payment backwards (§62).
- 지방재정법 §82, §84 (R-RV-5): claims prescribe in five years, interrupted by a notice, a reminder or a payment.
- 시행령 §30: the 징수관 reports each month's collection by the 15th of the next month (`report_due`).

Ledgers (accounting/data/chart.csv), chosen by the chapter (장) of the revenue code (`queries.revenue.ledgers_for`):
- 100 지방세수입: receivable 1120 미수세금, revenue 4100 지방세수익.
- 200 세외수입: receivable 1130 미수세외수익, revenue 4200 세외수익.
- 300 지방교부세, 400 조정교부금등, 500 보조금: 1130, revenue 4300 정부간이전수익.
- 600 지방채: 1130, credited to 2210 지방채증권 — borrowed money is a liability, never revenue.
- 700 보전수입등및내부거래 (surplus, carry-over, transfers between the government's own accounts): 1130, credited to
  3100 일반순자산 — it is the government's own money coming back into the budget, not revenue of the entity; the
  chart has no 내부거래 ledgers yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal, workdays
from lofin.core.errors import InvalidInput, SeparationOfDuties
from lofin.core.fiscal import ClosingException

from ..errors import ClaimPrescribed, ClosedPeriod, OverRefund, RefundRateMissing, YearNotClosed

SOURCE_ASSESSMENT = "execution.assessment"
SOURCE_CANCELLATION = "execution.assessment_cancellation"  # the reversal of a decision cancelled or corrected
SOURCE_RECEIPT = "execution.receipt"
SOURCE_REFUND = "execution.overpayment_refund"
SOURCE_PRESCRIPTION = "execution.prescription"

REVENUE_CHAPTERS = frozenset("1234567")
# 지난년도수입 items: where unpaid revenue of a past year is collected (과년도 수입) in the budget of the next year.
PAST_YEAR_CODES = {"1": "131", "2": "225"}


class RevenueKind(StrEnum):
    """The three kinds of revenue of 지방회계법 시행령 §2① for fiscal-year attribution."""

    FIXED_DUE = "fixed_due"  # 납부기한이 정해져 있는 수입 (e.g. 재산세 정기분)
    NOTICE = "notice"  # 납입고지서를 발급하는 수시수입
    RECEIPT = "receipt"  # 납입고지서를 발급하지 아니하는 수시수입 (cash first, 영수보고서, 시행령 §18②)


# 시행령 §2①3 단서: 지방채증권·차입금·부담금·교부금·보조금·기부금·상환금 and the like belong to their budget year.
# Chapters 300 지방교부세, 400 조정교부금등 (교부금), 500 보조금, 600 지방채 (차입금); items 222 자치단체간부담금
# (부담금) and 713 융자금원금수입 (상환금). The code list has no 기부금 item.
_BUDGET_YEAR_CHAPTERS = frozenset("3456")
_BUDGET_YEAR_ITEMS = frozenset({"222", "713"})


def belongs_to_budget_year(revenue_code: str) -> bool:
    return revenue_code[:1] in _BUDGET_YEAR_CHAPTERS or revenue_code[:3] in _BUDGET_YEAR_ITEMS


def revenue_fiscal_year(
    kind: str,
    *,
    revenue_code: str,
    decided_on: dt.date,
    due_on: dt.date | None = None,
    notice_on: dt.date | None = None,
    received_on: dt.date | None = None,
    budget_year: int | None = None,
    basic_year: int | None = None,
) -> int:
    """The fiscal year a revenue belongs to (지방회계법 시행령 §2①, domain reference §3.1).

    1. 납부기한이 정해져 있는 수입: the year of the due date as the law or contract fixes it, before any move off a
       holiday (`due_on` is that unmoved date). If no notice was issued within that year, the year the notice was
       issued. A decision made after the due year has ended can only be noticed now or later, so it belongs to the
       year of its notice, which we take to be the decision's unless a notice day is given.
    2. 수시수입 with a notice: the year of the notice (issued with the decision unless `notice_on` says otherwise);
       an ancillary revenue (가산금 and the like, 기본수입에 부수되는 수입) follows its basic revenue (`basic_year`).
    3. 수시수입 without a notice: the year received; but 지방채, 차입금, 부담금, 교부금, 보조금, 기부금, 상환금 belong to
       the year of their budget (`budget_year`, by default the year of the decision).
    """
    if kind == RevenueKind.FIXED_DUE:
        if due_on is None:
            raise InvalidInput(_("A revenue with a fixed due date needs its due date."), field="due_on")
        if notice_on is None and decided_on.year > due_on.year:
            notice_on = decided_on
        if notice_on is not None and notice_on.year != due_on.year:
            return notice_on.year
        return due_on.year
    if kind == RevenueKind.NOTICE:
        if basic_year is not None:
            return basic_year
        return (notice_on or decided_on).year
    if kind == RevenueKind.RECEIPT:
        if belongs_to_budget_year(revenue_code):
            return budget_year if budget_year is not None else decided_on.year
        if received_on is None:
            raise InvalidInput(
                _("A revenue received without a notice needs the day it was received."), field="received_on"
            )
        return received_on.year
    raise InvalidInput(_("Unknown kind of revenue."), field="kind")


def carried_code(revenue_code: str, codes_of_next_year: set[str]) -> str:
    """The revenue item unpaid revenue continues under next year: local taxes under 131 지난년도수입, non-tax revenue
    under 225 지난년도수입 (where next year's list has them); other chapters keep their own item."""
    target = PAST_YEAR_CODES.get(revenue_code[:1])
    return target if target and target in codes_of_next_year else revenue_code


def deposit_deadline(received_on: dt.date, *, same_locality: bool) -> dt.date:
    """R-RV-2 (시행령 §21): cash an 출납원 receives reaches the 금고 the next day where the 금고 is, otherwise by the
    day that is the fifth from receipt — the day of receipt not counted (민법 §157). A deadline on a holiday or
    Saturday moves to the next business day (민법 §161): a bank cannot take a deposit on a closed day."""
    days = 1 if same_locality else 5
    return workdays.next_business_day(received_on + dt.timedelta(days=days))


def notice_due_date(
    notice_on: dt.date, *, fixed_due_on: dt.date | None = None, current: dt.date | None = None
) -> dt.date:
    """R-RV-1 (시행령 §19①): 15 days after the notice, moved off a holiday, Saturday or Labour Day; a later due date
    the payer was already given is kept — a reminder never brings a payer's due date forward.

    R-RV-7 (시행령 §19① 단서): a due date fixed by law or contract applies as it is, even when it is earlier than
    15 days after the notice (moved off a closed day, 민법 §161). A fixed date that has already passed when the notice
    goes out cannot be met, so the notice then gives the usual 15 days (our reading: a notice never sets a due date
    before itself)."""
    if fixed_due_on is not None and fixed_due_on >= notice_on:
        return workdays.next_business_day(fixed_due_on, labour_day=True)
    due = workdays.due_date(notice_on, 15)
    if current is not None:
        current = workdays.next_business_day(current, labour_day=True)
        if current > due:
            due = current
    return due


def _rate_days(rates: Sequence[tuple[dt.date, Fraction]], paid_on: dt.date, refunded_on: dt.date) -> Fraction:
    """Σ of the rate in force each day from the day after `paid_on` to `refunded_on` (0 for an empty period)."""
    if refunded_on <= paid_on:
        return Fraction(0)
    first = paid_on + dt.timedelta(days=1)
    ordered = sorted(rates)
    if not ordered or ordered[0][0] > first:
        raise RefundRateMissing(period_start=first)
    rate_days = Fraction(0)
    for i, (start, rate) in enumerate(ordered):
        end = ordered[i + 1][0] - dt.timedelta(days=1) if i + 1 < len(ordered) else refunded_on
        lo, hi = max(start, first), min(end, refunded_on)
        if hi >= lo:
            rate_days += rate * ((hi - lo).days + 1)
    return rate_days


def split_refund_interest(
    principal: int, rates: Sequence[tuple[dt.date, Fraction]], paid_on: dt.date, refunded_on: dt.date
) -> int:
    """환급가산금 over a period that may span rate changes: each day from the day after `paid_on` to `refunded_on`
    earns the rate in force that day (the 부칙 of every 시행규칙 change since 2017: days before the change keep the
    old rate). Σ principal × rate × days / 365, summed exactly and truncated to the won once, so one rate gives
    exactly `refund_interest`."""
    return int(Fraction(principal) * _rate_days(rates, paid_on, refunded_on) / 365)


def is_local_tax(revenue_code: str) -> bool:
    """지방세: chapter 100 지방세수입 of the revenue list, 지난년도수입 (131) included."""
    return revenue_code[:1] == "1"


def local_tax_refund_tranches(
    payments: Sequence[tuple[dt.date, int]], refunded_before: int, amount: int
) -> list[tuple[dt.date, int]]:
    """R-RV-7 (지방세기본법 §62①1 단서, via 지방회계법 §28② 단서): when a local tax was paid more than once, the refund
    is counted from the last payment, and where it exceeds that payment from the ones before it in turn, latest
    first; what earlier refunds took is gone from the latest payments first. Returns (payment day, part refunded)
    latest first."""
    left_before, left = refunded_before, amount
    tranches: list[tuple[dt.date, int]] = []
    for day, paid in sorted(payments, reverse=True):
        taken = min(left_before, paid)
        left_before -= taken
        part = min(left, paid - taken)
        if part:
            tranches.append((day, part))
            left -= part
    if left:
        raise OverRefund(refundable=amount - left, amount=amount)
    return tranches


def local_tax_refund_interest(
    tranches: Sequence[tuple[dt.date, int]],
    rates: Sequence[tuple[dt.date, Fraction]],
    refunded_on: dt.date,
    interest_from: dt.date | None = None,
) -> int:
    """지방세환급가산금 (지방세기본법 §62①, 시행령 §43: the 국세환급가산금 rate of 국세기본법 시행령 §43의3②): each
    part of the refund earns from the day after its payment — or after `interest_from`, the 감면 decision or the
    law change (§62①3, 4), when later — to the day the refund is decided and paid (`refunded_on`), at the rate in
    force each day; summed exactly and truncated to the won once."""
    total = Fraction(0)
    for paid_on, part in tranches:
        start = max(paid_on, interest_from) if interest_from is not None else paid_on
        total += part * _rate_days(rates, start, refunded_on)
    return int(total / 365)


def report_due(year: int, month: int) -> tuple[dt.date, dt.date]:
    """R-RV-6 (시행령 §30): the report of a month is due on the 15th of the next month; when that day is a holiday or
    Saturday the deadline runs to the next business day (민법 §161). Returns (the 15th, the effective deadline)."""
    if not 1 <= month <= 12:
        raise InvalidInput(_("Choose a month from 1 to 12."), field="month")
    due = dt.date(year + 1, 1, 15) if month == 12 else dt.date(year, month + 1, 15)
    return due, workdays.next_business_day(due)


# 출납폐쇄 exceptions (시행령 §3) under which revenue of a year may still come in until 20 January. The others
# (contracts completed at year end, card bills, refunds of advances and unused 일상경비) are expenditure and its
# refunds; a receipt claiming one of them is refused rather than booked to the closed year.
REVENUE_EXCEPTIONS = frozenset(
    {
        ClosingException.STATE_FUNDS_NOT_RECEIVED,
        ClosingException.SUBSIDY_SETTLEMENT_REFUND,
        ClosingException.OPERATOR_SETTLEMENT_REFUND,
        ClosingException.INTER_ACCOUNT_TRANSFER,
        ClosingException.ENTRUSTMENT_SETTLEMENT_REFUND,
    }
)
# Money from the State or other governments: 지방교부세, 조정교부금, 보조금 and 자치단체간부담금.
_TRANSFER_CHAPTERS = frozenset("345")


def check_closing_exception(exception: ClosingException | None, revenue_code: str) -> None:
    """A receipt may claim only a revenue exception, and "funds of the State or other governments not yet received"
    only for money that comes from them."""
    if exception is None:
        return
    if exception not in REVENUE_EXCEPTIONS:
        raise InvalidInput(
            _("This 출납폐쇄 exception applies to expenditure, not to revenue (지방회계법 시행령 §3)."),
            field="exception",
        )
    if exception == ClosingException.STATE_FUNDS_NOT_RECEIVED and not (
        revenue_code[:1] in _TRANSFER_CHAPTERS or revenue_code[:3] == "222"
    ):
        raise InvalidInput(
            _("Only money from the State or other governments may come in late as funds not yet received."),
            field="exception",
        )


def refund_interest(principal: int, annual_rate: Fraction, paid_on: dt.date, refunded_on: dt.date) -> int:
    """환급가산금 (지방회계법 §28, 시행령 §31): principal × rate × days from the day after payment to the refund
    date / 365, truncated to the won."""
    days = (refunded_on - paid_on).days
    if days <= 0:
        return 0
    return int(Fraction(principal) * annual_rate * days / 365)


PRESCRIPTION_YEARS = 5
LOCAL_TAX_PRESCRIPTION_YEARS = 10
# 지방세기본법 §39①1: a local tax of this amount or more (가산세 excluded) prescribes in ten years.
LOCAL_TAX_LONG_PRESCRIPTION_FROM = 50_000_000


def prescription_years(revenue_code: str, tax_amount: int) -> int:
    """R-RV-5 / R-RV-7: five years for the claims of a local government (지방재정법 §82); a local tax follows
    지방세기본법 §39①: ten years from 5천만원 (counted on the tax as decided), five below."""
    if is_local_tax(revenue_code) and tax_amount >= LOCAL_TAX_LONG_PRESCRIPTION_FROM:
        return LOCAL_TAX_PRESCRIPTION_YEARS
    return PRESCRIPTION_YEARS


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def is_prescribed(
    due_on: dt.date, last_interruption: dt.date | None, today: dt.date, *, years: int = PRESCRIPTION_YEARS
) -> bool:
    """R-RV-5 (지방재정법 §82, §84): a claim untouched for five years (`years`: ten for a local tax of 5천만원 or more,
    R-RV-7) since its due date or the last interruption — a 납입고지 or 독촉, or a payment, which acknowledges the
    debt (민법 §168) — is extinguished."""
    start = max(due_on, last_interruption) if last_interruption else due_on
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return today > end


def prescription_start(due_on: dt.date | None, assessed_on: dt.date) -> dt.date:
    """Prescription (지방재정법 §82) runs from the due date; a claim never given one was due when decided."""
    return due_on or assessed_on


def check_not_prescribed(
    due_on: dt.date | None,
    assessed_on: dt.date,
    interrupted_on: dt.date | None,
    on: dt.date,
    *,
    assessment: int,
    years: int = PRESCRIPTION_YEARS,
    local_tax: bool = False,
) -> None:
    """An expired claim (지방재정법 §82; 지방세기본법 §39 for a local tax) cannot be revived by a notice or a payment,
    even before the write-off has been recorded."""
    if is_prescribed(prescription_start(due_on, assessed_on), interrupted_on, on, years=years):
        if local_tax:
            raise ClaimPrescribed(
                _("The local tax has expired by prescription (지방세기본법 §39)."), assessment=assessment, rule="R-RV-7"
            )
        raise ClaimPrescribed(assessment=assessment, rule="R-RV-5")


def check_decision_year(year: int, decided_on: dt.date) -> None:
    """시행령 §3: a decision may still be booked to a past year until that year's 출납 work is complete (10 February),
    not after."""
    if year < decided_on.year and not fiscal.books_open(year, decided_on):
        raise ClosedPeriod(
            _("Revenue of fiscal year %(year)s can no longer be decided on %(day)s.")
            % {"year": year, "day": decided_on},
            fiscal_year=year,
        )


def check_notice_day(notice_on: dt.date | None, decided_on: dt.date) -> None:
    """시행령 §19: a 납입고지 notifies a decision already made."""
    if notice_on is not None and notice_on < decided_on:
        raise InvalidInput(_("A notice cannot precede the decision it notifies."), field="notice_on")


def payer_due_date(*, notice_on: dt.date | None, fixed_due_on: dt.date | None) -> dt.date | None:
    """The 납부기한 the payer is given (시행령 §19④): with a notice, 15 days after it or the later fixed date; without
    one, the fixed date moved off a holiday. Fiscal-year attribution uses the unmoved fixed date."""
    if notice_on is not None:
        return notice_due_date(notice_on, fixed_due_on=fixed_due_on)
    return workdays.next_business_day(fixed_due_on, labour_day=True) if fixed_due_on else None


def receipt_fiscal_year(
    assessment_year: int,
    received_on: dt.date,
    *,
    exception: ClosingException | None = None,
    past_year_revenue: bool = False,
) -> int:
    """The fiscal year a receipt is booked to: the assessment's while its cash window is open (R-FY-1, 지방회계법 §7,
    with the listed 출납폐쇄 exceptions of 시행령 §3); after the year's close only as 과년도 수입 of the year received
    (지방회계법 §27), when asked for; otherwise ClosedPeriod."""
    if fiscal.may_post_cash(assessment_year, received_on, exception):
        return assessment_year
    if past_year_revenue and received_on > fiscal.cash_closing_date(assessment_year):
        return fiscal.fiscal_year(received_on)
    raise ClosedPeriod(
        _(
            "Revenue of fiscal year %(year)s cannot be received on %(day)s; past-year revenue is booked to the year it is received."
        )
        % {"year": assessment_year, "day": received_on},
        fiscal_year=assessment_year,
        day=received_on,
    )


# 지방회계법 시행령 §25: the 정원 up to which the 징수관 of an office may also handle its cash.
COLLECTOR_SMALL_OFFICE_STAFF = 5


def check_cashier_not_collector(
    *, cashier: int, decided_by: int | None, office_staff: int | None, taking: bool = True
) -> None:
    """R-RV-3 (지방회계법 §23, 시행령 §25): the 징수관 who decided a claim may not take or carry its cash as 출납원,
    unless their office's 정원 (`office_staff`, data of the office, written to the audit row) is five or fewer."""
    if cashier != decided_by or (office_staff is not None and office_staff <= COLLECTOR_SMALL_OFFICE_STAFF):
        return
    if taking:
        raise SeparationOfDuties(
            _("You decided this assessment as 징수관, so you cannot also take its cash as 출납원 (지방회계법 §23).")
        )
    raise SeparationOfDuties(
        _("You decided this assessment as 징수관, so you cannot also handle its cash as 출납원 (지방회계법 §23).")
    )


def deposit_is_late(received_on: dt.date, deposited_on: dt.date, *, same_locality: bool) -> bool:
    """R-RV-2 (시행령 §21): cash is deposited after it was received; after the deadline it is recorded as late."""
    if deposited_on < received_on:
        raise InvalidInput(_("Cash cannot be deposited before it was received."), field="deposited_on")
    return deposited_on > deposit_deadline(received_on, same_locality=same_locality)


def check_refund_period(received_on: dt.date, interest_from: dt.date, refunded_on: dt.date) -> None:
    """시행령 §31: 환급가산금 runs from the payment (or a later day that made it refundable) to the refund."""
    if interest_from < received_on or refunded_on < interest_from:
        raise InvalidInput(
            _("Interest runs from the payment (or a later day that made it refundable) to the refund."),
            field="interest_from",
        )


def check_carry_day(from_year: int, on: dt.date) -> None:
    """지방회계법 §27, 시행령 §3: unpaid revenue is carried once the year's 출납 work is complete (after 10 February):
    until then revenue of the year may still come in under a 출납폐쇄 exception or be decided for the year."""
    deadline = fiscal.completion_deadline(from_year)
    if on <= deadline:
        raise YearNotClosed(
            _("Unpaid revenue of %(year)s is carried once its 출납 work is complete (after %(day)s).")
            % {"year": from_year, "day": deadline},
            fiscal_year=from_year,
        )
