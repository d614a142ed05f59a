"""Balances of a government's books per budget account (회계) and ledger account, for the statements.

`year_balances` is the year's movement (debit − credit) without the closing entries, so the statements are the same
before and after the closing run; `opening_balances` is every earlier year's position, revenue and expense folded
into 일반순자산 (whether or not those years were closed: a closing entry moves exactly that)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from lofin.accounting.chart import GENERAL_NET_ASSETS
from lofin.accounting.models import BalanceMark, JournalEntry, JournalLine, LedgerAccount, LedgerBalance

SOURCE_CLOSING = "accounting.closing"
Key = tuple[int, str]  # (budget account id, ledger code)


def categories() -> dict[str, str]:
    return dict(LedgerAccount.objects.values_list("code", "category"))


def _movement(government_id: int, year: int) -> dict[Key, int]:
    net: dict[Key, int] = defaultdict(int)
    mark = BalanceMark.objects.filter(government_id=government_id, fiscal_year=year).first()
    after = 0
    if mark is not None:
        after = mark.through_entry_id
        for account_id, code, d, c in (
            LedgerBalance.objects.filter(government_id=government_id, fiscal_year=year)
            .values("account_id", "ledger_code")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("account_id", "ledger_code", "d", "c")
        ):
            net[(account_id, code)] += (d or 0) - (c or 0)
    tail = JournalLine.objects.filter(entry__government_id=government_id, entry__fiscal_year=year)
    if after:
        tail = tail.filter(entry_id__gt=after)
    for account_id, code, d, c in (
        tail.values("entry__account_id", "ledger_code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("entry__account_id", "ledger_code", "d", "c")
    ):
        net[(account_id, code)] += (d or 0) - (c or 0)
    return net


def closing_lines(government_id: int, year: int) -> dict[Key, int]:
    net: dict[Key, int] = defaultdict(int)
    for account_id, code, d, c in JournalLine.objects.filter(
        entry__government_id=government_id, entry__fiscal_year=year, entry__source_type=SOURCE_CLOSING
    ).values_list("entry__account_id", "ledger_code", "debit", "credit"):
        net[(account_id, code)] += d - c
    return net


def year_balances(government_id: int, year: int) -> dict[Key, int]:
    """Debit − credit per (budget account, ledger code) of the year, closing entries left out."""
    net = _movement(government_id, year)
    for key, amount in closing_lines(government_id, year).items():
        net[key] -= amount
    return {k: v for k, v in net.items() if v}


def opening_balances(government_id: int, year: int, cats: dict[str, str]) -> dict[Key, int]:
    """Position at the start of `year`: balance-sheet accounts of every earlier year, revenue and expense of those
    years in 일반순자산; budgetary memo accounts left out."""
    years = sorted(
        set(
            JournalEntry.objects.filter(government_id=government_id, fiscal_year__lt=year)
            .values_list("fiscal_year", flat=True)
            .distinct()
        )
    )
    net: dict[Key, int] = defaultdict(int)
    for y in years:
        for (account_id, code), amount in _movement(government_id, y).items():
            category = cats.get(code, "")
            if category in ("revenue", "expense"):
                net[(account_id, GENERAL_NET_ASSETS)] += amount
            elif category in ("asset", "liability", "net_assets"):
                net[(account_id, code)] += amount
    return {k: v for k, v in net.items() if v}
