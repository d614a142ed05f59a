"""Export a government's books of a year as a beancount file: an independent check that they are sound.

One `open` per account used, the KRW commodity with integer amounts, one transaction per journal entry with
metadata naming the entry and its source document, and at the end a `balance` assertion per account equal to the
trial balance, so `bean-check` itself proves that beancount's balances are the trial balance's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .models import Category, JournalEntry, JournalLine, LedgerAccount
from .queries import trial_balance

ROOTS: dict[str, str] = {
    Category.ASSET: "Assets",
    Category.LIABILITY: "Liabilities",
    Category.NET_ASSETS: "Equity",
    Category.REVENUE: "Income",
    Category.EXPENSE: "Expenses",
    # Budgetary control memo accounts balance among themselves; beancount has five roots, so they sit under Equity.
    Category.BUDGETARY: "Equity:Budgetary",
}


def account_name(code: str, category: str) -> str:
    # Components must begin with a capital letter or digit; a letter keeps the code readable in every tool.
    return f"{ROOTS.get(category, 'Equity:Unknown')}:L{code}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _lines(government_id: int, year: int) -> Iterator[tuple[int, str, int, int]]:
    return (
        JournalLine.objects.filter(entry__government_id=government_id, entry__fiscal_year=year)
        .order_by("entry_id", "pk")
        .values_list("entry_id", "ledger_code", "debit", "credit")
        .iterator(chunk_size=20_000)
    )


def _entries(government_id: int, year: int) -> Iterator[tuple[int, dt.date, str, str, int, int | None]]:
    return (
        JournalEntry.objects.filter(government_id=government_id, fiscal_year=year)
        .order_by("pk")
        .values_list("pk", "posted_on", "description", "source_type", "source_id", "reverses_id")
        .iterator(chunk_size=20_000)
    )


def write(out: IO[str], government_id: int, year: int, *, title: str = "") -> dict[str, int]:
    """Write the beancount text; returns counts. Entries and lines are read in id order and merged, so memory
    stays flat however many millions of lines the year has."""
    tb = trial_balance(government_id, year)
    categories = dict(LedgerAccount.objects.values_list("code", "category"))
    first = JournalEntry.objects.filter(government_id=government_id, fiscal_year=year).order_by("posted_on").first()
    last = JournalEntry.objects.filter(government_id=government_id, fiscal_year=year).order_by("-posted_on").first()
    opened_on = first.posted_on if first else dt.date(year, 1, 1)
    out.write(f'option "title" {_quote(title or f"lofin {government_id} {year}")}\n')
    out.write('option "operating_currency" "KRW"\n\n')
    out.write(f"{opened_on.isoformat()} commodity KRW\n")
    names = dict(LedgerAccount.objects.values_list("code", "name"))
    for row in tb.rows:
        out.write(
            f"{opened_on.isoformat()} open {account_name(row.code, categories.get(row.code, ''))} KRW\n"
            f"  name: {_quote(names.get(row.code, row.code))}\n"
        )
    out.write("\n")
    lines = _lines(government_id, year)
    pending = next(lines, None)
    entries = count = 0
    for pk, posted_on, description, source_type, source_id, reverses in _entries(government_id, year):
        out.write(f"{posted_on.isoformat()} * {_quote(description)}\n")
        out.write(f"  entry: {pk}\n  source: {_quote(f'{source_type}:{source_id}')}\n")
        if reverses:
            out.write(f"  reverses: {reverses}\n")
        while pending is not None and pending[0] < pk:
            pending = next(lines, None)  # a line of an entry outside the year cannot occur; skip defensively
        while pending is not None and pending[0] == pk:
            _entry, code, debit, credit = pending
            amount = debit - credit
            out.write(f"  {account_name(code, categories.get(code, ''))}  {amount} KRW\n")
            count += 1
            pending = next(lines, None)
        out.write("\n")
        entries += 1
    # The trial balance, asserted: bean-check fails unless beancount's balances are exactly these.
    check_on = (last.posted_on if last else dt.date(year, 12, 31)) + dt.timedelta(days=1)
    for row in tb.rows:
        name = account_name(row.code, categories.get(row.code, ""))
        out.write(f"{check_on.isoformat()} balance {name}  {row.balance} KRW\n")
    return {"entries": entries, "lines": count, "accounts": len(tb.rows)}


def export(path: Path, government_id: int, year: int, *, title: str = "") -> dict[str, int]:
    with path.open("w", encoding="utf-8") as f:
        return write(f, government_id, year, title=title)
