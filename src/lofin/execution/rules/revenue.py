"""Pure rules of revenue (세입), each with its legal source. No ORM here; the writers are in actions.revenue.

Legal sources (domain reference §3, §7; text read in 지방회계법 시행령 as in force 2024-04-16):
- 시행령 §2①: the fiscal year a revenue belongs to (`revenue_fiscal_year`).
- 시행령 §3: the 출납폐쇄 exceptions a receipt may claim until 20 January (`check_closing_exception`).
- 시행령 §19: the 납부기한 of a notice is at most 15 days after it, moved off holidays, Saturdays and Labour Day.
- 시행령 §21: an 출납원 deposits cash in the 금고 the next day (same locality as the 금고) or by the fifth day.
- 법 §28, 시행령 §31: 과오납 refunds come out of current-year revenue, with interest at the 국세환급가산금 rate
  (국세기본법 시행령 §43의3②, set by 국세기본법 시행규칙 §19의3) from the day after payment to the refund.
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

from ..errors import ClaimPrescribed, ClosedPeriod, RefundRateMissing, YearNotClosed

SOURCE_ASSESSMENT = "execution.assessment"
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
    """R-RV-1 (시행령 §19): 15 days after the notice, moved off a holiday, Saturday or Labour Day; a later due date
    fixed by law or contract, or one the payer was already given, is kept — a notice never brings a payer's due date
    forward."""
    due = workdays.due_date(notice_on, 15)
    for later in (fixed_due_on, current):
        if later is not None:
            later = workdays.next_business_day(later, labour_day=True)
            if later > due:
                due = later
    return due


def split_refund_interest(
    principal: int, rates: Sequence[tuple[dt.date, Fraction]], paid_on: dt.date, refunded_on: dt.date
) -> int:
    """환급가산금 over a period that may span rate changes: each day from the day after `paid_on` to `refunded_on`
    earns the rate in force that day (the 부칙 of every 시행규칙 change since 2017: days before the change keep the
    old rate). Σ principal × rate × days / 365, summed exactly and truncated to the won once, so one rate gives
    exactly `refund_interest`."""
    if refunded_on <= paid_on:
        return 0
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
    return int(Fraction(principal) * rate_days / 365)


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


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def is_prescribed(due_on: dt.date, last_interruption: dt.date | None, today: dt.date) -> bool:
    """R-RV-5 (지방재정법 §82): a claim untouched for five years since its due date (or the last 납입고지/독촉,
    which interrupts prescription, §84) is extinguished."""
    start = max(due_on, last_interruption) if last_interruption else due_on
    try:
        end = start.replace(year=start.year + PRESCRIPTION_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + PRESCRIPTION_YEARS, day=28)
    return today > end


def prescription_start(due_on: dt.date | None, assessed_on: dt.date) -> dt.date:
    """Prescription (지방재정법 §82) runs from the due date; a claim never given one was due when decided."""
    return due_on or assessed_on


def check_not_prescribed(
    due_on: dt.date | None, assessed_on: dt.date, interrupted_on: dt.date | None, on: dt.date, *, assessment: int
) -> None:
    """An expired claim (지방재정법 §82) cannot be revived by a notice or a payment, even before the write-off has
    been recorded."""
    if is_prescribed(prescription_start(due_on, assessed_on), interrupted_on, on):
        raise ClaimPrescribed(assessment=assessment)


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
