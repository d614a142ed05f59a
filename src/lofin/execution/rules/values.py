"""What every execution request carries, checked the same way whoever sends it (API, screen, another service):
amounts in whole won within core's bounds, short texts, and days that have already happened. Pure: no ORM."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput
from lofin.core.types import MAX_WON


def check_positive(amount: int, field: str = "amount") -> None:
    """An amount that moves money: at least 1 won, at most core.types.MAX_WON, never a bool or a float."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("The amount must be a positive whole number of won."), field=field)
    if amount > MAX_WON:
        raise InvalidInput(_("The amount is too large."), field=field)


def check_not_negative(amount: int, field: str) -> None:
    """An amount that may be zero (what was spent or came back, what an estimate finally cost)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_WON:
        raise InvalidInput(_("Amounts are whole numbers of won, zero or more."), field=field)


def check_text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    """A short text as people type it, stripped; refused when missing (if required), too long or holding NUL."""
    value = (value or "").strip()
    if (required and not value) or len(value) > max_length or "\x00" in value:
        raise InvalidInput(
            _("Give %(field)s (at most %(max)s characters).") % {"field": field, "max": max_length}, field=field
        )
    return value


def check_reason(value: str, field: str = "reason", limit: int = 300) -> str:
    """The reason a decision records (이월, 전용): required, and short enough for the record."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("State the reason."), field=field)
    if len(value) > limit:
        raise InvalidInput(_("The reason is too long (%(limit)s characters at most).") % {"limit": limit}, field=field)
    return value


def check_not_future(day: dt.date | None, field: str, *, today: dt.date) -> None:
    """Money received, deposited or refunded, a carry or a write-off is recorded after it happened, never ahead: a
    future date would write off claims or inflate refund interest."""
    if day is not None and day > today:
        raise InvalidInput(
            _("%(day)s is in the future: record what has already happened.") % {"day": day.isoformat()},
            field=field,
        )
