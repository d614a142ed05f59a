"""The pure rules of execution (rules/), one test each, Hypothesis where a property says more than examples. No
database: each rule is called with the facts an action would pass. Revenue's fiscal-year, due-date and interest rules
have their own properties in test_revenue_rules.py; the resolution dates in test_resolutions.py."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofin.budget import codes
from lofin.core.errors import InvalidInput, SeparationOfDuties
from lofin.core.fiscal import ClosingException
from lofin.core.types import MAX_WON
from lofin.execution import errors
from lofin.execution.rules import (
    appropriations,
    commitments,
    imprest,
    payments,
    resolutions,
    revenue,
    transfers,
    values,
)
from lofin.execution.rules import yearend as yearend_rules

D = dt.date
YEAR = 2026
amounts = st.integers(1, 10**12)


# --- values --------------------------------------------------------------------------------------------------------


@given(st.integers(1, MAX_WON))
def test_an_amount_that_moves_money_is_one_won_to_core_max(amount):
    values.check_positive(amount)


@pytest.mark.parametrize("amount", [0, -1, MAX_WON + 1, True, 1.0, "1"])
def test_anything_else_is_not_an_amount_that_moves_money(amount):
    with pytest.raises(InvalidInput) as refused:
        values.check_positive(amount)
    assert refused.value.detail == {"field": "amount"}


def test_an_amount_that_may_be_zero():
    values.check_not_negative(0, "spent")
    for wrong in (-1, MAX_WON + 1, False):
        with pytest.raises(InvalidInput) as refused:
            values.check_not_negative(wrong, "spent")
        assert refused.value.detail == {"field": "spent"}


def test_short_texts_are_stripped_and_bounded():
    assert values.check_text("  청구-1 ", "claim.number", 40) == "청구-1"
    assert values.check_text("", "note", 10, required=False) == ""
    for wrong in ("", "   ", "x" * 41, "a\x00b"):
        with pytest.raises(InvalidInput):
            values.check_text(wrong, "claim.number", 40)


def test_a_decision_states_its_reason():
    assert values.check_reason(" 공사 지연 ") == "공사 지연"
    with pytest.raises(InvalidInput):
        values.check_reason(" ")
    with pytest.raises(InvalidInput):
        values.check_reason("x" * 301)


def test_only_what_has_happened_is_recorded():
    values.check_not_future(D(YEAR, 3, 1), "received_on", today=D(YEAR, 3, 1))
    values.check_not_future(None, "received_on", today=D(YEAR, 3, 1))
    with pytest.raises(InvalidInput) as refused:
        values.check_not_future(D(YEAR, 3, 2), "received_on", today=D(YEAR, 3, 1))
    assert refused.value.detail == {"field": "received_on"}


# --- commitments ---------------------------------------------------------------------------------------------------


@given(st.dates(D(YEAR, 1, 1), D(YEAR, 12, 31)), st.dates(D(YEAR, 1, 1), D(YEAR + 1, 12, 31)))
def test_a_commitment_is_made_and_dated_within_its_year(committed_on, today):
    """지방재정법 §7: within the year only; once it has ended, not even dated back into it."""
    if today.year > YEAR:
        with pytest.raises(errors.ClosedPeriod):
            commitments.check_commitment_day(YEAR, committed_on, today)
    else:
        commitments.check_commitment_day(YEAR, committed_on, today)


def test_a_commitment_dated_in_another_year_is_refused():
    with pytest.raises(errors.ClosedPeriod):
        commitments.check_commitment_day(YEAR, D(YEAR + 1, 1, 2), D(YEAR, 12, 31))


def test_a_disbursing_office_makes_no_commitment():
    commitments.check_committing_office(None)
    commitments.check_committing_office("finance")
    with pytest.raises(InvalidInput) as refused:
        commitments.check_committing_office("disbursing")
    assert refused.value.detail == {"field": "office"}


def test_a_commitment_names_its_creditor_and_purpose():
    assert commitments.check_commitment_terms(creditor=" (주)한빛 ", purpose=" 공사 ", kind="normal") == (
        "(주)한빛",
        "공사",
    )
    for terms, field in (
        ({"creditor": "", "purpose": "공사", "kind": "normal"}, "creditor"),
        ({"creditor": "한빛", "purpose": " ", "kind": "normal"}, "purpose"),
        ({"creditor": "한빛", "purpose": "공사", "kind": "loan"}, "kind"),
    ):
        with pytest.raises(InvalidInput) as refused:
            commitments.check_commitment_terms(**terms)
        assert refused.value.detail == {"field": field}


# --- payments ------------------------------------------------------------------------------------------------------


def test_the_payee_is_the_creditor_whatever_company_marks_say():
    """R-EX-4 (지방회계법 §33)."""
    payments.check_payee("(주)한빛건설", "주식회사 한빛 건설")
    payments.check_payee("(주)한빛건설", "새봄", assignees=[("새봄", "")])
    with pytest.raises(errors.PayeeMismatch):
        payments.check_payee("(주)한빛건설", "새봄")


def test_who_committed_neither_orders_nor_handles_the_cash():
    """R-EX-3 (지방회계법 §36): the small-office pair is tested in test_payments_law.py."""
    payments.check_separation(committed_by=1, issuer=2, cashiers={3}, committing_office=None)
    for issuer, cashiers in ((1, set()), (2, {2}), (2, {1})):
        with pytest.raises(SeparationOfDuties):
            payments.check_separation(committed_by=1, issuer=issuer, cashiers=cashiers, committing_office=None)


def test_a_disbursing_office_orders_payments():
    payments.check_disbursing_office("disbursing")
    with pytest.raises(InvalidInput):
        payments.check_disbursing_office("finance")


def test_cash_of_a_year_moves_until_its_end_and_listed_exceptions_until_20_january():
    payments.check_payment_date(YEAR, D(YEAR, 12, 31))
    payments.check_payment_date(YEAR, D(YEAR + 1, 1, 20), ClosingException.CONTRACT_COMPLETED_AT_YEAR_END)
    for day, exception in (
        (D(YEAR + 1, 1, 2), None),
        (D(YEAR + 1, 1, 21), ClosingException.CONTRACT_COMPLETED_AT_YEAR_END),
    ):
        with pytest.raises(errors.ClosedPeriod):
            payments.check_payment_date(YEAR, day, exception)


@given(amounts, st.lists(amounts, max_size=3))
def test_withholdings_are_named_and_leave_something_to_pay(amount, withheld):
    rows = [("income_tax", w) for w in withheld]
    if sum(withheld) >= amount:
        with pytest.raises(InvalidInput):
            payments.withheld_total(amount, rows)
    else:
        assert payments.withheld_total(amount, rows) == sum(withheld)


def test_a_withholding_without_a_kind_is_refused():
    with pytest.raises(InvalidInput):
        payments.withheld_total(100, [("", 10)])


def test_an_advance_is_paid_on_an_advance_commitment_after_its_claim():
    """시행령 §44."""
    on = D(YEAR, 7, 1)
    payments.check_advance_claim(commitment_kind="normal", is_advance=False, claimed_on=None, issued_on=on)
    payments.check_advance_claim(commitment_kind="advance", is_advance=True, claimed_on=on, issued_on=on)
    with pytest.raises(InvalidInput):
        payments.check_advance_claim(commitment_kind="normal", is_advance=True, claimed_on=on, issued_on=on)
    with pytest.raises(InvalidInput):
        payments.check_advance_claim(commitment_kind="advance", is_advance=True, claimed_on=None, issued_on=on)
    with pytest.raises(InvalidInput):
        payments.check_advance_claim(commitment_kind="advance", is_advance=True, claimed_on=D(YEAR, 7, 2), issued_on=on)


@given(st.integers(1, 10**12), st.integers(0, 10**12), st.booleans())
def test_advances_reach_seventy_percent_or_all_with_the_heads_approval(contract, advanced, head):
    """R-EX-6 (시행령 §44)."""
    limit = contract if head else contract * 7 // 10
    if advanced > limit:
        with pytest.raises(errors.ExecutionRuleViolation):
            payments.check_advance(contract, advanced, head_approval=head)
    else:
        payments.check_advance(contract, advanced, head_approval=head)


def test_an_advance_paid_after_fourteen_days_is_late():
    assert payments.advance_is_late(D(YEAR, 7, 1), D(YEAR, 7, 15)) is False
    assert payments.advance_is_late(D(YEAR, 7, 1), D(YEAR, 7, 16)) is True


def test_a_refund_restores_its_line_until_31_december_and_a_listed_kind_until_20_january():
    """R-FY-4 (지방회계법 §27②, 시행령 §3); the kinds in test_payments_law.py."""
    assert payments.refund_restores_line(YEAR, D(YEAR, 12, 31), None) is True
    assert payments.refund_restores_line(YEAR, D(YEAR + 1, 1, 20), None) is False
    assert payments.refund_restores_line(YEAR, D(YEAR + 1, 1, 20), ClosingException.IMPREST_RETURN) is True
    assert payments.refund_restores_line(YEAR, D(YEAR + 1, 1, 21), ClosingException.IMPREST_RETURN) is False


def test_money_comes_back_after_it_was_paid_and_not_in_the_future():
    payments.check_refund_day(D(YEAR, 7, 1), D(YEAR, 7, 1), D(YEAR, 7, 1))
    for received in (D(YEAR, 6, 30), D(YEAR, 7, 2)):
        with pytest.raises(InvalidInput):
            payments.check_refund_day(D(YEAR, 7, 1), received, D(YEAR, 7, 1))


# --- appropriations ------------------------------------------------------------------------------------------------


@given(amounts, st.integers(-(10**9), 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_the_appropriation_is_the_budget_with_its_changes(budget, moved, reserve, carried):
    assert appropriations.appropriation(budget=budget, transfers=moved, reserve=reserve, carried_in=carried) == (
        budget + moved + reserve + carried
    )


@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_a_supplementary_budget_cannot_cut_below_the_allocation(appropriation, allocated):
    """R-BP-6: Σ 배정 ≤ 예산현액."""
    if appropriation < allocated:
        with pytest.raises(errors.OverAppropriation):
            appropriations.check_rebase(appropriation, allocated, line=1)
    else:
        appropriations.check_rebase(appropriation, allocated, line=1)


def test_allocations_are_planned_by_month_or_quarter():
    appropriations.check_allocation_period("monthly", 12)
    appropriations.check_allocation_period("quarterly", 4)
    for kind, period in (("monthly", 13), ("quarterly", 5), ("monthly", 0), ("weekly", 1)):
        with pytest.raises(InvalidInput):
            appropriations.check_allocation_period(kind, period)


def test_sub_allocations_go_to_sub_finance_offices_and_cash_to_disbursing_ones():
    appropriations.check_sub_allocation_office("sub_finance")
    appropriations.check_cash_office("disbursing")
    with pytest.raises(InvalidInput):
        appropriations.check_sub_allocation_office("finance")
    with pytest.raises(InvalidInput):
        appropriations.check_cash_office("sub_finance")


# --- imprest -------------------------------------------------------------------------------------------------------


@given(st.sampled_from(sorted(imprest.IMPREST_CAPS)), amounts)
def test_an_imprest_advance_stays_within_its_kinds_cap(kind, amount):
    """R-EX-5 (지방회계법 시행령 §38)."""
    cap = imprest.IMPREST_CAPS[kind]
    if cap is not None and amount > cap:
        with pytest.raises(errors.ExecutionRuleViolation):
            imprest.check_imprest(kind, amount)
    else:
        imprest.check_imprest(kind, amount)


def test_an_unknown_kind_of_imprest_is_refused():
    with pytest.raises(InvalidInput):
        imprest.check_imprest("gifts", 1)


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_a_settlement_accounts_for_the_whole_advance(advance, spent, returned):
    if spent + returned == advance:
        imprest.check_settlement(advance, spent, returned)
    else:
        with pytest.raises(InvalidInput):
            imprest.check_settlement(advance, spent, returned)


def test_unused_money_comes_back_after_the_advance_and_is_late_after_20_january():
    imprest.check_return_day(D(YEAR, 7, 1), D(YEAR, 8, 1), D(YEAR, 8, 1))
    for returned in (None, D(YEAR, 6, 30), D(YEAR, 8, 2)):
        with pytest.raises(InvalidInput):
            imprest.check_return_day(D(YEAR, 7, 1), returned, D(YEAR, 8, 1))
    assert imprest.return_is_late(YEAR, D(YEAR + 1, 1, 20)) is False
    assert imprest.return_is_late(YEAR, D(YEAR + 1, 1, 21)) is True
    assert imprest.return_is_late(YEAR, None) is False


# --- transfers -----------------------------------------------------------------------------------------------------


def facts(object_code, account=1, policy=1, allowed=False, **more):
    return transfers.LineFacts(
        object_code=object_code,
        account_id=account,
        year=YEAR,
        policy_id=policy,
        policy_transfer_allowed=allowed,
        **more,
    )


MIDYEAR = D(YEAR, 6, 1)


def refused_rule(kind, source, target, on=MIDYEAR, urgent=False):
    with pytest.raises(errors.TransferNotAllowed) as refused:
        transfers.check_transfer(kind, source, target, on=on, urgent_disaster=urgent)
    return refused.value.detail["rule"]


def test_virement_stays_in_its_programme_and_out_of_the_protected_items():
    """R-BP-4 (지방재정법 §49)."""
    transfers.check_transfer("virement", facts("307-02"), facts("301-01"), on=D(YEAR, 6, 1))
    transfers.check_transfer("virement", facts("311-01"), facts("601-01"), on=D(YEAR, 6, 1))  # interest ↔ principal
    assert refused_rule("virement", facts("307-02"), facts("301-01", policy=2)) == "R-BP-4"
    assert refused_rule("virement", facts("101-01"), facts("301-01")) == "R-BP-4"
    assert refused_rule("virement", facts("307-02"), facts("203-01")) == "R-BP-4"


def test_a_virement_after_the_year_is_refused():
    with pytest.raises(errors.TransferNotAllowed):
        transfers.check_virement(
            from_object="307-02", to_object="301-01", same_policy=True, on=D(YEAR + 1, 1, 2), fiscal_year=YEAR
        )


def test_transfer_between_programmes_needs_two_programmes_that_allow_it():
    """R-BP-5 (지방재정법 §47의2)."""
    allowed = {"allowed": True}
    transfers.check_transfer(
        "between_programmes", facts("307-02", **allowed), facts("301-01", policy=2, **allowed), on=D(YEAR, 6, 1)
    )
    assert refused_rule("between_programmes", facts("307-02", **allowed), facts("301-01", **allowed)) == "R-BP-5"
    assert refused_rule("between_programmes", facts("307-02", **allowed), facts("301-01", policy=2)) == "R-BP-5"


def test_the_reserve_is_drawn_only_by_reserve_use_and_not_for_entertainment_or_subsidies():
    """지방재정법 §43, 시행령 §48."""
    transfers.check_transfer("reserve", facts("801-01"), facts("301-01"), on=D(YEAR, 6, 1))
    transfers.check_transfer("reserve", facts("801-02"), facts("307-02"), on=D(YEAR, 6, 1), urgent_disaster=True)
    assert refused_rule("reserve", facts("301-01"), facts("307-02")) == "LFA §43"
    assert refused_rule("reserve", facts("801-01"), facts("801-02")) == "LFA §43"
    assert refused_rule("reserve", facts("801-01"), facts("307-02")) == "LFA §43"
    assert refused_rule("reorganisation", facts("801-01"), facts("301-01", account=2)) == "LFA §43"


def test_R_BP_9_no_transfer_crosses_accounts():
    """지방재정법 §47의2: not even 이체 (R-BP-9)."""
    assert refused_rule("virement", facts("307-02"), facts("301-01", account=2)) == "LFA §47의2"
    assert refused_rule("reserve", facts("801-01"), facts("301-01", account=2)) == "LFA §47의2"
    source, target = unit("307-02", department_id=1), unit("307-02", department_id=2, account=2)
    with pytest.raises(errors.TransferNotAllowed) as refused:
        transfers.check_transfer("reorganisation", source, target, on=MIDYEAR, legal_basis=BASIS)
    assert refused.value.detail == {"rule": "R-BP-9"}


def test_every_transfer_is_made_and_decided_within_its_year():
    """지방재정법 §7 (R-FY-1)."""
    assert refused_rule("reserve", facts("801-01"), facts("301-01"), on=D(YEAR + 1, 1, 2)) == "R-FY-1"
    assert refused_rule("reserve", facts("801-01"), facts("301-01"), on=D(YEAR - 1, 12, 31)) == "R-FY-1"
    transfers.check_decision_in_year(YEAR, D(YEAR, 12, 31))
    with pytest.raises(errors.TransferNotAllowed):
        transfers.check_decision_in_year(YEAR, D(YEAR + 1, 1, 1))


def test_R_BP_4_no_virement_into_any_business_promotion_of_the_code_list():
    """지방재정법 §49: 205-06 의회운영업무추진비 sits under 의회비, not 203, and is 업무추진비 all the same."""
    assert refused_rule("virement", facts("307-02"), facts("205-06")) == "R-BP-4"
    assert refused_rule("reserve", facts("801-01"), facts("205-06")) == "LFA §43"
    transfers.check_transfer("virement", facts("205-06"), facts("205-05"), on=MIDYEAR)
    transfers.check_transfer("reserve", facts("801-01"), facts("205-06"), on=MIDYEAR, urgent_disaster=True)


def test_R_BP_9_virement_and_transfer_between_programmes_only_feed_budgeted_lines_the_council_left():
    """지방재정법 §49②."""
    allowed = {"allowed": True}
    for kind, target_policy in (("virement", 1), ("between_programmes", 2)):
        source = facts("307-02", **allowed)
        assert refused_rule(kind, source, facts("301-01", policy=target_policy, budgeted=False, **allowed)) == "R-BP-9"
        assert (
            refused_rule(kind, source, facts("301-01", policy=target_policy, council_cut=True, **allowed)) == "R-BP-9"
        )
        # Taking money out of such a line is not feeding it.
        transfers.check_transfer(
            kind,
            facts("307-02", budgeted=False, council_cut=True, **allowed),
            facts("301-01", policy=target_policy, **allowed),
            on=MIDYEAR,
        )


def test_R_BP_3_the_reserve_never_funds_a_line_the_council_cut():
    """지방재정법 §43③, even in a disaster; an unbudgeted line it may fund (that is what the reserve is for)."""
    assert refused_rule("reserve", facts("801-01"), facts("301-01", council_cut=True)) == "R-BP-3"
    assert refused_rule("reserve", facts("801-02"), facts("301-01", council_cut=True), urgent=True) == "R-BP-3"
    transfers.check_transfer("reserve", facts("801-01"), facts("301-01", budgeted=False), on=MIDYEAR)


# Every 통계목 of the code list but the reserve's (which only 예비비 사용 moves), and two the list does not name.
MOVABLE = [r["code"] for r in codes.read("object") if r["level"] == "subitem" and not r["code"].startswith("801")]
MOVABLE += ["601-05", "203-09"]


@given(source=st.sampled_from(MOVABLE), target=st.sampled_from(MOVABLE))
def test_R_BP_4_a_virement_is_refused_exactly_where_the_code_list_protects_an_object(source, target):
    """지방재정법 §49: into or out of 인건비 / 시설비및부대비 / 상환금 (but 원금↔이자), and into 업무추진비."""
    categories = {codes.object_category(source), codes.object_category(target)}
    protected = {codes.PERSONNEL, codes.FACILITIES, codes.DEBT_PRINCIPAL}
    refused = (bool(categories & protected) and categories != {codes.DEBT_PRINCIPAL, codes.DEBT_INTEREST}) or (
        codes.object_category(target) == codes.BUSINESS_PROMOTION
    )
    if refused:
        assert refused_rule("virement", facts(source), facts(target)) == "R-BP-4"
    else:
        transfers.check_transfer("virement", facts(source), facts(target), on=MIDYEAR)


BASIS = "행정기구 설치 조례 개정"


def unit(object_code, *, department_id, name="경로당 운영 지원", account=1, policy=1):
    return facts(object_code, account=account, policy=policy, project_name=name, department_id=department_id)


def test_R_BP_9_reorganisation_moves_the_same_project_to_another_organisation_on_a_legal_basis():
    """지방재정법 §47의2②."""
    source = unit("307-02", department_id=1)
    transfers.check_transfer(
        "reorganisation", source, unit("307-02", department_id=2, policy=9), on=MIDYEAR, legal_basis=BASIS
    )
    # Spaces do not make another 사업; a target with no budget yet is what an 이체 usually feeds.
    transfers.check_transfer(
        "reorganisation",
        source,
        unit(
            "307-02",
            department_id=2,
            name=" 경로당  운영 지원",
        ),
        on=MIDYEAR,
        legal_basis=BASIS,
    )
    refusals = [
        (unit("307-02", department_id=2), ""),  # no legal basis
        (unit("307-02", department_id=1), BASIS),  # the same organisation
        (unit("307-02", department_id=None), BASIS),  # an organisation nobody named
        (unit("307-02", department_id=2, name="노인 일자리 지원"), BASIS),  # another 사업
        (unit("201-01", department_id=2), BASIS),  # another 목
    ]
    for target, basis in refusals:
        with pytest.raises(errors.TransferNotAllowed) as refused:
            transfers.check_transfer("reorganisation", source, target, on=MIDYEAR, legal_basis=basis)
        assert refused.value.detail["rule"] == "R-BP-9", target


def test_each_kind_of_transfer_has_its_default_decider():
    assert {kind for kind, _amount, _position in transfers.DEFAULT_POLICIES} == set(transfers.DOC_KINDS.values())


# --- resolutions ---------------------------------------------------------------------------------------------------


def test_a_resolution_pays_at_most_the_claim_and_what_the_commitment_has_free():
    """법 §31, 시행령 §33."""
    resolutions.check_resolution_amount(100, 100)
    with pytest.raises(InvalidInput):
        resolutions.check_resolution_amount(101, 100)
    resolutions.check_within_commitment(60, unpaid=100, resolved=40)
    with pytest.raises(errors.ResolutionExceedsCommitment) as refused:
        resolutions.check_within_commitment(61, unpaid=100, resolved=40)
    assert (refused.value.detail["unpaid"], refused.value.detail["resolved"]) == (100, 40)


def test_a_claim_for_an_advance_is_resolved_on_an_advance_commitment():
    resolutions.check_advance_claim(commitment_kind="advance", for_advance=True)
    resolutions.check_advance_claim(commitment_kind="normal", for_advance=False)
    with pytest.raises(errors.ResolutionMismatch):
        resolutions.check_advance_claim(commitment_kind="normal", for_advance=True)


def test_an_order_follows_its_resolutions_commitment_and_kind():
    resolutions.check_order_follows(
        resolution_commitment=1, commitment=1, resolution_for_advance=False, is_advance=False
    )
    for commitment, advance in ((2, False), (1, True)):
        with pytest.raises(errors.ResolutionMismatch):
            resolutions.check_order_follows(
                resolution_commitment=1, commitment=commitment, resolution_for_advance=False, is_advance=advance
            )


def test_an_estimate_is_settled_after_its_commitment_and_not_in_the_future():
    resolutions.check_settlement_day(D(YEAR, 6, 1), D(YEAR, 6, 1), D(YEAR, 6, 1))
    for day in (D(YEAR, 5, 31), D(YEAR, 6, 2)):
        with pytest.raises(InvalidInput):
            resolutions.check_settlement_day(D(YEAR, 6, 1), day, D(YEAR, 6, 1))


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_an_estimate_splits_into_what_comes_back_and_what_is_still_owed(paid, actual):
    excess, shortfall = resolutions.settlement_split(paid, actual)
    assert paid - excess + shortfall == actual and min(excess, shortfall) == 0


def test_a_shortfall_must_be_covered_by_the_commitment():
    resolutions.check_shortfall_covered(10, 10)
    with pytest.raises(errors.InsufficientCommitment):
        resolutions.check_shortfall_covered(11, 10)


# --- revenue -------------------------------------------------------------------------------------------------------


@given(st.dates(D(2020, 1, 1), D(2030, 12, 31)), st.integers(1, 10))
def test_years_before_keeps_the_day_or_the_28th_of_february(day, years):
    before = revenue.years_before(day, years)
    assert before.year == day.year - years and before.month == day.month
    assert before.day == day.day or (day.month, day.day, before.day) == (2, 29, 28)


def test_a_claim_prescribes_five_years_after_its_due_date_or_last_interruption():
    """R-RV-5 (지방재정법 §82, §84)."""
    assert revenue.is_prescribed(D(2023, 3, 17), None, D(2028, 3, 17)) is False
    assert revenue.is_prescribed(D(2023, 3, 17), None, D(2028, 3, 18)) is True
    assert revenue.is_prescribed(D(2023, 3, 17), D(2025, 1, 31), D(2028, 3, 18)) is False
    assert revenue.prescription_start(None, D(2023, 3, 2)) == D(2023, 3, 2)
    assert revenue.prescription_start(D(2023, 3, 17), D(2023, 3, 2)) == D(2023, 3, 17)
    with pytest.raises(errors.ClaimPrescribed):
        revenue.check_not_prescribed(D(2023, 3, 17), D(2023, 3, 2), None, D(2028, 3, 18), assessment=1)


def test_a_past_year_is_decided_only_until_its_books_close():
    """시행령 §3."""
    revenue.check_decision_year(YEAR, D(YEAR + 1, 2, 10))
    with pytest.raises(errors.ClosedPeriod):
        revenue.check_decision_year(YEAR, D(YEAR + 1, 2, 11))


@pytest.mark.django_db  # the business days come from the calendar of holidays (core.workdays)
def test_a_notice_follows_its_decision_and_sets_the_payers_due_date():
    revenue.check_notice_day(None, D(YEAR, 3, 2))
    with pytest.raises(InvalidInput):
        revenue.check_notice_day(D(YEAR, 3, 1), D(YEAR, 3, 2))
    assert revenue.payer_due_date(notice_on=D(2023, 3, 2), fixed_due_on=None) == D(2023, 3, 17)
    # Without a notice, the fixed date moved off the weekend (Saturday 17 → Monday 19 March 2029).
    assert revenue.payer_due_date(notice_on=None, fixed_due_on=D(2029, 3, 17)) == D(2029, 3, 19)
    assert revenue.payer_due_date(notice_on=None, fixed_due_on=None) is None


def test_a_receipt_is_booked_to_its_year_while_its_window_is_open_then_to_the_year_received():
    """R-FY-1 (지방회계법 §7), 시행령 §3, 지방회계법 §27."""
    assert revenue.receipt_fiscal_year(YEAR, D(YEAR, 12, 31)) == YEAR
    state = ClosingException.STATE_FUNDS_NOT_RECEIVED
    assert revenue.receipt_fiscal_year(YEAR, D(YEAR + 1, 1, 20), exception=state) == YEAR
    assert revenue.receipt_fiscal_year(YEAR, D(YEAR + 1, 1, 21), past_year_revenue=True) == YEAR + 1
    for day in (D(YEAR + 1, 1, 21), D(YEAR - 1, 12, 31)):
        with pytest.raises(errors.ClosedPeriod):
            revenue.receipt_fiscal_year(YEAR, day)


def test_the_collector_does_not_handle_the_cash_unless_the_office_is_small():
    """R-RV-3 (지방회계법 §23, 시행령 §25)."""
    revenue.check_cashier_not_collector(cashier=2, decided_by=1, office_staff=None)
    revenue.check_cashier_not_collector(cashier=1, decided_by=1, office_staff=5)
    for taking in (True, False):
        for staff in (None, 6):
            with pytest.raises(SeparationOfDuties):
                revenue.check_cashier_not_collector(cashier=1, decided_by=1, office_staff=staff, taking=taking)


@pytest.mark.django_db  # the business days come from the calendar of holidays (core.workdays)
def test_cash_is_deposited_after_it_was_received_and_late_after_its_deadline():
    """R-RV-2 (시행령 §21): received Tuesday 24 November 2026, due the next day where the 금고 is."""
    assert revenue.deposit_is_late(D(2026, 11, 24), D(2026, 11, 25), same_locality=True) is False
    assert revenue.deposit_is_late(D(2026, 11, 24), D(2026, 11, 26), same_locality=True) is True
    with pytest.raises(InvalidInput):
        revenue.deposit_is_late(D(2026, 11, 24), D(2026, 11, 23), same_locality=True)


def test_refund_interest_runs_from_the_payment_or_later_to_the_refund():
    """시행령 §31."""
    revenue.check_refund_period(D(YEAR, 3, 1), D(YEAR, 3, 1), D(YEAR, 6, 1))
    for start, end in ((D(YEAR, 2, 28), D(YEAR, 6, 1)), (D(YEAR, 6, 2), D(YEAR, 6, 1))):
        with pytest.raises(InvalidInput):
            revenue.check_refund_period(D(YEAR, 3, 1), start, end)


def test_unpaid_revenue_is_carried_once_the_years_cash_work_is_complete():
    """지방회계법 §27, 시행령 §3: after 10 February."""
    revenue.check_carry_day(YEAR, D(YEAR + 1, 2, 11))
    with pytest.raises(errors.YearNotClosed):
        revenue.check_carry_day(YEAR, D(YEAR + 1, 2, 10))


# --- year end ------------------------------------------------------------------------------------------------------


def test_carry_overs_are_decided_after_the_year_and_within_the_next():
    """지방재정법 §50."""
    yearend_rules.check_carry_over_day(YEAR, D(YEAR + 1, 1, 1))
    yearend_rules.check_carry_over_day(YEAR, D(YEAR + 1, 12, 31))
    with pytest.raises(errors.YearNotEnded):
        yearend_rules.check_carry_over_day(YEAR, D(YEAR, 12, 31))
    with pytest.raises(errors.ClosedPeriod):
        yearend_rules.check_carry_over_day(YEAR, D(YEAR + 2, 1, 1))


def test_each_kind_of_carry_over_has_its_condition():
    """지방재정법 §50, R-BP-7."""
    kw = {"next_year": YEAR + 1}
    yearend_rules.check_carry_over_kind("explicit", names_commitment=False, continuing_runs_on=False, **kw)
    yearend_rules.check_carry_over_kind("accident", names_commitment=True, continuing_runs_on=False, **kw)
    yearend_rules.check_carry_over_kind("continuing", names_commitment=False, continuing_runs_on=True, **kw)
    with pytest.raises(errors.CarryOverNotAllowed) as refused:
        yearend_rules.check_carry_over_kind("accident", names_commitment=False, continuing_runs_on=True, **kw)
    assert refused.value.detail["rule"] == "R-BP-7"
    with pytest.raises(errors.CarryOverNotAllowed) as refused:
        yearend_rules.check_carry_over_kind("continuing", names_commitment=True, continuing_runs_on=False, **kw)
    assert refused.value.detail["rule"] == "LFA §50"


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_a_commitment_carries_at_most_its_unpaid_part(amount, unpaid):
    if unpaid <= 0:
        with pytest.raises(errors.CarryOverNotAllowed):
            yearend_rules.check_commitment_carry("accident", amount=amount, unpaid=unpaid)
    elif amount > unpaid:
        with pytest.raises(errors.OverCarryOver):
            yearend_rules.check_commitment_carry("accident", amount=amount, unpaid=unpaid)
    else:
        yearend_rules.check_commitment_carry("accident", amount=amount, unpaid=unpaid)


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, 10**9))
def test_a_line_carries_at_most_what_is_neither_committed_nor_carried(appropriation, committed, carried, amount):
    available = yearend_rules.carriable(appropriation, committed, carried)
    assert available == appropriation - committed - carried
    if amount > available:
        with pytest.raises(errors.OverCarryOver) as refused:
            yearend_rules.check_line_carry(amount, available=available, line=1)
        assert refused.value.detail["available"] == max(available, 0)
    else:
        yearend_rules.check_line_carry(amount, available=available, line=1)


def test_the_lapse_is_computed_once_the_year_has_ended_and_final_after_20_january():
    """지방회계법 §7, §27, §37."""
    with pytest.raises(errors.YearNotEnded):
        yearend_rules.check_lapse_day(YEAR, D(YEAR, 12, 31))
    yearend_rules.check_lapse_day(YEAR, D(YEAR + 1, 1, 1))
    assert yearend_rules.lapsed(990, 540, 160) == 290
    assert yearend_rules.lapse_is_provisional(YEAR, D(YEAR + 1, 1, 20)) is True
    assert yearend_rules.lapse_is_provisional(YEAR, D(YEAR + 1, 1, 21)) is False
