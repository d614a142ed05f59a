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

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Substr

from lofin.budget.models import (
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
from lofin.core.models import Department
from lofin.core.money import format_won, in_unit

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

    @property
    def kind_label(self) -> Any:
        """The kind of account in the reader's language (the page; the documents use KIND_KO)."""
        return AccountKind(self.kind).label if self.kind else ""


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

    @property
    def kind_label(self) -> Any:
        return AccountKind(self.kind).label


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
        code, name, account_kind = accounts[pk]
        rev_rows = _two_level(rev_by_account_section.get(pk, {}), None, lambda c: codes.name(CodeKind.REVENUE, c))
        exp_rows = _two_level(exp_by_account_sector.get(pk, {}), None, lambda c: codes.name(CodeKind.FUNCTION, c))
        sections.append(
            AccountSection(
                pk,
                code,
                name,
                account_kind,
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
    projects: dict[int, tuple[str, str, int | None, int | None]] = {
        pk: (code, name, parent_id, dept_id)
        for pk, code, name, parent_id, dept_id in Project.objects.filter(
            government_id=version.government_id, year=version.year
        ).values_list("id", "code", "name", "parent_id", "department_id")
    }
    departments: dict[int, tuple[str, str]] = {
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

    def parent(pk: int | None) -> int | None:
        return projects[pk][2] if pk in projects else None

    def code(pk: int | None) -> str:
        return projects[pk][0] if pk in projects else ""

    sums: dict[tuple[Any, ...], _Sum] = defaultdict(_Sum)
    keyed = []
    for line_id, detail_id, obj, amount, previous in lines:
        unit_id = parent(detail_id)
        policy_id = parent(unit_id)
        dept_id = projects[detail_id][3] or 0
        # Sort by codes (the book's order); ids tell apart levels that are missing (0) or share a code.
        key: tuple[Any, ...] = (
            (dept_id == 0, departments.get(dept_id, ("", ""))[0], dept_id),
            (code(policy_id), policy_id or 0),
            (code(unit_id), unit_id or 0),
            (code(detail_id), detail_id),
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
                dept_code, dept_name = departments.get(key[0][2], ("", NO_DEPARTMENT_KO))
                rows.append(ProjectRow("department", dept_code, dept_name, figure))
            elif project_id := key[depth - 1][1]:
                project_code, project_name = projects[project_id][:2]
                rows.append(ProjectRow(("policy", "unit", "detail")[depth - 2], project_code, project_name, figure))
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


def figure_headers(prefix: str, supplementary: bool) -> list[str]:
    if supplementary:
        return [f"{prefix}예산액", f"{prefix}기정액", f"{prefix}증감"]
    return [f"{prefix}예산액"]


def figure_values(figure: Figure, supplementary: bool) -> list[int]:
    if supplementary:
        return [thousand(figure.amount), thousand(figure.previous), thousand(figure.change)]
    return [thousand(figure.amount)]


def summary_name(row: SummaryRow) -> str:
    if row.level == 0:
        return "합계"
    if row.level == 1:
        return row.name
    return f"{row.code} {row.name}"


def row_level_ko(row: Row, first: str, second: str) -> str:
    return ("합계", first, second)[row.level]
