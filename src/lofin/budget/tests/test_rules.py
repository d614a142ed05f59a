"""Pure rules of budget formulation, each with its legal source."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofin.budget.errors import BudgetRuleViolation
from lofin.budget.rules import adjustment as adjustment_rules
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


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12))
def test_the_state_and_province_shares_fit_in_the_line(state, province, amount):
    if state + province <= amount:
        requests_rules.check_subsidy_shares(state_amount=state, province_amount=province, amount=amount)
    else:
        with pytest.raises(InvalidInput) as err:
            requests_rules.check_subsidy_shares(state_amount=state, province_amount=province, amount=amount)
        assert err.value.detail["field"] == "amount"


@given(st.integers(0, 10**6), st.integers(0, 10**3), st.integers(0, 10**3))
def test_a_basis_row_is_its_product_and_a_lump_sum_keeps_its_amount(price, quantity, times):
    product = price * quantity * times
    assert requests_rules.check_basis_row(1, unit_price=price, quantity=quantity, times=times, given=None) == product
    if price:
        with pytest.raises(InvalidInput):
            requests_rules.check_basis_row(2, unit_price=price, quantity=quantity, times=times, given=product + 1)
    else:
        assert requests_rules.check_basis_row(3, unit_price=0, quantity=quantity, times=times, given=77) == 77


def test_an_adjustment_away_from_the_request_says_why():
    assert adjustment_rules.check_adjustment_reason(requested=5, adjusted=5, reason="  ") == ""
    assert adjustment_rules.check_adjustment_reason(requested=5, adjusted=4, reason=" 감액 ") == "감액"
    with pytest.raises(InvalidInput):
        adjustment_rules.check_adjustment_reason(requested=5, adjusted=4, reason=" ")


def test_the_council_records_its_reason_and_votes_after_the_bill():
    assert council_rules.check_amendment_reason(" 삭감 ") == "삭감"
    with pytest.raises(InvalidInput):
        council_rules.check_amendment_reason("")
    council_rules.check_vote_date(dt.date(2026, 12, 10), None)
    council_rules.check_vote_date(dt.date(2026, 12, 10), dt.date(2026, 12, 10))
    with pytest.raises(InvalidInput):
        council_rules.check_vote_date(dt.date(2026, 12, 9), dt.date(2026, 12, 10))


def test_the_project_hierarchy_the_state_share_and_copying_forward():
    setup_rules.check_project_parent("policy", None)
    setup_rules.check_project_parent("unit", "policy")
    setup_rules.check_project_parent("detail", "unit")
    for level, parent in (("detail", "policy"), ("unit", None), ("policy", "policy")):
        with pytest.raises(InvalidInput):
            setup_rules.check_project_parent(level, parent)
    setup_rules.check_state_share(1)
    setup_rules.check_state_share(10_000)
    for bad in (0, 10_001):
        with pytest.raises(InvalidInput):
            setup_rules.check_state_share(bad)
    setup_rules.check_copy_years(2026, 2027)
    with pytest.raises(InvalidInput):
        setup_rules.check_copy_years(2027, 2027)


@given(st.integers(1, 10**9), st.integers(1, 10_000), st.integers(0, 10**9))
def test_matching_funds_are_what_the_share_leaves_to_the_government(state, share, local):
    project = confirmation_rules.SubsidisedProject("사업", state, state + local, share)
    required = confirmation_rules.required_matching(state, share)
    if local >= required:
        assert confirmation_rules.matching_shortfall(project) is None
        confirmation_rules.check_matching(project)
    else:
        assert confirmation_rules.matching_shortfall(project) == (local, required)
        with pytest.raises(BudgetRuleViolation) as err:
            confirmation_rules.check_matching(project)
        assert err.value.detail["rule"] == "matching"


def figures(code, kind, revenue, expenditure, reserve=0):
    return confirmation_rules.AccountFigures(code, f"회계 {code}", kind, revenue, expenditure, reserve)


@pytest.mark.parametrize(
    ("accounts", "blocked", "rule"),
    [
        ([figures("100", "general", 1_000, 1_000, 10)], [], None),
        ([figures("200", "fund", 1_000, 1_000)], [], "R-BP-3"),
        ([figures("100", "general", 1_000, 1_000, 0)], [], "R-BP-3"),
        ([figures("100", "general", 1_000, 1_000, 11)], [], "R-BP-3"),
        ([figures("100", "general", 999, 1_000, 10)], [], "balance"),
        ([figures("100", "general", 1_000, 1_000, 10)], [("도로", "reconsider")], "investment_review"),
    ],
    ids=["valid", "no-general-account", "no-reserve", "reserve-over-1%", "unbalanced", "blocked-project"],
)
def test_check_version_applies_every_rule_of_a_bill(accounts, blocked, rule):
    if rule is None:
        confirmation_rules.check_version(accounts, blocked=blocked)
        return
    with pytest.raises(BudgetRuleViolation) as err:
        confirmation_rules.check_version(accounts, blocked=blocked)
    assert err.value.detail["rule"] == rule


def test_an_unbalanced_version_names_every_unbalanced_account():
    with pytest.raises(BudgetRuleViolation) as err:
        confirmation_rules.check_balance([figures("100", "general", 1, 2), figures("300", "fund", 5, 5)])
    assert err.value.detail["accounts"] == ["100"]
