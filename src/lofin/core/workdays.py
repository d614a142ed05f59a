"""Korean business days: weekends, public holidays with substitute holidays (대체공휴일), election days and
temporary holidays, from the `holidays` package, plus ExtraHoliday rows an operator records for days
declared later. Every deadline rule uses these functions.

Labour Day (1 May) was not a public holiday before 2026, but 지방회계법 시행령 §19 moves payment due dates
that fall on it, so due-date rules pass `labour_day=True`.
"""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache

import holidays

from lofin.core.models import ExtraHoliday

_ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("KR", years=[year], language="ko").items())


def _extra_days() -> dict[dt.date, tuple[str, bool]]:
    cached = _extra_cache.get()
    if cached is None:
        cached = _extra_cache.load({h.date: (h.name, h.is_holiday) for h in ExtraHoliday.objects.all()})
    return cached


class _ExtraCache:
    """ExtraHoliday rows are few and change rarely: cached per process for a few minutes, and cleared in
    the process that saves one."""

    ttl_seconds = 300.0

    def __init__(self) -> None:
        self._value: dict[dt.date, tuple[str, bool]] | None = None
        self._loaded_at = 0.0

    def get(self) -> dict[dt.date, tuple[str, bool]] | None:
        if self._value is not None and time.monotonic() - self._loaded_at > self.ttl_seconds:
            self._value = None
        return self._value

    def load(self, value: dict[dt.date, tuple[str, bool]]) -> dict[dt.date, tuple[str, bool]]:
        self._value = value
        self._loaded_at = time.monotonic()
        return value

    def clear(self) -> None:
        self._value = None


_extra_cache = _ExtraCache()


def clear_cache() -> None:
    _extra_cache.clear()


def holiday_name(day: dt.date) -> str | None:
    extra = _extra_days().get(day)
    if extra is not None:
        return extra[0] if extra[1] else None
    return _public_holidays(day.year).get(day)


def is_business_day(day: dt.date, *, labour_day: bool = False) -> bool:
    extra = _extra_days().get(day)
    if extra is not None:
        return not extra[1]
    if day.weekday() >= 5:
        return False
    if labour_day and (day.month, day.day) == (5, 1):
        return False
    return day not in _public_holidays(day.year)


def next_business_day(day: dt.date, *, labour_day: bool = False) -> dt.date:
    """The day itself if it is a business day, else the next one."""
    while not is_business_day(day, labour_day=labour_day):
        day += _ONE_DAY
    return day


def add_business_days(day: dt.date, count: int) -> dt.date:
    """The `count`-th business day after `day` (count ≥ 0; 0 returns next_business_day(day)).
    One business day after a Saturday is the Monday, like business_days_between counts."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return next_business_day(day)
    for _ in range(count):
        day = next_business_day(day + _ONE_DAY)
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days in (start, end]: how many working days a deadline gives."""
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if is_business_day(day):
            count += 1
        day += _ONE_DAY
    return count


def due_date(notice_day: dt.date, days: int = 15) -> dt.date:
    """납부기한 of a notice (지방회계법 시행령 §19): `days` after the notice, moved off a holiday,
    Saturday or Labour Day to the next working day."""
    return next_business_day(notice_day + dt.timedelta(days=days), labour_day=True)
