"""The demo execution (issue 4): budget control holds on every loaded line and document, the months look like a
real year (slow January, December rush), the books balance, the audit chain verifies, loading is idempotent and
deterministic, and the real actions carry on from the loaded data."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import F
from hypothesis import given, settings
from hypothesis import strategies as st

from lofin.accounting import chart
from lofin.core import audit
from lofin.core.models import AuditEvent, LocalGovernment, User
from lofin.demo import registry
from lofin.demo.execution import AS_OF, YEARS, calendar, plan
from lofin.demo.people import FEATURED
from lofin.demo.testing import tiny_once
from lofin.execution import errors
from lofin.execution.actions import commitments, offices, payments
from lofin.execution.models import (
    Allocation,
    Assessment,
    BudgetLine,
    Commitment,
    DocumentCounter,
    Office,
    OfficeKind,
    PaymentOrder,
    Receipt,
    Withholding,
)

LOADER = "execution.execution"


tiny_loaded = tiny_once()


@pytest.fixture
def tiny(tiny_loaded, db):
    return list(LocalGovernment.objects.filter(code__in=FEATURED).order_by("code"))


def scalar(sql: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def test_every_featured_government_executes_both_years(tiny):
    for gov in tiny:
        for year in YEARS:
            lines = BudgetLine.objects.filter(government=gov, year=year)
            assert lines.count() > 100
            assert Commitment.objects.filter(government=gov, line__year=year).count() > lines.count()
            assert PaymentOrder.objects.filter(government=gov, fiscal_year=year).exists()
            assert Assessment.objects.filter(government=gov, year=year).exists()
            assert Office.objects.filter(government=gov, year=year, kind=OfficeKind.FINANCE).count() == 1
            assert Office.objects.filter(government=gov, year=year, kind=OfficeKind.DISBURSING).count() == 1


def test_appropriations_are_the_last_confirmed_budget(tiny):
    mismatches = scalar(
        """
        SELECT COUNT(*) FROM execution_budgetline b
        LEFT JOIN budget_budgetversion v ON v.government_id = b.government_id AND v.year = b.year
              AND v.number = b.budget_version AND v.status = 'confirmed'
        LEFT JOIN budget_expenditureline e ON e.version_id = v.id AND e.project_id = b.project_id
              AND e.object_code = b.object_code
        WHERE e.id IS NULL OR e.amount <> b.budget_amount OR e.account_id <> b.account_id
        """
    )
    assert mismatches == 0
    # 2025 runs on its 제1회 추경, 2026 on its 본예산.
    assert set(BudgetLine.objects.filter(year=2025).values_list("budget_version", flat=True)) == {1}
    assert set(BudgetLine.objects.filter(year=2026).values_list("budget_version", flat=True)) == {0}
    lines = scalar("SELECT COUNT(*) FROM execution_budgetline")
    expected = scalar(
        """SELECT COUNT(*) FROM budget_expenditureline e JOIN budget_budgetversion v ON v.id = e.version_id
           WHERE (v.year = 2025 AND v.number = 1) OR (v.year = 2026 AND v.number = 0)"""
    )
    assert lines == expected


def test_committed_within_allocated_within_appropriation_and_paid_within_committed(tiny):
    assert (
        scalar(
            """SELECT COUNT(*) FROM execution_budgetline
           WHERE NOT (0 <= paid AND paid <= committed AND committed <= allocated AND allocated <= appropriation)
              OR appropriation <> budget_amount + transfer_amount + reserve_amount + carried_in"""
        )
        == 0
    )
    assert (
        scalar("SELECT COUNT(*) FROM execution_commitment WHERE NOT (0 <= paid_amount AND paid_amount <= amount)") == 0
    )
    # Something is held back on a few lines (배정유보); 예비비 is never committed.
    assert BudgetLine.objects.filter(allocated__lt=F("appropriation")).exists()
    assert not Commitment.objects.filter(line__object_code__startswith="801").exists()
    assert not Allocation.objects.filter(line__object_code__startswith="801").exists()


def test_line_counters_equal_their_documents(tiny):
    checks = {
        "allocated": "SELECT line_id, SUM(amount) FROM execution_allocation GROUP BY line_id",
        "committed": "SELECT line_id, SUM(amount) FROM execution_commitment WHERE status = 'active' GROUP BY line_id",
        "paid": """SELECT c.line_id, SUM(p.amount - p.refunded_amount) FROM execution_paymentorder p
                   JOIN execution_commitment c ON c.id = p.commitment_id GROUP BY c.line_id""",
    }
    for column, sql in checks.items():
        sums = dict(rows(sql))
        for line_id, value in BudgetLine.objects.values_list("id", column):
            assert sums.get(line_id, 0) == value, (column, line_id)
    paid = dict(rows("SELECT commitment_id, SUM(amount) FROM execution_paymentorder GROUP BY commitment_id"))
    for commitment_id, value in Commitment.objects.values_list("id", "paid_amount"):
        assert paid.get(commitment_id, 0) == value


def test_nothing_is_committed_before_it_is_allocated_nor_paid_before_it_is_committed(tiny):
    events: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for line_id, created_at, amount in Allocation.objects.values_list("line_id", "created_at", "amount"):
        events[line_id].append((created_at.date().isoformat(), 0, amount))
    for line_id, on, amount in Commitment.objects.values_list("line_id", "committed_on", "amount"):
        events[line_id].append((on.isoformat(), 1, -amount))
    for line_id, running in events.items():
        available = 0
        for _day, _order, change in sorted(running):
            available += change
            assert available >= 0, line_id
    late = rows(
        """SELECT p.id FROM execution_paymentorder p JOIN execution_commitment c ON c.id = p.commitment_id
           WHERE p.issued_on < c.committed_on"""
    )
    assert late == []
    for year in YEARS:
        first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), AS_OF)
        commitments = Commitment.objects.filter(line__year=year)
        assert not commitments.exclude(committed_on__range=(first, last)).exists()
        assert not PaymentOrder.objects.filter(fiscal_year=year).exclude(issued_on__range=(first, last)).exists()


def test_disbursing_offices_stay_within_their_ceiling(tiny):
    by_office = dict(rows("SELECT office_id, SUM(amount) FROM execution_paymentorder GROUP BY office_id"))
    offices = Office.objects.filter(kind=OfficeKind.DISBURSING)
    assert offices.count() == len(tiny) * len(YEARS)
    for office in offices:
        assert office.paid_amount == by_office.get(office.pk, 0)
        assert 0 < office.paid_amount <= office.limit_amount
    assert set(PaymentOrder.objects.values_list("office__kind", flat=True)) == {OfficeKind.DISBURSING}
    assert set(Commitment.objects.values_list("office__kind", flat=True)) == {OfficeKind.FINANCE}


def test_offices_carry_their_staff_count_and_payments_the_creditors_number(tiny):
    """R-EX-3: the 정원 is data of every office; R-EX-4: a payment carries its creditor's 사업자등록번호."""
    assert not Office.objects.filter(staff_count__isnull=True).exists()
    mismatched = rows(
        """SELECT p.id FROM execution_paymentorder p JOIN execution_commitment c ON c.id = p.commitment_id
           WHERE p.payee_number <> c.creditor_number"""
    )
    assert mismatched == []
    assert PaymentOrder.objects.exclude(payee_number="").exists()


def test_every_journal_entry_balances_and_every_document_has_its_entry(tiny):
    assert (
        scalar(
            """SELECT COUNT(*) FROM (SELECT entry_id FROM accounting_journalline GROUP BY entry_id
           HAVING SUM(debit) <> SUM(credit) OR COUNT(*) < 2) unbalanced"""
        )
        == 0
    )
    assert (
        scalar(
            """SELECT COUNT(*) FROM accounting_journalentry e
           WHERE NOT EXISTS (SELECT 1 FROM accounting_journalline l WHERE l.entry_id = e.id)"""
        )
        == 0
    )
    sources = {
        "execution.commitment": ("execution_commitment", "committed_on"),
        "execution.payment": ("execution_paymentorder", "issued_on"),
        "execution.assessment": ("execution_assessment", "assessed_on"),
        "execution.receipt": ("execution_receipt", "received_on"),
    }
    for source, (table, day) in sources.items():
        missing = scalar(
            f"""SELECT COUNT(*) FROM {table} d LEFT JOIN accounting_journalentry e
                ON e.source_type = %s AND e.source_id = d.id AND e.posted_on = d.{day}
                WHERE e.id IS NULL""",
            [source],
        )
        assert missing == 0, source
        assert scalar(f"SELECT COUNT(*) FROM {table}") == scalar(
            "SELECT COUNT(*) FROM accounting_journalentry WHERE source_type = %s", [source]
        )
    # The encumbrance ledgers: what is committed and not yet paid is exactly the open balance of 9210.
    open_encumbrance = scalar(
        "SELECT SUM(debit) - SUM(credit) FROM accounting_journalline WHERE ledger_code = %s", [chart.ENCUMBRANCE]
    )
    assert open_encumbrance == scalar("SELECT SUM(amount - paid_amount) FROM execution_commitment")
    withheld = scalar("SELECT SUM(credit) FROM accounting_journalline WHERE ledger_code = %s", [chart.WITHHOLDING])
    assert withheld == scalar("SELECT SUM(withholding_amount) FROM execution_paymentorder") > 0


def test_payment_orders_are_numbered_in_date_order_and_the_counter_continues(tiny):
    for gov in tiny:
        for year in YEARS:
            payments = list(
                PaymentOrder.objects.filter(government=gov, fiscal_year=year)
                .order_by("number")
                .values_list("number", "issued_on")
            )
            assert [number for number, _on in payments] == [f"{year}-{n:07d}" for n in range(1, len(payments) + 1)]
            assert [on for _n, on in payments] == sorted(on for _n, on in payments)
            counter = DocumentCounter.objects.get(government=gov, year=year, kind="payment")
            assert counter.value == len(payments)


def test_paid_orders_carry_the_treasury_report_and_todays_are_still_issued(tiny):
    assert (
        scalar(
            """SELECT COUNT(*) FROM execution_paymentorder p
           LEFT JOIN execution_paymentconfirmation c ON c.payment_id = p.id
           WHERE (p.status = 'paid') <> (c.id IS NOT NULL) OR c.paid_on <> p.issued_on"""
        )
        == 0
    )
    assert set(PaymentOrder.objects.filter(issued_on=AS_OF).values_list("status", flat=True)) == {"issued"}
    assert set(PaymentOrder.objects.filter(issued_on__lt=AS_OF).values_list("status", flat=True)) == {"paid"}


def test_duties_are_separated_and_advances_follow_the_rules(tiny):
    assert (
        scalar(
            """SELECT COUNT(*) FROM execution_paymentorder p JOIN execution_commitment c ON c.id = p.commitment_id
           WHERE p.issued_by_id = c.committed_by_id OR p.payee_name <> c.creditor"""
        )
        == 0
    )
    advances = PaymentOrder.objects.filter(is_advance=True).select_related("commitment")
    assert advances.exists()
    for payment in advances:
        assert payment.commitment.kind == "advance"
        assert payment.amount <= payment.commitment.amount * 7 // 10
        assert payment.claimed_on is not None
        assert payment.claimed_on <= payment.issued_on <= payment.claimed_on + dt.timedelta(days=14)
    # Works not finished by 31 December keep their balance (사고이월 candidates).
    assert Commitment.objects.filter(line__year=2025, paid_amount__lt=F("amount")).exists()


def test_withholdings_add_up_on_each_payroll_payment(tiny):
    sums = dict(rows("SELECT payment_id, SUM(amount) FROM execution_withholding GROUP BY payment_id"))
    assert sums
    for payment_id, withheld, amount in PaymentOrder.objects.values_list("id", "withholding_amount", "amount"):
        assert sums.get(payment_id, 0) == withheld < amount
    assert set(Withholding.objects.values_list("kind", flat=True)) == {
        "income_tax",
        "local_income_tax",
        "pension",
        "health_insurance",
    }


def monthly(year: int, gov: LocalGovernment | None = None) -> list[int]:
    totals = [0] * 12
    payments = PaymentOrder.objects.filter(fiscal_year=year)
    if gov is not None:
        payments = payments.filter(government=gov)
    for on, amount in payments.values_list("issued_on", "amount"):
        totals[on.month - 1] += amount
    return totals


def test_the_months_look_like_a_real_year(tiny):
    """A slow January and a December rush in the finished year; the year in progress is slow in January too."""
    for gov in tiny:
        months = monthly(2025, gov)
        average = sum(months) / 12
        assert months[0] < average * 0.75, gov.code
        assert months[11] > average * 1.3, gov.code
        assert months[11] == max(months), gov.code
    so_far = monthly(2026)[: AS_OF.month]
    assert so_far[0] < sum(so_far) / len(so_far) * 0.6
    assert not PaymentOrder.objects.filter(fiscal_year=2026, issued_on__month=12).exists()
    # Execution rate: most of the 2025 appropriation is paid by 31 December, less of 2026 by the demo's today.
    rate = {
        year: scalar("SELECT SUM(paid) * 1000 / SUM(appropriation) FROM execution_budgetline WHERE year = %s", [year])
        for year in YEARS
    }
    assert 850 <= rate[2025] <= 970
    assert 600 <= rate[2026] < rate[2025]


def test_revenue_is_assessed_and_collected_on_each_items_calendar(tiny):
    collected = dict(rows("SELECT assessment_id, SUM(amount) FROM execution_receipt GROUP BY assessment_id"))
    for pk, amount, got, status in Assessment.objects.values_list("id", "amount", "collected_amount", "status"):
        assert collected.get(pk, 0) == got <= amount
        assert status == ("collected" if got == amount else "open")
    assert (
        scalar(
            """SELECT COUNT(*) FROM execution_receipt r JOIN execution_assessment a ON a.id = r.assessment_id
           WHERE r.received_on < a.assessed_on OR r.deposited_on <> r.received_on OR r.channel <> 'treasury'"""
        )
        == 0
    )
    for year in YEARS:
        receipts = Receipt.objects.filter(assessment__year=year)
        assert receipts.exists()
        assert not receipts.exclude(
            received_on__range=(dt.date(year, 1, 1), min(dt.date(year, 12, 31), AS_OF))
        ).exists()
    # 재산세 in July and September, 부동산교부세 in December, unpaid 정기분 left open (체납).
    property_tax = Assessment.objects.filter(year=2025, revenue_code="118-01", government__code="1111000")
    assert sorted({on.month for on in property_tax.values_list("assessed_on", flat=True)}) == [7, 9]
    assert Assessment.objects.filter(year=2025, status="open", due_on__isnull=False).exists()
    codes = set(rows("SELECT code FROM budget_nationalcode WHERE kind = 'revenue' AND year IN (2025, 2026)"))
    assert {(c,) for c in Assessment.objects.values_list("revenue_code", flat=True).distinct()} <= codes
    assert not Assessment.objects.filter(revenue_code__startswith="7").exists()


def test_each_government_load_is_audited_and_the_chain_verifies(tiny):
    for gov in tiny:
        load = AuditEvent.objects.get(government=gov, action="demo.execution.load")
        assert load.data["years"] == list(YEARS)
        assert load.data["commitments"] == Commitment.objects.filter(government=gov).count()
        assert load.data["payments"] == PaymentOrder.objects.filter(government=gov).count()
        assert AuditEvent.objects.filter(government=gov, action="execution.appropriation.sync").count() == 2
    broken = [report.broken.describe() for report in audit.verify() if report.broken]
    assert broken == []


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (BudgetLine, Allocation, Commitment, PaymentOrder, Withholding, Assessment, Receipt, AuditEvent)
    }


def test_loading_again_creates_nothing(tiny):
    before = table_counts()
    assert f"{LOADER}: already loaded" in registry.run("tiny")
    # Even without the framework's record (a re-run after a crash), loaded governments are skipped.
    registry.LOADERS[LOADER].func(registry.Context(size="tiny", seed=registry.SEED))
    assert table_counts() == before


def test_the_real_actions_carry_on_from_the_demo_data(tiny):
    """A 재무관 commits on a loaded line and the 지출원 pays it: the next 지급명령번호, budget control intact."""
    gov = LocalGovernment.objects.get(code="4111000")
    finance = User.objects.get(username="suwon.finance")
    disburser = User.objects.get(username="suwon.disburse")
    line = (
        BudgetLine.objects.filter(government=gov, year=2026, object_code__startswith="201")
        .select_related("government")
        .order_by("-allocated")
        .first()
    )
    assert line is not None
    available = line.allocated - line.committed
    assert available > 1_000_000
    commitment = commitments.do_commit(
        line,
        amount=1_000_000,
        creditor="(주)한빛상사",
        purpose="사무용품 구입",
        actor=finance,
        idempotency_key="demo-follow-up",
        committed_on=AS_OF,
    )
    with pytest.raises(errors.InsufficientAllocation):
        commitments.do_commit(
            line,
            amount=available,
            creditor="(주)한빛상사",
            purpose="초과 원인행위",
            actor=finance,
            idempotency_key="demo-too-much",
            committed_on=AS_OF,
        )
    office = Office.objects.get(government=gov, year=2026, kind=OfficeKind.DISBURSING)
    offices.do_allocate_cash(office, amount=100_000_000, actor=finance)
    payment = payments.do_issue_payment(
        commitment,
        amount=1_000_000,
        payee_name="(주)한빛상사",
        payee_bank="신한은행",
        payee_account="110123456789",
        office=office,
        actor=disburser,
        idempotency_key="demo-follow-up-pay",
        issued_on=AS_OF,
    )
    count = PaymentOrder.objects.filter(government=gov, fiscal_year=2026).count()
    assert payment.number == f"2026-{count:07d}"
    line.refresh_from_db()
    assert line.paid <= line.committed <= line.allocated <= line.appropriation
    assert not [report for report in audit.verify(gov.code) if report.broken]


# --- the planner on its own: any budget, any seed ---------------------------------------------------------------

OBJECT_CODES = ["101-01", "201-01", "202-01", "203-04", "301-01", "307-02", "308-01", "311-01", "401-01", "402-01"]
OBJECT_CODES += ["405-01", "601-01", "701-01", "801-01", "802-01", "304-01"]


def business_days(year: int) -> list[dt.date]:
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@settings(max_examples=40, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=1, max_value=50_000_000).map(lambda k: k * 1000), min_size=1, max_size=12),
    codes=st.lists(st.sampled_from(OBJECT_CODES), min_size=12, max_size=12),
    seed=st.integers(min_value=0, max_value=10**6),
    compact=st.booleans(),
    in_progress=st.booleans(),
)
def test_any_plan_keeps_budget_control(amounts, codes, seed, compact, in_progress):
    year = 2026
    cal = plan.Calendar(year, business_days(year))
    as_of = dt.date(2026, 11, 26) if in_progress else None
    mode = plan.COMPACT if compact else plan.FULL
    counts = dict.fromkeys(plan.CREDITOR_KIND.values(), 3)
    planner = plan.Planner(mode, cal, as_of, counts)
    items = [plan.BudgetItem(1, i, codes[i], amount, "사업", "목") for i, amount in enumerate(amounts)]
    result = planner.plan(year, items, random.Random(seed))
    allocated: dict[int, int] = defaultdict(int)
    committed: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    first_allocation: dict[int, int] = {}
    for line, _kind, _period, amount, day in result.allocations:
        allocated[line] += amount
        first_allocation.setdefault(line, day)
        assert amount > 0 and day < planner.cutoff
    for number, (line, amount, paid_here, *_rest, kind, day) in enumerate(result.commitments):
        committed[line] += amount
        assert amount > 0 and day < planner.cutoff and day >= first_allocation[line]
        payments = [p for p in result.payments if p[0] == number]
        assert sum(p[1] for p in payments) == paid_here <= amount
        for _c, pay_amount, pay_day, advance, claimed, withheld in payments:
            assert pay_amount > 0 and day <= pay_day < planner.cutoff
            assert sum(v for _k, v in withheld) < pay_amount
            if advance:
                assert claimed is not None
                assert kind == "advance" and pay_amount <= amount * 7 // 10 and claimed <= pay_day
        paid[line] += paid_here
    for i, item in enumerate(items):
        assert result.allocated[i] == allocated[i] <= item.amount
        assert result.committed[i] == committed[i] <= allocated[i]
        assert result.paid[i] == paid[i] <= committed[i]
        if item.object_code.startswith("801"):
            assert committed[i] == 0


def test_the_calendar_skips_weekends_and_holidays(db):
    cal = calendar(2026)
    assert dt.date(2026, 1, 1) not in cal.days  # 신정
    assert dt.date(2026, 1, 2) == cal.days[0]
    assert all(day.weekday() < 5 for day in cal.days)
    assert cal.days[cal.payday(9)] <= dt.date(2026, 9, 20)
