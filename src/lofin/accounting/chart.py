"""The chart of accounts and the 자동분개 mapping as data: loading them from the CSV files, and looking them up.

Every posting looks its ledger accounts up here, so the lookups are served from an in-process copy of the
(small) tables. An operator's change (`actions.do_update_mapping`) clears the copy of its own process at once;
other processes reload theirs at most `TTL` seconds later.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SummaryLedger, UnknownLedger, UnmappedCode
from .models import LedgerAccount, LedgerMapping

DATA = Path(__file__).resolve().parent / "data"
CHART_CSV = DATA / "chart.csv"
MAPPING_CSV = DATA / "mapping.csv"
BASE_YEAR = 2007  # accrual accounting of local governments began on 2007-01-01
BASE_NAME = "지방자치단체 회계기준에 관한 규칙"
TTL = 60.0

CASH = "1110"
WITHHOLDING = "2110"
ENCUMBRANCE = "9210"
ENCUMBRANCE_RESERVE = "9220"
OTHER_REVENUE = "4400"
OTHER_EXPENSE = "5900"
DEPRECIATION_EXPENSE = "5500"
ACCUMULATED_DEPRECIATION = "1330"
GENERAL_NET_ASSETS = "3100"  # 일반순자산: where the closing entries move a year's result


def encumbered(amount: int) -> list[tuple[str, int, int]]:
    """The memo lines of budget control when `amount` is committed (or committed again): the encumbrance debited,
    its reserve credited."""
    return [(ENCUMBRANCE, amount, 0), (ENCUMBRANCE_RESERVE, 0, amount)]


def released(amount: int) -> list[tuple[str, int, int]]:
    """The reverse of `encumbered`: `amount` of a commitment is paid, cancelled or carried away."""
    return [(ENCUMBRANCE_RESERVE, amount, 0), (ENCUMBRANCE, 0, amount)]


@dataclass(frozen=True)
class Rule:
    code: str
    debit: str
    credit: str
    internal: bool
    asset_class: str
    useful_life: int


@dataclass
class _Cache:
    loaded_at: float = -1.0
    leaves: frozenset[str] = frozenset()
    known: frozenset[str] = frozenset()
    # {(side, effective year): {code: Rule}}, years descending per side
    rules: dict[tuple[str, int], dict[str, Rule]] | None = None
    years: tuple[int, ...] = ()


_cache = _Cache()


def read_chart_csv() -> list[dict[str, str]]:
    with CHART_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_mapping_csv() -> list[dict[str, str]]:
    with MAPPING_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load(ledger_model: Any, version_model: Any, mapping_model: Any) -> None:
    """Create or update the base chart version from the CSV files (migrations pass their historical models).
    Codes are never removed: journal lines keep pointing at them."""
    for row in read_chart_csv():
        ledger_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "category": row["category"],
                "parent_code": row["parent_code"],
                "is_summary": row["is_summary"] == "1",
                "section": row["section"],
                "is_internal": row["internal"] == "1",
                "name_en": row["name_en"],
            },
        )
    version, _created = version_model.objects.get_or_create(effective_year=BASE_YEAR, defaults={"name": BASE_NAME})
    version.accounts.set(ledger_model.objects.all())
    for row in read_mapping_csv():
        mapping_model.objects.update_or_create(
            version=version,
            side=row["side"],
            code=row["code"],
            defaults={
                "name": row["name"],
                "debit_code": row["debit"],
                "credit_code": row["credit"],
                "is_internal": row["internal"] == "1",
                "asset_class": row["asset_class"],
                "useful_life": int(row["useful_life"] or 0),
            },
        )


def clear_cache() -> None:
    _cache.loaded_at = -1.0
    _cache.rules = None


def _load() -> _Cache:
    if _cache.rules is not None and time.monotonic() - _cache.loaded_at < TTL:
        return _cache

    accounts = list(LedgerAccount.objects.values_list("code", "is_summary"))
    rules: dict[tuple[str, int], dict[str, Rule]] = {}
    for m in LedgerMapping.objects.select_related("version"):
        key = (m.side, m.version.effective_year)
        rules.setdefault(key, {})[m.code] = Rule(
            m.code, m.debit_code, m.credit_code, m.is_internal, m.asset_class, m.useful_life
        )
    _cache.known = frozenset(code for code, _s in accounts)
    _cache.leaves = frozenset(code for code, summary in accounts if not summary)
    _cache.rules = rules
    _cache.years = tuple(sorted({year for _side, year in rules}, reverse=True))
    _cache.loaded_at = time.monotonic()
    return _cache


def check_postable(code: str) -> None:
    """Refuse an unknown or summary account (typed errors: nothing is written)."""
    cache = _load()
    if code in cache.leaves:
        return
    if code not in cache.known:
        # Perhaps added since the copy was made.
        clear_cache()
        cache = _load()
        if code in cache.leaves:
            return
        if code not in cache.known:
            raise UnknownLedger(ledger=code)
    raise SummaryLedger(ledger=code)


def rule_for(side: str, code: str, year: int | None = None) -> Rule:
    """The mapping rule of a budget code in force in `year` (latest version if None): longest prefix wins."""
    cache = _load()
    assert cache.rules is not None
    for effective in cache.years:
        if year is not None and effective > year:
            continue
        rules = cache.rules.get((side, effective))
        if not rules:
            continue
        for key in (code, code[:3], code[:1]):
            if key in rules:
                return rules[key]
    raise UnmappedCode(side=side, budget_code=code)


def expense_rule(object_code: str, year: int | None = None) -> Rule:
    return rule_for("expense", object_code, year)


def revenue_ledgers(revenue_code: str, year: int | None = None) -> tuple[str, str]:
    rule = rule_for("revenue", revenue_code, year)
    return rule.debit, rule.credit
