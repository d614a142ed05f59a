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
