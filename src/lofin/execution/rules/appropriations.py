"""Pure rules of appropriations and 예산배정 (allocation), each with its legal source. No ORM here."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.errors import Conflict, InvalidInput

from ..errors import OverAppropriation
from ..models import AllocationKind, OfficeKind


def appropriation(*, budget: int, transfers: int, reserve: int, carried_in: int) -> int:
    """예산현액: the budget as voted, plus or minus 전용·이용·이체 (지방재정법 §47의2, §49) and 예비비 사용 (§43), plus
    what was carried in from the year before (§50)."""
    return budget + transfers + reserve + carried_in


def check_rebase(new_appropriation: int, allocated: int, *, line: int) -> None:
    """R-BP-6: Σ 배정 ≤ 예산현액 holds after a 추경 too — a supplementary budget cannot cut a
    line below what is already allocated; the allocation is reduced first."""
    if new_appropriation < allocated:
        raise OverAppropriation(
            _(
                "The supplementary budget would cut a line below what is already allocated "
                "(%(allocated)s won); reduce the allocation first."
            )
            % {"allocated": f"{allocated:,}"},
            line=line,
        )


def check_allocation_period(kind: str, period: int) -> None:
    """예산배정 follows the allocation plan (배정계획), by month or by quarter: a month 1–12 or a quarter 1–4."""
    if kind not in AllocationKind.values or not (1 <= period <= (4 if kind == AllocationKind.QUARTERLY else 12)):
        raise InvalidInput(_("Choose a month (1–12) or a quarter (1–4)."), field="period")


def check_sub_allocation_office(office_kind: str) -> None:
    """재배정 (R-BP-6): the 재무관 hands part of the allocation to a 분임재무관, who commits within it."""
    if office_kind != OfficeKind.SUB_FINANCE:
        raise InvalidInput(_("Sub-allocations go to a 분임재무관 office."), field="office")


def check_cash_office(office_kind: str) -> None:
    """자금배정 (지방회계법 시행령 §32) sets the payment ceiling (지출한도) of a 지출원."""
    if office_kind != OfficeKind.DISBURSING:
        raise InvalidInput(_("Cash is allocated to a 지출원 office."), field="office")


def check_provisional_start(year: int, *, on: dt.date, confirmed: bool, running: bool) -> None:
    """지방자치법 §146 (R-BP-11): 준예산 is for a fiscal year that has begun without a confirmed budget; execution
    otherwise starts only from a confirmed one. It starts once, and ends when the budget is confirmed."""
    if confirmed:
        raise Conflict(
            _("The budget of %(year)s is confirmed: it is executed, not a provisional budget (지방자치법 §146).")
            % {"year": year},
            rule="R-BP-11",
        )
    if on < fiscal.year_start(year):
        raise Conflict(
            _(
                "A provisional budget (준예산) runs only once fiscal year %(year)s has begun without a confirmed "
                "budget (지방자치법 §146)."
            )
            % {"year": year},
            rule="R-BP-11",
        )
    if running:
        raise Conflict(
            _("The provisional budget (준예산) of %(year)s is already running (지방자치법 §146).") % {"year": year},
            rule="R-BP-11",
        )
