"""Pure rules of the closing (결산): no ORM here."""

from __future__ import annotations

from collections import defaultdict

from lofin.accounting.chart import GENERAL_NET_ASSETS
from lofin.accounting.journal import Line


def closing_lines(balances: dict[tuple[int, str], int], cats: dict[str, str]) -> dict[int, list[Line]]:
    """지방자치단체 회계기준에 관한 규칙 (재정운영결과의 순자산 대체): per budget account, the closing entry that empties
    its revenue and expense accounts of the year into 일반순자산, so only the balance-sheet accounts carry over."""
    per_account: dict[int, list[Line]] = defaultdict(list)
    for (account_id, code), amount in sorted(balances.items()):
        if cats.get(code) in ("revenue", "expense") and amount:
            per_account[account_id].append((code, max(-amount, 0), max(amount, 0)))
    out = {}
    for account_id, lines in per_account.items():
        rest = sum(d for _c, d, _k in lines) - sum(k for _c, _d, k in lines)
        if rest > 0:
            lines.append((GENERAL_NET_ASSETS, 0, rest))
        elif rest < 0:
            lines.append((GENERAL_NET_ASSETS, -rest, 0))
        out[account_id] = lines
    return out
