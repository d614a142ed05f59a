"""Money is integer won. These helpers validate, round by the documented rules and format for people.

Display rounding rule (docs/architecture.md §Money): amounts shown in a larger unit (천원, 백만원, 억원) are
rounded half away from zero, once, at display; sums are always computed in won first.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Unit = Literal["원", "천원", "백만원", "억원"]
UNIT_SIZES: dict[str, int] = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}


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
