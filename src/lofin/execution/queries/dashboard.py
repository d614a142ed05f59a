"""The execution table of a government and year (예산집행현황): budget lines with 예산현액, 배정, 지출원인행위,
지출 and the balances, filtered, totalled in won, and downloadable as XLSX or CSV. Tenant-scoped reads only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lofin.core.models import LocalGovernment

from ..models import BudgetLine
from .appropriations import line_code, object_names

FIGURES = ("appropriation", "allocated", "committed", "paid")


@dataclass(frozen=True)
class Filters:
    account: str = ""
    department: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        return cls(
            account=str(params.get("account", "")).strip()[:10],
            department=str(params.get("department", "")).strip()[:20],
            q=str(params.get("q", "")).strip()[:50],
        )

    def as_query(self) -> str:
        return urlencode({k: v for k, v in self.__dict__.items() if v})


def lines(government: LocalGovernment, year: int, filters: Filters) -> QuerySet[BudgetLine]:
    qs = BudgetLine.objects.filter(government=government, year=year).select_related(
        "account", "project", "project__department"
    )
    if filters.account:
        qs = qs.filter(account__code=filters.account)
    if filters.department:
        qs = qs.filter(project__department__code=filters.department)
    if filters.q:
        qs = qs.filter(
            Q(project__name__icontains=filters.q)
            | Q(project__code__icontains=filters.q)
            | Q(object_code__startswith=filters.q)
        )
    return qs.order_by("account__code", "project__code", "object_code")


def totals(qs: QuerySet[BudgetLine]) -> dict[str, int]:
    sums = qs.aggregate(**{name: Sum(name) for name in FIGURES})
    result = {name: int(sums[name] or 0) for name in FIGURES}
    return _with_balances(result)


def _with_balances(figures: dict[str, Any]) -> dict[str, Any]:
    # 배정잔액: what may still be committed; 예산잔액: what the year's appropriation has not yet committed.
    figures["available"] = figures["allocated"] - figures["committed"]
    figures["uncommitted"] = figures["appropriation"] - figures["committed"]
    # 미배정액: what a transfer may take out of the line (its allocation stays).
    figures["unallocated"] = figures["appropriation"] - figures["allocated"]
    return figures


def row(line: BudgetLine, names: dict[str, str]) -> dict[str, Any]:
    department = line.project.department
    return _with_balances(
        {
            "id": line.pk,
            "code": line_code(line),
            "account": line.account.name,
            "department": department.name if department else "",
            "project": line.project.name,
            "object_code": line.object_code,
            "object_name": names.get(line.object_code, ""),
            "appropriation": line.appropriation,
            "allocated": line.allocated,
            "committed": line.committed,
            "paid": line.paid,
        }
    )


def rows(qs: Any, year: int) -> list[dict[str, Any]]:
    names = object_names(year)
    return [row(line, names) for line in qs]


def years(government: LocalGovernment) -> list[int]:
    return sorted(
        set(BudgetLine.objects.filter(government=government).values_list("year", flat=True).distinct()), reverse=True
    )


# --- downloads -----------------------------------------------------------------------------------------------


def headers() -> list[str]:
    return [
        _("Code"),
        _("Account"),
        _("Department"),
        _("Detail project"),
        _("Statistical item"),
        _("Appropriation (예산현액)"),
        _("Allocated (배정)"),
        _("Committed (지출원인행위)"),
        _("Paid (지출)"),
        _("Allocation balance (배정잔액)"),
        _("Uncommitted appropriation (예산잔액)"),
    ]


AMOUNT_KEYS = ("appropriation", "allocated", "committed", "paid", "available", "uncommitted")


def _values(r: dict[str, Any]) -> list[Any]:
    return [
        r["code"],
        r["account"],
        r["department"],
        r["project"],
        f"{r['object_code']} {r['object_name']}".strip(),
        *(r[k] for k in AMOUNT_KEYS),
    ]


def _stream(qs: QuerySet[BudgetLine], year: int) -> Iterator[dict[str, Any]]:
    names = object_names(year)
    for line in qs.iterator(chunk_size=2000):
        yield row(line, names)


def csv_bytes(qs: QuerySet[BudgetLine], year: int) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Korean text correctly; amounts in won, unformatted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for r in _stream(qs, year):
        writer.writerow(_values(r))
    total = totals(qs)
    writer.writerow([_("Total"), "", "", "", "", *(total[k] for k in AMOUNT_KEYS)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(qs: QuerySet[BudgetLine], year: int, title: str) -> bytes:
    # openpyxl takes most of a second to import: loaded when a workbook is asked for, not with every page.
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(year))
    sheet.freeze_panes = "A3"
    for i, width in enumerate((18, 12, 16, 28, 26, 17, 17, 17, 17, 17, 17), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)

    def cells(values: list[Any], strong: bool = False) -> list[Any]:
        out = []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=value)
            if i >= 5:
                cell.number_format = "#,##0"
            if strong:
                cell.font = bold
            out.append(cell)
        return out

    sheet.append(cells([title], strong=True))
    sheet.append(cells(headers(), strong=True))
    for r in _stream(qs, year):
        sheet.append(cells(_values(r)))
    total = totals(qs)
    sheet.append(cells([_("Total"), "", "", "", "", *(total[k] for k in AMOUNT_KEYS)], strong=True))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
