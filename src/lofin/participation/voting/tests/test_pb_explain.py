"""Per-voter and per-project explanations describe the published outcome exactly."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from lofin.participation.voting import RULES, explain, explain_project, parse_pb, solve

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("file", ["Netherlands_Assen_2024.pb", "Worldwide_Mechanical_Turk_Utilities_3.pb"])
def test_every_voter_explanation_matches_the_outcome(file, rule):
    election = parse_pb(DATA / file)
    outcome = solve(election, rule)
    winners = set(outcome.winners)
    for ballot in election.ballots[:25]:
        x = explain(election, outcome, ballot.voter_id)
        data = json.loads(json.dumps(x.as_dict()))
        assert {p["project"] for p in data["projects"]} <= set(ballot.projects())
        for verdict in x.projects:
            assert verdict.won == (verdict.project in winners)
            assert verdict.message and "%(" not in verdict.message
            if verdict.reason == "mes_bought":
                assert verdict.won and Fraction(verdict.paid) >= 0
            if verdict.reason in ("mes_unaffordable", "mes_never_affordable", "greedy_no_room"):
                assert not verdict.won
        if outcome.endowment is not None:
            paid = sum((Fraction(v.paid) for v in x.projects if v.paid), Fraction(0))
            assert Fraction(x.spent) == paid <= Fraction(x.endowment)
            assert Fraction(x.left) == Fraction(x.endowment) - paid >= 0
        else:
            assert x.endowment is None


def test_project_explanations_name_the_round_and_what_was_bought_instead():
    election = parse_pb(DATA / "Netherlands_Assen_2024.pb")
    outcome = solve(election, "mes-add1")
    lost = [p.id for p in election.projects if p.id not in outcome.winners]
    assert lost
    for pid in lost:
        verdict = explain_project(election, outcome, pid)
        assert not verdict.won and verdict.params["supporters"] > 0
        if verdict.reason == "mes_unaffordable":
            assert verdict.params["instead"] in outcome.winners
            assert 1 <= verdict.params["round"] <= len(outcome.mes_rounds)
    first = outcome.mes_rounds[0].project
    verdict = explain_project(election, outcome, first)
    assert verdict.won and verdict.reason == "mes_bought" and verdict.params["round"] == 1
    greedy = solve(election, "greedy")
    top = explain_project(election, greedy, greedy.greedy_order[0])
    assert top.reason == "greedy_selected" and top.params["rank"] == 1


def test_unknown_voter():
    election = parse_pb(DATA / "Netherlands_Assen_2024.pb")
    with pytest.raises(KeyError):
        explain(election, solve(election, "mes"), "nobody")
