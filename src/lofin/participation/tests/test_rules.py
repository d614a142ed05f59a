"""The pure rules, one test each at least: cycles and their phases, who may take part, proposals and their photos, the
review, ballots of each kind, the count and its overrides, adoption into the budget, comments and questions."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofin.core.errors import Conflict, InvalidInput
from lofin.participation.errors import InvalidBallot, NotEligible, VerificationFailed, WrongPhase, WrongStatus
from lofin.participation.models import BallotKind, PhaseKind, ProposalStatus
from lofin.participation.rules import adoption, ballots, cycles, proposals, questions, residents, results, review

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


# --- cycles -------------------------------------------------------------------------------------------------


def test_cycle_amounts_are_whole_won_from_one_to_the_bound():
    assert cycles.check_amount(1, "x") == 1
    for bad in (0, -5, 10**15 + 1, True, 1.5, "100"):
        with pytest.raises(InvalidInput) as refused:
            cycles.check_amount(bad, "total_amount")
        assert refused.value.detail["field"] == "total_amount"


def test_cycle_settings_are_complete():
    assert cycles.check_title("  2027 공모 ") == "2027 공모"
    for title in ("", " ", "x" * 121):
        with pytest.raises(InvalidInput):
            cycles.check_title(title)
    cycles.check_counting("mes", "")
    for rule, sat in (("borda", ""), ("greedy", "happiness")):
        with pytest.raises(InvalidInput):
            cycles.check_counting(rule, sat)
    cycles.check_voters(residents=False, workers=False, students=True, min_age=19)
    with pytest.raises(InvalidInput):
        cycles.check_voters(residents=False, workers=False, students=False, min_age=14)
    with pytest.raises(InvalidInput):
        cycles.check_voters(residents=True, workers=True, students=True, min_age=31)
    cycles.check_ballot_method("k_approval", max_choices=3, max_points=None, min_choices=1)
    for kind, extra in (("k_approval", {}), ("cumulative", {}), ("borda", {}), ("approval", {"max_choices": 1})):
        with pytest.raises(InvalidInput):
            cycles.check_ballot_method(kind, max_choices=extra.get("max_choices"), max_points=None, min_choices=2)


def test_districts_have_their_own_codes_and_fit_in_the_cycle():
    d = cycles.DistrictIn
    assert cycles.check_districts([d("A", "가", amount=30), d("B", "나"), d("C", "다", amount=70)], 100) == 100
    for districts in ([d("A", "가"), d("A", "나")], [d("", "가")], [d("A", " ")], [d("A", "가", amount=101)]):
        with pytest.raises(InvalidInput):
            cycles.check_districts(districts, 100)


def test_phases_advance_one_at_a_time_and_a_cycle_closes_after_the_vote():
    assert cycles.check_next_phase(PhaseKind.PROPOSAL, None, finished=False) == PhaseKind.DEPARTMENT_REVIEW
    assert cycles.check_next_phase(PhaseKind.PROPOSAL, "department_review", finished=False) == "department_review"
    with pytest.raises(WrongPhase):
        cycles.check_next_phase(PhaseKind.PROPOSAL, "voting", finished=False)
    with pytest.raises(WrongPhase):
        cycles.check_next_phase(PhaseKind.IMPLEMENTATION, None, finished=True)
    cycles.check_phase_kinds({"voting": None})
    with pytest.raises(InvalidInput):
        cycles.check_phase_kinds({"party": None})
    cycles.check_finish(PhaseKind.IMPLEMENTATION)
    with pytest.raises(WrongPhase):
        cycles.check_finish(PhaseKind.VOTING)
    cycles.check_ballot_filled(1)
    with pytest.raises(Conflict):
        cycles.check_ballot_filled(0)


# --- residents ----------------------------------------------------------------------------------------------


@given(st.dates(D(1900, 1, 1), D(2100, 12, 31)), st.integers(0, 30))
def test_the_latest_birth_date_is_the_last_day_of_a_person_of_that_age(day, age):
    latest = residents.latest_birth_date(day, age)
    assert residents.age_on(latest, day) >= age
    assert residents.age_on(latest + dt.timedelta(days=1), day) < age or latest.month == 2


def test_typed_numbers_are_read_in_ascii_digits_only():
    assert residents.ascii_digits("010-1234-5678") == "01012345678"
    assert residents.ascii_digits("٠١٠١٢٣٤٥٦٧٨") == ""  # Arabic-Indic digits are not read as numbers
    assert residents.mobile_number("010 1234 5678") == "01012345678"
    for phone in ("02-123-4567", "010-12", "٠١٠١٢٣٤٥٦٧٨"):
        with pytest.raises(InvalidInput):
            residents.mobile_number(phone)
    assert residents.one_time_code(" 123456 ") == "123456"
    for code in ("12345", "１２３４５６", "12a456", "١٢٣٤٥٦"):
        with pytest.raises(InvalidInput):
            residents.one_time_code(code)


def test_a_verified_identity_names_someone_already_born():
    residents.check_verified_identity("홍길동", D(1990, 1, 2), D(2026, 1, 1))
    for name, born in (("", D(1990, 1, 2)), ("홍길동", D(2026, 1, 2))):
        with pytest.raises(VerificationFailed):
            residents.check_verified_identity(name, born, D(2026, 1, 1))


def test_resident_lists_are_read_with_their_line_numbers():
    rows = [("홍길동", D(1990, 1, 2), "1", "resident", "역삼1동"), ("김영희", D(2001, 3, 4), "4", "student", "")]
    assert residents.parse_census(residents.census_rows(rows)) == rows
    assert residents.parse_day("1990.01.02") == D(1990, 1, 2)
    assert residents.parse_day("١٩٩٠٠١٠٢") is None
    for line in (
        "홍길동,19900102,12",
        "홍길동,19900102,9",
        "홍길동,١٩٩٠٠١٠٢,1",
        ",19900102,1",
        "홍길동,19900102,1,외국인",
    ):
        with pytest.raises(InvalidInput) as refused:
            residents.parse_census(f"이름,생년월일,성별번호,구분\n김철수,19800101,1,주민\n{line}\n".encode())
        assert refused.value.detail["line"] == 3


# --- proposals ----------------------------------------------------------------------------------------------


def test_a_proposal_has_a_title_a_description_and_a_cost_within_the_cycle():
    assert proposals.check_proposal_fields(" 벤치 ", " 공원 ", 100, 100) == ("벤치", "공원")
    for title, text, cost in (("", "x", 1), ("x" * 121, "x", 1), ("x", " ", 1), ("x", "x", 0), ("x", "x", 101)):
        with pytest.raises(InvalidInput):
            proposals.check_proposal_fields(title, text, cost, 100)
    proposals.check_coordinates(None, None)
    proposals.check_coordinates(37.5, 127.0)
    for lat, lon in ((37.5, None), (51.5, 0.1)):
        with pytest.raises(InvalidInput):
            proposals.check_coordinates(lat, lon)


def test_photos_are_images_of_bounded_size_and_number():
    assert proposals.check_photo_kind("PNG") == ("image/png", "png")
    for kind in (None, "GIF"):
        with pytest.raises(InvalidInput):
            proposals.check_photo_kind(kind)
    proposals.check_photo_size(proposals.MAX_PHOTO_BYTES)
    for size in (0, proposals.MAX_PHOTO_BYTES + 1):
        with pytest.raises(InvalidInput):
            proposals.check_photo_size(size)
    proposals.check_photo_status(S.UNDER_REVIEW)
    with pytest.raises(WrongStatus):
        proposals.check_photo_status(S.ON_BALLOT)
    proposals.check_photo_room(proposals.MAX_PHOTOS - 1)
    with pytest.raises(Conflict):
        proposals.check_photo_room(proposals.MAX_PHOTOS)
    proposals.check_photo_upload(proposals.MAX_PHOTOS)
    with pytest.raises(InvalidInput):
        proposals.check_photo_upload(proposals.MAX_PHOTOS + 1)


# --- review, results, adoption, questions, ballots ----------------------------------------------------------


def test_a_finding_gives_its_reason_and_a_cost_within_the_cycle():
    assert review.check_finding(" 가능 ", 50) == "가능"
    for reason, cost in ((" ", None), ("가능", 0)):
        with pytest.raises(InvalidInput):
            review.check_finding(reason, cost)
    review.check_reviewed_cost(None, 10)
    with pytest.raises(InvalidInput):
        review.check_reviewed_cost(11, 10)
    assert (review.finding_status(True), review.finding_status(False)) == (S.FEASIBLE, S.INFEASIBLE)
    assert (review.shortlist_status(True), review.shortlist_status(False)) == (S.SHORTLISTED, S.REJECTED)
    review.check_scorable(S.FEASIBLE)
    with pytest.raises(WrongStatus):
        review.check_scorable(S.INFEASIBLE)


def test_a_count_stands_once_overridden_or_adopted_and_overrides_give_reasons():
    assert results.satisfaction("ranked", "") == "borda" and results.satisfaction("ranked", "cost") == "cost"
    results.check_recount(overridden=False, adopted=False)
    for overridden, adopted in ((True, False), (False, True)):
        with pytest.raises(Conflict):
            results.check_recount(overridden=overridden, adopted=adopted)
    with pytest.raises(Conflict):
        results.check_something_to_count(0)
    with pytest.raises(Conflict):
        results.check_counted(False)
    assert results.check_override("add", " 안전 ") == "안전"
    for action, reason in (("swap", "x"), ("add", " ")):
        with pytest.raises(InvalidInput):
            results.check_override(action, reason)
    assert results.override_move("add", S.NOT_SELECTED) == S.SELECTED
    assert results.override_move("remove", S.SELECTED) == S.NOT_SELECTED
    with pytest.raises(WrongStatus):
        results.override_move("add", S.SELECTED)


def test_adopted_projects_go_into_the_budget_of_the_cycles_year():
    adoption.check_budget(2027, 2027)
    with pytest.raises(InvalidInput):
        adoption.check_budget(2026, 2027)
    adoption.check_parent(is_unit=True, year=2027, cycle_year=2027)
    adoption.check_funding_project(is_detail=True, year=2027, cycle_year=2027)
    for is_it, year in ((False, 2027), (True, 2026)):
        with pytest.raises(InvalidInput):
            adoption.check_parent(is_unit=is_it, year=year, cycle_year=2027)
        with pytest.raises(InvalidInput):
            adoption.check_funding_project(is_detail=is_it, year=year, cycle_year=2027)
    with pytest.raises(WrongStatus):
        adoption.check_selected(0)


def test_comments_questions_and_answers_are_bounded_and_answered_once():
    assert questions.check_comment(" 좋아요 ") == "좋아요"
    assert questions.check_question(" 일정 ", " 언제? ") == ("일정", "언제?")
    assert questions.check_answer(" 12월 ") == "12월"
    for call in (
        lambda: questions.check_comment("x" * 2001),
        lambda: questions.check_question("", "x"),
        lambda: questions.check_question("x", "x" * 4001),
        lambda: questions.check_answer(" "),
    ):
        with pytest.raises(InvalidInput):
            call()
    with pytest.raises(WrongStatus):
        questions.check_commentable(S.WITHDRAWN)
    with pytest.raises(Conflict):
        questions.check_unanswered(True)


def test_an_entered_ballot_is_a_paper_or_in_person_one_with_the_voters_name():
    ballots.check_entry("paper", "김민준")
    ballots.check_entry("in_person", "김민준")
    for channel, name in (("online", "김민준"), ("paper", " ")):
        with pytest.raises(InvalidInput):
            ballots.check_entry(channel, name)
