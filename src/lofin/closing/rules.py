"""Pure rules of the closing (결산): no ORM here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

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


def lapse(appropriation: int, paid: int, carried: int) -> tuple[int, int]:
    """R-AC-4 (지방회계법 §15, 세입세출결산): 예산현액 = 지출액 + 이월액 + 불용액 with 불용액 ≥ 0, so 지출액 + 이월액 ≤ 예산현액
    is checked, not assumed. Returns (불용액, excess): the excess is what the payments and carry-overs spend beyond
    the 예산현액 (0 on a sound line), reported per line instead of a negative 불용액."""
    spent = paid + carried
    return max(appropriation - spent, 0), max(spent - appropriation, 0)


# R-AC-6: the parts of the 결산서 (지방회계법 §15, §16③, §17; 지방자치법 §150①), in the order of the package.
PACKAGE_PARTS = (
    "overview",  # 결산개요
    "budget_result",  # 세입세출결산
    "statements",  # 재무제표 with 주석
    "performance_report",  # 성과보고서
    "cpa_review",  # 공인회계사 검토의견
    "inspectors_opinion",  # 검사위원 검사의견서
    "attachments",  # 지방회계법 §17 부속서류
)


def missing_parts(present: set[str], unreported: Sequence[str] = ()) -> list[str]:
    """R-AC-6: the parts of the package that are not there, in the package's order (empty when complete).

    The 성과보고서 (지방회계법 §16) is generated from the 성과계획서's targets and reports each against its result, so
    it is missing while a project has a target without a result: it is named after the part, as
    `performance_report:<project code>`, one per such project in the order given."""
    out: list[str] = []
    for part in PACKAGE_PARTS:
        if part == "performance_report" and unreported:
            out.append(part)
            out += [f"{part}:{code}" for code in unreported]
        elif part not in present:
            out.append(part)
    return out
