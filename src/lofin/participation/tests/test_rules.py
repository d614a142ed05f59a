"""The pure rules: ages, eligibility, phases, ballots of each kind, the proposal state machine, identity hashes."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofin.core.errors import InvalidInput
from lofin.participation.errors import InvalidBallot, NotEligible, WrongPhase, WrongStatus
from lofin.participation.models import BallotKind, PhaseKind, ProposalStatus
from lofin.participation.rules import ballots, cycles, proposals, residents, review

D = dt.date
COSTS = {1: 30, 2: 40, 3: 20, 4: 50}
GROUPS = dict.fromkeys(COSTS)
BUDGETS = {None: 100}


def ballot(kind, **kwargs):
    spec = ballots.BallotSpec(
        kind=kind,
        min_choices=kwargs.pop("min_choices", 1),
        max_choices=kwargs.pop("max_choices", None),
        max_points=kwargs.pop("max_points", None),
    )
    return ballots.validate_ballot(spec, costs=COSTS, budgets=BUDGETS, groups=GROUPS, **kwargs)


def test_age_counts_full_years_on_the_voting_day():
    assert residents.age_on(D(2012, 5, 10), D(2026, 5, 9)) == 13
    assert residents.age_on(D(2012, 5, 10), D(2026, 5, 10)) == 14
    assert residents.age_on(D(2008, 2, 29), D(2026, 2, 28)) == 17
    assert residents.age_on(D(2008, 2, 29), D(2026, 3, 1)) == 18


def test_eligibility_needs_a_list_entry_of_an_allowed_kind_and_the_age():
    ok = {"allowed_bases": {"resident", "worker"}, "min_age": 14, "on": D(2026, 5, 10)}
    residents.check_eligibility(basis="resident", birth_date=D(2012, 5, 10), **ok)
    for basis, birth, reason in [
        ("", D(1980, 1, 1), "census"),
        ("student", D(1980, 1, 1), "basis"),
        ("resident", D(2012, 5, 11), "age"),
    ]:
        with pytest.raises(NotEligible) as refused:
            residents.check_eligibility(basis=basis, birth_date=birth, **ok)
        assert refused.value.detail["reason"] == reason


def test_phases_are_checked_by_name_and_by_date():
    dates = (D(2026, 5, 1), D(2026, 5, 10))
    cycles.check_phase(PhaseKind.VOTING, PhaseKind.VOTING, day=D(2026, 5, 10), dates=dates)
    with pytest.raises(WrongPhase):
        cycles.check_phase(PhaseKind.PROPOSAL, PhaseKind.VOTING)
    with pytest.raises(WrongPhase):
        cycles.check_phase(PhaseKind.VOTING, PhaseKind.VOTING, day=D(2026, 5, 11), dates=dates)
    assert cycles.next_phase("") == PhaseKind.PROPOSAL
    assert cycles.next_phase(PhaseKind.COMMITTEE_REVIEW) == PhaseKind.VOTING
    with pytest.raises(WrongPhase):
        cycles.next_phase(PhaseKind.IMPLEMENTATION)
    assert cycles.phase_on({PhaseKind.VOTING: dates}, D(2026, 5, 3)) == PhaseKind.VOTING
    assert cycles.phase_on({PhaseKind.VOTING: dates}, D(2026, 5, 11)) == ""
    with pytest.raises(InvalidInput):
        cycles.check_phase_dates({PhaseKind.PROPOSAL: (D(2026, 3, 1), D(2026, 2, 1))})
    with pytest.raises(InvalidInput):
        cycles.check_phase_dates({PhaseKind.PROPOSAL: (D(2026, 3, 1), D(2026, 4, 1)), PhaseKind.VOTING: dates[::-1]})


def test_approval_ballots():
    assert [c.proposal_id for c in ballot(BallotKind.APPROVAL, approvals=[1, 2, 3, 4])] == [1, 2, 3, 4]
    for approvals, reason in [([], "too_few"), ([1, 1], "duplicate"), ([9], "unknown")]:
        with pytest.raises(InvalidBallot) as refused:
            ballot(BallotKind.APPROVAL, approvals=approvals)
        assert refused.value.detail["reason"] == reason


def test_k_approval_limit():
    assert len(ballot(BallotKind.K_APPROVAL, approvals=[1, 2], max_choices=2)) == 2
    with pytest.raises(InvalidBallot) as refused:
        ballot(BallotKind.K_APPROVAL, approvals=[1, 2, 3], max_choices=2)
    assert refused.value.detail == {"reason": "too_many", "limit": 2}


def test_knapsack_within_the_budget_of_each_group():
    assert len(ballot(BallotKind.KNAPSACK, approvals=[1, 2, 3])) == 3  # 90 of 100
    with pytest.raises(InvalidBallot) as refused:
        ballot(BallotKind.KNAPSACK, approvals=[1, 2, 4])  # 120
    assert refused.value.detail["reason"] == "over_budget"
    # Project 4 competes in its district's amount of 60: 50 fits there, while 1+2+3 use the common 100.
    spec = ballots.BallotSpec(BallotKind.KNAPSACK)
    groups = {1: None, 2: None, 3: None, 4: 7}
    ballots.validate_ballot(spec, approvals=[1, 2, 3, 4], costs=COSTS, budgets={None: 100, 7: 60}, groups=groups)
    with pytest.raises(InvalidBallot):
        ballots.validate_ballot(spec, approvals=[4], costs=COSTS, budgets={None: 100, 7: 40}, groups=groups)


def test_cumulative_points():
    choices = ballot(BallotKind.CUMULATIVE, points={1: 3, 2: 2}, max_points=5)
    assert [(c.proposal_id, c.points) for c in choices] == [(1, 3), (2, 2)]
    for points, reason in [({1: 4, 2: 2}, "too_many_points"), ({1: 0}, "points"), ({1: -1, 2: 3}, "points")]:
        with pytest.raises(InvalidBallot) as refused:
            ballot(BallotKind.CUMULATIVE, points=points, max_points=5)
        assert refused.value.detail["reason"] == reason


def test_ranked_ballots_have_no_duplicates_and_keep_the_order():
    choices = ballot(BallotKind.RANKED, ranking=[3, 1, 2], max_choices=3)
    assert [(c.proposal_id, c.rank) for c in choices] == [(3, 1), (1, 2), (2, 3)]
    with pytest.raises(InvalidBallot):
        ballot(BallotKind.RANKED, ranking=[3, 1, 3])
    with pytest.raises(InvalidBallot):
        ballot(BallotKind.RANKED, ranking=[3, 1, 2, 4], max_choices=3)


@given(st.lists(st.integers(min_value=1, max_value=4), max_size=6))
def test_any_accepted_knapsack_ballot_fits_the_budget(ids):
    try:
        choices = ballot(BallotKind.KNAPSACK, approvals=ids)
    except InvalidBallot:
        return
    assert sum(COSTS[c.proposal_id] for c in choices) <= 100
    assert len({c.proposal_id for c in choices}) == len(choices)


S = ProposalStatus


def test_state_machine_walks_the_process_and_refuses_shortcuts():
    path = [S.SUBMITTED, S.UNDER_REVIEW, S.FEASIBLE, S.SHORTLISTED, S.ON_BALLOT, S.SELECTED, S.ADOPTED, S.IN_EXECUTION]
    for current, target in itertools.pairwise(path):
        proposals.check_transition(current, target)
    for current, target in [
        (S.SUBMITTED, S.SELECTED),
        (S.INFEASIBLE, S.SHORTLISTED),
        (S.REJECTED, S.ON_BALLOT),
        (S.WITHDRAWN, S.UNDER_REVIEW),
        (S.NOT_SELECTED, S.ADOPTED),
    ]:
        with pytest.raises(WrongStatus):
            proposals.check_transition(current, target, "reason")


def test_decisions_against_a_proposal_need_a_reason():
    for current, target in [(S.UNDER_REVIEW, S.INFEASIBLE), (S.FEASIBLE, S.REJECTED), (S.ON_BALLOT, S.NOT_SELECTED)]:
        with pytest.raises(InvalidInput):
            proposals.check_transition(current, target, "  ")
        assert proposals.check_transition(current, target, " 예산 초과 ") == "예산 초과"


def test_identity_hash_ignores_spacing_and_needs_the_sex_digit():
    key = b"k"
    a = residents.identity_hash(key, "홍 길동", D(1990, 1, 2), "1")
    assert a == residents.identity_hash(key, "홍길동", D(1990, 1, 2), "1")
    assert a != residents.identity_hash(key, "홍길동", D(1990, 1, 2), "3")
    assert a != residents.identity_hash(b"other", "홍길동", D(1990, 1, 2), "1")
    with pytest.raises(InvalidInput):
        residents.identity_hash(key, "홍길동", D(1990, 1, 2), "9")


def test_committee_scores_are_bounded_per_criterion():
    criteria = {"a": 30, "b": 20}
    assert review.committee_total({"a": 30, "b": 5}, criteria) == 35
    for scores in [{"a": 31, "b": 0}, {"a": 1}, {"a": 1, "b": 1, "c": 1}, {"a": -1, "b": 1}]:
        with pytest.raises(InvalidInput):
            review.committee_total(scores, criteria)
