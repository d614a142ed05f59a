"""mes-add1 by brackets (bracket.py) and by parametric jumps (add1.py) against plain stepping, one MES run per step,
as pabutools does it — on small elections, on shares of hundreds of thousands of units (won, forints), and around the
stop of larger ones."""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofin.participation.voting import Ballot, Election, Project, add1, parse_pb, solve
from lofin.participation.voting.add1 import mes_add1_plain, stop_kind
from lofin.participation.voting.mesrun import MesRun, mes_projects
from lofin.participation.voting.prepared import Prepared
from lofin.participation.voting.synthetic import synthetic_election

from .test_pb_rules import SATS_FOR, small_elections

PLAIN_LIMIT = 3_000  # steps the plain reference may take in a test
DATA = Path(__file__).parent / "data"


@st.composite
def won_elections(draw):
    """2–5 voters, costs in the millions of won (with odd remainders, so shares are not round numbers)."""
    vote_type = draw(st.sampled_from(("approval", "cumulative", "ordinal")))
    n_projects = draw(st.integers(1, 6))
    unit = draw(st.sampled_from((1, 1_000, 1_000_000)))
    projects = [
        Project(id=str(i), cost=draw(st.integers(0, 40)) * unit + draw(st.integers(0, 999)))
        for i in range(1, n_projects + 1)
    ]
    ids = [p.id for p in projects]
    ballots = []
    for v in range(draw(st.integers(2, 5))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n_projects))
        if vote_type == "cumulative":
            ballots.append(Ballot(f"v{v}", points={p: draw(st.integers(1, 4)) for p in chosen}))
        elif vote_type == "ordinal":
            ballots.append(Ballot(f"v{v}", ranking=tuple(chosen)))
        else:
            ballots.append(Ballot(f"v{v}", approvals=tuple(chosen)))
    budget = draw(st.integers(0, 100)) * unit + draw(st.integers(0, 999))
    return Election(budget=budget, projects=projects, ballots=ballots, vote_type=vote_type)


def check_against_plain(election: Election, sat: str, limit: int = PLAIN_LIMIT) -> None:
    outcome = solve(election, "mes-add1", sat)
    if not election.ballots:
        assert outcome.winners == []
        return
    prep = Prepared(election, sat)
    start = Fraction(election.budget, len(election.ballots))
    assert outcome.endowment == start + outcome.add1_steps
    assert outcome.total_cost <= election.budget
    if outcome.add1_steps <= limit:
        # the whole sequence of steps, one MES run each
        assert mes_add1_plain(prep, limit=limit + 1) == (outcome.winners, outcome.add1_steps)
        return
    # too many steps to run them all here: check the stop where it was found and sampled steps before it
    buyable, _ = mes_projects(prep)

    def kind(step: int) -> str | None:
        rounds = MesRun(prep, start + step, buyable).run()
        return stop_kind(prep, buyable, [prep.index[r.project] for r in rounds])

    k = outcome.add1_steps
    assert kind(k) == "exhaustive" or kind(k + 1) == "over"
    stride = max(1, k // 200)
    assert all(kind(j) is None for j in [*range(0, k, stride), k - 1])


@contextmanager
def jumps_only():
    """mes-add1 by parametric jumps (`parametric_run`), whatever the election's size."""
    with patch.object(add1, "PARAMETRIC_WORK", 10**9):
        yield


@settings(max_examples=200, deadline=None)
@given(won_elections(), st.data())
def test_add1_by_jumps_equals_plain_stepping_with_costs_in_won(election, data):
    with jumps_only():
        check_against_plain(election, data.draw(st.sampled_from(SATS_FOR[election.vote_type])))


@settings(max_examples=200, deadline=None)
@given(small_elections(), st.data())
def test_add1_by_jumps_equals_plain_stepping_on_small_costs(election, data):
    with jumps_only():
        check_against_plain(election, data.draw(st.sampled_from(SATS_FOR[election.vote_type])))


def test_three_voters_and_a_budget_of_a_hundred_million_won_is_fast():
    election = Election(
        budget=100_000_000,
        projects=[Project("1", 60_000_000), Project("2", 45_000_000), Project("3", 30_000_000),
                  Project("4", 20_000_000)],
        ballots=[Ballot("a", approvals=("1", "2")), Ballot("b", approvals=("2", "3")), Ballot("c", approvals=("4",))],
        vote_type="approval",
    )  # fmt: skip
    started = time.perf_counter()
    outcome = solve(election, "mes-add1")
    assert time.perf_counter() - started < 0.5
    # plain stepping needs 19,166,667 runs here (each share rises from 33,333,333⅓ won); checked around the stop
    assert outcome.add1_steps == 19_166_667
    assert outcome.winners == ["2", "3", "4"]
    prep = Prepared(election, "cost")
    buyable, _ = mes_projects(prep)
    for step, expected in ((19_166_666, ["2", "4"]), (19_166_667, ["2", "3", "4"])):
        rounds = MesRun(prep, outcome.endowment - 19_166_667 + step, buyable).run()
        assert sorted(r.project for r in rounds) == expected


@contextmanager
def brackets_only():
    """mes-add1 by brackets (`bracket_run`) from the first step, whatever the election's size."""
    with patch.object(add1, "PARAMETRIC_WORK", -1):
        yield


@settings(max_examples=200, deadline=None)
@given(won_elections(), st.data())
def test_add1_by_brackets_equals_plain_stepping_with_costs_in_won(election, data):
    with brackets_only():
        check_against_plain(election, data.draw(st.sampled_from(SATS_FOR[election.vote_type])))


@settings(max_examples=200, deadline=None)
@given(small_elections(), st.data())
def test_add1_by_brackets_equals_plain_stepping_on_small_costs(election, data):
    # small costs make exact ties (equal prices, decided by the id) and near-ties common
    with brackets_only():
        check_against_plain(election, data.draw(st.sampled_from(SATS_FOR[election.vote_type])))


@st.composite
def forint_elections(draw):
    """8–40 voters with shares of tens of thousands of units: 4–12 projects of 0.1–3 million, some costing the same
    (equal prices: ties decided by the id), ballots of 1–6 projects."""
    vote_type = draw(st.sampled_from(("approval", "cumulative", "ordinal")))
    n_projects = draw(st.integers(4, 12))
    costs = [draw(st.integers(100, 3_000)) * 1_000 + draw(st.sampled_from((0, 0, 1, 499))) for _ in range(3)]
    projects = [Project(str(i), draw(st.sampled_from(costs)) if draw(st.booleans()) else draw(st.integers(100_000, 3_000_000)))
                for i in range(1, n_projects + 1)]  # fmt: skip
    ids = [p.id for p in projects]
    ballots = []
    for v in range(draw(st.integers(8, 40))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=6))
        if vote_type == "cumulative":
            ballots.append(Ballot(f"v{v}", points={p: draw(st.integers(1, 3)) for p in chosen}))
        elif vote_type == "ordinal":
            ballots.append(Ballot(f"v{v}", ranking=tuple(chosen)))
        else:
            ballots.append(Ballot(f"v{v}", approvals=tuple(chosen)))
    budget = sum(p.cost for p in projects) * draw(st.integers(20, 70)) // 100 + draw(st.integers(0, 999))
    return Election(budget=budget, projects=projects, ballots=ballots, vote_type=vote_type)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(forint_elections(), st.data())
def test_add1_by_brackets_equals_plain_stepping_on_shares_of_tens_of_thousands(election, data):
    # the stop is mostly tens of thousands of steps away: checked there and at 200 steps before it
    with brackets_only():
        check_against_plain(election, data.draw(st.sampled_from(SATS_FOR[election.vote_type])), limit=300)


def test_an_approval_election_in_forints_around_its_stop():
    # 1,500 voters, 40 projects of 1–30 million forints: each share about 90,000, the stop thousands of steps away
    election = synthetic_election(seed=7, n_voters=1_500, n_projects=40, mean_length=5, cost_range=(1_000_000, 30_000_000),
                                  budget_share=0.15)  # fmt: skip
    check_against_plain(election, "cost")
    assert solve(election, "mes-add1").add1_steps > PLAIN_LIMIT


def won_cycle(n_voters: int, seed: int = 1, vote_type: str = "approval") -> Election:
    """A district's vote as the web tally sees it: ~30 proposals of 5–100 million won, a budget of 500 million."""
    rng = random.Random(seed)
    projects = [Project(str(i + 1), rng.randrange(5_000_000, 100_000_001, 1_000)) for i in range(30)]
    ids = [p.id for p in projects]
    weights = [1 / (rank + 1) for rank in range(30)]
    rng.shuffle(weights)
    ballots = []
    for v in range(n_voters):
        chosen: list[str] = []
        for _ in range(rng.randint(1, 5)):
            p = rng.choices(ids, weights)[0]
            if p not in chosen:
                chosen.append(p)
        if vote_type == "cumulative":
            ballots.append(Ballot(f"v{v}", points={p: rng.randint(1, 5) for p in chosen}))
        else:
            ballots.append(Ballot(f"v{v}", approvals=tuple(chosen)))
    return Election(budget=500_000_000, projects=projects, ballots=ballots, vote_type=vote_type)


@pytest.mark.parametrize(("n_voters", "vote_type"), [(40, "approval"), (60, "approval"), (40, "cumulative")])
def test_brackets_equal_the_parametric_jumps_on_a_cycle_in_won(n_voters, vote_type):
    # millions of add1 steps of 1 won: both exact methods must stop at the same step
    election = won_cycle(n_voters, seed=n_voters, vote_type=vote_type)
    with jumps_only():
        jumps = solve(election, "mes-add1")
    with brackets_only():
        gallop = solve(election, "mes-add1")
    assert jumps.add1_steps > 1_000_000
    assert (gallop.winners, gallop.add1_steps, gallop.endowment) == (jumps.winners, jumps.add1_steps, jumps.endowment)
    assert [r.as_dict() for r in gallop.mes_rounds] == [r.as_dict() for r in jumps.mes_rounds]


def test_a_cycle_of_a_thousand_voters_in_won_is_fast():
    # the web tally's case: 1 won per add1 step on shares of half a million won (160 s by parametric jumps)
    election = won_cycle(1_000)
    started = time.perf_counter()
    outcome = solve(election, "mes-add1")
    assert time.perf_counter() - started < 15
    assert outcome.total_cost <= election.budget
    prep = Prepared(election, "cost")
    buyable, _ = mes_projects(prep)
    k = outcome.add1_steps
    before = MesRun(prep, outcome.endowment - 1, buyable).run()
    stop = MesRun(prep, outcome.endowment, buyable).run()
    assert stop_kind(prep, buyable, [prep.index[r.project] for r in before]) is None
    assert [r.project for r in stop] == outcome.winners
    assert stop_kind(prep, buyable, [prep.index[r.project] for r in stop]) == "exhaustive" or (
        stop_kind(prep, buyable, [prep.index[r.project] for r in MesRun(prep, outcome.endowment + 1, buyable).run()])
        == "over"
    )
    assert k > 100_000


def test_a_real_election_in_forints():
    # Budapest VIII 2022 (pabulib): 520 voters, shares of 235,769 forints; pabutools' add1 did not finish in 50 minutes
    # here (it would run 153,145 MES runs): the stop is checked where it was found and at 200 steps before it
    election = parse_pb(DATA / "Hungary_Budapest_2022_VIII_Jozsefvaros.pb")
    outcome = solve(election, "mes-add1", "cost")
    assert (outcome.add1_steps, len(outcome.winners), outcome.total_cost) == (153_144, 24, 106_100_000)
    check_against_plain(election, "cost")
