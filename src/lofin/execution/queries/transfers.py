"""Tenant-scoped reads of transfers, and the quarterly report of 전용·이용·이체 and 예비비 사용 to the council.

지방재정법 §49, §47의2② (and §43 for the reserve): the head reports the 전용, 이용 and 이체 made in each quarter to the
council by the end of the month after the quarter, each 이체 with the law or ordinance it rests on (R-BP-9). A transfer counts in the quarter in which it was approved, since that is when
the appropriation moved; requests still on their approval line or returned are not reported.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from lofin.core.models import LocalGovernment

from ..models import BudgetLine, Transfer, TransferKind, TransferStatus
from ..rules.transfers import check_quarter, report_due
from .appropriations import line_code, object_names

REPORTED_KINDS = (
    TransferKind.VIREMENT,
    TransferKind.BETWEEN_PROGRAMMES,
    TransferKind.REORGANISATION,
    TransferKind.RESERVE,
)


def transfers(government: LocalGovernment, year: int) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(government=government, year=year)
        .select_related("from_line__account", "from_line__project", "to_line__account", "to_line__project")
        .order_by("requested_on", "id")
    )


def _quarter_bounds(year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.date(year, quarter * 3 - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, quarter * 3 + 1, 1)
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time()), zone),
        timezone.make_aware(dt.datetime.combine(end, dt.time()), zone),
    )


@dataclass(frozen=True)
class ReportRow:
    date: dt.date
    kind: str
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    amount: int
    reason: str
    legal_basis: str = ""


@dataclass
class CouncilReport:
    government: LocalGovernment
    year: int
    quarter: int
    due_on: dt.date
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.rows)


def _name(line: BudgetLine, names: dict[str, str]) -> str:
    return f"{line.project.name} / {names.get(line.object_code, line.object_code)}"


def council_report(
    government: LocalGovernment, year: int, quarter: int, kinds: Sequence[str] = REPORTED_KINDS
) -> CouncilReport:
    """The approved 전용, 이용, 이체 and 예비비 사용 of a quarter, in the order they were approved."""
    check_quarter(quarter)
    start, end = _quarter_bounds(year, quarter)
    names = object_names(year)
    rows = [
        ReportRow(
            date=timezone.localdate(t.decided_at),
            kind=t.kind,
            from_code=line_code(t.from_line),
            from_name=_name(t.from_line, names),
            to_code=line_code(t.to_line),
            to_name=_name(t.to_line, names),
            amount=t.amount,
            reason=t.reason,
            legal_basis=t.legal_basis,
        )
        for t in transfers(government, year)
        .filter(status=TransferStatus.APPROVED, kind__in=list(kinds), decided_at__gte=start, decided_at__lt=end)
        .order_by("decided_at", "id")
    ]
    return CouncilReport(government, year, quarter, report_due(year, quarter), rows)


# The report is a statutory document: Korean labels whatever the reader's language, like the budget book.
KIND_KO = {
    TransferKind.VIREMENT: "전용",
    TransferKind.BETWEEN_PROGRAMMES: "이용",
    TransferKind.REORGANISATION: "이체",
    TransferKind.RESERVE: "예비비 사용",
}
WON_FORMAT = "#,##0"


def report_xlsx(report: CouncilReport) -> bytes:
    """The report as an XLSX workbook, amounts in won."""
    # openpyxl takes most of a second to import: loaded when a workbook is asked for, not with every page.
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{report.quarter}분기"
    bold = Font(bold=True)
    sheet.append(
        [f"{report.government.name} {report.year}년 {report.quarter}분기 세출예산 전용·이용·이체 및 예비비 사용 보고"]
    )
    sheet["A1"].font = bold
    sheet.append([f"보고기한: {report.due_on.isoformat()}", None, None, None, None, None, "단위: 원"])
    sheet.append([])
    headers = ["일자", "구분", "감액 과목", "과목명", "증액 과목", "과목명", "금액", "사유", "법적 근거"]
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in report.rows:
        sheet.append(
            [
                row.date,
                KIND_KO.get(TransferKind(row.kind), row.kind),
                row.from_code,
                row.from_name,
                row.to_code,
                row.to_name,
                row.amount,
                row.reason,
                row.legal_basis or None,
            ]
        )
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
        sheet.cell(row=sheet.max_row, column=7).number_format = WON_FORMAT
    sheet.append(["합계", None, None, None, None, None, report.total, None, None])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.cell(row=sheet.max_row, column=7).number_format = WON_FORMAT
    sheet.cell(row=sheet.max_row, column=7).font = bold
    for i, width in enumerate([12, 12, 22, 30, 22, 30, 16, 40, 40], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
