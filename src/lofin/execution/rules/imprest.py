"""Pure rules of 일상경비 (imprest advances to an 출납원), each with its legal source. No ORM here."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.errors import InvalidInput

from ..errors import ExecutionRuleViolation

# 지방회계법 시행령 §38: ceilings of one 일상경비 advance per kind of expense (R-EX-5). None: as needed.
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


def check_imprest(kind: str, amount: int) -> None:
    """R-EX-5 (지방회계법 §34, 시행령 §38): an advance is of a listed kind and within that kind's ceiling."""
    if kind not in IMPREST_CAPS:
        raise InvalidInput(_("Unknown kind of imprest."), field="kind")
    cap = IMPREST_CAPS[kind]
    if cap is not None and amount > cap:
        raise ExecutionRuleViolation(
            _("An imprest advance for this kind of expense may be at most %(cap)s won (지방회계법 시행령 §38).")
            % {"cap": f"{cap:,}"},
            rule="R-EX-5",
        )


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
