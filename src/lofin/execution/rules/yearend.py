"""Pure rules of the year end — 이월 (carry-over) and 불용 (lapse) — each with its legal source. No ORM here.

지방재정법 §50: appropriation of a year may be carried into the next as 명시이월 (an item the council approved as
명시이월비), 사고이월 (the unpaid part of a commitment made in the year that could not be paid for reasons beyond
control, R-BP-7) or 계속비이월 (a continuing expenditure whose period runs on). The carried amount is deemed allocated in
the new year.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal

from ..errors import CarryOverNotAllowed, ClosedPeriod, OverCarryOver, YearNotEnded
from ..models import CarryOverKind


def check_carry_over_day(year: int, on: dt.date) -> None:
    """지방재정법 §50: carry-overs from a year are decided once it has ended (after 31 December, 지방회계법 §7) and
    within the next one, while the carried money can still be spent."""
    if on <= fiscal.cash_closing_date(year):
        raise YearNotEnded(
            _("Carry-overs from %(year)s are decided after the fiscal year has ended.") % {"year": year}, year=year
        )
    if fiscal.fiscal_year(on) > year + 1:
        raise ClosedPeriod(
            _("Carry-overs from %(year)s had to be decided in %(next)s, while the carried money could be spent.")
            % {"year": year, "next": year + 1},
            year=year,
        )


def check_carry_over_kind(kind: str, *, names_commitment: bool, continuing_runs_on: bool, next_year: int) -> None:
    """지방재정법 §50: 사고이월 carries the unpaid part of a commitment made in the year (R-BP-7), so it names one;
    계속비이월 needs a continuing expenditure (계속비) of the project whose period runs into the next year. 명시이월 is
    held to the line's 명시이월비 (`check_explicit_carry`, R-BP-10)."""
    if kind == CarryOverKind.ACCIDENT and not names_commitment:
        raise CarryOverNotAllowed(
            _("사고이월 carries the unpaid part of a commitment made in the year: name the commitment."),
            rule="R-BP-7",
        )
    if kind == CarryOverKind.CONTINUING and not continuing_runs_on:
        raise CarryOverNotAllowed(
            _("계속비이월 needs a continuing expenditure (계속비) of this project that runs into %(year)s.")
            % {"year": next_year},
            rule="LFA §50",
        )


def check_explicit_carry(amount: int, *, approved: int, carried: int, line: int) -> None:
    """지방재정법 §50①: 명시이월 only of what the council approved as 명시이월비 of the line in the budget (R-BP-10).
    `approved` is the line's 명시이월비 in the last confirmed version, `carried` what was already carried as
    명시이월 from it."""
    if approved <= 0:
        raise CarryOverNotAllowed(
            _(
                "명시이월 is only for amounts the council approved as explicit carry-over (명시이월비) in the budget; "
                "this line has none (지방재정법 §50)."
            ),
            rule="R-BP-10",
            line=line,
        )
    if carried + amount > approved:
        raise OverCarryOver(
            _(
                "The council approved %(approved)s won of explicit carry-over (명시이월비) for this line and "
                "%(carried)s won is already carried (지방재정법 §50)."
            )
            % {"approved": f"{approved:,}", "carried": f"{carried:,}"},
            rule="R-BP-10",
            line=line,
            available=max(approved - carried, 0),
            amount=amount,
        )


def check_before_settlement(year: int, *, books_closed: bool) -> None:
    """지방재정법 §50①, 지방회계법 §17: 명시이월 is decided before the 결산 of the year is submitted, since the 결산 states
    what was carried (R-BP-10). The 결산 closes the year's books before it is submitted, so a closed year is too
    late."""
    if books_closed:
        raise ClosedPeriod(
            _(
                "The books of %(year)s are closed for the 결산: 명시이월 had to be decided before the 결산 is "
                "submitted (지방재정법 §50)."
            )
            % {"year": year},
            rule="R-BP-10",
            year=year,
        )


def check_commitment_carry(kind: str, *, amount: int, unpaid: int) -> None:
    """지방재정법 §50, R-BP-7: only the unpaid part of a commitment of the year that is still active can be carried
    with it. The carried part leaves the commitment, so committed + carried on the old line does not change."""
    if unpaid <= 0:
        raise CarryOverNotAllowed(
            _("Only a commitment of the year that is still unpaid can be carried (지방재정법 §50)."),
            rule="R-BP-7" if kind == CarryOverKind.ACCIDENT else "LFA §50",
        )
    if amount > unpaid:
        raise OverCarryOver(
            _("Only the unpaid part of the commitment can be carried: %(unpaid)s won.") % {"unpaid": f"{unpaid:,}"},
            available=unpaid,
            amount=amount,
        )


def carriable(appropriation: int, committed: int, carried_out: int) -> int:
    """What a line can carry without a commitment: its appropriation less what is committed in the year and what was
    already carried. Never what is still promised to a creditor in the old year (committed + Σ carried ≤ 예산현액)."""
    return appropriation - committed - carried_out


def check_line_carry(amount: int, *, available: int, line: int) -> None:
    """지방재정법 §50: a carry-over without a commitment stays within what the line can carry (`carriable`)."""
    if amount > available:
        raise OverCarryOver(
            _(
                "This line can carry at most %(available)s won: its appropriation less what is committed "
                "in the year and what was already carried."
            )
            % {"available": f"{max(available, 0):,}"},
            line=line,
            available=max(available, 0),
            amount=amount,
        )


def check_lapse_day(year: int, on: dt.date) -> None:
    """불용 (지방회계법 §7): what was neither spent nor carried lapses once the fiscal year has ended."""
    if on <= fiscal.cash_closing_date(year):
        raise YearNotEnded(
            _("The lapse of %(year)s is computed after the fiscal year has ended.") % {"year": year}, year=year
        )


def lapsed(appropriation: int, paid: int, carried_out: int) -> int:
    """불용액: 예산현액 − 지출 − 다음 연도 이월. Commitments left unpaid and not carried lapse too: their creditors are
    paid from a later budget, within the lapse of the 정책사업 (지방회계법 §37)."""
    return appropriation - paid - carried_out


def lapse_is_provisional(year: int, today: dt.date) -> bool:
    """Refunds arriving by 20 January still restore the lines of the year (지방회계법 §27), so the lapse is final only
    after that day."""
    return today <= fiscal.exception_deadline(year)
