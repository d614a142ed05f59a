"""Pure rules of budget formulation, each with its legal source."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofin.budget.errors import BudgetRuleViolation
from lofin.budget.rules import confirmation as confirmation_rules
from lofin.budget.rules import council as council_rules
from lofin.budget.rules import requests as requests_rules
from lofin.budget.rules import setup as setup_rules
from lofin.budget.rules import supplementary as supplementary_rules
from lofin.core.errors import InvalidInput


def test_bill_and_vote_deadlines_of_article_142():  # R-BP-1
    metro = council_rules.deadlines("광역", 2027)
    basic = council_rules.deadlines("기초", 2027)
    assert (metro.bill_due, metro.vote_due) == (dt.date(2026, 11, 11), dt.date(2026, 12, 16))
    assert (basic.bill_due, basic.vote_due) == (dt.date(2026, 11, 21), dt.date(2026, 12, 21))


@given(st.integers(min_value=2000, max_value=2100))
def test_a_metropolitan_bill_is_always_due_ten_days_before_a_basic_one(year):
    assert council_rules.deadlines("기초", year).bill_due - council_rules.deadlines(
        "광역", year
    ).bill_due == dt.timedelta(days=10)
    assert council_rules.deadlines("광역", year).vote_due < dt.date(year, 1, 1)


@pytest.mark.parametrize(
    ("total", "reserve", "ok"),
    [(1_000_000, 10_000, True), (1_000_000, 10_001, False), (1_000_000, 0, False), (1_000_000, 1, True)],
)
def test_the_reserve_must_exist_and_stay_within_one_percent(total, reserve, ok):  # R-BP-3
    if ok:
        confirmation_rules.check_reserve(total, reserve)
    else:
        with pytest.raises(BudgetRuleViolation):
            confirmation_rules.check_reserve(total, reserve)


@given(st.integers(min_value=1, max_value=10**14), st.integers(min_value=0, max_value=10**12))
def test_the_reserve_rule_is_exactly_one_percent(total, reserve):
    allowed = reserve > 0 and reserve * 100 <= total
    try:
        confirmation_rules.check_reserve(total, reserve)
        assert allowed
    except BudgetRuleViolation:
        assert not allowed


def test_continuing_expenditure_spans_at_most_five_years():  # R-BP-8
    setup_rules.check_continuing_years(2025, 2029, extended_by_council=False)
    with pytest.raises(BudgetRuleViolation):
        setup_rules.check_continuing_years(2025, 2030, extended_by_council=False)
    setup_rules.check_continuing_years(2025, 2031, extended_by_council=True)
    with pytest.raises(InvalidInput):
        setup_rules.check_continuing_years(2026, 2025, extended_by_council=False)


def test_the_council_cannot_raise_a_programme_or_add_an_item_without_consent():  # R-BP-2
    council_rules.check_council_amendment(submitted_total=100, amended_total=90, new_item=False, head_consent=False)
    with pytest.raises(BudgetRuleViolation):
        council_rules.check_council_amendment(
            submitted_total=100, amended_total=101, new_item=False, head_consent=False
        )
    with pytest.raises(BudgetRuleViolation):
        council_rules.check_council_amendment(submitted_total=0, amended_total=5, new_item=True, head_consent=False)
    council_rules.check_council_amendment(submitted_total=100, amended_total=150, new_item=True, head_consent=True)


@pytest.mark.parametrize("outcome", ["reconsider", "inappropriate"])
def test_investment_review_blocks_reconsider_and_inappropriate(outcome):
    with pytest.raises(BudgetRuleViolation):
        confirmation_rules.check_investment_review(outcome, "신청사 건립")
    confirmation_rules.check_investment_review("conditional", "신청사 건립")


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=1, max_value=10_000))
def test_matching_funds_are_the_rest_of_the_cost_rounded_up(state, share_bp):
    local = confirmation_rules.required_matching(state, share_bp)
    # The local part is what makes the State's share exactly share_bp of the whole, never less.
    assert (state + local) * share_bp >= state * 10_000 >= (state + local - 1) * share_bp or local == 0


def test_calculation_basis_is_price_times_quantity_times_times():
    assert requests_rules.basis_amount(350_000, 100, 11) == 385_000_000
    with pytest.raises(InvalidInput):
        requests_rules.basis_amount(-1, 1, 1)
    requests_rules.check_basis_total(300, [100, 200])
    with pytest.raises(InvalidInput):
        requests_rules.check_basis_total(301, [100, 200])


def test_diff_lists_changed_added_and_removed_lines():
    changes = supplementary_rules.diff({("a",): 10, ("b",): 5}, {("a",): 12, ("c",): 3})
    assert [(d.key, d.before, d.after, d.change) for d in changes] == [
        (("a",), 10, 12, 2),
        (("b",), 5, 0, -5),
        (("c",), 0, 3, 3),
    ]
