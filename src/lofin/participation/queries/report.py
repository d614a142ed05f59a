"""주민참여예산 운영결과: the annual report of each cycle for 지방재정365 (지방재정법 §60 "주민참여예산 운영현황").

Per cycle: proposals received, reviewed, found feasible, shortlisted, selected and adopted; counted ballots by
channel and the turnout over the people on the resident list who were eligible on the last voting day; the adopted
amount; and the executed amount, which is what was paid on each adopted proposal's 세부사업, capped at the
proposal's adopted amount (a project folded into a running 세부사업 shares its payments).
The XLSX is the statutory document, so its labels are Korean whatever the reader's language (like the budget book).
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from openpyxl import Workbook
from openpyxl.styles import Font

from lofin.core.models import LocalGovernment

from ..models import Cycle, Proposal, ProposalStatus
from .ballots import turnout
from .cycles import cycles
from .proposals import STATUS_REACHED, execution_by_project
from .residents import eligible_count


@dataclass(frozen=True)
class CycleReport:
    cycle_id: int
    year: int
    title: str
    total_amount: int
    proposals: int
    reviewed: int
    feasible: int
    shortlisted: int
    selected: int
    adopted: int
    online: int
    paper: int
    in_person: int
    ballots: int
    replaced: int
    eligible: int
    turnout_pct: str  # ballots / eligible × 100, one decimal, half up; "" without a resident list
    adopted_amount: int
    executed_amount: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def cycle_report(cycle: Cycle) -> CycleReport:
    reached = STATUS_REACHED
    counts = Proposal.objects.filter(cycle=cycle).aggregate(
        proposals=Count("id", filter=~Q(status=ProposalStatus.WITHDRAWN)),
        reviewed=Count("id", filter=reached["reviewed"]),
        feasible=Count("id", filter=~Q(status__in=["submitted", "under_review", "withdrawn", "infeasible"])),
        shortlisted=Count("id", filter=reached["shortlisted"]),
        selected=Count("id", filter=reached["selected"]),
        adopted=Count("id", filter=reached["adopted"]),
        adopted_amount=Sum("adopted_amount", filter=reached["adopted"]),
    )
    adopted = list(
        Proposal.objects.filter(reached["adopted"], cycle=cycle, budget_project__isnull=False).values_list(
            "budget_project_id", "adopted_amount"
        )
    )
    spent = execution_by_project(cycle.government, cycle.year, [p for p, _a in adopted])
    executed = sum(min(spent[p]["paid"], amount or 0) for p, amount in adopted)
    votes = turnout(cycle)
    eligible = eligible_count(cycle)
    pct = ""
    if eligible:
        pct = str((Decimal(votes["total"] * 100) / eligible).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return CycleReport(
        cycle_id=cycle.pk,
        year=cycle.year,
        title=cycle.title,
        total_amount=cycle.total_amount,
        proposals=counts["proposals"],
        reviewed=counts["reviewed"],
        feasible=counts["feasible"],
        shortlisted=counts["shortlisted"],
        selected=counts["selected"],
        adopted=counts["adopted"],
        online=votes["online"],
        paper=votes["paper"],
        in_person=votes["in_person"],
        ballots=votes["total"],
        replaced=votes["replaced"],
        eligible=eligible,
        turnout_pct=pct,
        adopted_amount=counts["adopted_amount"] or 0,
        executed_amount=executed,
    )


def annual_report(government: LocalGovernment, year: int) -> list[CycleReport]:
    """Every cycle whose projects go into the budget of `year`."""
    return [cycle_report(c) for c in cycles(government).filter(year=year).order_by("id")]


HEADERS = [
    ("title", "사업공모"),
    ("year", "예산연도"),
    ("total_amount", "공모 규모(원)"),
    ("proposals", "제안 건수"),
    ("reviewed", "부서검토"),
    ("feasible", "사업가능"),
    ("shortlisted", "위원회 심사 통과"),
    ("selected", "선정"),
    ("adopted", "예산반영"),
    ("online", "온라인 투표"),
    ("paper", "종이 투표"),
    ("in_person", "현장 투표"),
    ("ballots", "투표 인원"),
    ("eligible", "투표권자"),
    ("turnout_pct", "투표율(%)"),
    ("adopted_amount", "반영액(원)"),
    ("executed_amount", "집행액(원)"),
]


def report_xlsx(government: LocalGovernment, year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "운영결과"
    sheet.append([f"{government.name} {year}년도 주민참여예산 운영결과"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([label for _key, label in HEADERS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in annual_report(government, year):
        data = row.as_dict()
        sheet.append([data[key] for key, _label in HEADERS])
    for column, width in zip("ABCDEFGHIJKLMNOPQ", [28, 9, 16] + [11] * 12 + [16, 16], strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, int) and cell.column in (3, 16, 17):
                cell.number_format = "#,##0"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
