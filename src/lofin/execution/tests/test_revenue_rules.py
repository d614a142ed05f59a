"""Properties of the pure revenue rules (Hypothesis): refund interest, due dates, deposit deadlines, fiscal years."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofin.core import workdays
from lofin.core.errors import InvalidInput
from lofin.core.fiscal import ClosingException
from lofin.execution import errors
from lofin.execution.queries import revenue as revenue_queries
from lofin.execution.rules import revenue as revenue_rules

D = dt.date
ONE = dt.timedelta(days=1)

days_ = st.dates(D(2023, 1, 1), D(2027, 12, 31))
rates_ = st.lists(st.tuples(days_, st.integers(0, 2_000)), min_size=1, max_size=5, unique_by=lambda r: r[0]).map(
    lambda rs: [(d, Fraction(bp, 10_000)) for d, bp in rs]
)


def rate_on(rates, day):
    return max((r for r in rates if r[0] <= day), key=lambda r: r[0])[1]


@given(principal=st.integers(1, 10**13), rates=rates_, paid_on=days_, days=st.integers(0, 800))
def test_refund_interest_is_each_days_rate_summed_then_truncated_once(principal, rates, paid_on, days):
    refunded_on = paid_on + dt.timedelta(days=days)
    first_day = paid_on + ONE
    if days > 0 and min(r[0] for r in rates) > first_day:
        with pytest.raises(errors.RefundRateMissing):
            revenue_rules.split_refund_interest(principal, rates, paid_on, refunded_on)
        return
    total = sum((rate_on(rates, first_day + dt.timedelta(days=i)) for i in range(days)), Fraction(0))
    assert revenue_rules.split_refund_interest(principal, rates, paid_on, refunded_on) == int(principal * total / 365)


@given(principal=st.integers(1, 10**13), bp=st.integers(0, 2_000), paid_on=days_, days=st.integers(-5, 800))
def test_with_one_rate_the_split_equals_the_simple_formula(principal, bp, paid_on, days):
    rate = Fraction(bp, 10_000)
    refunded_on = paid_on + dt.timedelta(days=days)
    expected = revenue_rules.refund_interest(principal, rate, paid_on, refunded_on)
    assert revenue_rules.split_refund_interest(principal, [(D(2000, 1, 1), rate)], paid_on, refunded_on) == expected
    # A "change" to the same rate changes nothing.
    same = [(D(2000, 1, 1), rate), (paid_on + dt.timedelta(days=days // 2 + 1), rate)]
    assert revenue_rules.split_refund_interest(principal, same, paid_on, refunded_on) == expected


@given(principal=st.integers(1, 10**13), rates=rates_, days=st.integers(0, 800))
def test_interest_never_decreases_with_a_later_refund_or_a_larger_principal(principal, rates, days):
    paid_on = min(r[0] for r in rates)
    refunded_on = paid_on + dt.timedelta(days=days)
    now = revenue_rules.split_refund_interest(principal, rates, paid_on, refunded_on)
    assert revenue_rules.split_refund_interest(principal, rates, paid_on, refunded_on + ONE) >= now
    assert revenue_rules.split_refund_interest(principal + 1, rates, paid_on, refunded_on) >= now >= 0


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notice_on=days_, fixed=st.none() | days_)
def test_a_notice_is_due_on_the_first_business_day_from_fifteen_days_on_or_the_fixed_date(notice_on, fixed):
    due = revenue_rules.notice_due_date(notice_on, fixed_due_on=fixed)
    # R-RV-7: a fixed date not yet passed stands, earlier or later than 15 days after the notice.
    floor = fixed if fixed is not None and fixed >= notice_on else notice_on + dt.timedelta(days=15)
    assert due >= floor
    assert workdays.is_business_day(due, labour_day=True)
    day = floor
    while day < due:
        assert not workdays.is_business_day(day, labour_day=True)
        day += ONE


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(received_on=days_, same_locality=st.booleans())
def test_a_deposit_is_due_on_the_first_business_day_from_the_next_or_fifth_day(received_on, same_locality):
    deadline = revenue_rules.deposit_deadline(received_on, same_locality=same_locality)
    floor = received_on + dt.timedelta(days=1 if same_locality else 5)
    assert deadline >= floor and workdays.is_business_day(deadline)
    assert all(not workdays.is_business_day(floor + dt.timedelta(days=i)) for i in range((deadline - floor).days))


codes_ = st.sampled_from(["111", "118", "131", "212", "224", "225", "311", "421", "511", "611", "222", "713", "721"])


@given(code=codes_, decided_on=days_, received_on=days_, budget_year=st.integers(2020, 2030))
def test_revenue_received_without_a_notice_belongs_to_the_year_received_unless_it_is_budget_money(
    code, decided_on, received_on, budget_year
):
    got = revenue_rules.revenue_fiscal_year(
        "receipt", revenue_code=code, decided_on=decided_on, received_on=received_on, budget_year=budget_year
    )
    budget_money = code[0] in "3456" or code in ("222", "713")
    assert got == (budget_year if budget_money else received_on.year)


@given(code=codes_, decided_on=days_, notice_on=st.none() | days_)
def test_revenue_with_a_notice_belongs_to_the_year_of_the_notice(code, decided_on, notice_on):
    got = revenue_rules.revenue_fiscal_year("notice", revenue_code=code, decided_on=decided_on, notice_on=notice_on)
    assert got == (notice_on or decided_on).year


@given(due_on=days_, decided_on=days_, notice_shift=st.none() | st.integers(0, 400))
def test_revenue_with_a_fixed_due_date_belongs_to_its_year_when_noticed_that_year(due_on, decided_on, notice_shift):
    notice_on = None if notice_shift is None else decided_on + dt.timedelta(days=notice_shift)
    got = revenue_rules.revenue_fiscal_year(
        "fixed_due", revenue_code="118", decided_on=decided_on, due_on=due_on, notice_on=notice_on
    )
    noticed = notice_on or (decided_on if decided_on.year > due_on.year else None)
    assert got == (noticed.year if noticed is not None and noticed.year != due_on.year else due_on.year)


def test_a_fixed_due_revenue_needs_its_due_date_and_a_receipt_its_day():
    with pytest.raises(InvalidInput):
        revenue_rules.revenue_fiscal_year("fixed_due", revenue_code="118", decided_on=D(2026, 1, 5))
    with pytest.raises(InvalidInput):
        revenue_rules.revenue_fiscal_year("receipt", revenue_code="212", decided_on=D(2026, 1, 5))
    with pytest.raises(InvalidInput):
        revenue_rules.revenue_fiscal_year("guess", revenue_code="212", decided_on=D(2026, 1, 5))


@pytest.mark.parametrize("exception", list(ClosingException))
@pytest.mark.parametrize("code", ["118", "212", "223", "311", "421", "511", "222", "721"])
def test_only_revenue_exceptions_and_state_money_for_state_funds(exception, code):
    allowed = exception in revenue_rules.REVENUE_EXCEPTIONS and (
        exception != ClosingException.STATE_FUNDS_NOT_RECEIVED or code in ("311", "421", "511", "222")
    )
    if allowed:
        revenue_rules.check_closing_exception(exception, code)
    else:
        with pytest.raises(InvalidInput):
            revenue_rules.check_closing_exception(exception, code)
    revenue_rules.check_closing_exception(None, code)


def test_carried_codes_and_unknown_chapters():
    next_year = {"131", "225", "511"}
    assert [revenue_rules.carried_code(c, next_year) for c in ("118", "212", "511", "611")] == [
        "131",
        "225",
        "511",
        "611",
    ]
    # Where next year's list has no 지난년도수입 item the claim keeps its own.
    assert revenue_rules.carried_code("118", {"118"}) == "118"
    with pytest.raises(errors.UnknownRevenueCode):
        revenue_queries.ledgers_for("999")


@pytest.mark.django_db
def test_report_due_dates():
    assert revenue_rules.report_due(2026, 2) == (D(2026, 3, 15), D(2026, 3, 16))  # Sunday → Monday
    assert revenue_rules.report_due(2026, 12) == (D(2027, 1, 15), D(2027, 1, 15))
    with pytest.raises(InvalidInput):
        revenue_rules.report_due(2026, 0)


# --- R-RV-5, R-RV-7: prescription, 지방세, due dates fixed by law --------------------------------------------------


@pytest.mark.django_db
def test_R_RV_7_a_due_date_fixed_by_law_or_contract_stands_even_before_notice_plus_15_days():
    # Noticed Monday 2 March 2026; the law fixes Tuesday 10 March: the payer is due then, not on 17 March.
    assert revenue_rules.notice_due_date(D(2026, 3, 2), fixed_due_on=D(2026, 3, 10)) == D(2026, 3, 10)
    # Even when the payer had been given a later day: the fixed date is the law's.
    assert revenue_rules.notice_due_date(D(2026, 3, 2), fixed_due_on=D(2026, 3, 10), current=D(2026, 3, 31)) == D(
        2026, 3, 10
    )
    # A fixed date on a Saturday still moves to the next business day (Monday 16 March).
    assert revenue_rules.notice_due_date(D(2026, 3, 2), fixed_due_on=D(2026, 3, 14)) == D(2026, 3, 16)
    # A fixed date that has passed when the notice goes out cannot be met: 15 days from the notice.
    assert revenue_rules.notice_due_date(D(2026, 3, 2), fixed_due_on=D(2026, 2, 27)) == D(2026, 3, 17)
    assert revenue_rules.payer_due_date(notice_on=D(2026, 3, 2), fixed_due_on=D(2026, 3, 10)) == D(2026, 3, 10)


@pytest.mark.parametrize(
    ("code", "amount", "years"),
    [
        ("111", 50_000_000, 10),  # 취득세 of 5천만원: 지방세기본법 §39①1
        ("118-01", 80_000_000, 10),
        ("131", 50_000_000, 10),  # 지난년도 지방세 is still 지방세
        ("111", 49_999_999, 5),  # §39①2
        ("212", 50_000_000, 5),  # 세외수입: 지방재정법 §82
        ("611", 900_000_000, 5),
    ],
)
def test_R_RV_7_local_tax_prescribes_in_ten_years_from_50_million_won_else_five(code, amount, years):
    assert revenue_rules.prescription_years(code, amount) == years
    due = D(2026, 3, 17)
    end = due.replace(year=due.year + years)
    assert not revenue_rules.is_prescribed(due, None, end, years=years)
    assert revenue_rules.is_prescribed(due, None, end + ONE, years=years)


def test_R_RV_7_a_local_tax_refund_comes_from_the_last_payment_backwards():
    payments = [(D(2026, 3, 20), 600_000), (D(2026, 5, 20), 400_000)]
    assert revenue_rules.local_tax_refund_tranches(payments, 0, 300_000) == [(D(2026, 5, 20), 300_000)]
    assert revenue_rules.local_tax_refund_tranches(payments, 0, 500_000) == [
        (D(2026, 5, 20), 400_000),
        (D(2026, 3, 20), 100_000),
    ]
    # What an earlier refund took is gone from the last payment first.
    assert revenue_rules.local_tax_refund_tranches(payments, 300_000, 200_000) == [
        (D(2026, 5, 20), 100_000),
        (D(2026, 3, 20), 100_000),
    ]
    with pytest.raises(errors.OverRefund):
        revenue_rules.local_tax_refund_tranches(payments, 300_000, 800_000)


@given(
    payments=st.lists(st.tuples(days_, st.integers(1, 10**9)), min_size=1, max_size=6),
    data=st.data(),
)
def test_R_RV_7_local_tax_refund_tranches_add_up_and_take_the_latest_payments_first(payments, data):
    total = sum(p for _d, p in payments)
    before = data.draw(st.integers(0, total - 1))
    amount = data.draw(st.integers(1, total - before))
    tranches = revenue_rules.local_tax_refund_tranches(payments, before, amount)
    assert sum(t for _d, t in tranches) == amount
    days = [d for d, _t in tranches]
    assert days == sorted(days, reverse=True)


@given(
    principal=st.integers(1, 10**12),
    bp=st.integers(0, 2_000),
    paid_on=days_,
    days=st.integers(0, 800),
)
def test_R_RV_7_one_local_tax_tranche_earns_what_the_general_rule_gives_for_that_payment(principal, bp, paid_on, days):
    rates = [(D(2000, 1, 1), Fraction(bp, 10_000))]
    refunded_on = paid_on + dt.timedelta(days=days)
    assert revenue_rules.local_tax_refund_interest(
        [(paid_on, principal)], rates, refunded_on
    ) == revenue_rules.split_refund_interest(principal, rates, paid_on, refunded_on)
