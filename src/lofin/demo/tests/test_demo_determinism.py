"""The demo is deterministic: the same seed gives the same data, to the won and the day, on either database.

The data is digested by natural keys (ids differ between databases) and compared with the digest committed here, so
one load checks it against every earlier load, on SQLite and PostgreSQL alike, in any process. These tests load into
an empty database, so they live apart from the modules that share one loaded `tiny` (`lofin.demo.testing.tiny_once`).

A change to the demo data on purpose changes a digest: the failing test prints the new one to commit in its place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.db import connection, transaction

from lofin.budget.models import ExpenditureLine
from lofin.demo import registry
from lofin.execution.models import BudgetLine

EXECUTION_LOADERS = ["core.people", "core.approvals", "budget.budgets", "execution.execution"]

# The digests of `tiny` with registry.SEED (budget_digest and execution_digest below).
BUDGETS = "abf690711fbeb58b2d2b73482c607754885923a640da0db5c78cbc39da6626a2"
EXECUTION = "9c56734655b5b376529e433d66bbad90dc4e15d62949073e951f13a7aa0610be"


def plain(value: object) -> object:
    """A value as both engines give it: PostgreSQL returns datetimes aware (in UTC), SQLite naive (in UTC)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def budget_digest() -> str:
    """The budget data by natural keys (ids may differ between databases), in a stable order."""
    statements = [
        "SELECT g.code, a.code, a.name, a.kind FROM budget_account a JOIN core_localgovernment g ON g.id = a.government_id",
        """SELECT g.code, p.year, p.code, p.level, p.name, COALESCE(q.code, ''), d.code, d.name, p.function_code,
                  p.gender_sensitive, p.gender_goal, p.state_share_bp, p.investment_review, p.transfer_allowed
           FROM budget_project p JOIN core_localgovernment g ON g.id = p.government_id
           LEFT JOIN budget_project q ON q.id = p.parent_id JOIN core_department d ON d.id = p.department_id""",
        """SELECT g.code, v.year, v.number, v.kind, v.status, v.created_at, v.requests_closed_at, v.submitted_at,
                  v.voted_on, v.confirmed_at, v.total_amount, COALESCE(b.number, -1)
           FROM budget_budgetversion v JOIN core_localgovernment g ON g.id = v.government_id
           LEFT JOIN budget_budgetversion b ON b.id = v.based_on_id""",
        """SELECT g.code, v.year, v.number, a.code, p.code, l.object_code, l.previous_amount, l.requested_amount,
                  l.proposed_amount, l.amount, l.state_amount, l.province_amount
           FROM budget_expenditureline l JOIN budget_budgetversion v ON v.id = l.version_id
           JOIN core_localgovernment g ON g.id = l.government_id JOIN budget_account a ON a.id = l.account_id
           JOIN budget_project p ON p.id = l.project_id""",
        """SELECT g.code, v.year, v.number, p.code, l.object_code, c.seq, c.description, c.unit_price, c.quantity,
                  c.times, c.amount
           FROM budget_calcbasis c JOIN budget_expenditureline l ON l.id = c.line_id
           JOIN budget_budgetversion v ON v.id = l.version_id JOIN core_localgovernment g ON g.id = l.government_id
           JOIN budget_project p ON p.id = l.project_id""",
        """SELECT g.code, p.year, p.code, t.indicator, t.unit, t.method, t.direction, t.baseline_value, t.target_value,
                  t.achieved_value, t.shortfall_reason, t.result_recorded_at
           FROM budget_performancetarget t JOIN budget_project p ON p.id = t.project_id
           JOIN core_localgovernment g ON g.id = t.government_id""",
        """SELECT g.code, v.year, v.number, a.code, r.revenue_code, d.code, r.previous_amount, r.amount, r.basis_text
           FROM budget_revenueline r JOIN budget_budgetversion v ON v.id = r.version_id
           JOIN core_localgovernment g ON g.id = r.government_id JOIN budget_account a ON a.id = r.account_id
           JOIN core_department d ON d.id = r.department_id""",
    ]
    hasher = hashlib.sha256()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            for row in sorted((tuple(plain(v) for v in row) for row in cursor.fetchall()), key=repr):
                hasher.update(repr(row).encode())
    return hasher.hexdigest()


def load_budgets_and_digest(seed: int) -> str:
    """Load tiny into what is, for these tables, a fresh database, then roll it all back."""
    with transaction.atomic():
        assert not ExpenditureLine.objects.exists()
        # Only the loaders the digest covers: later services adopt and execute budget lines, which is theirs to test.
        registry.run("tiny", seed=seed, only=["core.people", "budget.budgets"])
        result = budget_digest()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_budgets(db):
    digest = load_budgets_and_digest(registry.SEED)
    assert digest == BUDGETS, f"the demo budgets changed: if on purpose, set BUDGETS = {digest!r}"
    assert load_budgets_and_digest(registry.SEED + 1) != BUDGETS


KEY = re.compile(r"^\d+:\d+:(?=demo-)")
TABLES = (
    "execution_budgetline",
    "execution_allocation",
    "execution_commitment",
    "execution_paymentorder",
    "execution_assessment",
    "execution_receipt",
    "accounting_journalentry",
    "accounting_journalline",
    "budget_project",
)


def execution_digest() -> str:
    """The execution data by natural keys (ids differ between databases), in a stable order."""
    statements = [
        """SELECT g.code, b.year, p.code, b.object_code, b.appropriation, b.allocated, b.committed, b.paid
           FROM execution_budgetline b JOIN core_localgovernment g ON g.id = b.government_id
           JOIN budget_project p ON p.id = b.project_id""",
        """SELECT g.code, b.year, p.code, b.object_code, a.kind, a.period, a.amount, a.created_at
           FROM execution_allocation a JOIN execution_budgetline b ON b.id = a.line_id
           JOIN core_localgovernment g ON g.id = b.government_id JOIN budget_project p ON p.id = b.project_id""",
        """SELECT g.code, c.idempotency_key, p.code, b.object_code, c.amount, c.paid_amount, c.creditor,
                  c.creditor_number, c.purpose, c.kind, c.committed_on
           FROM execution_commitment c JOIN execution_budgetline b ON b.id = c.line_id
           JOIN core_localgovernment g ON g.id = c.government_id JOIN budget_project p ON p.id = b.project_id""",
        """SELECT g.code, o.number, c.idempotency_key, o.amount, o.withholding_amount, o.payee_name, o.payee_bank,
                  o.payee_account, o.status, o.is_advance, o.claimed_on, o.issued_on
           FROM execution_paymentorder o JOIN execution_commitment c ON c.id = o.commitment_id
           JOIN core_localgovernment g ON g.id = o.government_id""",
        """SELECT g.code, a.idempotency_key, a.year, a.revenue_code, a.payer_name, a.amount, a.collected_amount,
                  a.status, a.assessed_on, a.notice_on, a.due_on
           FROM execution_assessment a JOIN core_localgovernment g ON g.id = a.government_id""",
        """SELECT g.code, r.idempotency_key, a.idempotency_key, r.amount, r.received_on
           FROM execution_receipt r JOIN execution_assessment a ON a.id = r.assessment_id
           JOIN core_localgovernment g ON g.id = r.government_id""",
        """SELECT g.code, e.source_type, e.posted_on, e.description, l.ledger_code, l.debit, l.credit
           FROM accounting_journalline l JOIN accounting_journalentry e ON e.id = l.entry_id
           JOIN core_localgovernment g ON g.id = e.government_id""",
    ]
    hasher = hashlib.sha256()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows are not committed yet, so autovacuum has no statistics: without them the joins run for minutes.
            cursor.execute("ANALYZE " + ", ".join(TABLES))
        for sql in statements:
            cursor.execute(sql)
            # Idempotency keys start with the ids of the government and the actor; user ids differ between loads
            # on PostgreSQL, whose sequences do not roll back.
            found = [
                tuple(KEY.sub("", v) if isinstance(v, str) else plain(v) for v in row) for row in cursor.fetchall()
            ]
            for row in sorted(found, key=repr):
                hasher.update(repr(row).encode())
    return hasher.hexdigest()


def load_execution_and_digest(seed: int) -> str:
    """Load tiny into what is, for these tables, a fresh database, then roll it all back."""
    with transaction.atomic():
        assert not BudgetLine.objects.exists()
        registry.run("tiny", seed=seed, only=EXECUTION_LOADERS)
        result = execution_digest()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_execution(db):
    digest = load_execution_and_digest(registry.SEED)
    assert digest == EXECUTION, f"the demo execution changed: if on purpose, set EXECUTION = {digest!r}"
