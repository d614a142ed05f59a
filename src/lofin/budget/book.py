"""The budget book (예산서) of one budget version: the five standard tables, and their XLSX and PDF downloads.

Tables, in the order of a printed 예산서:
  (a) 세입·세출 총괄 — revenue and expenditure per account (with 기정액 and 증감 for a 추경);
  (b) 회계별 — per account, revenue by 장·관 and expenditure by 분야·부문;
  (c) 분야·부문별 — expenditure by functional classification, split by kind of account;
  (d) 성질별 — expenditure by 그룹·편성목, split by kind of account;
  (e) 사업별 — department → 정책사업 → 단위사업 → 세부사업 → 통계목, with the 산출근거 lines.

Every figure is integer won here, summed by the database. Amounts become 천원 only when shown: each shown figure
is rounded half up once from its own won total (lofin.core.money.in_unit), so a shown total may differ by one
from the sum of the shown figures under it — the rule printed budget books follow too.

The XLSX and PDF are the official Korean document, so their labels are Korean whatever the reader's language;
the page (book_views) translates its own labels.
"""

from __future__ import annotations

import io
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from lofin.core.models import Department
from lofin.core.money import format_won, in_unit

from .models import (
    Account,
    AccountKind,
    BudgetVersion,
    CalcBasis,
    CodeKind,
    ExpenditureLine,
    NationalCode,
    Project,
    RevenueLine,
    VersionKind,
    VersionStatus,
)

KIND_ORDER = (AccountKind.GENERAL, AccountKind.ENTERPRISE_SPECIAL, AccountKind.OTHER_SPECIAL, AccountKind.FUND)
# Columns of the 분야·부문별 and 성질별 tables: 일반회계, 특별회계 (공기업 and 기타 together), 기금.
SPLIT_COLUMN = {
    AccountKind.GENERAL: 0,
    AccountKind.ENTERPRISE_SPECIAL: 1,
    AccountKind.OTHER_SPECIAL: 1,
    AccountKind.FUND: 2,
}
KIND_KO = {
    AccountKind.GENERAL: "일반회계",
    AccountKind.ENTERPRISE_SPECIAL: "공기업특별회계",
    AccountKind.OTHER_SPECIAL: "기타특별회계",
    AccountKind.FUND: "기금",
}
STATUS_KO = {
    VersionStatus.REQUESTING: "요구",
    VersionStatus.ADJUSTING: "조정",
    VersionStatus.SUBMITTING: "결재 중",
    VersionStatus.SUBMITTED: "의회 제출",
    VersionStatus.VOTED: "의결",
    VersionStatus.CONFIRMED: "확정",
}
LEVEL_KO = {
    "department": "부서",
    "policy": "정책사업",
    "unit": "단위사업",
    "detail": "세부사업",
    "object": "통계목",
}
UNIT_NOTE_KO = "(단위: 천원)"
NO_DEPARTMENT_KO = "(부서 미지정)"


def thousand(amount: int) -> int:
    """Won → 천원, rounded half up once (the display rule of lofin.core.money)."""
    return int(in_unit(amount, "천원"))


def _shown(amount: int) -> str:
    return format_won(amount, "천원", with_unit=False)


@dataclass(frozen=True, slots=True)
class Figure:
    """An amount of this version and, for a 추경, of the version it amends (기정액)."""

    amount: int
    previous: int = 0

    @property
    def change(self) -> int:
        return self.amount - self.previous

    @property
    def shown(self) -> str:
        return _shown(self.amount)

    @property
    def previous_shown(self) -> str:
        return _shown(self.previous)

    @property
    def change_shown(self) -> str:
        return _shown(self.change)


ZERO = Figure(0, 0)


class _Sum:
    """A running total of (amount, previous) while rows are grouped."""

    __slots__ = ("amount", "previous")

    def __init__(self) -> None:
        self.amount = 0
        self.previous = 0

    def add(self, amount: int, previous: int) -> None:
        self.amount += amount
        self.previous += previous

    def figure(self) -> Figure:
        return Figure(self.amount, self.previous)


@dataclass(frozen=True, slots=True)
class Row:
    """A row of a classification table: level 0 is the total, 1 a group (장, 분야, 그룹), 2 an item under it."""

    level: int
    code: str
    name: str
    figure: Figure
    # 일반회계, 특별회계, 기금 — only in the 분야·부문별 and 성질별 tables.
    split: tuple[int, int, int] = (0, 0, 0)

    @property
    def split_shown(self) -> list[str]:
        return [_shown(a) for a in self.split]


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """A row of 세입·세출 총괄: the grand total (level 0), a kind of account (1) or one account (2)."""

    level: int
    code: str
    name: str
    kind: str
    revenue: Figure
    expenditure: Figure


@dataclass(frozen=True, slots=True)
class AccountSection:
    """회계별: one account's revenue by 장·관 and expenditure by 분야·부문."""

    account_id: int
    code: str
    name: str
    kind: str
    revenue: Figure
    expenditure: Figure
    revenue_rows: list[Row]
    expenditure_rows: list[Row]


@dataclass(frozen=True, slots=True)
class DepartmentTotal:
    """A department's expenditure; id 0 gathers projects without a department."""

    id: int
    code: str
    name: str
    figure: Figure


@dataclass(frozen=True, slots=True)
class BasisLine:
    """산출근거: unit price × quantity × times = amount, with the official's text."""

    description: str
    unit_price: int
    quantity: int
    times: int
    amount: int

    @property
    def text(self) -> str:
        """The line as printed in the book, in exact won (no rounding: this is the calculation itself)."""
        if not self.unit_price:
            return f"{self.description}: {self.amount:,}원"
        factors = [f"{self.unit_price:,}원"]
        factors += [f"{n:,}" for n in (self.quantity, self.times) if n != 1]
        return f"{self.description}: {' × '.join(factors)} = {self.amount:,}원"


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """A row of 사업별: level is department, policy, unit, detail or object (통계목, which carries the basis)."""

    level: str
    code: str
    name: str
    figure: Figure
    basis: tuple[BasisLine, ...] = ()


@dataclass
class Book:
    version: BudgetVersion
    supplementary: bool
    summary: list[SummaryRow]
    accounts: list[AccountSection]
    by_function: list[Row]
    by_nature: list[Row]
    departments: list[DepartmentTotal]

    @property
    def government(self) -> Any:
        return self.version.government


# --- building the tables ------------------------------------------------------------------------------------


@dataclass
class _Codes:
    names: dict[tuple[str, str], str]
    revenue_parents: dict[str, str]

    def name(self, kind: str, code: str) -> str:
        return self.names.get((kind, code), code)


def _codes(year: int) -> _Codes:
    names: dict[tuple[str, str], str] = {}
    parents: dict[str, str] = {}
    for kind, code, name, parent in NationalCode.objects.filter(year=year).values_list(
        "kind", "code", "name", "parent_code"
    ):
        names[(kind, code)] = name
        if kind == CodeKind.REVENUE:
            parents[code] = parent
    return _Codes(names, parents)


def _revenue_path(code: str, parents: dict[str, str]) -> tuple[str, str]:
    """(장, 관) of a revenue code (항 or 목), following parent codes up to the chapter."""
    chain = [code]
    while parents.get(chain[-1]) and len(chain) < 8:
        chain.append(parents[chain[-1]])
    chapter = chain[-1]
    section = chain[-2] if len(chain) >= 2 else chapter
    return chapter, section


def _field_of(sector: str) -> str:
    """부문 011 belongs to 분야 010; 161 to 160; 901 to 900."""
    return sector[:2] + "0"


def _group_of(item: str) -> str:
    """편성목 201 belongs to 그룹 200."""
    return item[:1] + "00"


def _two_level(
    amounts: dict[tuple[str, str], _Sum],
    splits: dict[tuple[str, str], list[int]] | None,
    name: Any,
) -> list[Row]:
    """Rows of a two-level classification from (group, item) sums, with the group totals above their items."""
    groups: dict[str, _Sum] = defaultdict(_Sum)
    group_splits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    total, total_split = _Sum(), [0, 0, 0]
    for (group, _item), s in amounts.items():
        groups[group].add(s.amount, s.previous)
        total.add(s.amount, s.previous)
        if splits is not None:
            for i, a in enumerate(splits[(group, _item)]):
                group_splits[group][i] += a
                total_split[i] += a
    rows = [Row(0, "", "", total.figure(), tuple(total_split))]  # type: ignore[arg-type]
    for group in sorted(groups):
        rows.append(Row(1, group, name(group), groups[group].figure(), tuple(group_splits[group])))  # type: ignore[arg-type]
        for key in sorted(k for k in amounts if k[0] == group):
            split = tuple(splits[key]) if splits is not None else (0, 0, 0)
            rows.append(Row(2, key[1], name(key[1]), amounts[key].figure(), split))  # type: ignore[arg-type]
    return rows


def build(version: BudgetVersion) -> Book:
    """Tables (a)–(d) and the department totals of (e): five aggregate queries, whatever the budget's size."""
    codes = _codes(version.year)
    accounts = {
        pk: (code, name, kind)
        for pk, code, name, kind in Account.objects.filter(government_id=version.government_id).values_list(
            "id", "code", "name", "kind"
        )
    }

    # One grouped scan of the expenditure lines feeds (a), (b), (c) and (d).
    expenditure = (
        ExpenditureLine.objects.filter(version=version)
        .annotate(item=Substr("object_code", 1, 3))
        .values_list("account_id", "project__function_code", "item")
        .annotate(a=Sum("amount"), p=Sum("previous_amount"))
        .order_by()
    )
    revenue = (
        RevenueLine.objects.filter(version=version)
        .values_list("account_id", "revenue_code")
        .annotate(a=Sum("amount"), p=Sum("previous_amount"))
        .order_by()
    )

    exp_by_account: dict[int, _Sum] = defaultdict(_Sum)
    exp_by_account_sector: dict[int, dict[tuple[str, str], _Sum]] = defaultdict(lambda: defaultdict(_Sum))
    by_sector: dict[tuple[str, str], _Sum] = defaultdict(_Sum)
    sector_split: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    by_item: dict[tuple[str, str], _Sum] = defaultdict(_Sum)
    item_split: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for account_id, sector, item, amount, previous in expenditure:
        amount, previous = amount or 0, previous or 0
        column = SPLIT_COLUMN[AccountKind(accounts[account_id][2])]
        exp_by_account[account_id].add(amount, previous)
        sector_key = (_field_of(sector), sector)
        exp_by_account_sector[account_id][sector_key].add(amount, previous)
        by_sector[sector_key].add(amount, previous)
        sector_split[sector_key][column] += amount
        item_key = (_group_of(item), item)
        by_item[item_key].add(amount, previous)
        item_split[item_key][column] += amount

    rev_by_account: dict[int, _Sum] = defaultdict(_Sum)
    rev_by_account_section: dict[int, dict[tuple[str, str], _Sum]] = defaultdict(lambda: defaultdict(_Sum))
    for account_id, code, amount, previous in revenue:
        amount, previous = amount or 0, previous or 0
        rev_by_account[account_id].add(amount, previous)
        rev_by_account_section[account_id][_revenue_path(code, codes.revenue_parents)].add(amount, previous)

    used = sorted(set(exp_by_account) | set(rev_by_account), key=lambda pk: accounts[pk][0])

    def figure(sums: dict[int, _Sum], pk: int) -> Figure:
        return sums[pk].figure() if pk in sums else ZERO

    # (a) 세입·세출 총괄: the grand total, then each kind of account with its accounts.
    summary: list[SummaryRow] = []
    grand_rev, grand_exp = _Sum(), _Sum()
    for kind in KIND_ORDER:
        members = [pk for pk in used if accounts[pk][2] == kind]
        if not members:
            continue
        kind_rev, kind_exp = _Sum(), _Sum()
        for pk in members:
            r, e = figure(rev_by_account, pk), figure(exp_by_account, pk)
            kind_rev.add(r.amount, r.previous)
            kind_exp.add(e.amount, e.previous)
        grand_rev.add(kind_rev.amount, kind_rev.previous)
        grand_exp.add(kind_exp.amount, kind_exp.previous)
        summary.append(SummaryRow(1, "", KIND_KO[kind], kind, kind_rev.figure(), kind_exp.figure()))
        summary.extend(
            SummaryRow(
                2, accounts[pk][0], accounts[pk][1], kind, figure(rev_by_account, pk), figure(exp_by_account, pk)
            )
            for pk in members
        )
    summary.insert(0, SummaryRow(0, "", "", "", grand_rev.figure(), grand_exp.figure()))

    # (b) 회계별
    sections = []
    for pk in used:
        code, name, kind = accounts[pk]
        rev_rows = _two_level(rev_by_account_section.get(pk, {}), None, lambda c: codes.name(CodeKind.REVENUE, c))
        exp_rows = _two_level(exp_by_account_sector.get(pk, {}), None, lambda c: codes.name(CodeKind.FUNCTION, c))
        sections.append(
            AccountSection(
                pk,
                code,
                name,
                kind,
                figure(rev_by_account, pk),
                figure(exp_by_account, pk),
                rev_rows,
                exp_rows,
            )
        )

    return Book(
        version=version,
        supplementary=version.kind == VersionKind.SUPPLEMENTARY,
        summary=summary,
        accounts=sections,
        by_function=_two_level(by_sector, sector_split, lambda c: codes.name(CodeKind.FUNCTION, c)),
        by_nature=_two_level(by_item, item_split, lambda c: codes.name(CodeKind.OBJECT, c)),
        departments=department_totals(version),
    )


def department_totals(version: BudgetVersion) -> list[DepartmentTotal]:
    rows = (
        ExpenditureLine.objects.filter(version=version)
        .values_list("project__department_id", "project__department__code", "project__department__name")
        .annotate(a=Sum("amount"), p=Sum("previous_amount"))
        .order_by()
    )
    totals = [
        DepartmentTotal(dept_id or 0, code or "", name or NO_DEPARTMENT_KO, Figure(a or 0, p or 0))
        for dept_id, code, name, a, p in rows
    ]
    # Projects without a department come last, as in the printed book.
    return sorted(totals, key=lambda d: (d.id == 0, d.code))


def _lines_of(version: BudgetVersion, department_id: int | None) -> Any:
    lines = ExpenditureLine.objects.filter(version=version)
    if department_id == 0:
        return lines.filter(project__department__isnull=True)
    if department_id is not None:
        return lines.filter(project__department_id=department_id)
    return lines


def basis_count(version: BudgetVersion, department_id: int | None = None) -> int:
    return CalcBasis.objects.filter(line__in=_lines_of(version, department_id).values("id")).count()


def project_rows(
    version: BudgetVersion, department_id: int | None = None, *, with_basis: bool = True
) -> list[ProjectRow]:
    """(e) 사업별 as flat rows in book order, with every total computed from won: four queries.

    department_id narrows to one department (0: projects without a department)."""
    lines_qs = _lines_of(version, department_id)
    lines = list(lines_qs.values_list("id", "project_id", "object_code", "amount", "previous_amount").order_by())
    if not lines:
        return []
    projects = {
        pk: (code, name, parent_id, dept_id)
        for pk, code, name, parent_id, dept_id in Project.objects.filter(
            government_id=version.government_id, year=version.year
        ).values_list("id", "code", "name", "parent_id", "department_id")
    }
    departments = {
        pk: (code, name)
        for pk, code, name in Department.objects.filter(government_id=version.government_id).values_list(
            "id", "code", "name"
        )
    }
    object_names = dict(
        NationalCode.objects.filter(kind=CodeKind.OBJECT, year=version.year).values_list("code", "name")
    )
    basis: dict[int, list[BasisLine]] = defaultdict(list)
    if with_basis:
        for line_id, description, unit_price, quantity, times, amount in (
            CalcBasis.objects.filter(line__in=lines_qs.values("id"))
            .order_by("line_id", "seq")
            .values_list("line_id", "description", "unit_price", "quantity", "times", "amount")
        ):
            basis[line_id].append(BasisLine(description, unit_price, quantity, times, amount))

    no_project = ("", "", None, None)

    def path(project_id: int) -> tuple[int | None, int | None, int | None]:
        """(policy, unit, detail) project ids; a missing level stays None."""
        unit_id = projects[project_id][2]
        policy_id = projects.get(unit_id, no_project)[2] if unit_id else None
        return policy_id, unit_id, project_id

    sums: dict[tuple[Any, ...], _Sum] = defaultdict(_Sum)
    keyed = []
    for line_id, project_id, obj, amount, previous in lines:
        policy_id, unit_id, detail_id = path(project_id)
        dept_id = projects[project_id][3] or 0
        dept_code = departments.get(dept_id, ("", ""))[0]
        # Sort by codes (the book's order); ids only tell apart levels that are missing.
        key = (
            (dept_id == 0, dept_code, dept_id),
            (projects.get(policy_id, no_project)[0], policy_id or 0),
            (projects.get(unit_id, no_project)[0], unit_id or 0),
            (projects[detail_id][0], detail_id),
            obj,
        )
        for depth in range(1, 5):
            sums[key[:depth]].add(amount, previous)
        keyed.append((key, line_id, amount, previous))
    keyed.sort(key=lambda k: k[0])

    rows: list[ProjectRow] = []
    last: tuple[Any, ...] = ()
    for key, line_id, amount, previous in keyed:
        for depth in range(1, 5):
            if key[:depth] == last[:depth]:
                continue
            figure = sums[key[:depth]].figure()
            if depth == 1:
                dept_id = key[0][2]
                code, name = departments.get(dept_id, ("", NO_DEPARTMENT_KO))
                rows.append(ProjectRow("department", code, name, figure))
            else:
                project_id = key[depth - 1][1]
                if project_id:
                    code, name = projects[project_id][:2]
                    rows.append(ProjectRow(("policy", "unit", "detail")[depth - 2], code, name, figure))
        obj = key[4]
        rows.append(
            ProjectRow(
                "object", obj, object_names.get(obj, obj), Figure(amount, previous), tuple(basis.get(line_id, ()))
            )
        )
        last = key
    return rows


# --- document labels ------------------------------------------------------------------------------------------


def version_label_ko(version: BudgetVersion) -> str:
    return "본예산" if version.number == 0 else f"제{version.number}회 추가경정예산"


def document_title(version: BudgetVersion) -> str:
    return f"{version.year}년도 {version.government.name} {version_label_ko(version)} 예산서"


def _figure_headers(prefix: str, supplementary: bool) -> list[str]:
    if supplementary:
        return [f"{prefix}예산액", f"{prefix}기정액", f"{prefix}증감"]
    return [f"{prefix}예산액"]


def _figure_values(figure: Figure, supplementary: bool) -> list[int]:
    if supplementary:
        return [thousand(figure.amount), thousand(figure.previous), thousand(figure.change)]
    return [thousand(figure.amount)]


def _summary_name(row: SummaryRow) -> str:
    if row.level == 0:
        return "합계"
    if row.level == 1:
        return row.name
    return f"{row.code} {row.name}"


def _row_level_ko(row: Row, first: str, second: str) -> str:
    return ("합계", first, second)[row.level]


# --- XLSX -----------------------------------------------------------------------------------------------------

# Decreases are printed with △ in Korean budget documents.
THOUSANDS_FORMAT = '#,##0;"△"#,##0;0'


class _Sheet:
    """A write-only worksheet: rows are streamed to the file as they are appended, so memory stays flat."""

    def __init__(self, workbook: Any, title: str, widths: Sequence[float], amount_columns: Iterable[int]) -> None:
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.ws = workbook.create_sheet(title)
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.amount_columns = set(amount_columns)
        self.bold = Font(bold=True)

    def _cell(self, value: Any, column: int, bold: bool) -> Any:
        from openpyxl.cell import WriteOnlyCell

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
    from openpyxl import Workbook

    book = build(version)
    sup = book.supplementary
    workbook = Workbook(write_only=True)
    government = version.government

    cover = _Sheet(workbook, "표지", [18, 60], [])
    cover.row([document_title(version)], bold=True)
    cover.plain([])
    for label, value in (
        ("지방자치단체", f"{government.name} ({government.code})"),
        ("회계연도", f"{version.year}년"),
        ("예산", version_label_ko(version)),
        ("상태", STATUS_KO.get(VersionStatus(version.status), version.status)),
        ("작성일시", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("단위", UNIT_NOTE_KO),
    ):
        cover.plain([label, value])
    cover.plain([])
    cover.row(["수록 표"], bold=True)
    for name in ("1. 세입·세출 총괄", "2. 회계별 세입·세출", "3. 분야·부문별 세출", "4. 성질별 세출", "5. 사업별 세출"):
        cover.plain([name])

    n = 3 if sup else 1
    sheet = _Sheet(workbook, "1 세입·세출 총괄", [36] + [16] * (2 * n), range(1, 1 + 2 * n))
    sheet.plain(["세입·세출 총괄", None, UNIT_NOTE_KO])
    sheet.row(["구분", *_figure_headers("세입 ", sup), *_figure_headers("세출 ", sup)], bold=True)
    for s in book.summary:
        name = _summary_name(s)
        if s.level == 2:
            name = "    " + name
        sheet.row([name, *_figure_values(s.revenue, sup), *_figure_values(s.expenditure, sup)], bold=s.level < 2)

    sheet = _Sheet(workbook, "2 회계별", [10, 10, 36] + [16] * n, range(3, 3 + n))
    sheet.plain(["회계별 세입·세출", None, UNIT_NOTE_KO])
    for section in book.accounts:
        sheet.plain([])
        sheet.row([f"{section.code} {section.name} ({KIND_KO[AccountKind(section.kind)]})"], bold=True)
        for title, rows, levels in (
            ("세입", section.revenue_rows, ("장", "관")),
            ("세출", section.expenditure_rows, ("분야", "부문")),
        ):
            sheet.row([title, "코드", "과목", *_figure_headers("", sup)], bold=True)
            for r in rows:
                label = _row_level_ko(r, *levels)
                sheet.row(
                    [label, r.code or None, r.name or f"{title} 계", *_figure_values(r.figure, sup)], bold=r.level < 2
                )

    for title, sheet_title, rows, levels in (
        ("분야·부문별 세출", "3 분야·부문별", book.by_function, ("분야", "부문")),
        ("성질별 세출", "4 성질별", book.by_nature, ("그룹", "편성목")),
    ):
        sheet = _Sheet(workbook, sheet_title, [10, 10, 30] + [16] * (4 + n - 1), range(3, 3 + 4 + n - 1))
        sheet.plain([title, None, UNIT_NOTE_KO])
        sheet.row(
            ["구분", "코드", "명칭", "계", "일반회계", "특별회계", "기금", *_figure_headers("", sup)[1:]], bold=True
        )
        for r in rows:
            values = _figure_values(r.figure, sup)
            sheet.row(
                [
                    _row_level_ko(r, *levels),
                    r.code or None,
                    r.name or None,
                    values[0],
                    *[thousand(a) for a in r.split],
                    *values[1:],
                ],
                bold=r.level < 2,
            )

    sheet = _Sheet(workbook, "5 사업별", [10, 14, 40] + [16] * n + [80], range(3, 3 + n))
    sheet.plain(["사업별 세출 (산출근거 포함)", None, UNIT_NOTE_KO])
    sheet.row(["구분", "코드", "명칭", *_figure_headers("", sup), "산출근거"], bold=True)
    basis_column = 3 + n
    for p in project_rows(version):
        sheet.row([LEVEL_KO[p.level], p.code, p.name, *_figure_values(p.figure, sup)], bold=p.level != "object")
        for b in p.basis:
            sheet.plain([None] * basis_column + [b.text])
    workbook.save(out)


def xlsx_bytes(version: BudgetVersion) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(version, buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------------------------

# Debian's fonts-nanum. Without it, the PDF uses a CID font that every PDF reader supplies (nothing embedded).
NANUM_GOTHIC = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
NANUM_GOTHIC_BOLD = "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
CID_FALLBACK = "HYGothic-Medium"
# Beyond this many 산출근거 lines the PDF gives the lines of 사업별 without their basis (the XLSX has all):
# a PDF of thousands of pages helps nobody, and it takes long to make.
PDF_BASIS_LIMIT = 20_000


def pdf_fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered with reportlab once per process."""
    from reportlab.pdfbase import pdfmetrics

    if os.path.exists(NANUM_GOTHIC):
        from reportlab.pdfbase.ttfonts import TTFont

        registered = set(pdfmetrics.getRegisteredFontNames())
        if "NanumGothic" not in registered:
            pdfmetrics.registerFont(TTFont("NanumGothic", NANUM_GOTHIC))
        bold = "NanumGothic"
        if os.path.exists(NANUM_GOTHIC_BOLD):
            if "NanumGothicBold" not in registered:
                pdfmetrics.registerFont(TTFont("NanumGothicBold", NANUM_GOTHIC_BOLD))
            bold = "NanumGothicBold"
        return "NanumGothic", bold
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK, CID_FALLBACK


def _k(amount: int) -> str:
    """천원 for print: decreases with △ as Korean budget documents write them."""
    value = thousand(amount)
    return f"△{-value:,}" if value < 0 else f"{value:,}"


@dataclass(frozen=True)
class _Column:
    label: str
    width: float
    right: bool = False


class _Pdf:
    """A4 pages of ruled tables drawn straight on the canvas: platypus tables are far too slow for a book of
    tens of thousands of rows. Each page carries the document title, the unit note and its number."""

    SIZE = 7.5
    LEADING = 11.0
    MARGIN = 36.0

    def __init__(self, out: Any, title: str) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfgen import canvas

        self.width, self.height = A4
        self.canvas = canvas.Canvas(out, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("Lofin")
        self.font, self.bold = pdf_fonts()
        self.title = title
        self.string_width = stringWidth
        self.columns: list[_Column] = []
        self.name_column = 2
        self.section = ""
        self.y = 0.0
        self.page_started = False

    # page furniture
    def _start_page(self) -> None:
        c = self.canvas
        c.setFont(self.font, 7)
        c.setFillGray(0.35)
        c.drawString(self.MARGIN, self.height - 24, self.title)
        c.drawRightString(self.width - self.MARGIN, self.height - 24, UNIT_NOTE_KO)
        c.drawCentredString(self.width / 2, 20, f"- {c.getPageNumber()} -")
        c.setFillGray(0)
        self.y = self.height - self.MARGIN - 8
        self.page_started = True

    def _end_page(self) -> None:
        if self.page_started:
            self.canvas.showPage()
            self.page_started = False

    def _room(self, lines: int = 1) -> None:
        if not self.page_started:
            self._start_page()
        if self.y - lines * self.LEADING < self.MARGIN + 4:
            self._end_page()
            self._start_page()
            if self.columns:
                self._heading(f"{self.section} (계속)", 10)
                self._header_row()

    def _heading(self, text: str, size: float) -> None:
        self.canvas.setFont(self.bold, size)
        self.canvas.drawString(self.MARGIN, self.y - size, text)
        self.y -= size + 8

    def _header_row(self) -> None:
        c = self.canvas
        top = self.y
        c.setFillGray(0.9)
        c.rect(self.MARGIN, top - self.LEADING - 2, self.width - 2 * self.MARGIN, self.LEADING + 2, stroke=0, fill=1)
        c.setFillGray(0)
        self._cells([col.label for col in self.columns], bold=True)
        c.setLineWidth(0.5)
        c.line(self.MARGIN, self.y + 2, self.width - self.MARGIN, self.y + 2)

    def _fit(self, text: str, width: float, font: str) -> str:
        # Hangul is about one em wide, Latin about half: only text that might overflow is measured.
        if len(text) * self.SIZE * 0.5 <= width:
            return text
        if self.string_width(text, font, self.SIZE) <= width:
            return text
        while text and self.string_width(text + "…", font, self.SIZE) > width:
            text = text[: max(len(text) - max(len(text) // 8, 1), 0)]
        return text + "…"

    def _cells(self, values: Sequence[str], *, bold: bool = False, indent: float = 0.0) -> None:
        c = self.canvas
        font = self.bold if bold else self.font
        c.setFont(font, self.SIZE)
        baseline = self.y - self.LEADING + 2.5
        x = self.MARGIN
        for i, (col, value) in enumerate(zip(self.columns, values, strict=False)):
            if value:
                pad = indent if i == self.name_column else 0.0
                text = self._fit(value, col.width - 4 - pad, font)
                if col.right:
                    c.drawRightString(x + col.width - 2, baseline, text)
                else:
                    c.drawString(x + 2 + pad, baseline, text)
            x += col.width
        self.y -= self.LEADING

    # the document's parts
    def cover(self, lines: Sequence[tuple[str, str]], contents: Sequence[str], note: str) -> None:
        self._start_page()
        c = self.canvas
        c.setFont(self.bold, 20)
        c.drawCentredString(self.width / 2, self.height * 0.62, self.title)
        c.setFont(self.font, 11)
        y = self.height * 0.52
        for label, value in lines:
            c.drawString(self.width * 0.28, y, label)
            c.drawString(self.width * 0.45, y, value)
            y -= 18
        y -= 12
        c.setFont(self.bold, 11)
        c.drawString(self.width * 0.28, y, "수록 표")
        c.setFont(self.font, 10)
        for item in contents:
            y -= 16
            c.drawString(self.width * 0.30, y, item)
        if note:
            c.setFont(self.font, 8.5)
            c.drawString(self.width * 0.28, y - 28, note)
        self._end_page()

    def table(self, title: str, columns: Sequence[_Column], *, name_column: int = 2) -> None:
        """Start a table on a new page; rows are indented by level in the name column."""
        self._end_page()
        self.section = title
        self.columns = list(columns)
        self.name_column = name_column
        self._start_page()
        self._heading(title, 12)
        self._header_row()

    def subheading(self, text: str) -> None:
        self._room(3)
        self.y -= 4
        self.canvas.setFont(self.bold, 9)
        self.canvas.drawString(self.MARGIN, self.y - 9, text)
        self.y -= 13

    def row(self, values: Sequence[str], *, bold: bool = False, indent: float = 0.0, rule: bool = False) -> None:
        self._room()
        self._cells(values, bold=bold, indent=indent)
        if rule:
            self.canvas.setLineWidth(0.3)
            self.canvas.line(self.MARGIN, self.y + 1.5, self.width - self.MARGIN, self.y + 1.5)

    def note_row(self, text: str, left: float) -> None:
        """A line of text across the row from `left` (산출근거 under its 통계목)."""
        self._room()
        self.canvas.setFont(self.font, self.SIZE - 0.5)
        width = self.width - self.MARGIN - left - 2
        self.canvas.drawString(left, self.y - self.LEADING + 2.5, self._fit(text, width, self.font))
        self.y -= self.LEADING

    def save(self) -> None:
        self._end_page()
        self.canvas.save()


def write_pdf(version: BudgetVersion, out: Any) -> None:
    """The book as an A4 PDF with Korean text: the same tables as the XLSX."""
    book = build(version)
    sup = book.supplementary
    government = version.government
    with_basis = basis_count(version) <= PDF_BASIS_LIMIT
    pdf = _Pdf(out, document_title(version))

    def figures(figure: Figure) -> list[str]:
        if sup:
            return [_k(figure.amount), _k(figure.previous), _k(figure.change)]
        return [_k(figure.amount)]

    omitted = "" if with_basis else "※ 산출근거는 분량이 많아 PDF에서는 생략하였습니다. XLSX 파일에 모두 들어 있습니다."
    pdf.cover(
        [
            ("지방자치단체", f"{government.name} ({government.code})"),
            ("회계연도", f"{version.year}년"),
            ("예산", version_label_ko(version)),
            ("상태", STATUS_KO.get(VersionStatus(version.status), version.status)),
            ("작성일시", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            ("단위", UNIT_NOTE_KO),
        ],
        ["1. 세입·세출 총괄", "2. 회계별 세입·세출", "3. 분야·부문별 세출", "4. 성질별 세출", "5. 사업별 세출"],
        omitted,
    )

    amount_width = 58.0 if sup else 80.0
    n = 3 if sup else 1
    usable = pdf.width - 2 * pdf.MARGIN

    labels = _figure_headers("", sup)
    pdf.table(
        "1. 세입·세출 총괄",
        [_Column("구분", usable - 2 * n * amount_width)]
        + [_Column(f"세입 {h}", amount_width, True) for h in labels]
        + [_Column(f"세출 {h}", amount_width, True) for h in labels],
        name_column=0,
    )
    for s in book.summary:
        pdf.row(
            [_summary_name(s), *figures(s.revenue), *figures(s.expenditure)],
            bold=s.level < 2,
            indent=10.0 if s.level == 2 else 0.0,
            rule=s.level == 0,
        )

    pdf.table(
        "2. 회계별 세입·세출",
        [_Column("구분", 34), _Column("코드", 40), _Column("과목", usable - 74 - n * amount_width)]
        + [_Column(h, amount_width, True) for h in labels],
    )
    for section in book.accounts:
        pdf.subheading(f"{section.code} {section.name} ({KIND_KO[AccountKind(section.kind)]})")
        for title, rows, levels in (
            ("세입", section.revenue_rows, ("장", "관")),
            ("세출", section.expenditure_rows, ("분야", "부문")),
        ):
            for r in rows:
                pdf.row(
                    [_row_level_ko(r, *levels), r.code, r.name or f"{title} 계", *figures(r.figure)],
                    bold=r.level < 2,
                    indent=8.0 if r.level == 2 else 0.0,
                    rule=r.level == 0,
                )

    split_width = 52.0
    for title, rows, levels in (
        ("3. 분야·부문별 세출", book.by_function, ("분야", "부문")),
        ("4. 성질별 세출", book.by_nature, ("그룹", "편성목")),
    ):
        extra = ["기정액", "증감"] if sup else []
        pdf.table(
            title,
            [_Column("구분", 34), _Column("코드", 30), _Column("명칭", usable - 64 - (4 + len(extra)) * split_width)]
            + [_Column(h, split_width, True) for h in ("계", "일반회계", "특별회계", "기금", *extra)],
        )
        for r in rows:
            values = figures(r.figure)
            pdf.row(
                [
                    _row_level_ko(r, *levels),
                    r.code,
                    r.name or "세출 계",
                    values[0],
                    *[_k(a) for a in r.split],
                    *values[1:],
                ],
                bold=r.level < 2,
                indent=8.0 if r.level == 2 else 0.0,
                rule=r.level == 0,
            )

    pdf.table(
        "5. 사업별 세출" + ("" if with_basis else " (산출근거 생략)"),
        [_Column("구분", 40), _Column("코드", 60), _Column("명칭", usable - 100 - n * amount_width)]
        + [_Column(h, amount_width, True) for h in labels],
    )
    if omitted:
        pdf.note_row(omitted, pdf.MARGIN + 2)
    indents = {"department": 0.0, "policy": 4.0, "unit": 8.0, "detail": 12.0, "object": 16.0}
    basis_left = pdf.MARGIN + 100 + 20
    for p in project_rows(version, with_basis=with_basis):
        pdf.row(
            [LEVEL_KO[p.level], p.code, p.name, *figures(p.figure)],
            bold=p.level == "department",
            indent=indents[p.level],
            rule=p.level == "department",
        )
        for b in p.basis:
            pdf.note_row("· " + b.text, basis_left)
    pdf.save()


def pdf_bytes(version: BudgetVersion) -> bytes:
    buffer = io.BytesIO()
    write_pdf(version, buffer)
    return buffer.getvalue()
