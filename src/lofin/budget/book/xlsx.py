"""The budget book as an XLSX workbook (openpyxl, write-only)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from lofin.budget.models import AccountKind, BudgetVersion, VersionStatus
from lofin.core import clock

from .tables import (
    KIND_KO,
    LEVEL_KO,
    STATUS_KO,
    UNIT_NOTE_KO,
    build,
    document_title,
    figure_headers,
    figure_values,
    project_rows,
    row_level_ko,
    summary_name,
    thousand,
    version_label_ko,
)

# --- XLSX -----------------------------------------------------------------------------------------------------

# Decreases are printed with △ in Korean budget documents.
THOUSANDS_FORMAT = '#,##0;"△"#,##0;0'


class Sheet:
    """A write-only worksheet: rows are streamed to the file as they are appended, so memory stays flat."""

    def __init__(
        self,
        workbook: Any,
        title: str,
        widths: Sequence[float],
        amount_columns: Iterable[int],
        freeze: str | None = None,
    ) -> None:
        # Openpyxl loads only when a spreadsheet is made.
        from openpyxl.styles import Font  # noqa: PLC0415
        from openpyxl.utils import get_column_letter  # noqa: PLC0415

        self.ws = workbook.create_sheet(title)
        if freeze:
            # Officials scroll long sheets: keep the column headings in view (set before the first row is written).
            self.ws.freeze_panes = freeze
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.amount_columns = set(amount_columns)
        self.bold = Font(bold=True)

    def _cell(self, value: Any, column: int, bold: bool) -> Any:
        # Openpyxl loads only when a spreadsheet is made.
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

        if value is None or (not bold and column not in self.amount_columns):
            return value
        cell = WriteOnlyCell(self.ws, value=value)
        if column in self.amount_columns:
            cell.number_format = THOUSANDS_FORMAT
        if bold:
            cell.font = self.bold
        return cell

    def row(self, values: Sequence[Any], *, bold: bool = False) -> None:
        self.ws.append([self._cell(v, i, bold) for i, v in enumerate(values)])

    def plain(self, values: Sequence[Any]) -> None:
        """A row of text only (no number formats or fonts): the fast path for thousands of 산출근거 lines."""
        self.ws.append(values)


def write_xlsx(version: BudgetVersion, out: Any) -> None:
    """The whole book as an XLSX workbook: a cover sheet, then one sheet per table, amounts in 천원 as numbers."""
    # Openpyxl loads only when a spreadsheet is made.
    from openpyxl import Workbook  # noqa: PLC0415

    book = build(version)
    sup = book.supplementary
    workbook = Workbook(write_only=True)
    government = version.government

    cover = Sheet(workbook, "표지", [18, 60], [])
    cover.row([document_title(version)], bold=True)
    cover.plain([])
    for label, value in (
        ("지방자치단체", f"{government.name} ({government.code})"),
        ("회계연도", f"{version.year}년"),
        ("예산", version_label_ko(version)),
        ("상태", STATUS_KO.get(VersionStatus(version.status), version.status)),
        ("작성일시", timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")),
        ("단위", UNIT_NOTE_KO),
    ):
        cover.plain([label, value])
    cover.plain([])
    cover.row(["수록 표"], bold=True)
    for name in ("1. 세입·세출 총괄", "2. 회계별 세입·세출", "3. 분야·부문별 세출", "4. 성질별 세출", "5. 사업별 세출"):
        cover.plain([name])

    n = 3 if sup else 1
    sheet = Sheet(workbook, "1 세입·세출 총괄", [36] + [16] * (2 * n), range(1, 1 + 2 * n), "B3")
    sheet.plain(["세입·세출 총괄", None, UNIT_NOTE_KO])
    sheet.row(["구분", *figure_headers("세입 ", sup), *figure_headers("세출 ", sup)], bold=True)
    for s in book.summary:
        name = summary_name(s)
        if s.level == 2:
            name = "    " + name
        sheet.row([name, *figure_values(s.revenue, sup), *figure_values(s.expenditure, sup)], bold=s.level < 2)

    sheet = Sheet(workbook, "2 회계별", [10, 10, 36] + [16] * n, range(3, 3 + n))
    sheet.plain(["회계별 세입·세출", None, UNIT_NOTE_KO])
    for section in book.accounts:
        sheet.plain([])
        sheet.row([f"{section.code} {section.name} ({KIND_KO[AccountKind(section.kind)]})"], bold=True)
        for title, rows, levels in (
            ("세입", section.revenue_rows, ("장", "관")),
            ("세출", section.expenditure_rows, ("분야", "부문")),
        ):
            sheet.row([title, "코드", "과목", *figure_headers("", sup)], bold=True)
            for r in rows:
                label = row_level_ko(r, *levels)
                sheet.row(
                    [label, r.code or None, r.name or f"{title} 계", *figure_values(r.figure, sup)], bold=r.level < 2
                )

    for title, sheet_title, rows, levels in (
        ("분야·부문별 세출", "3 분야·부문별", book.by_function, ("분야", "부문")),
        ("성질별 세출", "4 성질별", book.by_nature, ("그룹", "편성목")),
    ):
        sheet = Sheet(workbook, sheet_title, [10, 10, 30] + [16] * (4 + n - 1), range(3, 3 + 4 + n - 1), "D3")
        sheet.plain([title, None, UNIT_NOTE_KO])
        sheet.row(
            ["구분", "코드", "명칭", "계", "일반회계", "특별회계", "기금", *figure_headers("", sup)[1:]], bold=True
        )
        for r in rows:
            values = figure_values(r.figure, sup)
            sheet.row(
                [
                    row_level_ko(r, *levels),
                    r.code or None,
                    r.name or None,
                    values[0],
                    *[thousand(a) for a in r.split],
                    *values[1:],
                ],
                bold=r.level < 2,
            )

    sheet = Sheet(workbook, "5 사업별", [10, 14, 40] + [16] * n + [80], range(3, 3 + n), "D3")
    sheet.plain(["사업별 세출 (산출근거 포함)", None, UNIT_NOTE_KO])
    sheet.row(["구분", "코드", "명칭", *figure_headers("", sup), "산출근거"], bold=True)
    basis_column = 3 + n
    for p in project_rows(version):
        sheet.row([LEVEL_KO[p.level], p.code, p.name, *figure_values(p.figure, sup)], bold=p.level != "object")
        for b in p.basis:
            sheet.plain([None] * basis_column + [b.text])
    workbook.save(out)


def xlsx_bytes(version: BudgetVersion) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(version, buffer)
    return buffer.getvalue()
