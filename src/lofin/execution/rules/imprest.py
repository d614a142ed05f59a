"""Pure rules of 일상경비 (imprest advances to an 출납원), each with its legal source. No ORM here."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.errors import InvalidInput

from ..errors import ExecutionRuleViolation

# 지방회계법 시행령 §38: ceilings of the 일상경비 open with one cashier per kind of expense (R-EX-5). None: as needed.
IMPREST_CAPS: dict[str, int | None] = {
    "travel": 10_000_000,
    "remote_office": 10_000_000,
    "small_payments": 10_000_000,
    "ships": 10_000_000,
    "outside_jurisdiction": 10_000_000,
    "materials": 10_000_000,
    "works": 20_000_000,
    "manufacturing": 20_000_000,
    "afforestation": 20_000_000,
    "other": None,
}
# 시행령 §38: 공사·제조·조림 share one ceiling of 2천만원; every other kind has its own.
SHARED_CAPS: tuple[frozenset[str], ...] = (frozenset({"works", "manufacturing", "afforestation"}),)
# 시행령 §39: an advance covers one month of expenses; the expenses of remote offices (교통·통신이 불편한 지역의 관서) and
# of ships cover three.
THREE_MONTH_KINDS = frozenset({"remote_office", "ships"})


def cap_group(kind: str) -> frozenset[str]:
    """The kinds whose open advances count against the same ceiling as `kind`."""
    return next((group for group in SHARED_CAPS if kind in group), frozenset({kind}))


def period_start(kind: str, on: dt.date) -> dt.date:
    """The day before the period an advance made `on` covers (시행령 §39): one month back, three for the two kinds;
    advances made after it and still open count against the ceiling. The 31st of a shorter month is its last day."""
    months = 3 if kind in THREE_MONTH_KINDS else 1
    index = on.year * 12 + on.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(on.day, last))


def check_imprest(kind: str, amount: int, *, open_amount: int = 0) -> None:
    """R-EX-5 (지방회계법 §34, 시행령 §38, §39): an advance is of a listed kind, and with the cashier's advances of
    that kind (공사·제조·조림 together) still open in its period (`open_amount`) within that kind's ceiling."""
    if kind not in IMPREST_CAPS:
        raise InvalidInput(_("Unknown kind of imprest."), field="kind")
    cap = IMPREST_CAPS[kind]
    if cap is not None and open_amount + amount > cap:
        if open_amount:
            message = _(
                "The imprest open with this cashier for this kind of expense may be at most %(cap)s won; "
                "%(open)s won are open already (지방회계법 시행령 §38)."
            ) % {"cap": f"{cap:,}", "open": f"{open_amount:,}"}
        else:
            message = _(
                "An imprest advance for this kind of expense may be at most %(cap)s won (지방회계법 시행령 §38)."
            ) % {"cap": f"{cap:,}"}
        raise ExecutionRuleViolation(message, rule="R-EX-5", open_amount=open_amount, amount=amount)


def check_settlement(advance: int, spent: int, returned: int) -> None:
    """정산 (지방회계법 §34): the cashier accounts for the whole advance — what was spent and what comes back."""
    if spent + returned != advance:
        raise InvalidInput(
            _("Spent and returned money must add up to the advance: %(amount)s won.") % {"amount": f"{advance:,}"},
            field="returned",
            advance=advance,
            spent=spent,
            returned=returned,
        )


def check_return_day(advanced_on: dt.date, returned_on: dt.date | None, today: dt.date) -> None:
    """Unused money comes back after the advance was paid, and not in the future."""
    if returned_on is None or not advanced_on <= returned_on <= today:
        raise InvalidInput(
            _("Give the day the unused money came back (not before the advance, not in the future)."),
            field="returned_on",
        )


def return_is_late(fiscal_year: int, returned_on: dt.date | None) -> bool:
    """지방회계법 §7②: unused 일상경비 of FY N comes back by 20 January N+1; later it is revenue of the year it
    arrives in, and the return is recorded as late."""
    return returned_on is not None and returned_on > fiscal.exception_deadline(fiscal_year)
