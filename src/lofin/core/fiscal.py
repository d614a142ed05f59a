"""Fiscal years and the cash-closing calendar (지방회계법 §6, §7; 시행령 §3).

- The fiscal year is the calendar year.
- Cash receipts and payments of FY N close (출납폐쇄) on 31 December N.
- Listed exceptions may be processed until 20 January N+1 (`ClosingException`).
- All cash work of FY N must be complete by 10 February N+1 (출납사무 완결기한).
- The 결산서 with the 검사위원 opinion within 80 days after 출납폐쇄 (지방자치법 §150①), to the council by
  31 May N+1 (지방회계법 시행령 §10).

The dates after 31 December are settings (`LOFIN_CLOSING_CALENDAR`), so a change of the decree is a configuration.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ClosingException(StrEnum):
    """Kinds of 출납 that may be processed after 31 Dec until 20 Jan (지방회계법 §7②, 시행령 §3)."""

    CONTRACT_COMPLETED_AT_YEAR_END = "contract_completed_at_year_end"
    STATE_FUNDS_NOT_RECEIVED = "state_funds_not_received"
    SUBSIDY_SETTLEMENT_REFUND = "subsidy_settlement_refund"
    OPERATOR_SETTLEMENT_REFUND = "operator_settlement_refund"
    INTER_ACCOUNT_TRANSFER = "inter_account_transfer"
    ADVANCE_PAYMENT_REFUND = "advance_payment_refund"
    CARD_BILL = "card_bill"
    ENTRUSTMENT_SETTLEMENT_REFUND = "entrustment_settlement_refund"
    IMPREST_RETURN = "imprest_return"


CLOSING_EXCEPTION_LABELS = {
    ClosingException.CONTRACT_COMPLETED_AT_YEAR_END: _("contract completed at year end"),
    ClosingException.STATE_FUNDS_NOT_RECEIVED: _("state or other government funds not yet received"),
    ClosingException.SUBSIDY_SETTLEMENT_REFUND: _("refund of a national or provincial subsidy settlement"),
    ClosingException.OPERATOR_SETTLEMENT_REFUND: _("subsidy operator settlement refund"),
    ClosingException.INTER_ACCOUNT_TRANSFER: _("transfer between accounts"),
    ClosingException.ADVANCE_PAYMENT_REFUND: _("refund of an advance payment"),
    ClosingException.CARD_BILL: _("credit card bill of the fiscal year"),
    ClosingException.ENTRUSTMENT_SETTLEMENT_REFUND: _("private entrustment settlement refund"),
    ClosingException.IMPREST_RETURN: _("return of unused imprest (일상경비)"),
}


def fiscal_year(day: dt.date) -> int:
    return day.year


def year_start(fy: int) -> dt.date:
    return dt.date(fy, 1, 1)


def cash_closing_date(fy: int) -> dt.date:
    """출납폐쇄: the last day of ordinary cash work for FY."""
    return dt.date(fy, 12, 31)


def _next_year_day(fy: int, key: str) -> dt.date:
    month, day = (int(part) for part in str(settings.LOFIN_CLOSING_CALENDAR[key]).split("-"))
    return dt.date(fy + 1, month, day)


def exception_deadline(fy: int) -> dt.date:
    """The last day for the listed exceptions (and for depositing cash collected under them)."""
    return _next_year_day(fy, "exceptions")


def completion_deadline(fy: int) -> dt.date:
    """출납사무 완결기한: no cash posting of FY may be dated after this day."""
    return _next_year_day(fy, "completion")


def statement_deadline(fy: int) -> dt.date:
    """The 결산서 with the 검사위원 opinion: within 80 days after 출납폐쇄 (지방자치법 §150①)."""
    return cash_closing_date(fy) + dt.timedelta(days=int(str(settings.LOFIN_CLOSING_CALENDAR["statement_days"])))


def council_deadline(fy: int) -> dt.date:
    """The 결산서 and the 검사위원 opinion go to the council by 31 May N+1 (지방회계법 시행령 §10)."""
    return _next_year_day(fy, "council")


def cash_window_end(fy: int, exception: ClosingException | None = None) -> dt.date:
    return exception_deadline(fy) if exception is not None else cash_closing_date(fy)


def may_post_cash(fy: int, day: dt.date, exception: ClosingException | None = None) -> bool:
    """Whether a receipt or payment dated `day` may still be booked to fiscal year `fy` (R-FY-1, R-FY-2)."""
    if day < year_start(fy):
        return False
    return day <= cash_window_end(fy, exception)


def books_open(fy: int, day: dt.date) -> bool:
    """Whether any cash posting for FY may still be made on `day` (closed after 10 Feb of the next year)."""
    return year_start(fy) <= day <= completion_deadline(fy)


def books_may_close(fy: int, day: dt.date) -> bool:
    """Whether the books of FY may be locked on `day`: only when no posting of FY is allowed any more, after the
    출납사무 완결기한 (R-AC-5; 지방회계법 §7)."""
    return day > max(completion_deadline(fy), exception_deadline(fy))
