"""Money is integer won. These helpers validate, round by the documented rules and format for people.

Display rounding rule (docs/architecture.md §Money): amounts shown in a larger unit (천원, 백만원, 억원) are
rounded half away from zero, once, at display; sums are always computed in won first.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.utils.translation import gettext as _

Unit = Literal["원", "천원", "백만원", "억원"]
UNIT_SIZES: dict[str, int] = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}

# Large enough for a national total over many years (≈ 10^15 won a year); fits BigIntegerField.
MAX_AMOUNT = 10**17


def ensure_won(value: object) -> int:
    """Accept only whole won. Rejects floats, fractions and bools, which are how money goes wrong."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValueError(_("An amount must be a whole number of won."))
    if isinstance(value, str):
        text = value.replace(",", "").strip()
        if not text.lstrip("-").isdigit():
            raise ValueError(_("An amount must be a whole number of won."))
        value = int(text)
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError(_("An amount must be a whole number of won."))
        value = int(value)
    if abs(value) > MAX_AMOUNT:
        raise ValueError(_("The amount is too large."))
    return value


def drop_odd_won(amount: int) -> int:
    """끝수 처리 (지방회계법 §55, 시행령 §67): amounts under 10 won are dropped; a total under 10 won is 0."""
    sign = -1 if amount < 0 else 1
    return sign * (abs(amount) // 10 * 10)


def in_unit(amount: int, unit: Unit) -> Decimal:
    """The amount in a larger unit, rounded half up to a whole unit (for tables in 천원 etc.)."""
    size = UNIT_SIZES[unit]
    return (Decimal(amount) / size).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def format_won(amount: int, unit: Unit = "원", *, with_unit: bool = True) -> str:
    """12345678 → "12,345,678원"; in 천원 → "12,346천원"."""
    value = amount if unit == "원" else int(in_unit(amount, unit))
    text = f"{value:,}"
    return f"{text}{unit}" if with_unit else text


_DIGITS = "영일이삼사오육칠팔구"
_SMALL = ["", "십", "백", "천"]
_LARGE = ["", "만", "억", "조", "경"]


def won_in_words(amount: int) -> str:
    """금액의 한글 표기 for payment orders and notices: 1234500 → "일백이십삼만사천오백원"."""
    if amount == 0:
        return "영원"
    if amount < 0:
        return "마이너스 " + won_in_words(-amount)
    groups: list[str] = []
    n = amount
    position = 0
    while n > 0:
        n, chunk = divmod(n, 10_000)
        if chunk:
            words = ""
            for i, digit in enumerate(reversed(f"{chunk:04d}")):
                d = int(digit)
                if d:
                    words = _DIGITS[d] + _SMALL[i] + words
            groups.append(words + _LARGE[position])
        position += 1
    return "".join(reversed(groups)) + "원"
