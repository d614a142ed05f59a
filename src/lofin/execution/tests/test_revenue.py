"""Revenue (세입): 징수결의 → 납입고지 → 수납 → 과오납 환급 and the monthly report, with the fiscal-year rules of the
출납폐쇄 window and the separation of the 징수관 from the cash. Arrears, prescription and the year-end carry are in
test_revenue_yearend.py."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Sum

from lofin.accounting.models import JournalEntry, JournalLine
from lofin.core import audit
from lofin.core.errors import InvalidInput, KeyReused, LofinError, NotFound, PermissionDenied, SeparationOfDuties
from lofin.core.fiscal import ClosingException
from lofin.core.models import AuditEvent
from lofin.execution import errors
from lofin.execution.actions import revenue, yearend
from lofin.execution.errors import RefundRateMissing, UnknownRevenueCode
from lofin.execution.models import (
    Assessment,
    AssessmentStatus,
    Office,
    OfficeKind,
    OverpaymentRefund,
    Receipt,
    RefundInterestRate,
)
from lofin.execution.queries import revenue as revenue_queries
from lofin.execution.rules import revenue as revenue_rules
from lofin.execution.tests.revenue_setup import (
    assess,
    audits,
    build_revenue,
    counts,
    entry,
    receive,
    refund,
)

pytestmark = pytest.mark.django_db

D = dt.date
DAY_2025_02_28 = D(2025, 2, 28)


# --- 징수결의 -----------------------------------------------------------------------------------------------------


def test_an_assessment_books_the_receivable_and_is_audited(rv):
    a = assess(rv, amount=1_250_000)
    assert (a.year, a.status, a.amount, a.collected_amount, a.due_on, a.notice_on) == (
        2026,
        AssessmentStatus.OPEN,
        1_250_000,
        0,
        None,
        None,
    )
    assert entry("execution.assessment", a.pk) == (
        2026,
        D(2026, 3, 2),
        [("1130", 1_250_000, 0), ("4200", 0, 1_250_000)],
    )
    event = audits("execution.revenue.assess", a).get()
    assert event.data["amount"] == 1_250_000 and event.data["year"] == 2026


@pytest.mark.parametrize(
    ("code", "ledgers"),
    [
        ("118", [("1120", 800_000, 0), ("4100", 0, 800_000)]),  # 재산세: 미수세금 / 지방세수익
        ("511", [("1130", 800_000, 0), ("4300", 0, 800_000)]),  # 국고보조금: 정부간이전수익
        ("611", [("1130", 800_000, 0), ("2210", 0, 800_000)]),  # 국내차입금: a liability, not revenue
        ("711-01", [("1130", 800_000, 0), ("3100", 0, 800_000)]),  # 순세계잉여금: net assets
    ],
)
def test_the_ledgers_follow_the_chapter_of_the_revenue_code(rv, code, ledgers):
    a = assess(rv, amount=800_000, code=code)
    assert entry("execution.assessment", a.pk)[2] == ledgers


@pytest.mark.parametrize("code", ["999", "200", "210", ""])
def test_an_unknown_or_non_item_revenue_code_is_refused_and_writes_nothing(rv, code):
    before = counts()
    with pytest.raises((UnknownRevenueCode, InvalidInput)) as err:
        assess(rv, code=code)
    assert err.value.code in ("unknown_revenue_code", "invalid_input")
    assert counts() == before


@pytest.mark.parametrize("amount", [0, -5, True, 10**15 + 1])
def test_a_zero_negative_or_absurd_amount_is_refused(rv, amount):
    before = counts()
    with pytest.raises(InvalidInput):
        assess(rv, amount=amount)
    assert counts() == before


def test_a_retried_assessment_returns_the_first_and_a_reused_key_is_refused(rv):
    first = assess(rv, key="same")
    again = assess(rv, key="same")
    assert again.pk == first.pk
    before = counts()
    with pytest.raises(KeyReused) as err:
        assess(rv, key="same", amount=999_999)
    assert err.value.code == "idempotency_key_reused"
    assert counts() == before
    assert JournalEntry.objects.filter(source_type="execution.assessment").count() == 1
    assert AuditEvent.objects.filter(action="execution.revenue.assess").count() == 1


def test_only_the_collector_of_the_government_assesses(rv):
    before = counts()
    with pytest.raises(PermissionDenied):
        assess(rv, actor=rv.cashier)
    with pytest.raises(PermissionDenied):
        assess(rv, actor=rv.viewer)
    # Another government's 징수관 cannot even see that the account exists.
    with pytest.raises(NotFound):
        assess(rv, actor=rv.other_collector)
    assert counts() == before


def test_a_notice_issued_with_the_decision_sets_the_due_date_and_interrupts_prescription(rv):
    a = assess(rv, on=D(2026, 9, 1), notice_on=D(2026, 9, 9))
    # 9 Sep + 15 days = 24 Sep, 추석 전날; 25 추석, 26 Saturday, 27 Sunday: due Monday 28 Sep.
    assert (a.notice_on, a.due_on, a.interrupted_on) == (D(2026, 9, 9), D(2026, 9, 28), D(2026, 9, 9))
    with pytest.raises(InvalidInput):
        assess(rv, key="a2", on=D(2026, 9, 10), notice_on=D(2026, 9, 9))


def test_a_fixed_due_date_on_a_holiday_is_moved_for_the_payer_but_attributes_by_the_unmoved_date(rv):
    # 3 Oct 2026 is 개천절 on a Saturday; the Monday is its substitute holiday: the payer pays by Tuesday 6 Oct.
    a = assess(rv, code="118", kind="fixed_due", on=D(2026, 9, 1), due_on=D(2026, 10, 3))
    assert (a.year, a.due_on) == (2026, D(2026, 10, 6))
    # Christmas 2026 is a Friday: the payer pays on Monday 28 Dec.
    b = assess(rv, key="a2", code="118", kind="fixed_due", on=D(2026, 12, 1), due_on=D(2026, 12, 25))
    assert (b.year, b.due_on) == (2026, D(2026, 12, 28))


# --- fiscal-year attribution (시행령 §2①) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "args", "year"),
    [
        # 납기가 있는 수입: the year of the due date …
        ("fixed_due", {"decided_on": D(2026, 11, 1), "due_on": D(2026, 12, 31)}, 2026),
        # … unless the notice was issued in another year: then the year of the notice.
        ("fixed_due", {"decided_on": D(2026, 11, 1), "due_on": D(2026, 12, 31), "notice_on": D(2027, 1, 5)}, 2027),
        # A decision after the due year has ended can only be noticed then.
        ("fixed_due", {"decided_on": D(2027, 1, 10), "due_on": D(2026, 12, 31)}, 2027),
        # 수시수입 with a notice: the year of the notice (issued with the decision unless said otherwise).
        ("notice", {"decided_on": D(2026, 12, 30)}, 2026),
        ("notice", {"decided_on": D(2026, 12, 30), "notice_on": D(2027, 1, 4)}, 2027),
        # … an ancillary revenue follows its basic revenue.
        ("notice", {"decided_on": D(2027, 1, 4), "basic_year": 2026}, 2026),
        # Without a notice: the year received …
        ("receipt", {"decided_on": D(2027, 1, 5), "received_on": D(2026, 12, 30)}, 2026),
        ("receipt", {"decided_on": D(2027, 1, 5), "received_on": D(2027, 1, 2)}, 2027),
    ],
)
def test_the_fiscal_year_of_a_revenue(kind, args, year):
    assert revenue_rules.revenue_fiscal_year(kind, revenue_code="212", **args) == year


@pytest.mark.parametrize("code", ["311", "421", "511", "611", "222", "713"])
def test_transfers_loans_and_repayments_belong_to_their_budget_year_whenever_received(code):
    got = revenue_rules.revenue_fiscal_year(
        "receipt", revenue_code=code, decided_on=D(2027, 1, 5), received_on=D(2027, 1, 5), budget_year=2026
    )
    assert got == 2026


def test_a_revenue_of_last_year_may_be_decided_until_10_february_and_not_after(rv):
    a = assess(rv, kind="receipt", on=D(2027, 2, 10), received_on=D(2026, 12, 30))
    assert a.year == 2026
    assert entry("execution.assessment", a.pk)[:2] == (2026, D(2027, 2, 10))
    before = counts()
    with pytest.raises(errors.ClosedPeriod) as err:
        assess(rv, key="a2", kind="receipt", on=D(2027, 2, 11), received_on=D(2026, 12, 30))
    assert err.value.code == "closed_period"
    assert counts() == before


# --- 납입고지 (R-RV-1) ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice_on", "due_on"),
    [
        (D(2026, 3, 2), D(2026, 3, 17)),  # an ordinary Tuesday
        (D(2026, 9, 9), D(2026, 9, 28)),  # 추석 (24–26 Sep) and the weekend
        (D(2026, 4, 16), D(2026, 5, 4)),  # 1 May, Labour Day, a Friday
        (D(2026, 5, 19), D(2026, 6, 4)),  # 3 June 2026, the local election day
        (D(2026, 9, 18), D(2026, 10, 6)),  # 개천절 on Saturday 3 Oct, substitute Monday 5 Oct
    ],
)
def test_a_notice_is_due_fifteen_days_later_rolled_to_the_next_business_day(rv, notice_on, due_on):
    a = assess(rv, on=D(2026, 3, 2))
    noticed = revenue.do_send_notice(a, notice_on=notice_on, actor=rv.collector)
    assert (noticed.notice_on, noticed.due_on, noticed.interrupted_on) == (notice_on, due_on, notice_on)
    # A notice moves no money: no journal entry, one audit row.
    assert not JournalEntry.objects.filter(source_type="execution.notice").exists()
    assert audits("execution.revenue.notice", a).get().data["due_on"] == due_on.isoformat()


def test_a_later_fixed_due_date_is_kept_and_a_reminder_never_brings_it_forward(rv):
    a = assess(rv)
    a = revenue.do_send_notice(a, notice_on=D(2026, 3, 2), fixed_due_on=D(2026, 4, 30), actor=rv.collector)
    assert a.due_on == D(2026, 4, 30)
    a = revenue.do_send_notice(a, notice_on=D(2026, 3, 5), actor=rv.collector)
    assert (a.due_on, a.interrupted_on) == (D(2026, 4, 30), D(2026, 3, 5))
    # A reminder (독촉) after the due date gives fifteen more days.
    a = revenue.do_send_notice(a, notice_on=D(2026, 5, 6), actor=rv.collector)
    assert (a.due_on, a.interrupted_on) == (D(2026, 5, 21), D(2026, 5, 6))
    assert audits("execution.revenue.notice", a).count() == 3


def test_a_notice_is_refused_on_a_collected_claim_before_its_decision_or_from_another_government(rv):
    a = assess(rv, amount=100_000)
    receive(rv, a, 100_000)
    b = assess(rv, key="a2", on=D(2026, 3, 10))
    before = counts()
    with pytest.raises(errors.AssessmentNotOpen):
        revenue.do_send_notice(a, notice_on=D(2026, 4, 1), actor=rv.collector)
    with pytest.raises(InvalidInput):
        revenue.do_send_notice(b, notice_on=D(2026, 3, 9), actor=rv.collector)
    with pytest.raises(NotFound):
        revenue.do_send_notice(b, notice_on=D(2026, 3, 12), actor=rv.other_collector)
    with pytest.raises(PermissionDenied):
        revenue.do_send_notice(b, notice_on=D(2026, 3, 12), actor=rv.cashier)
    assert counts() == before
    b.refresh_from_db()
    assert (b.notice_on, b.due_on) == (None, None)


# --- 수납 -------------------------------------------------------------------------------------------------------


def test_partial_receipts_add_up_and_the_last_one_closes_the_claim(rv):
    a = assess(rv)
    r1 = receive(rv, a, 300_000, key="r1", on=D(2026, 3, 20))
    a.refresh_from_db()
    assert (a.collected_amount, a.outstanding, a.status) == (300_000, 700_000, AssessmentStatus.OPEN)
    r2 = receive(rv, a, 700_000, key="r2", on=D(2026, 4, 1))
    a.refresh_from_db()
    assert (a.collected_amount, a.outstanding, a.status) == (1_000_000, 0, AssessmentStatus.COLLECTED)
    assert entry("execution.receipt", r1.pk) == (2026, D(2026, 3, 20), [("1110", 300_000, 0), ("1130", 0, 300_000)])
    assert entry("execution.receipt", r2.pk) == (2026, D(2026, 4, 1), [("1110", 700_000, 0), ("1130", 0, 700_000)])
    # Money paid into the 금고 is deposited as it is received.
    assert (r1.deposited_on, r1.deposit_late) == (D(2026, 3, 20), False)
    assert audits("execution.revenue.receipt", r1).count() == audits("execution.revenue.receipt", r2).count() == 1
    with pytest.raises(errors.AssessmentNotOpen):
        receive(rv, a, 1, key="r3")


def test_over_collection_is_refused_and_writes_nothing(rv):
    a = assess(rv)
    receive(rv, a, 300_000)
    before = counts()
    with pytest.raises(errors.OverCollection) as err:
        receive(rv, a, 700_001, key="r2")
    assert err.value.code == "over_collection"
    assert (err.value.detail["outstanding"], err.value.detail["amount"]) == (700_000, 700_001)
    assert "700,000" in str(err.value.message)
    assert counts() == before
    a.refresh_from_db()
    assert (a.collected_amount, a.status) == (300_000, AssessmentStatus.OPEN)


def test_a_retried_receipt_counts_once_and_a_reused_key_is_refused(rv):
    a = assess(rv)
    other = assess(rv, key="a2")
    first = receive(rv, a, 400_000, key="same")
    assert receive(rv, a, 400_000, key="same").pk == first.pk
    a.refresh_from_db()
    assert a.collected_amount == 400_000
    before = counts()
    with pytest.raises(KeyReused):
        receive(rv, a, 400_001, key="same")
    with pytest.raises(KeyReused):
        receive(rv, a, 400_000, key="same", on=D(2026, 3, 21))
    with pytest.raises(KeyReused):
        receive(rv, other, 400_000, key="same")
    assert counts() == before
    # Keys belong to their user: the cashier's "same" is another request.
    assert receive(rv, a, 400_000, key="same", channel="cashier", actor=rv.cashier).pk != first.pk


def test_a_receipt_by_another_government_or_without_the_role_is_refused(rv):
    a = assess(rv)
    before = counts()
    with pytest.raises(NotFound):
        receive(rv, a, 1_000, actor=rv.other_collector)
    with pytest.raises(PermissionDenied):
        receive(rv, a, 1_000, actor=rv.viewer)
    # The 징수관 records the 금고's receipts but does not take cash as 출납원.
    with pytest.raises(PermissionDenied):
        receive(rv, a, 1_000, channel="cashier")
    assert counts() == before


# --- deposits by the 출납원 (R-RV-2) -------------------------------------------------------------------------------


def test_the_deposit_deadline_is_the_next_business_day_where_the_treasury_is_else_the_fifth_day():
    # Received Tuesday 2 June 2026; 3 June is the local election day.
    assert revenue_rules.deposit_deadline(D(2026, 6, 2), same_locality=True) == D(2026, 6, 4)
    # Five days later is Sunday 7 June: Monday 8 June.
    assert revenue_rules.deposit_deadline(D(2026, 6, 2), same_locality=False) == D(2026, 6, 8)
    # Received on Friday 25 Sep 2026 (추석): the next business day is Monday 28 Sep.
    assert revenue_rules.deposit_deadline(D(2026, 9, 25), same_locality=True) == D(2026, 9, 28)


@pytest.mark.parametrize(
    ("deposited_on", "same_locality", "late"),
    [
        (D(2026, 6, 4), True, False),
        (D(2026, 6, 5), True, True),
        (D(2026, 6, 8), False, False),
        (D(2026, 6, 9), False, True),
    ],
)
def test_a_cashier_receipt_deposited_late_is_recorded_and_flagged(rv, deposited_on, same_locality, late):
    a = assess(rv)
    r = receive(
        rv,
        a,
        50_000,
        on=D(2026, 6, 2),
        channel="cashier",
        actor=rv.cashier,
        deposited_on=deposited_on,
        same_locality=same_locality,
    )
    assert (r.deposited_on, r.deposit_late) == (deposited_on, late)
    assert audits("execution.revenue.receipt", r).get().data["deposit_late"] is late


def test_cash_deposited_after_the_receipt_is_flagged_and_audited_once(rv):
    a = assess(rv)
    r = receive(rv, a, 50_000, on=D(2026, 6, 2), channel="cashier", actor=rv.cashier)
    assert (r.deposited_on, r.deposit_late) == (None, False)
    before = counts()
    with pytest.raises(InvalidInput):
        revenue.do_record_deposit(r, deposited_on=D(2026, 6, 1), actor=rv.cashier)
    with pytest.raises(PermissionDenied):
        revenue.do_record_deposit(r, deposited_on=D(2026, 6, 5), actor=rv.collector)
    assert counts() == before
    done = revenue.do_record_deposit(r, deposited_on=D(2026, 6, 5), actor=rv.cashier)
    assert (done.deposited_on, done.deposit_late) == (D(2026, 6, 5), True)
    # Repeating the same deposit changes nothing; another day is a conflict.
    assert revenue.do_record_deposit(r, deposited_on=D(2026, 6, 5), actor=rv.cashier).pk == r.pk
    with pytest.raises(errors.AlreadyDeposited) as err:
        revenue.do_record_deposit(r, deposited_on=D(2026, 6, 8), actor=rv.cashier)
    assert err.value.code == "already_deposited"
    assert audits("execution.revenue.deposit", r).count() == 1
    # The deposit moves cash already on the books: no journal entry.
    assert JournalEntry.objects.filter(source_id=r.pk, source_type__startswith="execution.deposit").count() == 0
    treasury = receive(rv, a, 1_000, key="r2", on=D(2026, 6, 2))
    with pytest.raises(errors.AlreadyDeposited):
        revenue.do_record_deposit(treasury, deposited_on=D(2026, 6, 3), actor=rv.cashier)


# --- separation of duties (R-RV-3) ---------------------------------------------------------------------------------


def small_office(rv, staff_count, code="M01"):
    """A 관서 of the government with its 정원 (R-EX-3/R-RV-3: the size is data, not a flag)."""
    return Office.objects.create(
        government=rv.gov, year=2026, code=code, name="면사무소", kind=OfficeKind.FINANCE, staff_count=staff_count
    )


def test_R_RV_3_the_collector_who_decided_takes_its_cash_only_in_an_office_of_five_or_fewer_staff(rv):
    a = assess(rv, actor=rv.both)
    before = counts()
    with pytest.raises(SeparationOfDuties) as err:
        receive(rv, a, 100_000, channel="cashier", actor=rv.both, on=D(2026, 6, 2))
    assert err.value.code == "separation_of_duties"
    # An office of six is not small (시행령 §25), nor one whose 정원 is not known.
    for office in (small_office(rv, 6, "M06"), small_office(rv, None, "M00")):
        with pytest.raises(SeparationOfDuties):
            receive(rv, a, 100_000, channel="cashier", actor=rv.both, on=D(2026, 6, 2), office=office)
    assert counts() == before
    five = small_office(rv, 5)
    r = receive(rv, a, 100_000, channel="cashier", actor=rv.both, on=D(2026, 6, 2), office=five)
    assert audits("execution.revenue.receipt", r).get().data["office_staff"] == 5
    # The 금고's receipt is not cash in the collector's hands; another 출납원 may take the cash.
    receive(rv, a, 100_000, key="r2", actor=rv.both)
    by_cashier = receive(rv, a, 100_000, key="r3", channel="cashier", actor=rv.cashier, on=D(2026, 6, 2))
    assert audits("execution.revenue.receipt", by_cashier).get().data["office_staff"] is None
    # Carrying the cash to the 금고 is handling it too.
    mine = receive(rv, a, 1_000, key="r4", channel="cashier", actor=rv.both, office=five)
    with pytest.raises(SeparationOfDuties):
        revenue.do_record_deposit(mine, deposited_on=D(2026, 3, 23), actor=rv.both)
    done = revenue.do_record_deposit(mine, deposited_on=D(2026, 3, 23), actor=rv.both, office=five)
    assert audits("execution.revenue.deposit", done).get().data["office_staff"] == 5


# --- the 출납폐쇄 window (R-FY-1, R-FY-2) ----------------------------------------------------------------------------


def test_revenue_of_a_year_is_received_until_31_december_and_state_funds_until_20_january(rv, travel):
    travel(D(2027, 1, 21))  # what follows has happened by then
    grant = assess(rv, code="511", amount=10_000_000, on=D(2026, 11, 2))
    last_day = receive(rv, grant, 1_000_000, key="r1", on=D(2026, 12, 31))
    assert entry("execution.receipt", last_day.pk)[:2] == (2026, D(2026, 12, 31))
    before = counts()
    with pytest.raises(errors.ClosedPeriod) as err:
        receive(rv, grant, 1_000_000, key="r2", on=D(2027, 1, 15))
    assert err.value.code == "closed_period"
    assert counts() == before
    late = receive(
        rv, grant, 1_000_000, key="r3", on=D(2027, 1, 15), exception=ClosingException.STATE_FUNDS_NOT_RECEIVED
    )
    assert entry("execution.receipt", late.pk)[:2] == (2026, D(2027, 1, 15))
    assert audits("execution.revenue.receipt", late).get().data["exception"] == "state_funds_not_received"
    before = counts()
    with pytest.raises(errors.ClosedPeriod):
        receive(rv, grant, 1_000_000, key="r4", on=D(2027, 1, 21), exception=ClosingException.STATE_FUNDS_NOT_RECEIVED)
    # Nor before the year has begun.
    with pytest.raises(errors.ClosedPeriod):
        receive(rv, grant, 1_000_000, key="r5", on=D(2025, 12, 31))
    assert counts() == before
    # After the close it is 과년도 수입: revenue of the year it comes in (지방회계법 §27).
    past = receive(rv, grant, 1_000_000, key="r6", on=D(2027, 1, 21), past_year_revenue=True)
    assert entry("execution.receipt", past.pk) == (
        2027,
        D(2027, 1, 21),
        [("1110", 1_000_000, 0), ("1130", 0, 1_000_000)],
    )
    assert audits("execution.revenue.receipt", past).get().data["past_year_revenue"] is True


@pytest.mark.parametrize(
    ("code", "exception"),
    [
        ("212", ClosingException.STATE_FUNDS_NOT_RECEIVED),  # a user charge is not money from the State
        ("511", ClosingException.CARD_BILL),  # an expenditure exception
        ("212", ClosingException.IMPREST_RETURN),
    ],
)
def test_a_receipt_may_claim_only_a_revenue_exception_that_fits(rv, code, exception):
    a = assess(rv, code=code, on=D(2026, 11, 2))
    before = counts()
    with pytest.raises(InvalidInput) as err:
        receive(rv, a, 1_000, on=D(2027, 1, 10), exception=exception)
    assert err.value.detail["field"] == "exception"
    assert counts() == before


# --- 과오납 환급 with 환급가산금 (R-RV-4) -----------------------------------------------------------------------------


def paid_2025(rv, amount=10_000_000, on=DAY_2025_02_28):
    a = assess(rv, amount=amount, key=f"a-{on}", on=D(2025, 2, 3))
    return receive(rv, a, amount, key=f"r-{on}", on=on)


def test_a_refund_across_two_rate_periods_earns_each_rate_for_its_days(rv):
    r = paid_2025(rv)
    before = AuditEvent.objects.count()
    done = refund(rv, r, 10_000_000, on=D(2025, 6, 30))
    # 1–20 Mar 2025 at 3.5 % (20 days), 21 Mar – 30 Jun at 3.1 % (102 days), /365, truncated to the won:
    # 10,000,000 × (0.035 × 20 + 0.031 × 102) / 365 = 38,620,000 / 365 = 105,808.2
    assert (done.amount, done.interest, done.refunded_on) == (10_000_000, 105_808, D(2025, 6, 30))
    assert entry("execution.overpayment_refund", done.pk) == (
        2025,
        D(2025, 6, 30),
        [("1110", 0, 10_105_808), ("4200", 10_000_000, 0), ("5900", 105_808, 0)],
    )
    r.refresh_from_db()
    assert r.refunded_amount == 10_000_000
    event = audits("execution.revenue.refund", done).get()
    assert (event.data["interest"], event.data["interest_from"]) == (105_808, "2025-02-28")
    assert AuditEvent.objects.count() == before + 1


def test_a_refund_is_charged_to_the_revenue_of_the_year_it_is_paid(rv):
    r = paid_2025(rv, amount=1_000_000, on=D(2025, 12, 10))
    done = refund(rv, r, 1_000_000, on=D(2026, 1, 20))
    # 11 Dec – 20 Jan: 41 days at 3.1 %: 1,000,000 × 0.031 × 41 / 365 = 3,482.19
    assert done.interest == 3_482
    assert entry("execution.overpayment_refund", done.pk)[:2] == (2026, D(2026, 1, 20))


def test_interest_may_start_later_than_the_payment_but_never_earlier(rv):
    r = paid_2025(rv)
    # From the day of a 감면 decision (31 May): 1–30 Jun, 30 days at 3.1 % = 25,479.45
    assert refund(rv, r, 10_000_000, on=D(2025, 6, 30), interest_from=D(2025, 5, 31)).interest == 25_479
    s = paid_2025(rv, on=D(2025, 3, 3))
    before = counts()
    with pytest.raises(InvalidInput):
        refund(rv, s, 1_000, key="f2", on=D(2025, 6, 30), interest_from=D(2025, 3, 2))
    with pytest.raises(InvalidInput):
        refund(rv, s, 1_000, key="f3", on=D(2025, 3, 2))
    assert counts() == before


def test_a_same_day_refund_has_no_interest_and_no_interest_line(rv):
    r = paid_2025(rv, amount=500_000)
    done = refund(rv, r, 200_000, on=D(2025, 2, 28))
    assert done.interest == 0
    assert entry("execution.overpayment_refund", done.pk)[2] == [("1110", 0, 200_000), ("4200", 200_000, 0)]


def test_refunds_never_exceed_what_was_received(rv):
    r = paid_2025(rv, amount=1_000_000)
    refund(rv, r, 600_000, key="f1")
    before = counts()
    with pytest.raises(errors.OverRefund) as err:
        refund(rv, r, 400_001, key="f2")
    assert err.value.code == "over_refund"
    assert err.value.detail["refundable"] == 400_000
    assert counts() == before
    refund(rv, r, 400_000, key="f3")
    r.refresh_from_db()
    assert r.refunded_amount == 1_000_000


def test_a_retried_refund_pays_once_and_a_reused_key_is_refused(rv):
    r = paid_2025(rv, amount=1_000_000)
    first = refund(rv, r, 100_000, key="same")
    assert refund(rv, r, 100_000, key="same").pk == first.pk
    before = counts()
    with pytest.raises(KeyReused):
        refund(rv, r, 100_001, key="same")
    with pytest.raises(KeyReused):
        refund(rv, r, 100_000, key="same", reason="다른 사유")
    assert counts() == before
    r.refresh_from_db()
    assert r.refunded_amount == 100_000


def test_a_period_without_a_recorded_rate_is_refused_until_an_operator_records_it(rv):
    a = assess(rv, amount=1_000_000, on=D(2023, 3, 2))
    r = receive(rv, a, 1_000_000, on=D(2023, 3, 10))
    before = counts()
    with pytest.raises(RefundRateMissing) as err:
        refund(rv, r, 1_000_000, on=D(2023, 6, 1))
    assert err.value.code == "refund_rate_missing"
    assert counts() == before
    RefundInterestRate.objects.create(valid_from=D(2021, 3, 16), annual_rate_bp=120)
    # 11–19 Mar at 1.2 % (9 days), 20 Mar – 1 Jun at 2.9 % (74 days): 1,000,000 × (0.108 + 2.146) / 365 = 6,175.3
    assert refund(rv, r, 1_000_000, on=D(2023, 6, 1)).interest == 6_175


def test_the_migration_loaded_the_verified_rates():
    assert list(RefundInterestRate.objects.values_list("valid_from", "annual_rate_bp")) == [
        (D(2023, 3, 20), 290),
        (D(2024, 3, 22), 350),
        (D(2025, 3, 21), 310),
    ]


def test_only_the_collector_of_the_government_refunds(rv):
    r = paid_2025(rv, amount=1_000_000)
    before = counts()
    with pytest.raises(PermissionDenied):
        refund(rv, r, 1_000, actor=rv.cashier)
    with pytest.raises(NotFound):
        refund(rv, r, 1_000, actor=rv.other_collector)
    assert counts() == before


# --- the monthly report (R-RV-6) ------------------------------------------------------------------------------------


def test_the_monthly_report_shows_the_month_and_what_remains(rv):
    a = assess(rv, on=D(2026, 3, 2))
    receive(rv, a, 300_000, on=D(2026, 3, 20))
    r = receive(rv, a, 100_000, key="r2", on=D(2026, 3, 23))
    refund(rv, r, 100_000, on=D(2026, 3, 25))
    assess(rv, key="a2", code="118", amount=50_000, on=D(2026, 4, 1))
    march = revenue_queries.revenue_report(rv.gov, 2026, 3)
    # The report of March is due on 15 April (a Wednesday).
    assert (march["due_on"], march["deadline"]) == (D(2026, 4, 15), D(2026, 4, 15))
    assert march["rows"] == [
        {
            "revenue_code": "212",
            "name": "사용료수입",
            "assessed": 1_000_000,
            "collected": 400_000,
            "refunded": 100_000,
            "written_off": 0,
            "outstanding": 600_000,
        }
    ]
    april = revenue_queries.revenue_report(rv.gov, 2026, 4)
    assert [(x["revenue_code"], x["assessed"], x["collected"], x["outstanding"]) for x in april["rows"]] == [
        ("118", 50_000, 0, 50_000),
        ("212", 0, 0, 600_000),
    ]
    assert april["totals"]["outstanding"] == 650_000
    # February's report is due on Sunday 15 March: the deadline runs to Monday 16 March.
    assert revenue_queries.revenue_report(rv.gov, 2026, 2)["deadline"] == D(2026, 3, 16)
    with pytest.raises(InvalidInput):
        revenue_queries.revenue_report(rv.gov, 2026, 13)


# --- every write audited, every entry balanced ----------------------------------------------------------------------


def test_every_revenue_write_has_its_audit_row_every_entry_balances_and_the_chain_verifies(rv, travel):
    travel(D(2027, 2, 11))  # what follows has happened by then
    a = assess(rv, code="118", on=D(2026, 3, 2))
    revenue.do_send_notice(a, notice_on=D(2026, 3, 2), actor=rv.collector)
    r1 = receive(rv, a, 600_000, on=D(2026, 3, 20))
    r2 = receive(rv, a, 100_000, key="r2", on=D(2026, 6, 2), channel="cashier", actor=rv.cashier)
    revenue.do_record_deposit(r2, deposited_on=D(2026, 6, 3), actor=rv.cashier)
    refund(rv, r1, 50_000, on=D(2026, 6, 30))
    yearend.do_carry_unpaid(rv.gov, 2026, on=D(2027, 2, 11), actor=rv.collector)
    actions = list(
        AuditEvent.objects.filter(action__startswith="execution.revenue.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "execution.revenue.assess",
        "execution.revenue.notice",
        "execution.revenue.receipt",
        "execution.revenue.receipt",
        "execution.revenue.deposit",
        "execution.revenue.refund",
        "execution.revenue.carry",
    ]
    totals = JournalLine.objects.values("entry_id").annotate(d=Sum("debit"), c=Sum("credit"))
    assert totals and all(t["d"] == t["c"] for t in totals)
    # The receivable is what was decided less what came in, until the carry moves nothing on the books.
    receivable = JournalLine.objects.filter(ledger_code="1120").aggregate(d=Sum("debit"), c=Sum("credit"))
    assert receivable["d"] - receivable["c"] == 1_000_000 - 700_000
    assert [x.broken for x in audit.verify(rv.gov.code)] == [None]


# --- concurrency ---------------------------------------------------------------------------------------------------

CLIENTS = 8


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_and_refunds_never_over_collect_over_refund_or_double_a_request():
    rv = build_revenue()
    a = assess(rv, amount=1_000_000)
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        try:
            start.wait()
            # Everyone retries one shared key (one receipt may come of it), then tries its own receipt and a
            # refund of 60,000 on the first receipt: 1,000,000 cannot take 1 + 8 receipts of 150,000.
            for key, amount in (("shared", 100_000), (f"own-{index}", 150_000)):
                try:
                    receive(rv, a, amount, key=key)
                    outcomes["received"] += 1
                except LofinError as refused:
                    outcomes[refused.code] += 1
            first = Receipt.objects.order_by("pk").first()
            try:
                refund(rv, first, 30_000, key=f"f-{index}", on=D(2026, 3, 20))
                outcomes["refunded"] += 1
            except LofinError as refused:
                outcomes[refused.code] += 1
        except BaseException as exc:  # a crash in a client must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    a.refresh_from_db()
    receipts = Receipt.objects.filter(assessment=a)
    assert Receipt.objects.filter(idempotency_key__endswith=":shared").count() == 1
    # 100,000 + six receipts of 150,000 fit; the other two are over-collection.
    assert receipts.count() == 7
    assert outcomes["over_collection"] + outcomes["assessment_not_open"] == 2
    assert a.collected_amount == receipts.aggregate(s=Sum("amount"))["s"] == 1_000_000
    assert a.status == AssessmentStatus.COLLECTED
    # The first receipt is the shared 100,000: three refunds of 30,000 fit, the rest are refused.
    first = receipts.order_by("pk").first()
    assert first.amount == 100_000
    assert (first.refunded_amount, outcomes["refunded"], outcomes["over_refund"]) == (90_000, 3, 5)
    assert OverpaymentRefund.objects.aggregate(s=Sum("amount"))["s"] == 90_000
    assert AuditEvent.objects.filter(action="execution.revenue.receipt").count() == 7
    assert AuditEvent.objects.filter(action="execution.revenue.refund").count() == 3
    totals = JournalLine.objects.values("entry_id").annotate(d=Sum("debit"), c=Sum("credit"))
    assert all(t["d"] == t["c"] for t in totals)
    assert [x.broken for x in audit.verify(rv.gov.code)] == [None]
    connection.close()


def test_money_received_deposited_or_refunded_in_the_future_is_refused(rv, travel):
    """A receipt, deposit or refund is recorded after it happened: a future refund date would inflate 환급가산금."""
    travel(D(2026, 3, 25))
    a = assess(rv)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        receive(rv, a, 1_000, on=D(2026, 3, 26))
    assert refused.value.detail["field"] == "received_on"
    r = paid_2025(rv)
    with pytest.raises(InvalidInput) as refused:
        refund(rv, r, 1_000, on=D(2026, 3, 26))
    assert refused.value.detail["field"] == "refunded_on"
    assert AuditEvent.objects.count() == before + 2  # the 2025 assessment and its receipt only


def test_a_carry_or_write_off_dated_in_the_future_is_refused(rv, travel):
    """Dated ahead, the carry would close this year's claims early and the write-off would extinguish every open claim."""
    travel(D(2026, 11, 26))
    assess(rv)
    before = (AuditEvent.objects.count(), Assessment.objects.count())
    with pytest.raises(InvalidInput):
        yearend.do_carry_unpaid(rv.gov, 2026, actor=rv.collector, on=D(2027, 3, 1))
    with pytest.raises(InvalidInput):
        yearend.do_mark_prescribed(rv.gov, D(2100, 12, 31), actor=rv.collector)
    assert (AuditEvent.objects.count(), Assessment.objects.count()) == before
