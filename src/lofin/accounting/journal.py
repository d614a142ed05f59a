"""Post balanced journal entries. Called by the actions of other services inside their own transaction, so a
business event and its entry commit together or not at all (자동분개)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput

from .models import JournalEntry, JournalLine

Line = tuple[str, int, int]  # (ledger code, debit, credit)


class UnbalancedEntry(InvalidInput):
    code = "unbalanced_entry"
    default_message = _("The entry does not balance: debits and credits differ.")


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
    actor: Any = None,
    reverses_id: int | None = None,
) -> JournalEntry:
    """Insert one balanced entry with its lines. Must run inside the caller's transaction."""
    check_balanced(lines)
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
