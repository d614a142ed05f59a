"""The one clock every action, view and job reads.

Today is the government's today: the calendar day in Asia/Seoul (settings.TIME_ZONE), which decides the fiscal year,
deadlines and business days. Tests move time with the `travel` fixture (time-machine), never by patching a module.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()


def moment(day: dt.date | dt.datetime) -> dt.datetime:
    """A moment standing for `day`: its noon in the government's zone, so that today is that day whatever the host's
    zone (tests move the clock to it)."""
    if isinstance(day, dt.datetime):
        return day
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())
