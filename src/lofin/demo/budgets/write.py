"""Writing a government's plan: departments and accounts through the ORM, the bulk rows by COPY on PostgreSQL
and executemany on SQLite, with ids reserved up front so that rows can point to rows not yet written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from lofin.budget.models import (
    Account,
    BudgetVersion,
    CalcBasis,
    ExpenditureLine,
    PerformanceTarget,
    Project,
    RevenueLine,
    VersionStatus,
)
from lofin.core.models import Department, LocalGovernment

from .specs import GovernmentPlan, VersionPlan
from .targets import targets_for
from .totals import YEARS

PROJECT_COLUMNS = (
    "id",
    "government_id",
    "year",
    "level",
    "code",
    "name",
    "parent_id",
    "account_id",
    "department_id",
    "function_code",
    "gender_sensitive",
    "gender_goal",
    "state_share_bp",
    "investment_review",
    "transfer_allowed",
)
LINE_COLUMNS = (
    "id",
    "version_id",
    "government_id",
    "account_id",
    "project_id",
    "object_code",
    "previous_amount",
    "requested_amount",
    "proposed_amount",
    "amount",
    "state_amount",
    "province_amount",
    "adjust_reason",
    "amend_reason",
    "added_by_council",
)
BASIS_COLUMNS = ("line_id", "seq", "description", "unit_price", "quantity", "times", "amount")
REVENUE_COLUMNS = (
    "version_id",
    "government_id",
    "account_id",
    "department_id",
    "revenue_code",
    "previous_amount",
    "requested_amount",
    "proposed_amount",
    "amount",
    "basis_text",
    "adjust_reason",
    "amend_reason",
)


class BulkWriter:
    """Bulk inserts inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection

    def reserve_ids(self, model: type[Any], count: int) -> list[int]:
        """Ids for rows that other rows point to before they are written."""
        table = model._meta.db_table
        if count == 0:
            return []
        if self.vendor == "postgresql":
            # nextval hands out ids no other session gets, so concurrent writers never collide.
            with self.raw.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the database's write lock (BEGIN IMMEDIATE), so nobody inserts between
        # reading the highest id and writing ours; AUTOINCREMENT never reuses an id it handed out.
        highest = self.raw.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]  # noqa: S608
        sequence = self.raw.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
        start = max(highest, sequence[0] if sequence else 0) + 1
        return list(range(start, start + count))

    def insert(self, model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        table = model._meta.db_table
        names = ", ".join(columns)
        if self.vendor == "postgresql":
            with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _ensure_departments(gov: LocalGovernment, wanted: list[tuple[str, str, str | None]]) -> dict[str, int]:
    """The plan's departments, reusing those the people loader (or an operator) made; bureaus first."""
    existing = dict(Department.objects.filter(government=gov).values_list("code", "id"))
    for is_division in (False, True):
        missing = [
            Department(
                government=gov, code=code, name=name, parent_id=existing.get(parent) if parent is not None else None
            )
            for code, name, parent in wanted
            if (parent is not None) == is_division and code not in existing
        ]
        for department in Department.objects.bulk_create(missing):
            existing[department.code] = department.pk
    return existing


def _ensure_accounts(gov: LocalGovernment, wanted: list[tuple[str, str, str]]) -> dict[str, int]:
    existing = dict(Account.objects.filter(government=gov).values_list("code", "id"))
    missing = [Account(government=gov, code=c, name=n, kind=k) for c, n, k in wanted if c not in existing]
    for account in Account.objects.bulk_create(missing):
        existing[account.code] = account.pk
    return existing


def _create_versions(gov: LocalGovernment, plans: list[VersionPlan]) -> list[int]:
    ids: list[int] = []
    for plan in plans:
        version = BudgetVersion.objects.create(
            government=gov,
            year=plan.year,
            number=plan.number,
            kind=plan.kind,
            status=VersionStatus.CONFIRMED,
            based_on_id=ids[plan.based_on] if plan.based_on is not None else None,
            requests_closed_at=plan.requests_closed_at,
            submitted_at=plan.submitted_at,
            voted_on=plan.voted_on,
            confirmed_at=plan.confirmed_at,
            total_amount=plan.total_amount,
        )
        # created_at is auto_now_add; the demo dates it to when the budget was opened, not to the load.
        BudgetVersion.objects.filter(pk=version.pk).update(created_at=plan.created_at)
        ids.append(version.pk)
    return ids


def write_plan(gov: LocalGovernment, plan: GovernmentPlan) -> dict[str, int]:
    """Insert a government's plan; the caller holds the transaction. Returns the rows written per table."""
    writer = BulkWriter()
    departments = _ensure_departments(gov, plan.departments)
    accounts = _ensure_accounts(gov, plan.accounts)
    project_ids = writer.reserve_ids(Project, len(plan.projects))
    writer.insert(
        Project,
        PROJECT_COLUMNS,
        (
            (
                *(project_ids[i], gov.pk, year, level, code, name, None if parent is None else project_ids[parent]),
                *(accounts[account], departments[department], function, gender, goal, bp, review, transfer),
            )
            for i, (
                year,
                level,
                code,
                name,
                parent,
                account,
                department,
                function,
                gender,
                goal,
                bp,
                review,
                transfer,
            ) in enumerate(plan.projects)
        ),
    )
    targets = [
        PerformanceTarget(government=gov, project_id=project_ids[i], **row)
        for i, (year, level, code, _name, _parent, _account, _department, function, *_rest) in enumerate(plan.projects)
        if level == "policy"
        for row in targets_for(gov.code, year, code, function)
    ]
    PerformanceTarget.objects.bulk_create(targets, batch_size=500)
    version_ids = _create_versions(gov, plan.versions)
    line_ids = writer.reserve_ids(ExpenditureLine, len(plan.lines))
    writer.insert(
        ExpenditureLine,
        LINE_COLUMNS,
        (
            (
                *(line_ids[i], version_ids[version], gov.pk, accounts[account], project_ids[project], code, previous),
                *(amount, amount, amount, state, province, "", "", False),
            )
            for i, (version, account, project, code, previous, amount, state, province) in enumerate(plan.lines)
        ),
    )
    writer.insert(CalcBasis, BASIS_COLUMNS, ((line_ids[line], *rest) for line, *rest in plan.basis))
    writer.insert(
        RevenueLine,
        REVENUE_COLUMNS,
        (
            (
                *(version_ids[version], gov.pk, accounts[account], departments[department], code, previous),
                *(amount, amount, amount, text, "", ""),
            )
            for version, account, department, code, previous, amount, text in plan.revenues
        ),
    )
    return {
        "accounts": len(plan.accounts),
        "projects": len(plan.projects),
        "versions": len(plan.versions),
        "expenditure_lines": len(plan.lines),
        "calc_basis": len(plan.basis),
        "revenue_lines": len(plan.revenues),
        "performance_targets": len(targets),
    }


def has_budgets(gov: LocalGovernment) -> bool:
    """A government whose budgets (or projects) for the demo years exist is left alone: a re-run after a crash
    resumes with the next government, and data someone entered is never overwritten."""
    return (
        BudgetVersion.objects.filter(government=gov, year__in=YEARS).exists()
        or Project.objects.filter(government=gov, year__in=YEARS).exists()
    )
