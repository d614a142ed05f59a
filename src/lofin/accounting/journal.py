"""Post balanced journal entries. Called by the actions of other services inside their own transaction, so a
business event and its entry commit together or not at all (자동분개)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from lofin.core.models import User

from . import chart
from .errors import PeriodClosed, UnbalancedEntry
from .models import ClosedPeriod, JournalEntry, JournalLine

Line = tuple[str, int, int]  # (ledger code, debit, credit)


def is_closed(government_id: int, year: int) -> bool:
    """Whether the government's books of `year` are closed (결산 locks them with a ClosedPeriod row)."""
    return ClosedPeriod.objects.filter(government_id=government_id, fiscal_year=year).exists()


def check_open(government_id: int, fiscal_year: int, posted_on: dt.date) -> None:
    closed = sorted(
        ClosedPeriod.objects.filter(
            government_id=government_id, fiscal_year__in={fiscal_year, posted_on.year}
        ).values_list("fiscal_year", flat=True)
    )
    if closed:
        raise PeriodClosed(years=closed)


def check_balanced(lines: Sequence[Line]) -> None:
    if not lines:
        raise UnbalancedEntry(_("An entry needs at least two lines."))
    debit = sum(d for _c, d, _k in lines)
    credit = sum(k for _c, _d, k in lines)
    if debit != credit:
        raise UnbalancedEntry(debits=debit, credits=credit)
    for code, d, k in lines:
        if d < 0 or k < 0 or (d == 0) == (k == 0):
            raise UnbalancedEntry(_("Each line has either a debit or a credit, never both or neither."), ledger=code)
        chart.check_postable(code)


def post(
    *,
    government_id: int,
    account_id: int,
    fiscal_year: int,
    posted_on: dt.date,
    source_type: str,
    source_id: int,
    description: str,
    lines: Sequence[Line],
    actor: User | None = None,
    reverses_id: int | None = None,
) -> JournalEntry:
    """Insert one balanced entry with its lines. Must run inside the caller's transaction.

    Refuses (typed errors, nothing written) an unbalanced entry, an unknown or summary account, and a posting that
    belongs to or is dated in a closed year."""
    check_balanced(lines)
    check_open(government_id, fiscal_year, posted_on)
    entry = JournalEntry.objects.create(
        government_id=government_id,
        account_id=account_id,
        fiscal_year=fiscal_year,
        posted_on=posted_on,
        source_type=source_type,
        source_id=source_id,
        description=description[:200],
        created_by_id=getattr(actor, "pk", None),
        reverses_id=reverses_id,
    )
    JournalLine.objects.bulk_create(
        [JournalLine(entry=entry, ledger_code=code, debit=d, credit=k) for code, d, k in lines]
    )
    return entry
