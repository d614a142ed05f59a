"""The law of the 성과계획서 and of its results: pure functions, no ORM.

지방재정법 §5 (성과중심의 재정운용) and §44의2 put a 성과계획서 in the budget bill: per 정책사업 (or 단위사업) one or more
성과지표, each with its unit, target value (목표치), measurement method (측정방법) and baseline (기준치). After the
year the 성과보고서 of the 결산 (지방회계법 §16) reports each target against its result (실적치), the achievement rate
(달성률) and, where the target was missed, the reason (미달성 사유)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput

# ASCII digits, at most 12 before the point and 4 after: no sign, exponent, spaces or thousands separators.
VALUE = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,4})?")
RATE_STEP = Decimal("0.1")


def parse_value(text: object, field: str) -> str:
    """A target, baseline or achieved value as its canonical text ("12.50" → "12.5", "3.0" → "3"); refused next to
    `field` unless it is a non-negative decimal of ASCII digits (a bool, a float or a number with an exponent is not
    a value: a float would not be exact)."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or not VALUE.fullmatch(text.strip()):
        raise InvalidInput(
            _("Give a number of ASCII digits, at most 12 before the point and 4 after (e.g. 1200 or 87.5)."),
            field=field,
        )
    value = Decimal(text.strip())
    canonical = format(value.normalize(), "f") if value else "0"
    return canonical


def check_target(target: str, direction: str) -> None:
    """A target of 0 only means something when less is better (사고 0건): a rising indicator needs one above 0."""
    if direction == "increase" and Decimal(target) == 0:
        raise InvalidInput(_("The target of a rising indicator must be above 0."), field="target_value")


def achievement_rate(target: str, achieved: str, direction: str) -> Decimal:
    """달성률 in percent, rounded half up to 0.1 once: 실적 ÷ 목표 × 100 when more is better, 목표 ÷ 실적 × 100 when less
    is better (an achieved 0 on a falling indicator is 100 %, and so is any result meeting a target of 0)."""
    t, a = Decimal(target), Decimal(achieved)
    if direction == "decrease":
        if a == 0 or (t == 0 and a == 0):
            return Decimal(100).quantize(RATE_STEP)
        rate = t / a * 100
    else:
        rate = a / t * 100 if t else Decimal(100)
    return rate.quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def achieved(target: str, value: str, direction: str) -> bool:
    """The target is met: at least it when more is better, at most it when less is better."""
    t, a = Decimal(target), Decimal(value)
    return a <= t if direction == "decrease" else a >= t


def check_result(target: str, value: str, direction: str, reason: str) -> None:
    """A result short of its target needs the reason (미달성 사유) the 성과보고서 prints next to it."""
    if not achieved(target, value, direction) and not reason.strip():
        raise InvalidInput(_("The target was not met: give the reason."), field="reason")


def year_ended(year: int, today: dt.date) -> bool:
    """Results are recorded for a fiscal year that has ended (31 December passed)."""
    return today > dt.date(year, 12, 31)
