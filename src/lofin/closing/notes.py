"""주석 (notes to the statements) as structured data: accounting policies, assets by class with depreciation,
borrowings, carry-overs and the contingent items the books and the budget records show."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Sum

from lofin.accounting import chart as ledger_chart
from lofin.accounting.models import FixedAsset, JournalLine, LedgerAccount
from lofin.execution.models import Assessment, AssessmentStatus, CarryOver, Commitment, CommitmentStatus

from .balances import SOURCE_CLOSING, Key

# The official 결산서 is a Korean document: the policies are stated as it prints them.
POLICIES = (
    ("basis", "발생주의·복식부기 (지방회계법 제12조, 지방자치단체 회계기준에 관한 규칙)"),
    ("entities", "회계실체: 일반회계, 기타특별회계, 기금회계, 지방공기업특별회계; 통합 재무제표는 내부거래를 제거"),
    ("period", "회계연도 1월 1일 ~ 12월 31일, 출납폐쇄기한 내 수입·지출은 해당 연도 귀속"),
    ("measurement", "자산은 취득원가로 평가"),
    ("depreciation", "감가상각: 정액법, 취득연도 1년분, 건설중인자산은 상각하지 않음"),
    ("revenue", "지방세·보조금 등 비교환수익은 청구권이 확정된 때 인식 (징수결의)"),
    ("expense", "비용은 지급명령 시점에 인식, 자본적 지출은 자산으로 계상"),
)
ASSET_CODES = ("1310", "1320", "1410", "1510", "1610", "1620")
BORROWING = "2210"


def _sum(balances: dict[Key, int], accounts: set[int], code: str) -> int:
    return sum(v for (a, c), v in balances.items() if a in accounts and c == code)


def notes(
    government_id: int,
    year: int,
    accounts: set[int],
    opening: dict[Key, int],
    movement: dict[Key, int],
) -> dict[str, Any]:
    names = dict(LedgerAccount.objects.values_list("code", "name"))
    counts: dict[str, int] = defaultdict(int)
    for code, n in (
        FixedAsset.objects.filter(government_id=government_id, fiscal_year__lte=year, account_id__in=accounts)
        .values("ledger_code")
        .annotate(n=Count("pk"))
        .values_list("ledger_code", "n")
    ):
        counts[code] += n
    assets = []
    for code in ASSET_CODES:
        cost = _sum(opening, accounts, code) + _sum(movement, accounts, code)
        if cost or counts.get(code):
            assets.append({"code": code, "name": names.get(code, code), "count": counts.get(code, 0), "cost": cost})
    accumulated = -(
        _sum(opening, accounts, ledger_chart.ACCUMULATED_DEPRECIATION)
        + _sum(movement, accounts, ledger_chart.ACCUMULATED_DEPRECIATION)
    )
    depreciation = _sum(movement, accounts, ledger_chart.DEPRECIATION_EXPENSE)
    debt_open = -_sum(opening, accounts, BORROWING)
    debt_move = -_sum(movement, accounts, BORROWING)
    issued = (
        JournalLine.objects.filter(
            entry__government_id=government_id,
            entry__fiscal_year=year,
            entry__account_id__in=accounts,
            ledger_code=BORROWING,
        )
        .exclude(entry__source_type=SOURCE_CLOSING)
        .aggregate(s=Sum("credit"))["s"]
        or 0
    )
    borrowings = {
        "opening": debt_open,
        "issued": issued,
        "repaid": issued - debt_move,
        "closing": debt_open + debt_move,
    }
    carries = (
        CarryOver.objects.filter(government_id=government_id, from_line__year=year, from_line__account_id__in=accounts)
        .values("kind")
        .annotate(n=Count("pk"), s=Sum("amount"))
        .order_by("kind")
    )
    unpaid = Commitment.objects.filter(
        government_id=government_id,
        line__year=year,
        line__account_id__in=accounts,
        status=CommitmentStatus.ACTIVE,
        amount__gt=F("paid_amount"),
    ).aggregate(n=Count("pk"), s=Sum(F("amount") - F("paid_amount")))
    open_claims = Assessment.objects.filter(
        government_id=government_id, year=year, account_id__in=accounts, status=AssessmentStatus.OPEN
    ).aggregate(n=Count("pk"), s=Sum(F("amount") - F("collected_amount")))
    return {
        "policies": [{"key": k, "text": t} for k, t in POLICIES],
        "assets": assets,
        "accumulated_depreciation": accumulated,
        "depreciation": depreciation,
        "borrowings": borrowings,
        "carry_overs": [{"kind": c["kind"], "count": c["n"], "amount": c["s"] or 0} for c in carries],
        "contingent": [
            # Obligations fixed in the year, neither paid nor carried: paid from a later budget (지방회계법 §37).
            {"key": "unpaid_commitments", "count": unpaid["n"] or 0, "amount": unpaid["s"] or 0},
            # 미수납 claims continue as 과년도 수입; some may be lost to prescription.
            {"key": "open_claims", "count": open_claims["n"] or 0, "amount": open_claims["s"] or 0},
        ],
    }
