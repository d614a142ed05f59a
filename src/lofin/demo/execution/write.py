"""Writing a planned year in bulk, inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

Rows are exactly what the actions would have written one by one (execution.actions, execution.revenue_actions):
the line counters, each document with its idempotency key in the actions' format, consecutive 지급명령번호 in date
order with the document counter left where the next payment continues, the 금고's report of each paid order, and
one balanced journal entry per commitment, payment, assessment and receipt with the ledgers the actions use (the
accounting service's 자동분개 mapping), and the asset register's row for each payment on a capital 통계목. The
optional 지출결의 step is left out: the demo orders payments straight from the commitment, as the API allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from lofin.accounting import chart
from lofin.accounting.chart import CASH as CASH_LEDGER
from lofin.accounting.chart import ENCUMBRANCE, ENCUMBRANCE_RESERVE
from lofin.accounting.chart import WITHHOLDING as WITHHOLDING_LEDGER
from lofin.accounting.models import FixedAsset, JournalEntry, JournalLine
from lofin.execution.models import (
    Allocation,
    Assessment,
    BudgetLine,
    Commitment,
    DocumentCounter,
    Office,
    OfficeKind,
    PaymentConfirmation,
    PaymentOrder,
    Receipt,
    Withholding,
)
from lofin.execution.queries.revenue import ledgers_for

from .creditors import Creditors
from .plan import Calendar, Plan
from .revenue import RevenueItem, RevenuePlan

LINE_COLUMNS = (
    "id",
    "government_id",
    "year",
    "account_id",
    "project_id",
    "object_code",
    "budget_amount",
    "transfer_amount",
    "reserve_amount",
    "carried_in",
    "appropriation",
    "allocated",
    "sub_allocated",
    "committed",
    "sub_committed",
    "paid",
    "budget_version",
)
ALLOCATION_COLUMNS = ("line_id", "government_id", "kind", "period", "amount", "created_at", "created_by_id")
COMMITMENT_COLUMNS = (
    "id",
    "government_id",
    "line_id",
    "office_id",
    "amount",
    "paid_amount",
    "creditor",
    "creditor_number",
    "purpose",
    "kind",
    "status",
    "committed_on",
    "committed_by_id",
    "created_at",
    "idempotency_key",
)
PAYMENT_COLUMNS = (
    "id",
    "government_id",
    "commitment_id",
    "office_id",
    "number",
    "fiscal_year",
    "amount",
    "withholding_amount",
    "refunded_amount",
    "payee_name",
    "payee_number",
    "payee_bank",
    "payee_account",
    "status",
    "is_advance",
    "claimed_on",
    "head_approval",
    "issued_on",
    "issued_by_id",
    "created_at",
    "idempotency_key",
)
WITHHOLDING_COLUMNS = ("payment_id", "kind", "amount")
ASSET_COLUMNS = (
    "government_id",
    "account_id",
    "asset_class",
    "ledger_code",
    "object_code",
    "acquired_on",
    "fiscal_year",
    "cost",
    "useful_life",
    "depreciated",
    "source_type",
    "source_id",
    "description",
)
CONFIRMATION_COLUMNS = ("government_id", "payment_id", "paid_on", "bank_reference", "confirmed_by_id", "created_at")
ENTRY_COLUMNS = (
    "id",
    "government_id",
    "account_id",
    "fiscal_year",
    "posted_on",
    "source_type",
    "source_id",
    "description",
    "created_at",
    "created_by_id",
)
JOURNAL_LINE_COLUMNS = ("entry_id", "ledger_code", "debit", "credit")
ASSESSMENT_COLUMNS = (
    "id",
    "government_id",
    "year",
    "account_id",
    "revenue_code",
    "payer_name",
    "payer_number",
    "amount",
    "collected_amount",
    "status",
    "assessed_on",
    "notice_on",
    "due_on",
    "interrupted_on",
    "decided_by_id",
    "idempotency_key",
)
RECEIPT_COLUMNS = (
    "id",
    "government_id",
    "assessment_id",
    "amount",
    "received_on",
    "channel",
    "deposited_on",
    "deposit_late",
    "refunded_amount",
    "recorded_by_id",
    "idempotency_key",
)
# Whole 1억 won steps of 자금배정: each month the 지출원's ceiling is raised to cover that month's payments.
CASH_STEP = 100_000_000


class Bulk:
    """Bulk inserts inside the caller's transaction."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.rows = 0

    def reserve_ids(self, model: type[Any], count: int) -> list[int]:
        """Ids for rows that other rows point to before they are written."""
        if count == 0:
            return []
        table = model._meta.db_table
        if self.vendor == "postgresql":
            # nextval hands out ids no other session gets, so concurrent writers never collide.
            with self.raw.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (BEGIN IMMEDIATE), so nobody inserts between reading the
        # highest id and writing ours; AUTOINCREMENT never reuses an id it handed out.
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
                    self.rows += 1
            return
        rows = list(rows)
        self.rows += len(rows)
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def stamp(self, day: dt.date) -> str:
        """09:00 in Seoul on `day`, stored in UTC as Django stores an aware datetime on each database."""
        text = f"{day.isoformat()} 00:00:00"
        return text + "+00:00" if self.vendor == "postgresql" else text


@dataclass
class Actors:
    budget: int  # 예산담당: allocations
    finance: int  # 재무관: commitments
    disburse: int  # 지출원: payment orders
    revenue: int  # 징수관 (or the operator recording the tax systems' interface)


def _offices(government_id: int, year: int, place: str) -> tuple[Office, Office]:
    finance = Office.objects.create(
        government_id=government_id,
        year=year,
        code="F01",
        name=f"{place} 재무관",
        kind=OfficeKind.FINANCE,
        staff_count=12,
    )
    disbursing = Office.objects.create(
        government_id=government_id,
        year=year,
        code="D01",
        name=f"{place} 지출원",
        kind=OfficeKind.DISBURSING,
        staff_count=6,
    )
    return finance, disbursing


class Journal:
    """Balanced entries with ids reserved up front, gathered for one bulk insert."""

    def __init__(self, bulk: Bulk, count: int, government_id: int, year: int) -> None:
        self.ids = iter(bulk.reserve_ids(JournalEntry, count))
        self.government_id, self.year = government_id, year
        self.entries: list[tuple[Any, ...]] = []
        self.lines: list[tuple[int, str, int, int]] = []

    def post(
        self,
        account_id: int,
        day: str,
        stamp: str,
        source: tuple[str, int],
        description: str,
        actor: int,
        lines: Sequence[tuple[str, int, int]],
    ) -> None:
        entry = next(self.ids)
        self.entries.append(
            (entry, self.government_id, account_id, self.year, day, *source, description[:200], stamp, actor)
        )
        self.lines += [(entry, code, debit, credit) for code, debit, credit in lines]

    def write(self, bulk: Bulk) -> None:
        bulk.insert(JournalEntry, ENTRY_COLUMNS, self.entries)
        bulk.insert(JournalLine, JOURNAL_LINE_COLUMNS, self.lines)


def write_year(
    bulk: Bulk,
    *,
    government_id: int,
    place: str,
    version_number: int,
    calendar: Calendar,
    plan: Plan,
    revenue_items: list[RevenueItem],
    revenue: RevenuePlan,
    creditors: Creditors,
    actors: Actors,
    as_of: dt.date | None,
) -> dict[str, int]:
    """Insert one government's year; the caller holds the transaction. Returns the rows written per kind."""
    days = [d.isoformat() for d in calendar.days]
    stamps = [bulk.stamp(d) for d in calendar.days]
    documents = len(plan.commitments) + len(plan.payments) + len(revenue.assessments) + len(revenue.receipts)
    journal = Journal(bulk, documents, government_id, plan.year)
    finance, disbursing = _offices(government_id, plan.year, place)
    # A payment order of the demo's today is still with the 금고; earlier ones are paid.
    today = as_of.isoformat() if as_of is not None else ""
    counts = _expenditure(
        bulk, journal, (finance, disbursing), version_number, calendar, plan, creditors, actors, today
    )
    counts |= _revenue(bulk, journal, government_id, plan.year, days, stamps, revenue_items, revenue, actors)
    journal.write(bulk)
    counts |= {"journal_entries": len(journal.entries), "journal_lines": len(journal.lines)}
    return counts


def _expenditure(
    bulk: Bulk,
    journal: Journal,
    offices: tuple[Office, Office],
    version_number: int,
    calendar: Calendar,
    plan: Plan,
    creditors: Creditors,
    actors: Actors,
    today: str,
) -> dict[str, int]:
    year, government_id = plan.year, journal.government_id
    finance, disbursing = offices
    days = [d.isoformat() for d in calendar.days]
    stamps = [bulk.stamp(d) for d in calendar.days]
    line_ids = bulk.reserve_ids(BudgetLine, len(plan.lines))
    bulk.insert(
        BudgetLine,
        LINE_COLUMNS,
        (
            (
                *(line_ids[i], government_id, year, item.account_id, item.project_id, item.object_code, item.amount),
                *(0, 0, 0, item.amount, plan.allocated[i], 0, plan.committed[i], 0, plan.paid[i], version_number),
            )
            for i, item in enumerate(plan.lines)
        ),
    )
    bulk.insert(
        Allocation,
        ALLOCATION_COLUMNS,
        (
            (line_ids[line], government_id, kind, period, amount, stamps[day], actors.budget)
            for line, kind, period, amount, day in plan.allocations
        ),
    )

    # Commitments, each with its entry: Dr 9210 지출원인행위 / Cr 9220.
    commitment_ids = bulk.reserve_ids(Commitment, len(plan.commitments))
    key = f"{government_id}:{actors.finance}:demo-{year}-c"
    rows: list[tuple[Any, ...]] = []
    for n, (line, amount, paid, creditor_kind, creditor, purpose, kind, day) in enumerate(plan.commitments):
        who = creditors.get(creditor_kind, creditor)
        rows.append(
            (
                *(commitment_ids[n], government_id, line_ids[line], finance.pk, amount, paid, who.name, who.number),
                *(purpose, kind, "active", days[day], actors.finance, stamps[day], f"{key}{n + 1}"),
            )
        )
        journal.post(
            plan.lines[line].account_id,
            days[day],
            stamps[day],
            ("execution.commitment", commitment_ids[n]),
            purpose,
            actors.finance,
            ((ENCUMBRANCE, amount, 0), (ENCUMBRANCE_RESERVE, 0, amount)),
        )
    bulk.insert(Commitment, COMMITMENT_COLUMNS, rows)

    # Payment orders, numbered in the order they were issued: Dr expense / Cr cash (and 원천징수), and the
    # encumbrance released.
    order = sorted(range(len(plan.payments)), key=lambda p: (plan.payments[p][2], p))
    payment_ids = bulk.reserve_ids(PaymentOrder, len(order))
    key = f"{government_id}:{actors.disburse}:demo-{year}-p"
    rows, withholdings, confirmations = [], [], []
    monthly_paid = [0] * 13
    rules_by_code: dict[str, chart.Rule] = {}
    fixed_assets: list[tuple[Any, ...]] = []
    for n, p in enumerate(order):
        commitment, amount, day, advance, claimed, withheld = plan.payments[p]
        line, _amount, _paid, creditor_kind, creditor = plan.commitments[commitment][:5]
        who = creditors.get(creditor_kind, creditor)
        number = f"{year}-{n + 1:07d}"
        withheld_total = sum(value for _kind, value in withheld)
        rows.append(
            (
                *(payment_ids[n], government_id, commitment_ids[commitment], disbursing.pk, number, year, amount),
                *(withheld_total, 0, who.name, who.number, who.bank, who.account),
                "issued" if days[day] == today else "paid",
                advance,
                *(None if claimed is None else days[claimed], False, days[day], actors.disburse, stamps[day]),
                f"{key}{n + 1}",
            )
        )
        withholdings += [(payment_ids[n], kind, value) for kind, value in withheld if value > 0]
        if days[day] != today:
            # The 금고 transfers the same day and reports it; the 지출원 records the report (issued → paid).
            confirmations.append(
                (government_id, payment_ids[n], days[day], f"T{year}{n + 1:07d}", actors.disburse, stamps[day])
            )
        monthly_paid[calendar.month_of(day)] += amount
        item = plan.lines[line]
        code = item.object_code
        rule = rules_by_code.get(code) or rules_by_code.setdefault(code, chart.expense_rule(code, year))
        ledger = rule.debit
        if rule.asset_class:
            # As do_issue_payment: a capital 통계목 buys an asset for the register the depreciation reads.
            fixed_assets.append(
                (
                    *(government_id, item.account_id, rule.asset_class, ledger, code, days[day], year, amount),
                    *(rule.useful_life, 0, "execution.payment", payment_ids[n], f"{number} {who.name}"[:200]),
                )
            )
        entry_lines = [
            (ledger, amount, 0),
            (CASH_LEDGER, 0, amount - withheld_total),
            (ENCUMBRANCE_RESERVE, amount, 0),
            (ENCUMBRANCE, 0, amount),
        ]
        if withheld_total:
            entry_lines.append((WITHHOLDING_LEDGER, 0, withheld_total))
        journal.post(
            item.account_id,
            days[day],
            stamps[day],
            ("execution.payment", payment_ids[n]),
            f"{number} {who.name}",
            actors.disburse,
            entry_lines,
        )
    bulk.insert(PaymentOrder, PAYMENT_COLUMNS, rows)
    bulk.insert(Withholding, WITHHOLDING_COLUMNS, withholdings)
    bulk.insert(PaymentConfirmation, CONFIRMATION_COLUMNS, confirmations)
    bulk.insert(FixedAsset, ASSET_COLUMNS, fixed_assets)
    # 자금배정: each month the 지출원's ceiling was raised by whole steps to cover that month's payments.
    paid_total = sum(monthly_paid)
    limit = sum(-(-amount // CASH_STEP) * CASH_STEP for amount in monthly_paid)
    Office.objects.filter(pk=disbursing.pk).update(limit_amount=limit, paid_amount=paid_total)
    if order:
        # The next payment order of the year continues the numbering.
        DocumentCounter.objects.create(government_id=government_id, year=year, kind="payment", value=len(order))
    return {
        "budget_lines": len(plan.lines),
        "allocations": len(plan.allocations),
        "commitments": len(plan.commitments),
        "payments": len(order),
        "withholdings": len(withholdings),
        "confirmations": len(confirmations),
        "committed": sum(plan.committed),
        "paid": paid_total,
    }


def _revenue(
    bulk: Bulk,
    journal: Journal,
    government_id: int,
    year: int,
    days: list[str],
    stamps: list[str],
    items: list[RevenueItem],
    revenue: RevenuePlan,
    actors: Actors,
) -> dict[str, int]:
    """징수결의 (Dr receivable / Cr revenue by chapter) and 수납 through the 금고 (Dr cash / Cr receivable)."""
    assessment_ids = bulk.reserve_ids(Assessment, len(revenue.assessments))
    key = f"{government_id}:{actors.revenue}:demo-{year}-a"
    rows: list[tuple[Any, ...]] = []
    for n, (item, amount, collected, payer, _way, assessed, notice, due_on) in enumerate(revenue.assessments):
        source = items[item]
        notice_day = None if notice is None else days[notice]
        status = "collected" if collected == amount else "open"
        rows.append(
            (
                *(assessment_ids[n], government_id, year, source.account_id, source.revenue_code, payer, ""),
                *(amount, collected, status, days[assessed], notice_day),
                *(None if due_on is None else due_on.isoformat(), notice_day, actors.revenue, f"{key}{n + 1}"),
            )
        )
        receivable, credited = ledgers_for(source.revenue_code)
        journal.post(
            source.account_id,
            days[assessed],
            stamps[assessed],
            ("execution.assessment", assessment_ids[n]),
            f"징수결의 {source.revenue_code} {payer}",
            actors.revenue,
            ((receivable, amount, 0), (credited, 0, amount)),
        )
    bulk.insert(Assessment, ASSESSMENT_COLUMNS, rows)
    receipt_ids = bulk.reserve_ids(Receipt, len(revenue.receipts))
    key = f"{government_id}:{actors.revenue}:demo-{year}-r"
    rows = []
    for n, (a, amount, day) in enumerate(revenue.receipts):
        item, payer = revenue.assessments[a][0], revenue.assessments[a][3]
        source = items[item]
        rows.append(
            (
                *(receipt_ids[n], government_id, assessment_ids[a], amount, days[day], "treasury", days[day]),
                *(False, 0, actors.revenue, f"{key}{n + 1}"),
            )
        )
        receivable, _credited = ledgers_for(source.revenue_code)
        journal.post(
            source.account_id,
            days[day],
            stamps[day],
            ("execution.receipt", receipt_ids[n]),
            f"수납 {source.revenue_code} {payer}",
            actors.revenue,
            ((CASH_LEDGER, amount, 0), (receivable, 0, amount)),
        )
    bulk.insert(Receipt, RECEIPT_COLUMNS, rows)
    return {
        "assessments": len(revenue.assessments),
        "receipts": len(revenue.receipts),
        "collected": sum(amount for _a, amount, _d in revenue.receipts),
    }
