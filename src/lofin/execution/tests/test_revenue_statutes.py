"""R-RV-5 and R-RV-7 through the actions: a payment interrupts prescription; 지방세 prescribes under 지방세기본법 §39
and earns its refund interest under §62; a due date fixed by law or contract stands (지방회계법 시행령 §19)."""

import datetime as dt

import pytest

from lofin.execution import errors
from lofin.execution.actions import revenue, yearend
from lofin.execution.models import AssessmentStatus
from lofin.execution.queries import revenue as revenue_queries
from lofin.execution.rules import revenue as revenue_rules
from lofin.execution.tests.revenue_setup import assess, audits, counts, receive, refund

pytestmark = pytest.mark.django_db

D = dt.date


def noticed_2023(rv, code="212", amount=500_000, key="old"):
    # Noticed Thursday 2 March 2023, due Friday 17 March 2023.
    a = assess(rv, amount=amount, key=key, code=code, on=D(2023, 3, 2), notice_on=D(2023, 3, 2))
    assert a.due_on == D(2023, 3, 17)
    return a


# --- R-RV-5: a payment acknowledges the debt ------------------------------------------------------------------------


def test_R_RV_5_a_partial_payment_interrupts_prescription(rv, travel):
    travel(D(2029, 1, 2))
    a = noticed_2023(rv)
    receive(rv, a, 200_000, key="part", on=D(2023, 4, 3))
    a.refresh_from_db()
    assert a.interrupted_on == D(2023, 4, 3)
    # Five years from the due date (17 March 2028) no longer end the claim: the payment restarted the count.
    assert yearend.do_mark_prescribed(rv.gov, D(2028, 3, 18), actor=rv.collector) == []
    assert yearend.do_mark_prescribed(rv.gov, D(2028, 4, 3), actor=rv.collector) == []
    assert [x.pk for x in yearend.do_mark_prescribed(rv.gov, D(2028, 4, 4), actor=rv.collector)] == [a.pk]


def test_R_RV_5_a_payment_before_a_later_notice_does_not_move_the_interruption_back(rv, travel):
    travel(D(2026, 11, 26))
    a = noticed_2023(rv)
    revenue.do_send_notice(a, notice_on=D(2024, 5, 2), actor=rv.collector)
    receive(rv, a, 100_000, key="part", on=D(2024, 5, 2), past_year_revenue=True)
    a.refresh_from_db()
    assert a.interrupted_on == D(2024, 5, 2)


def test_R_RV_5_a_claim_expired_before_the_payment_cannot_be_revived_by_it(rv, travel):
    travel(D(2028, 3, 20))
    a = noticed_2023(rv)
    before = counts()
    with pytest.raises(errors.ClaimPrescribed) as refused:
        receive(rv, a, 1_000, key="late", on=D(2028, 3, 20), past_year_revenue=True)
    assert refused.value.detail["rule"] == "R-RV-5"
    assert counts() == before


# --- R-RV-7: 지방세 prescription (지방세기본법 §39) ---------------------------------------------------------------------


def test_R_RV_7_a_local_tax_of_50_million_won_or_more_prescribes_after_ten_years(rv, travel):
    travel(D(2034, 1, 2))
    big = noticed_2023(rv, code="111", amount=50_000_000, key="big")
    small = noticed_2023(rv, code="111", amount=49_999_999, key="small")
    # After five years only the smaller tax is extinguished.
    assert [x.pk for x in yearend.do_mark_prescribed(rv.gov, D(2028, 3, 18), actor=rv.collector)] == [small.pk]
    # The larger one is still collectable in 2030, and the payment interrupts its ten years.
    receive(rv, big, 1_000_000, key="pay", on=D(2030, 6, 1), past_year_revenue=True)
    assert yearend.do_mark_prescribed(rv.gov, D(2033, 3, 18), actor=rv.collector) == []
    big.refresh_from_db()
    assert (big.status, big.interrupted_on) == (AssessmentStatus.OPEN, D(2030, 6, 1))


def test_R_RV_7_a_non_tax_claim_of_50_million_won_keeps_five_years(rv, travel):
    travel(D(2029, 1, 2))
    fee = noticed_2023(rv, code="212", amount=60_000_000)
    assert [x.pk for x in yearend.do_mark_prescribed(rv.gov, D(2028, 3, 18), actor=rv.collector)] == [fee.pk]


def test_R_RV_7_an_expired_local_tax_is_refused_under_its_own_law(rv, travel):
    travel(D(2028, 3, 20))
    tax = noticed_2023(rv, code="111", amount=1_000_000)
    with pytest.raises(errors.ClaimPrescribed) as refused:
        revenue.do_send_notice(tax, notice_on=D(2028, 3, 20), actor=rv.collector)
    assert refused.value.detail["rule"] == "R-RV-7"
    assert "지방세기본법 §39" in str(refused.value.message)


def test_R_RV_7_a_carried_local_tax_keeps_the_ten_years_of_the_tax_as_decided(rv, travel):
    travel(D(2030, 1, 2))
    tax = noticed_2023(rv, code="111", amount=60_000_000)
    receive(rv, tax, 20_000_000, key="part", on=D(2023, 3, 10))
    carried = yearend.do_carry_unpaid(rv.gov, 2023, actor=rv.collector, on=D(2024, 2, 11))
    assert [(c.revenue_code, c.amount) for c in carried] == [("131", 40_000_000)]
    assert yearend.do_mark_prescribed(rv.gov, D(2029, 3, 18), actor=rv.collector) == []
    revenue.do_send_notice(carried[0], notice_on=D(2029, 12, 1), actor=rv.collector)


# --- R-RV-7: 지방세환급가산금 (지방세기본법 §62) -------------------------------------------------------------------------


def test_R_RV_7_local_tax_refund_interest_runs_from_the_last_payment(rv, travel):
    tax = assess(rv, amount=1_000_000, code="111", key="tax")
    first = receive(rv, tax, 600_000, key="r1", on=D(2026, 3, 20))
    receive(rv, tax, 400_000, key="r2", on=D(2026, 5, 20))
    rates = revenue_queries.refund_rates()
    done = refund(rv, first, 300_000, key="f1", on=D(2026, 6, 30))
    # The refund is the last payment's (20 May), not the receipt the official picked (20 March).
    assert done.interest == revenue_rules.split_refund_interest(300_000, rates, D(2026, 5, 20), D(2026, 6, 30))
    assert done.interest != revenue_rules.split_refund_interest(300_000, rates, D(2026, 3, 20), D(2026, 6, 30))
    data = audits("execution.revenue.refund", done).get().data
    assert data["statute"] == "지방세기본법 §62"
    assert data["tranches"] == [["2026-05-20", 300_000]]
    # The next refund takes what is left of the last payment, then the one before it.
    again = refund(rv, first, 200_000, key="f2", on=D(2026, 6, 30))
    assert again.interest == revenue_rules.split_refund_interest(
        100_000, rates, D(2026, 5, 20), D(2026, 6, 30)
    ) + revenue_rules.split_refund_interest(100_000, rates, D(2026, 3, 20), D(2026, 6, 30))


def test_R_RV_7_a_non_tax_refund_keeps_the_general_rule_of_the_receipt(rv):
    fee = assess(rv, amount=1_000_000, code="212", key="fee")
    first = receive(rv, fee, 600_000, key="r1", on=D(2026, 3, 20))
    receive(rv, fee, 400_000, key="r2", on=D(2026, 5, 20))
    done = refund(rv, first, 300_000, key="f1", on=D(2026, 6, 30))
    rates = revenue_queries.refund_rates()
    assert done.interest == revenue_rules.split_refund_interest(300_000, rates, D(2026, 3, 20), D(2026, 6, 30))
    assert audits("execution.revenue.refund", done).get().data["statute"] == "지방회계법 §28"


# --- R-RV-7: a due date fixed by law or contract (시행령 §19) --------------------------------------------------------


def test_R_RV_7_a_notice_keeps_a_due_date_fixed_by_law_even_before_fifteen_days(rv):
    a = assess(rv, key="fixed")
    a = revenue.do_send_notice(a, notice_on=D(2026, 3, 2), fixed_due_on=D(2026, 3, 10), actor=rv.collector)
    assert a.due_on == D(2026, 3, 10)
    b = assess(rv, key="fixed-2", kind="fixed_due", due_on=D(2026, 3, 10), notice_on=D(2026, 3, 2))
    assert b.due_on == D(2026, 3, 10)
