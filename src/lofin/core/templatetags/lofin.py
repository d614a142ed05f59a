"""Template filters for money and counts in the reader's language."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, cast

from django import template
from django.utils import translation

from lofin.core.money import UNIT_SIZES, Unit, format_won

register = template.Library()

ENGLISH_UNITS = {"천원": "thousand won", "백만원": "million won", "억원": "hundred million won"}


@register.filter
def won(amount: Any, unit: str = "원") -> str:
    """12345678 → "12,345,678원" in Korean, "₩12,345,678" in English; with a unit: |won:"천원"."""
    if amount is None or amount == "":
        return ""
    if unit not in UNIT_SIZES:
        raise template.TemplateSyntaxError(f"unknown money unit {unit}")
    value = int(amount)
    english = translation.get_language() == "en"
    if english and unit == "원":
        return f"₩{value:,}"
    text = format_won(value, cast(Unit, unit))
    if english:
        return text.removesuffix(unit) + " " + ENGLISH_UNITS[unit]
    return text


@register.filter
def count(number: Any) -> str:
    """A count grouped by thousands, as Korean and English both write it: 2059 → "2,059" (years are not counts: they
    are printed as they are, which is why this is a filter and not Django's USE_THOUSAND_SEPARATOR)."""
    if number is None or number == "":
        return ""
    return f"{int(number):,}"


@register.filter
def thousands(amount: Any) -> str:
    """The number in 천원, for tables that state their unit once: 12345678 → "12,346"."""
    if amount is None or amount == "":
        return ""
    return format_won(int(amount), "천원", with_unit=False)


@register.filter
def approx_won(amount: Any) -> str:
    """An exact amount kept as a fraction string ("1234567/8") in won, rounded for reading: "≈154,321원"."""
    if amount is None or amount == "":
        return ""
    value = Fraction(str(amount))
    text = won(round(value))
    return text if value.denominator == 1 else "≈" + text
