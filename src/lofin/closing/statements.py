"""The financial statements of a government's year (지방자치단체 회계기준에 관한 규칙 §8, §9): 재정상태표, 재정운영표
and 순자산변동표 per accounting entity (회계실체 = the kind of the budget account, 규칙 §6) and consolidated with the
internal transactions (전출금/전입금, ledger accounts flagged `is_internal`) eliminated.

Signs: assets are debit balances, liabilities and net assets credit balances. 재정운영결과 = 재정운영순원가 −
일반수익 (a positive result is a net cost and lowers net assets). Each statement is checked as it is built:
assets = liabilities + net assets, and closing net assets = opening − result + direct adjustments (+ on
consolidation the part of the internal transactions that does not match), equal to the 재정상태표's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection

from lofin.accounting.models import Entity, JournalEntry, JournalLine, LedgerAccount
from lofin.budget.models import Account, NationalCode, Project
from lofin.execution.models import BudgetLine, Commitment, PaymentOrder

from .balances import Key
from .errors import StatementsUnbalanced

ASSET_GROUPS = ("유동자산", "투자자산", "일반유형자산", "주민편의시설", "사회기반시설", "기타비유동자산")
LIABILITY_GROUPS = ("유동부채", "장기차입부채", "기타비유동부채")
NET_ASSET_GROUPS = ("고정순자산", "특정순자산", "일반순자산")
# 재정운영표: the costs of the programmes (사업총원가; the chart has no 사업수익 of its own, so 사업순원가 = 총원가),
# the costs not allotted to programmes (비배분비용) and the general revenues (일반수익).
PROGRAM_SECTIONS = ("인건비", "운영비", "이전비용", "감가상각비")
UNALLOCATED_SECTIONS = ("비배분비용",)
REVENUE_SECTIONS = ("자체조달수익", "정부간이전수익", "기타수익")
INTERNAL = "내부거래"
CONSOLIDATED = "consolidated"


@dataclass(frozen=True)
class Ledger:
    code: str
    name: str
    category: str
    section: str
    internal: bool


def chart() -> dict[str, Ledger]:
    return {
        a.code: Ledger(a.code, a.name, a.category, a.section, a.is_internal)
        for a in LedgerAccount.objects.filter(is_summary=False)
    }


def _lines(amounts: dict[str, int], ledgers: dict[str, Ledger]) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": ledgers[code].name if code in ledgers else code, "amount": amount}
        for code, amount in sorted(amounts.items())
        if amount
    ]


def _groups(amounts: dict[str, int], ledgers: dict[str, Ledger], order: tuple[str, ...]) -> list[dict[str, Any]]:
    by_group: dict[str, dict[str, int]] = defaultdict(dict)
    for code, amount in amounts.items():
        section = ledgers[code].section if code in ledgers else ""
        by_group[section if section in order else order[-1]][code] = amount
    out = []
    for group in order:
        lines = _lines(by_group.get(group, {}), ledgers)
        out.append({"group": group, "lines": lines, "total": sum(x["amount"] for x in lines)})
    return out


def function_costs(government_id: int, year: int, accounts: list[int], codes: list[str]) -> dict[str, int]:
    """Programme costs of the year's payments by 기능 (분야·부문 of the 세부사업 paid from); one grouped query."""
    if not accounts or not codes:
        return {}
    sql = f"""
        SELECT p.function_code, SUM(l.debit - l.credit)
        FROM {JournalLine._meta.db_table} l
        JOIN {JournalEntry._meta.db_table} e ON e.id = l.entry_id
        JOIN {PaymentOrder._meta.db_table} po ON po.id = e.source_id
        JOIN {Commitment._meta.db_table} c ON c.id = po.commitment_id
        JOIN {BudgetLine._meta.db_table} bl ON bl.id = c.line_id
        JOIN {Project._meta.db_table} p ON p.id = bl.project_id
        WHERE e.government_id = %s AND e.fiscal_year = %s AND e.source_type = 'execution.payment'
          AND e.account_id IN ({", ".join(["%s"] * len(accounts))})
          AND l.ledger_code IN ({", ".join(["%s"] * len(codes))})
        GROUP BY p.function_code
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [government_id, year, *accounts, *codes])
        return {code or "": int(total or 0) for code, total in cursor.fetchall() if total}


def _function_names(year: int) -> dict[str, str]:
    found = NationalCode.objects.filter(kind="function", year__lte=year).order_by("year")
    return dict(found.values_list("code", "name"))


def entity_statement(
    key: str,
    opening: dict[str, int],
    movement: dict[str, int],
    ledgers: dict[str, Ledger],
    functions: dict[str, int],
    function_names: dict[str, str],
    *,
    eliminate: bool = False,
) -> dict[str, Any]:
    """One set of statements from per-ledger balances (debit − credit): `opening` (balance-sheet accounts at the
    start of the year) and `movement` (the year, without closing entries)."""
    cat = {code: (ledgers[code].category if code in ledgers else "") for code in set(opening) | set(movement)}
    revenue = {c: -v for c, v in movement.items() if cat[c] == "revenue"}
    expense = {c: v for c, v in movement.items() if cat[c] == "expense"}
    internal_revenue = sum(v for c, v in revenue.items() if c in ledgers and ledgers[c].internal)
    internal_expense = sum(v for c, v in expense.items() if c in ledgers and ledgers[c].internal)

    def by_sections(amounts: dict[str, int], sections: tuple[str, ...]) -> dict[str, int]:
        return {c: v for c, v in amounts.items() if c in ledgers and ledgers[c].section in sections}

    program = by_sections(expense, PROGRAM_SECTIONS)
    unallocated = {c: v for c, v in expense.items() if c not in program and not (c in ledgers and ledgers[c].internal)}
    general = {c: v for c, v in revenue.items() if not (c in ledgers and ledgers[c].internal)}
    program_total = sum(program.values())
    by_function: list[dict[str, Any]] = [
        {"function": code, "name": function_names.get(code, code), "amount": amount}
        for code, amount in sorted(functions.items())
    ]
    if by_function:
        rest = program_total - sum(x["amount"] for x in by_function)
        if rest:
            by_function.append({"function": "", "name": "기능 미배분", "amount": rest})
    unallocated_total = sum(unallocated.values())
    shown_internal_expense = 0 if eliminate else internal_expense
    shown_internal_revenue = 0 if eliminate else internal_revenue
    net_cost = program_total + unallocated_total + shown_internal_expense
    general_total = sum(general.values()) + shown_internal_revenue
    result = net_cost - general_total
    performance = {
        "program_costs": _lines(program, ledgers),
        "program_cost_total": program_total,
        "by_function": by_function,
        "unallocated_costs": _lines(unallocated, ledgers),
        "unallocated_total": unallocated_total,
        "internal_costs": shown_internal_expense,
        "net_cost": net_cost,
        "general_revenues": _lines(general, ledgers),
        "internal_revenues": shown_internal_revenue,
        "general_revenue_total": general_total,
        "result": result,
    }

    closing: dict[str, int] = defaultdict(int)
    for source in (opening, movement):
        for c, v in source.items():
            if cat[c] in ("asset", "liability", "net_assets"):
                closing[c] += v
    assets = {c: v for c, v in closing.items() if cat[c] == "asset"}
    liabilities = {c: -v for c, v in closing.items() if cat[c] == "liability"}
    net_accounts = {c: -v for c, v in closing.items() if cat[c] == "net_assets"}
    # The year's result is not yet moved by a closing entry: it belongs to 일반순자산.
    net_accounts["3100"] = net_accounts.get("3100", 0) - (sum(expense.values()) - sum(revenue.values()))
    position: dict[str, Any] = {
        "assets": _groups(assets, ledgers, ASSET_GROUPS),
        "assets_total": sum(assets.values()),
        "liabilities": _groups(liabilities, ledgers, LIABILITY_GROUPS),
        "liabilities_total": sum(liabilities.values()),
        "net_assets": _groups(net_accounts, ledgers, ("고정순자산", "특정순자산", "일반순자산")),
        "net_assets_total": sum(net_accounts.values()),
    }
    opening_net = -sum(v for c, v in opening.items() if cat[c] == "net_assets")
    adjustments = {c: -v for c, v in movement.items() if cat[c] == "net_assets"}
    elimination = (internal_revenue - internal_expense) if eliminate else 0
    changes: dict[str, Any] = {
        "opening": opening_net,
        "result": result,
        "adjustments": _lines(adjustments, ledgers),
        "adjustment_total": sum(adjustments.values()),
        "elimination_difference": elimination,
        "closing": opening_net - result + sum(adjustments.values()) + elimination,
    }
    if position["assets_total"] != position["liabilities_total"] + position["net_assets_total"]:
        raise StatementsUnbalanced(entity=key, assets=position["assets_total"])
    if changes["closing"] != position["net_assets_total"]:
        raise StatementsUnbalanced(entity=key, net_assets=position["net_assets_total"], changes=changes["closing"])
    return {
        "entity": key,
        "position": position,
        "performance": performance,
        "changes": changes,
        "eliminated": {"revenue": internal_revenue, "expense": internal_expense} if eliminate else None,
    }


def _fold(balances: dict[Key, int], accounts: set[int]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for (account_id, code), amount in balances.items():
        if account_id in accounts:
            out[code] += amount
    return out


def all_statements(
    government_id: int, year: int, opening: dict[Key, int], movement: dict[Key, int]
) -> dict[str, dict[str, Any]]:
    """Statements of each entity the government keeps and the consolidated set."""
    ledgers = chart()
    names = _function_names(year)
    program_codes = sorted(c for c, x in ledgers.items() if x.category == "expense" and x.section in PROGRAM_SECTIONS)
    kinds: dict[str, set[int]] = defaultdict(set)
    for pk, kind in Account.objects.filter(government_id=government_id).values_list("pk", "kind"):
        kinds[kind].add(pk)
    out: dict[str, dict[str, Any]] = {}
    all_accounts: set[int] = set()
    total_functions: dict[str, int] = defaultdict(int)
    for kind in Entity.values:
        accounts = kinds.get(kind, set())
        if not accounts:
            continue
        all_accounts |= accounts
        functions = function_costs(government_id, year, sorted(accounts), program_codes)
        for code, amount in functions.items():
            total_functions[code] += amount
        out[kind] = entity_statement(
            kind, _fold(opening, accounts), _fold(movement, accounts), ledgers, functions, names
        )
    out[CONSOLIDATED] = entity_statement(
        CONSOLIDATED,
        _fold(opening, all_accounts),
        _fold(movement, all_accounts),
        ledgers,
        dict(total_functions),
        names,
        eliminate=True,
    )
    return out
