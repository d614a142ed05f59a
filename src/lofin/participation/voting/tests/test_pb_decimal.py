"""Decimal money (issue 11): złoty with grosze are read exactly and every rule decides on them as pabutools does."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lofin.participation.voting import (
    RULES,
    Ballot,
    Election,
    PbFormatError,
    Project,
    VotingError,
    parse_pb,
    solve,
    write_pb,
)
from lofin.participation.voting.add1 import mes_add1_plain
from lofin.participation.voting.model import format_amount
from lofin.participation.voting.prepared import Prepared

pytest.importorskip("pabutools")

from lofin.participation.voting.reference import pabutools_winners, to_pabutools

DATA = Path(__file__).parent / "data"
WARSZAWA = DATA / "Poland_Warszawa_2019_Grochow_Kinowa.pb"  # budget;222176.85

SMALL = """META
key;value
budget;1000,50
vote_type;approval
PROJECTS
project_id;cost;name
1;600.25;Park
2;400,25;Library
3;500;Bench
VOTES
voter_id;vote
a;1,2
b;2,2
c;3
"""


def test_a_budget_in_zloty_with_grosze_is_read_exactly():
    election = parse_pb(WARSZAWA, decimals=True)
    assert election.budget == Fraction("222176.85") == Fraction(4443537, 20)
    assert (len(election.projects), len(election.ballots)) == (10, 491)


def test_decimal_amounts_are_read_only_when_asked_for():
    # the web app counts in whole won and imports files with the default: a decimal amount is refused there, with its
    # line, as before; `lofin pb` asks for decimals
    with pytest.raises(PbFormatError) as caught:
        parse_pb(WARSZAWA)
    assert (caught.value.line, caught.value.template) == (11, "%(what)s must be a whole number, not %(value)r.")
    assert (
        parse_pb(SMALL.replace("1000,50", "1000,00").replace("600.25", "600").replace("400,25", "400")).budget == 1000
    )


def test_decimal_amounts_with_a_point_or_a_comma_are_exact_fractions():
    election = parse_pb(SMALL, decimals=True)
    assert election.budget == Fraction(2001, 2)
    assert [p.cost for p in election.projects] == [Fraction(2401, 4), Fraction(1601, 4), 500]
    assert isinstance(election.projects[2].cost, int)
    # a vote naming a project twice counts it once, as pabutools reads it (an approval ballot is a set)
    assert election.ballot("b").approvals == ("2",)


@pytest.mark.parametrize(
    ("value", "words"), [("-5.50", "negative"), ("12,345.67", "amount"), ("ten", "amount"), ("1.2.3", "amount")]
)
def test_malformed_amounts_name_their_line(value, words):
    with pytest.raises(PbFormatError) as caught:
        parse_pb(SMALL.replace("1;600.25;Park", f"1;{value};Park"), decimals=True)
    assert caught.value.line == 7
    assert words in caught.value.template


def test_amounts_are_written_back_as_pabulib_writes_them():
    assert [format_amount(x) for x in (Fraction("2828094.61"), Fraction(5, 2), 700, Fraction(1, 3))] == [
        "2828094.61", "2.5", "700", "1/3",
    ]  # fmt: skip
    election = parse_pb(SMALL, decimals=True)
    text = write_pb(election)
    assert "budget;1000.5\n" in text and "1;600.25;Park" in text and "2;400.25;Library" in text
    assert parse_pb(text, decimals=True).budget == election.budget
    # a fraction without a decimal expansion (an election built in code) is written as p/q, which pabutools reads too
    third = Election(budget=1, projects=[Project("1", Fraction(1, 3))], ballots=[Ballot("a", approvals=("1",))])
    assert parse_pb(write_pb(third), decimals=True).projects[0].cost == Fraction(1, 3)


def test_floats_are_refused_as_amounts():
    with pytest.raises(VotingError):
        Election(budget=100.5, projects=[], ballots=[])  # type: ignore[arg-type]
    with pytest.raises(VotingError):
        Election(budget=100, projects=[Project("1", 0.1)], ballots=[])  # type: ignore[arg-type]


def test_add1_raises_each_share_by_one_zloty_not_by_one_grosz():
    election = parse_pb(WARSZAWA, decimals=True)
    outcome = solve(election, "mes-add1", "cost")
    # pabutools adds 1 to every share: one złoty, 100 grosze; the shares stay exact fractions of a grosz
    assert outcome.endowment == Fraction("222176.85") / 491 + outcome.add1_steps
    assert (outcome.add1_steps, outcome.total_cost) == (154, 158740)
    assert mes_add1_plain(Prepared(election, "cost")) == (outcome.winners, outcome.add1_steps)


@st.composite
def grosze_elections(draw):
    """Approval or cumulative ballots, costs and budget in złoty with grosze (some whole)."""
    vote_type = draw(st.sampled_from(("approval", "cumulative")))
    n_projects = draw(st.integers(1, 6))

    def amount(top: int) -> Fraction:
        return Fraction(draw(st.integers(0, top * 100)), 100)

    projects = [Project(str(i), amount(300)) for i in range(1, n_projects + 1)]
    ids = [p.id for p in projects]
    ballots = []
    for v in range(draw(st.integers(1, 8))):
        # pabutools cannot read a cumulative ballot without points: those name at least one project
        least = 1 if vote_type == "cumulative" else 0
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, min_size=least, max_size=n_projects))
        if vote_type == "cumulative":
            ballots.append(Ballot(f"v{v}", points={p: draw(st.integers(1, 4)) for p in chosen}))
        else:
            ballots.append(Ballot(f"v{v}", approvals=tuple(chosen)))
    return Election(budget=amount(800), projects=projects, ballots=ballots, vote_type=vote_type)


@settings(max_examples=60, deadline=None)
@given(grosze_elections(), st.data())
def test_winners_equal_pabutools_on_amounts_with_grosze(election, data):
    sat = data.draw(
        st.sampled_from(["cost", "cardinality"] + (["points"] if election.vote_type == "cumulative" else []))
    )
    instance, profile = to_pabutools(election)
    for rule in RULES:
        assert sorted(solve(election, rule, sat).winners) == pabutools_winners(instance, profile, rule, sat), rule
