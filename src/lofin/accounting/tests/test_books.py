"""The books come out of execution (자동분개), balance, trace to their source, and refuse bad postings."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Sum

from lofin.accounting import actions, assets, chart, journal, queries, sources
from lofin.accounting.models import (
    ChartVersion,
    DepreciationRun,
    FixedAsset,
    JournalEntry,
    JournalLine,
    LedgerAccount,
    LedgerMapping,
    ManualEntry,
    ManualStatus,
)
from lofin.budget.actions import setup
from lofin.closing import queries as closing_queries
from lofin.core import testing
from lofin.core.approvals import actions as approvals
from lofin.core.errors import Conflict, PermissionDenied
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.actions import payments, revenue
from lofin.execution.testing import YEAR

from .helpers import DAY, capital_line, commit, funded, pay

pytestmark = pytest.mark.django_db


def written():
    return (
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
        ManualEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def lines_of(source_type, source_id):
    return sorted(
        JournalLine.objects.filter(entry__source_type=source_type, entry__source_id=source_id).values_list(
            "ledger_code", "debit", "credit"
        )
    )


def test_the_chart_follows_the_accounting_rule_and_keeps_the_budgetary_codes():
    version = ChartVersion.objects.get(effective_year=chart.BASE_YEAR)
    codes = set(version.accounts.values_list("code", flat=True))
    assert {"9210", "9220", "1110", "1310", "1330", "3200", "4500", "5350"} <= codes
    sections = set(LedgerAccount.objects.filter(category="asset").values_list("section", flat=True))
    assert {"유동자산", "투자자산", "일반유형자산", "주민편의시설", "사회기반시설", "기타비유동자산"} <= sections
    assert LedgerAccount.objects.get(code="4500").is_internal
    assert LedgerAccount.objects.get(code="1000").is_summary


@pytest.mark.parametrize(
    ("code", "ledger"),
    [
        ("101-01", "5100"),
        ("201-01", "5200"),
        ("307-02", "5300"),
        ("309-01", "5350"),
        ("311-01", "5400"),
        ("401-01", "1310"),
        ("405-01", "1320"),
        ("501-01", "1210"),
        ("601-01", "2210"),
        ("701-01", "5350"),
    ],
)
def test_expenditure_codes_map_to_ledger_accounts(db, code, ledger):
    assert chart.expense_rule(code).debit == ledger


def test_revenue_codes_map_to_receivable_and_revenue(db):
    assert chart.revenue_ledgers("118") == ("1120", "4100")
    assert chart.revenue_ledgers("721-01") == ("1130", "4500")
    assert chart.rule_for("revenue", "721-01").internal
    assert chart.revenue_ledgers("713") == ("1130", "1210")


def test_a_payment_on_a_capital_code_buys_an_asset_traced_to_the_payment(ex):
    line = funded(ex, capital_line(ex, "401-01"))
    c = commit(ex, 50_000_000, line=line)
    p = pay(ex, c, 30_000_000, withholdings=[("income_tax", 1_000_000)])
    assert lines_of("execution.payment", p.pk) == [
        ("1110", 0, 29_000_000),
        ("1310", 30_000_000, 0),
        ("2110", 0, 1_000_000),
        ("9210", 0, 30_000_000),
        ("9220", 30_000_000, 0),
    ]
    asset = FixedAsset.objects.get(source_type="execution.payment", source_id=p.pk)
    assert (asset.asset_class, asset.ledger_code, asset.cost, asset.useful_life) == (
        "construction",
        "1310",
        30_000_000,
        0,
    )


def test_depreciation_is_straight_line_once_a_year(ex):
    line = funded(ex, capital_line(ex, "405-01"))
    p = pay(ex, commit(ex, 10_000_000, line=line), 10_000_000)
    before = written()
    run = assets.do_post_depreciation(ex.s.gov, YEAR, actor=ex.disburser)
    assert run.total == 2_000_000
    entry = JournalEntry.objects.get(source_type=assets.SOURCE_DEPRECIATION, source_id=run.pk)
    assert (entry.posted_on, entry.account_id) == (dt.date(YEAR, 12, 31), line.account_id)
    assert lines_of(assets.SOURCE_DEPRECIATION, run.pk) == [("1330", 0, 2_000_000), ("5500", 2_000_000, 0)]
    assert FixedAsset.objects.get(source_id=p.pk).depreciated == 2_000_000
    assert written()[0] == before[0] + 1
    with pytest.raises(Conflict):
        assets.do_post_depreciation(ex.s.gov, YEAR, actor=ex.disburser)
    assert DepreciationRun.objects.count() == 1
    assert [assets.yearly_charge(10, d, 3) for d in (0, 4, 8, 10)] == [4, 4, 2, 0]


def test_a_refund_restoring_a_capital_line_reduces_the_asset(ex):
    line = funded(ex, capital_line(ex, "405-01"))
    p = pay(ex, commit(ex, 10_000_000, line=line), 10_000_000)
    refund = payments.do_record_refund(p, amount=4_000_000, received_on=DAY, actor=ex.disburser, idempotency_key="r")
    assert lines_of("execution.refund", refund.pk) == [
        ("1110", 4_000_000, 0),
        ("1320", 0, 4_000_000),
        ("9210", 4_000_000, 0),
        ("9220", 0, 4_000_000),
    ]
    assert FixedAsset.objects.get(source_id=p.pk).cost == 6_000_000


def test_every_entry_balances_and_the_trial_balance_totals_are_equal(ex):
    funded(ex)
    c = commit(ex, 30_000_000)
    pay(ex, c, 20_000_000, withholdings=[("income_tax", 660_000)])
    unbalanced = (
        JournalLine.objects.values("entry_id").annotate(d=Sum("debit"), c=Sum("credit")).exclude(d=models_f("c"))
    )
    assert not unbalanced.exists()
    tb = queries.trial_balance(ex.s.gov, YEAR)
    assert tb.total_debit == tb.total_credit > 0
    by_code = {r.code: r.balance for r in tb.rows}
    assert by_code["1110"] == -19_340_000 and by_code["5300"] == 20_000_000 and by_code["9210"] == 10_000_000
    assert queries.trial_balance(ex.s.gov, YEAR, entity="fund").rows == []
    assert queries.trial_balance(ex.s.gov, YEAR, entity="general").total_debit == tb.total_debit
    assert queries.trial_balance(ex.s.gov, YEAR, month_from=7, month_to=12).rows == []


def models_f(name):
    return F(name)


def test_the_kept_sums_and_the_lines_after_them_give_the_same_trial_balance(ex):
    funded(ex)
    pay(ex, commit(ex, 30_000_000), 20_000_000)
    raw = queries.trial_balance(ex.s.gov, YEAR)
    mark = queries.refresh_balances(ex.s.gov.pk, YEAR, now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert mark.through_entry_id == JournalEntry.objects.order_by("-pk").first().pk
    assert queries.trial_balance(ex.s.gov, YEAR).rows == raw.rows
    pay(ex, commit(ex, 1_000_000, key="c2"), 1_000_000, key="p2")
    after = queries.trial_balance(ex.s.gov, YEAR)
    queries.refresh_balances(ex.s.gov.pk, YEAR, now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert queries.trial_balance(ex.s.gov, YEAR).rows == after.rows
    assert {r.code: r.debit for r in after.rows}["5300"] == 21_000_000
    assert queries.trial_balance(ex.s.gov, YEAR, month_from=6, month_to=6).rows == after.rows


def test_cash_paid_in_execution_equals_cash_credited_in_the_books(ex):
    funded(ex)
    c = commit(ex, 30_000_000)
    pay(ex, c, 20_000_000, withholdings=[("income_tax", 660_000)])
    pay(ex, c, 5_000_000, key="p2", on=dt.date(YEAR, 7, 1))
    assert closing_queries.cash_reconciliation(ex.s.gov.pk, YEAR) == []
    # A cash line posted outside execution shows up as a difference for its month.
    with transaction.atomic():
        journal.post(
            government_id=ex.s.gov.pk,
            account_id=ex.s.general.pk,
            fiscal_year=YEAR,
            posted_on=dt.date(YEAR, 7, 2),
            source_type="execution.payment",
            source_id=0,
            description="stray",
            lines=[("5200", 1, 0), ("1110", 0, 1)],
        )
    assert closing_queries.cash_reconciliation(ex.s.gov.pk, YEAR) == [
        {"account_id": ex.s.general.pk, "month": 7, "paid": 5_000_000, "booked": 5_000_001}
    ]


def test_an_entry_resolves_to_its_source_document(ex):
    funded(ex)
    p = pay(ex, commit(ex, 1_000_000), 1_000_000)
    entry = queries.entries_of("execution.payment", p.pk).get()
    source = sources.resolve(entry.source_type, entry.source_id, ex.s.gov.code)
    assert source.label == f"{p.number} 한빛건설"
    assert source.url == f"/g/{ex.s.gov.code}/execution/lines/{ex.senior.pk}/"
    ledger = queries.ledger(ex.s.gov.pk, YEAR, "1110")
    assert [(r["entry_id"], r["credit"]) for r in ledger] == [(entry.pk, 1_000_000)]


# --- 결산정리분개 --------------------------------------------------------------------------------------------------


def propose(ex, lines, key="m1", on=dt.date(YEAR, 12, 31), account=None, actor=None):
    return actions.do_propose_manual_entry(
        ex.s.gov,
        account=account or ex.s.general,
        posted_on=on,
        kind="provision",
        description="퇴직급여충당부채 전입",
        lines=lines,
        approval_line=[("approve", ex.s.mayor)],
        actor=actor or ex.finance,
        idempotency_key=key,
    )


def test_an_adjusting_entry_is_posted_when_approved(ex):
    m = propose(ex, [("5600", 3_000_000, 0), ("2310", 0, 3_000_000)])
    assert m.status == ManualStatus.IN_APPROVAL and not JournalEntry.objects.filter(source_type="accounting.manual")
    assert propose(ex, [("5600", 3_000_000, 0), ("2310", 0, 3_000_000)]).pk == m.pk  # a retry
    approvals.do_approve(m.approval_id, actor=ex.s.mayor)
    m.refresh_from_db()
    assert m.status == ManualStatus.POSTED
    assert lines_of("accounting.manual", m.pk) == [("2310", 0, 3_000_000), ("5600", 3_000_000, 0)]
    assert m.entry.created_by_id == ex.finance.pk


def test_a_rejected_adjusting_entry_posts_nothing(ex):
    m = propose(ex, [("5600", 1, 0), ("2310", 0, 1)])
    approvals.do_reject(m.approval_id, actor=ex.s.mayor, reason="근거 부족")
    m.refresh_from_db()
    assert m.status == ManualStatus.REJECTED and not JournalEntry.objects.filter(source_type="accounting.manual")


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([("5600", 3, 0), ("2310", 0, 2)], "unbalanced_entry"),
        ([("5600", 3, 3), ("2310", 0, 0)], "unbalanced_entry"),
        ([("5000", 3, 0), ("2310", 0, 3)], "summary_ledger"),
        ([("5601", 3, 0), ("2310", 0, 3)], "unknown_ledger"),
        ([("5600", "x", 0)], "invalid_input"),
        ([], "unbalanced_entry"),
    ],
)
def test_bad_adjusting_entries_are_refused_with_nothing_written(ex, lines, code):
    before = written()
    with pytest.raises(Exception) as caught:
        propose(ex, lines)
    assert caught.value.code == code
    assert written() == before


def test_an_entry_for_another_governments_account_is_refused(ex):
    other = testing.government("2600000")
    officer = testing.official(other, Role.BUDGET_OFFICER, username="busan-officer")
    account = setup.do_create_account(other, code="100", name="일반회계", kind="general", actor=officer)
    before = written()
    with pytest.raises(actions.OtherGovernment):
        propose(ex, [("5600", 1, 0), ("2310", 0, 1)], account=account)
    assert written() == before


def test_only_accounting_staff_draft_adjusting_entries(ex):
    with pytest.raises(PermissionDenied):
        propose(ex, [("5600", 1, 0), ("2310", 0, 1)], actor=ex.s.officer)


def test_a_closed_year_takes_no_posting_and_the_correction_goes_in_the_open_year(ex):
    funded(ex)
    c = commit(ex, 5_000_000)
    pending = propose(ex, [("5600", 1, 0), ("2310", 0, 1)], key="before-close")
    assert not journal.is_closed(ex.s.gov.pk, YEAR)
    actions.do_close_books(ex.s.gov, YEAR, actor=ex.finance)
    assert journal.is_closed(ex.s.gov.pk, YEAR) and not journal.is_closed(ex.s.gov.pk, YEAR + 1)
    before = written()
    with pytest.raises(journal.PeriodClosed):
        propose(ex, [("5600", 1, 0), ("2310", 0, 1)], key="late")
    with pytest.raises(journal.PeriodClosed):
        pay(ex, c, 1_000_000)
    with pytest.raises(journal.PeriodClosed):
        approvals.do_approve(pending.approval_id, actor=ex.s.mayor)
    with pytest.raises(journal.PeriodClosed):
        assets.do_post_depreciation(ex.s.gov, YEAR, actor=ex.finance)
    assert written() == before
    with pytest.raises(Conflict):
        actions.do_close_books(ex.s.gov, YEAR, actor=ex.finance)
    fix = propose(ex, [("5600", 1, 0), ("2310", 0, 1)], key="fix", on=dt.date(YEAR + 1, 3, 2))
    assert fix.fiscal_year == YEAR + 1


# --- the mapping is the operator's ----------------------------------------------------------------------------


def test_the_operator_changes_the_mapping_and_later_postings_follow(ex):
    operator = testing.bootstrap_operator()
    with pytest.raises(PermissionDenied):
        actions.do_update_mapping(side="expense", code="307-02", debit_code="5200", actor=ex.finance)
    with pytest.raises(chart.SummaryLedger):
        actions.do_update_mapping(side="expense", code="307-02", debit_code="5000", actor=operator)
    mapping = actions.do_update_mapping(side="expense", code="307-02", debit_code="5200", actor=operator)
    assert LedgerMapping.objects.filter(code="307-02").get() == mapping
    assert AuditEvent.objects.filter(action="accounting.mapping.update").count() == 1
    ex.finance.refresh_from_db()
    funded(ex)
    p = pay(ex, commit(ex, 1_000_000), 1_000_000)
    assert ("5200", 1_000_000, 0) in lines_of("execution.payment", p.pk)


def test_postings_follow_the_chart_in_force_in_the_lines_year(ex):
    """A chart revised for next year does not change how this year's payments are booked."""
    operator = testing.bootstrap_operator()
    ChartVersion.objects.create(effective_year=YEAR + 1, name="개정 계정과목")
    actions.do_update_mapping(side="expense", code="307-02", debit_code="5200", effective_year=YEAR + 1, actor=operator)
    chart.clear_cache()
    assert chart.expense_rule("307-02").debit == "5200"  # the newest chart
    funded(ex)
    p = pay(ex, commit(ex, 1_000_000), 1_000_000)
    assert ("5300", 1_000_000, 0) in lines_of("execution.payment", p.pk)  # this year's chart


# --- immutability ------------------------------------------------------------------------------------------------


def test_journal_rows_cannot_be_changed_or_deleted(ex):
    funded(ex)
    pay(ex, commit(ex, 1_000_000), 1_000_000)
    line = JournalLine.objects.filter(ledger_code="1110").first()
    for change in (
        lambda: JournalLine.objects.filter(pk=line.pk).update(credit=1),
        lambda: JournalLine.objects.filter(pk=line.pk).delete(),
        lambda: JournalEntry.objects.filter(pk=line.entry_id).update(description="x"),
        lambda: JournalEntry.objects.filter(pk=line.entry_id).delete(),
    ):
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            change()
    assert JournalLine.objects.get(pk=line.pk).credit == 1_000_000


def test_transfers_between_accounts_are_internal_on_both_sides(ex):
    """전출금 paid from one account and 전입금 decided in the receiving one: both flagged for elimination."""

    line = funded(ex, capital_line(ex, "701-01"))
    p = pay(ex, commit(ex, 7_000_000, line=line), 7_000_000)
    assert ("5350", 7_000_000, 0) in lines_of("execution.payment", p.pk)
    fund = setup.do_create_account(ex.s.gov, code="300", name="재난관리기금", kind="fund", actor=ex.s.officer)
    collector = testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu")
    a = revenue.do_assess(
        fund,
        revenue_code="721-02",
        payer_name="일반회계",
        amount=7_000_000,
        actor=collector,
        idempotency_key="t",
        assessed_on=DAY,
    )
    assert lines_of("execution.assessment", a.pk) == [("1130", 7_000_000, 0), ("4500", 0, 7_000_000)]
    internal = {r.code for r in queries.trial_balance(ex.s.gov, YEAR).rows if r.is_internal}
    assert internal == {"4500", "5350"}
    assert {r.code for r in queries.trial_balance(ex.s.gov, YEAR, entity="fund").rows} == {"1130", "4500"}
