"""The demo years, the published totals and their growth, and the exact integer splits every amount goes
through (so that every sum in the demo budgets is exact by construction)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from lofin.budget.models import AccountKind

YEARS = (2023, 2024, 2025, 2026)
BASE_YEAR = 2023
# Growth of every account kind over the year before, in basis points (300 = 3.0 %).
GROWTH_BP = {2024: 300, 2025: 250, 2026: 350}
SUPPLEMENTARY_YEAR = 2025

KIND_COLUMNS = {
    AccountKind.GENERAL: "budget2023_general",
    AccountKind.ENTERPRISE_SPECIAL: "budget2023_enterprise_special",
    AccountKind.OTHER_SPECIAL: "budget2023_other_special",
    AccountKind.FUND: "budget2023_funds",
}
SEOUL, JEJU = "1100000", "4900000"
GENERAL_ACCOUNT = "100"

RngFactory = Callable[..., random.Random]


def grow(amount: int, bp: int) -> int:
    """amount × (1 + bp / 10,000), rounded half up to a whole 1,000 won (budget books print 천원)."""
    return (amount * (10_000 + bp) + 5_000_000) // 10_000_000 * 1000


def kind_targets(row: dict[str, str]) -> dict[int, dict[str, int]]:
    """본예산 total per account kind and fiscal year: the real 2023 figures, then GROWTH_BP on each kind."""
    totals: dict[int, dict[str, int]] = {BASE_YEAR: {kind: int(row[column]) for kind, column in KIND_COLUMNS.items()}}
    for year in YEARS[1:]:
        totals[year] = {kind: grow(amount, GROWTH_BP[year]) for kind, amount in totals[year - 1].items()}
    return totals


def split_exact(total: int, weights: Sequence[int]) -> list[int]:
    """Integer shares of total in proportion to weights, summing to total exactly: floors first, then the units
    left over go to the largest remainders (earlier weights win ties)."""
    weight_sum = sum(weights)
    parts = [total * w // weight_sum for w in weights]
    left = total - sum(parts)
    if left:
        order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
        for i in order[:left]:
            parts[i] += 1
    return parts


def split_at_least_one(total: int, weights: Sequence[int]) -> list[int]:
    """split_exact where every share is at least 1 (a budget line of 0 천원 would print as a blank row)."""
    if total < len(weights):
        raise ValueError(f"{total} cannot give {len(weights)} lines at least one unit each")
    return [part + 1 for part in split_exact(total - len(weights), weights)]


def mix(text: str) -> dict[str, int]:
    """Code weights written "111:28 112:2" → {"111": 28, "112": 2}."""
    return {code: int(weight) for code, weight in (item.split(":") for item in text.split())}
