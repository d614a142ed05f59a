"""Values at the edge, defined once with one set of bounds: the API's types (Pydantic) and the parsers that forms
and actions share, so a request, a screen and a Python caller are held to the same limits.

Amounts are strict: `"amount": true`, `"amount": "100"` and `100.0` are not amounts. Ids and years may be written as
their ASCII digits, since addresses and query strings are text; a bool or a float is neither. Digits are ASCII digits: `str.isdigit()` also accepts Arabic-Indic and full-width digits, which would be
stored as such.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, StrictStr
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.kr import brn

from lofin.core.errors import InvalidInput, NotFound

# No single amount anyone types or sends exceeds 1,000조 원 (Korea's national budget is about 700조).
MAX_WON = 10**15
MIN_YEAR, MAX_YEAR = 2000, 2100
# The calendar rules (due dates rolled past holidays, interest periods) are defined for real years; year 9999
# would overflow them.
MIN_DAY, MAX_DAY = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
MAX_ID = 2**63 - 1
ACCOUNT_DIGITS = (6, 20)

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ACCOUNT_TEXT = re.compile(r"[0-9][0-9 -]*[0-9]")


def is_ascii_digits(text: str) -> bool:
    return bool(_ASCII_DIGITS.fullmatch(text))


def parse_won(text: str, *, min_value: int = 0) -> int:
    """Whole won as people type them: "1,000,000", "1000000원", " 1 000 000 ". Never a float."""
    cleaned = text.replace(",", "").replace("원", "").replace(" ", "").strip()
    if not is_ascii_digits(cleaned):
        raise ValueError(_("Enter a whole number of won, for example 1,000,000."))
    return check_won(int(cleaned), min_value=min_value)


def check_won(amount: int, *, min_value: int = 0) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(_("An amount must be a whole number of won."))
    if amount < min_value:
        raise ValueError(_("Enter an amount of at least %(min)s won.") % {"min": f"{min_value:,}"})
    if amount > MAX_WON:
        raise ValueError(_("The amount is too large."))
    return amount


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def check_day(day: dt.date) -> dt.date:
    if not MIN_DAY <= day <= MAX_DAY:
        raise ValueError(_("Enter a date between 2000 and 2100."))
    return day


def parse_account_number(text: str) -> str:
    """A bank account number as digits only (hyphens and spaces dropped): 6 to 20 ASCII digits."""
    text = (text or "").strip()
    if not _ACCOUNT_TEXT.fullmatch(text):
        raise ValueError(_("Enter the account number in digits (hyphens allowed), 6 to 20 digits."))
    digits = text.replace("-", "").replace(" ", "")
    if not ACCOUNT_DIGITS[0] <= len(digits) <= ACCOUNT_DIGITS[1]:
        raise ValueError(_("Enter the account number in digits (hyphens allowed), 6 to 20 digits."))
    return digits


def brn_check_digit(first_nine: str) -> str:
    """The tenth digit of a 사업자등록번호 (국세청 rule): weights 1,3,7,1,3,7,1,3,5 over the first nine digits, plus
    the tens of 5 × the ninth. python-stdnum's kr.brn checks the length, the digits and the tax-office and serial
    components, but not this digit."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, (1, 3, 7, 1, 3, 7, 1, 3, 5), strict=True)) + digits[8] * 5 // 10
    return str((10 - total % 10) % 10)


def parse_business_number(text: str) -> str:
    """사업자등록번호 as its 10 digits ("204-86-31263" → "2048631263"); refused unless it is one."""
    try:
        number = brn.validate(text or "")
    except StdnumError:
        number = ""
    if not number or brn_check_digit(number[:9]) != number[9]:
        raise ValueError(_("Enter a valid 10-digit business registration number."))
    return number


def business_number_is_valid(text: str) -> bool:
    try:
        parse_business_number(text)
    except ValueError:
        return False
    return True


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _iso_day(value: Any) -> dt.date:
    # Lax Pydantic would take 1700000000 or "2026-01-01T00:00" as a date; a day in a request is YYYY-MM-DD.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(_("Enter the date as YYYY-MM-DD."))


def _digits_text(value: Any) -> Any:
    # An address, a query string and the keys of a JSON object are text: "42" is the number 42 there. A bool, a
    # float and other digit systems ("٤٢") stay what they are, and StrictInt refuses them.
    if isinstance(value, str) and 0 < len(value) <= 20 and is_ascii_digits(value):
        return int(value)
    return value


# Database ids are positive 64-bit integers, in a body, an address or a query; anything else is bad input.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID), BeforeValidator(_digits_text)]
# An amount in whole won that may be zero (a deduction, what is returned) ...
Won = Annotated[StrictInt, Field(ge=0, le=MAX_WON)]
# ... and one that must be at least one won (what is committed, paid, allocated, asked for).
PositiveWon = Annotated[StrictInt, Field(ge=1, le=MAX_WON)]
# A fiscal year, likewise written as a number or as its ASCII digits (/budget/1100000/2026, ?year=2026).
Year = Annotated[StrictInt, Field(ge=MIN_YEAR, le=MAX_YEAR), BeforeValidator(_digits_text)]
Day = Annotated[dt.date, BeforeValidator(_iso_day), AfterValidator(check_day)]
AccountNumber = Annotated[StrictStr, Field(max_length=40), AfterValidator(parse_account_number)]
BusinessNumber = Annotated[StrictStr, Field(max_length=20), AfterValidator(parse_business_number)]


def Text(max_length: int) -> type[str]:
    """Free text from people: bounded, and without NUL characters (PostgreSQL cannot store them)."""
    return Annotated[StrictStr, Field(max_length=max_length), AfterValidator(_no_nul)]  # type: ignore[return-value]


def year_or_404(year: int) -> int:
    """A year in a page's address: out of range is a page that does not exist."""
    if not year_in_range(year):
        raise NotFound()
    return year


def checked_year(year: int) -> int:
    """A year in an API address or query: out of range is bad input the caller can correct."""
    if not year_in_range(year):
        raise InvalidInput(
            _("The fiscal year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field="year",
        )
    return year
