"""Winner rules: pabutools' winners on the real elections, properties, and a plain reference MES."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from lofin.participation.voting import RULES, Ballot, Election, Project, VotingError, parse_pb, solve
from lofin.participation.voting.engine import solve_prepared
from lofin.participation.voting.model import satisfaction_vector
from lofin.participation.voting.prepared import Prepared
from lofin.participation.voting.totals import Totals

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "expected.json").read_text())
RULE_NAMES = {"greedy": "greedy", "mes": "mes", "mes+greedy": "mes+greedy", "mes_add1": "mes-add1"}
SAT_NAMES = {"Cost_Sat": "cost", "Cardinality_Sat": "cardinality", "Additive_Cardinal_Sat": "points"}
CASES = [
    (item["file"], key, value)
    for item in EXPECTED
    for key, value in item["pabutools_1_2_3"].items()
    if key[:-1].split("[")[1] in SAT_NAMES
]


@pytest.mark.parametrize(("file", "key", "expected"), CASES, ids=[f"{c[0][:12]}-{c[1]}" for c in CASES])
def test_winners_equal_pabutools_on_the_real_elections(file, key, expected):
    rule, sat = key[:-1].split("[")
    outcome = solve(parse_pb(DATA / file), RULE_NAMES[rule], SAT_NAMES[sat])
    assert sorted(outcome.winners) == sorted(expected["winners"])
    assert outcome.total_cost == expected["total_cost"]
    if "winners_after_greedy_completion" in expected and sat == "Cost_Sat":
        # mes-add1 has no final greedy step; mes+greedy after add1 is not a rule here, but greedy completes it
        assert set(outcome.winners) <= set(expected["winners_after_greedy_completion"])


def test_every_instance_and_default_rule_is_covered():
    assert len(CASES) == 16
    for item in EXPECTED:
        election = parse_pb(DATA / item["file"])
        for rule in RULES:
            assert solve(election, rule).total_cost <= election.budget


@translation.override("en")
def test_default_satisfaction_follows_the_vote_type():
    assert solve(parse_pb(DATA / "Netherlands_Assen_2024.pb"), "mes").sat == "cost"
    assert solve(parse_pb(DATA / "Worldwide_Mechanical_Turk_Utilities_3.pb"), "mes").sat == "points"
    with pytest.raises(VotingError, match="Borda"):
        solve(parse_pb(DATA / "Netherlands_Assen_2024.pb"), "mes", "borda")
    with pytest.raises(VotingError):
        solve(parse_pb(DATA / "Netherlands_Assen_2024.pb"), "phragmen")


def reference_mes(election: Election, sat: str, endowment: Fraction) -> list[str]:
    """MES written plainly from its definition: one budget per voter, every round the project with the lowest
    price per unit of satisfaction ρ (sum of min(budget, ρ·u) over supporters equals the cost), ties to the smaller
    id; stops when no project is affordable."""
    costs = {p.id: p.cost for p in election.projects}
    utilities = [satisfaction_vector(election, b, sat, costs) for b in election.ballots]
    budgets = [endowment] * len(utilities)
    total = {p: sum(u.get(p, 0) for u in utilities) for p in costs}
    chosen = sorted(p for p in costs if total[p] > 0 and costs[p] == 0)
    remaining = {p for p in costs if total[p] > 0 and costs[p] > 0}
    while True:
        best = None
        for p in sorted(remaining):
            supporters = [i for i, u in enumerate(utilities) if u.get(p, 0) > 0]
            if sum(budgets[i] for i in supporters) < costs[p]:
                continue
            # sum(min(b_i, ρ u_i)) is piecewise linear in ρ with breakpoints b_i/u_i: find the piece reaching the cost
            points = sorted({budgets[i] / utilities[i][p] for i in supporters})
            rho, previous = None, Fraction(0)
            for point in points:
                if sum(min(budgets[i], point * utilities[i][p]) for i in supporters) >= costs[p]:
                    capped = [i for i in supporters if budgets[i] / utilities[i][p] <= previous]
                    free = [i for i in supporters if i not in capped]
                    rho = (costs[p] - sum(budgets[i] for i in capped)) / Fraction(sum(utilities[i][p] for i in free))
                    break
                previous = point
            assert rho is not None
            if best is None or rho < best[0]:
                best = (rho, p)
        if best is None:
            return chosen
        rho, p = best
        chosen.append(p)
        remaining.discard(p)
        for i, u in enumerate(utilities):
            if u.get(p, 0) > 0:
                budgets[i] -= min(budgets[i], rho * u[p])


@st.composite
def small_elections(draw, vote_types=("approval", "cumulative", "ordinal")):
    vote_type = draw(st.sampled_from(vote_types))
    n_projects = draw(st.integers(1, 7))
    projects = [Project(id=str(i), cost=draw(st.integers(0, 30))) for i in range(1, n_projects + 1)]
    ids = [p.id for p in projects]
    ballots = []
    for v in range(draw(st.integers(0, 12))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n_projects))
        if vote_type == "cumulative":
            ballots.append(Ballot(f"v{v}", points={p: draw(st.integers(1, 4)) for p in chosen}))
        elif vote_type == "ordinal":
            ballots.append(Ballot(f"v{v}", ranking=tuple(chosen)))
        else:
            ballots.append(Ballot(f"v{v}", approvals=tuple(chosen)))
    return Election(budget=draw(st.integers(0, 80)), projects=projects, ballots=ballots, vote_type=vote_type)


SATS_FOR = {"approval": ["cost", "cardinality"], "cumulative": ["cost", "points"], "ordinal": ["cardinality", "borda"]}


@settings(max_examples=150, deadline=None)
@given(small_elections(), st.data())
def test_greedy_counts_the_same_without_numpy(election, data):
    # `lofin pb solve --rule greedy` counts with Totals (no numpy); every other path with Prepared
    sat = data.draw(st.sampled_from(SATS_FOR[election.vote_type]))
    if sat == "points" and data.draw(st.booleans()):  # scoring ballots may give negative points
        signs = data.draw(
            st.lists(st.sampled_from([-1, 1]), min_size=len(election.ballots), max_size=len(election.ballots))
        )
        ballots = [
            Ballot(b.voter_id, points={p: u * sign for p, u in (b.points or {}).items()})
            for b, sign in zip(election.ballots, signs, strict=True)
        ]
        election = Election(election.budget, election.projects, ballots, vote_type="scoring")
    plain, counted = Totals(election, sat), Prepared(election, sat)
    assert (plain.ids, plain.costs, plain.budget) == (counted.ids, counted.costs, counted.budget)
    assert plain.total_sat == [int(x) for x in counted.total_sat]
    assert solve_prepared(plain, "greedy").as_dict() == solve_prepared(counted, "greedy").as_dict()


@settings(max_examples=150, deadline=None)
@given(small_elections(), st.data())
def test_mes_equals_the_plain_reference(election, data):
    sat = data.draw(st.sampled_from(SATS_FOR[election.vote_type]))
    outcome = solve(election, "mes", sat)
    if not election.ballots:
        assert outcome.winners == []
        return
    assert outcome.winners == reference_mes(election, sat, Fraction(election.budget, len(election.ballots)))


@settings(max_examples=120, deadline=None)
@given(small_elections(), st.data())
def test_properties_of_every_rule(election, data):
    sat = data.draw(st.sampled_from(SATS_FOR[election.vote_type]))
    costs = {p.id: p.cost for p in election.projects}
    outcomes = {rule: solve(election, rule, sat) for rule in RULES}
    for rule, outcome in outcomes.items():
        assert outcome.total_cost == sum(costs[w] for w in outcome.winners) <= election.budget, rule
        assert len(set(outcome.winners)) == len(outcome.winners)
        assert solve(election, rule, sat).winners == outcome.winners  # deterministic
        shuffled = list(election.ballots)
        random.Random(len(shuffled)).shuffle(shuffled)
        again = Election(election.budget, list(reversed(election.projects)), shuffled, election.vote_type)
        assert sorted(solve(again, rule, sat).winners) == sorted(outcome.winners), rule  # order does not matter
    for rule in ("greedy", "mes+greedy"):  # exhaustive: nothing else fits
        spent = outcomes[rule].total_cost
        assert all(c + spent > election.budget for p, c in costs.items() if p not in outcomes[rule].winners)
    # greedy completion and add1 only add to what MES chose with the same shares
    assert outcomes["mes+greedy"].winners[: len(outcomes["mes"].winners)] == outcomes["mes"].winners
    if election.ballots:
        # each MES purchase is paid in full by its supporters, never more than the budget
        assert sum(Fraction(costs[r.project]) for r in outcomes["mes"].mes_rounds) <= election.budget


def test_mes_rounds_record_prices_and_add1_keeps_the_last_feasible_outcome():
    election = parse_pb(DATA / "Netherlands_Assen_2024.pb")
    mes = solve(election, "mes")
    assert mes.endowment == Fraction(100000, 84)
    assert [r.project for r in mes.mes_rounds] == [w for w in mes.winners if w not in mes.initial]
    assert all(r.rho > 0 for r in mes.mes_rounds)
    add1 = solve(election, "mes-add1")
    assert add1.endowment == Fraction(100000, 84) + add1.add1_steps
    assert add1.add1_steps > 0 and add1.total_cost <= election.budget
