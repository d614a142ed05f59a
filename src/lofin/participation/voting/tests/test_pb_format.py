"""Reading and writing pabulib files: the real elections, round trips, and malformed files with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from lofin.participation.voting import Ballot, Election, PbFormatError, Project, parse_pb, write_pb

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("*.pb"))


def test_the_real_elections_parse():
    assert len(FILES) == 6
    assen = parse_pb(DATA / "Netherlands_Assen_2024.pb")
    assert (assen.budget, assen.vote_type, len(assen.projects), len(assen.ballots)) == (100000, "approval", 14, 84)
    assert assen.min_length == 2
    assert assen.project("3").cost == 7200 and assen.project("3").name == "PopUp Podium"
    warszawa = parse_pb(DATA / "Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb")
    assert warszawa.project("915").categories == ("education", "environmental protection")
    assert warszawa.ballot("15240").approvals == ("427", "915", "2567", "1623")
    turk = parse_pb(DATA / "Worldwide_Mechanical_Turk_Utilities_3.pb")
    assert turk.vote_type == "cumulative" and turk.max_sum_points == 100
    assert all(sum(b.points.values()) <= 100 for b in turk.ballots)
    assert '"Participatory Budgeting Design' in turk.meta["acknowledgments"]
    budapest = parse_pb(DATA / "Hungary_Budapest_2022_VIII_Jozsefvaros.pb")
    assert (budapest.budget, len(budapest.projects), len(budapest.ballots)) == (122_600_000, 33, 520)


def test_a_vote_naming_a_project_twice_counts_it_once_as_pabutools_reads_it():
    seattle = parse_pb(
        DATA / "US_Stanford_Dataset_Your_Voice_Your_Choice_Parks_and_Streets-_Seattle_2019_District_3_vote_knapsacks.pb"
    )
    # line 123: 119-429;1229,1229,1230,1230,1227,1227 (an approval ballot is a set; the first position is kept)
    assert seattle.ballot("119-429").approvals == ("1229", "1230", "1227")
    ranked = parse_pb(GOOD.replace("approval", "ordinal").replace("a;1,2", "a;2,1,2"))
    assert ranked.ballot("a").ranking == ("2", "1")
    cumulative = GOOD.replace("approval", "cumulative").replace("voter_id;vote", "voter_id;vote;points")
    cumulative = cumulative.replace("a;1,2", "a;1,2,1;3,4,5").replace("b;2\n", "b;2;6\n")
    # points keep the first position and the last value, as pabutools' ballot[project] = points does
    assert parse_pb(cumulative).ballot("a").points == {"1": 5, "2": 4}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_round_trip_of_real_files(path, tmp_path):
    election = parse_pb(path, decimals=True)
    text = write_pb(election)
    again = parse_pb(text, decimals=True)
    assert again == election
    write_pb(election, tmp_path / "out.pb")
    assert parse_pb(tmp_path / "out.pb", decimals=True) == election


ids = st.text(alphabet="abcXYZ0123456789_-", min_size=1, max_size=6)
names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)


@st.composite
def elections(draw):
    vote_type = draw(st.sampled_from(["approval", "cumulative", "scoring", "ordinal"]))
    project_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    projects = [
        Project(id=pid, cost=draw(st.integers(0, 10**9)), name=draw(names).strip().replace("\r", ""))
        for pid in project_ids
    ]
    voter_ids = draw(st.lists(ids, max_size=8, unique=True))
    ballots = []
    for vid in voter_ids:
        chosen = draw(st.lists(st.sampled_from(project_ids), unique=True, max_size=len(project_ids)))
        if vote_type in ("cumulative", "scoring"):
            low = -5 if vote_type == "scoring" else 0
            ballots.append(Ballot(vid, points={p: draw(st.integers(low, 20)) for p in chosen}))
        elif vote_type == "ordinal":
            ballots.append(Ballot(vid, ranking=tuple(chosen)))
        else:
            ballots.append(Ballot(vid, approvals=tuple(chosen)))
    return Election(
        budget=draw(st.integers(0, 10**10)),
        projects=projects,
        ballots=ballots,
        vote_type=vote_type,
        meta={"description": draw(names).strip(), "country": "Korea;South"},
    )


@settings(max_examples=60, deadline=None)
@given(elections())
def test_round_trip_of_any_election(election):
    again = parse_pb(write_pb(election))
    assert again.projects == [
        Project(p.id, p.cost, p.name.strip() if p.name.strip().lower() != "none" else "") for p in election.projects
    ]
    assert again.ballots == election.ballots
    assert (again.budget, again.vote_type) == (election.budget, election.vote_type)
    assert again.meta["country"] == "Korea;South"


GOOD = """META
key;value
budget;1000
vote_type;approval
PROJECTS
project_id;cost;name
1;600;Park
2;500;"Library; new"
VOTES
voter_id;vote
a;1,2
b;2
"""


def test_quoted_fields_and_a_good_file():
    election = parse_pb(GOOD)
    assert election.project("2").name == "Library; new"
    assert [b.approvals for b in election.ballots] == [("1", "2"), ("2",)]


BAD = [
    ("budget;1000", "budget;ten", 3, "amount"),
    ("vote_type;approval", "vote_type;lottery", 4, "vote_type"),
    ("1;600;Park", "1;-600;Park", 7, "negative"),
    ("1;600;Park", "1;6O0;Park", 7, "amount"),
    ("1;600;Park", "1;1,234,567;Park", 7, "amount"),
    ('2;500;"Library; new"', "1;500;Again", 8, "appears twice"),
    ("2;500;", "2;500;x;y;", 8, "fields"),
    ("a;1,2", "a;1,9", 11, "not in PROJECTS"),
    ("b;2", "a;2", 12, "voted twice"),
    ("voter_id;vote", "voter;vote", 10, "voter_id"),
    ("project_id;cost;name", "project_id;price;name", 6, "cost"),
    ("META\n", "hello\nMETA\n", 1, "section name"),
]


@pytest.mark.parametrize(("old", "new", "line", "words"), BAD)
def test_malformed_files_name_the_line(old, new, line, words):
    assert old in GOOD
    with pytest.raises(PbFormatError) as caught:
        parse_pb(GOOD.replace(old, new, 1))
    assert caught.value.line == line
    with translation.override("en"):
        assert f"line {line}:" in str(caught.value)
        assert words in str(caught.value)


@translation.override("en")
def test_missing_sections_and_points():
    with pytest.raises(PbFormatError, match="no VOTES section"):
        parse_pb(GOOD.split("VOTES")[0])
    with pytest.raises(PbFormatError, match="must come after"):
        parse_pb("META\nkey;value\nbudget;1\nvote_type;approval\nVOTES\nvoter_id;vote\n")
    cumulative = GOOD.replace("approval", "cumulative").replace("voter_id;vote", "voter_id;vote;points")
    cumulative = cumulative.replace("a;1,2", "a;1,2;3,4").replace("b;2\n", "b;2;5,6\n")
    with pytest.raises(PbFormatError, match="gives 2 points") as caught:
        parse_pb(cumulative)
    assert caught.value.line == 12


@pytest.mark.parametrize("vote_type", ["approval", "ordinal"])
@pytest.mark.parametrize(
    ("row", "projects"),
    [
        ("a;2,1", ("2", "1")),
        ("a; 2 , 1 ", ("2", "1")),
        ("a;2,,1,", ("2", "1")),
        ("a;2,1,2", ("2", "1")),
        ("a;none", ()),
        ("a;NONE", ()),
        ("a;", ()),
    ],
)
def test_every_spelling_of_a_list_vote_reads_the_same(vote_type, row, projects):
    """The usual row is read without a call per row; the others (spaces, empty items, none) by the careful reader.
    Both give what pabutools gives."""
    election = parse_pb(GOOD.replace("approval", vote_type).replace("a;1,2", row))
    ballot = election.ballot("a")
    assert (ballot.ranking if vote_type == "ordinal" else ballot.approvals) == projects


@translation.override("en")
def test_a_project_called_none_does_not_make_none_a_vote_for_it():
    election = parse_pb(GOOD.replace("1;600;Park", "none;600;Park").replace("a;1,2", "a;none"))
    assert election.ballot("a").approvals == ()
    with pytest.raises(PbFormatError, match="empty voter_id"):
        parse_pb(GOOD.replace("a;1,2", ";1,2"))
