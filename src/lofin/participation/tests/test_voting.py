"""Voting: every kind of bad ballot is refused and writes nothing; one vote per person, paper replacing online;
concurrent votes of one person count once; the tally is the engine's answer on the database's ballots."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from lofin.core import testing
from lofin.core.errors import Conflict, InvalidInput, KeyReused, LofinError, NotFound, PermissionDenied
from lofin.core.models import AuditEvent
from lofin.core.roles import AccountType
from lofin.participation import voting
from lofin.participation.actions import ballots as va
from lofin.participation.actions import comments, cycles, questions, review
from lofin.participation.actions import results as tally
from lofin.participation.errors import AlreadyVoted, InvalidBallot, NotEligible, NotVerified, WrongPhase
from lofin.participation.models import (
    Ballot,
    BallotChoice,
    Cycle,
    Override,
    PhaseKind,
    Proposal,
    Result,
    RollEntry,
    StatusEvent,
)
from lofin.participation.queries import results as counted
from lofin.participation.testing import PEOPLE, build_pb

pytestmark = pytest.mark.django_db


def counts():
    return (
        Ballot.objects.count(),
        RollEntry.objects.count(),
        RollEntry.objects.filter(is_active=True).count(),
        BallotChoice.objects.count(),
        AuditEvent.objects.filter(action__startswith="participation.ballot").count(),
    )


def ids(pb, *numbers):
    on_ballot = {p.number: p.pk for p in pb.proposals}
    return [on_ballot[n] for n in numbers]


def paper(pb, person, *numbers, **kwargs):
    return va.do_enter_paper_ballot(
        pb.cycle,
        name=person.name,
        birth_date=person.birth_date,
        sex_digit=person.sex,
        approvals=ids(pb, *numbers),
        actor=pb.clerk,
        **kwargs,
    )


def test_online_vote_is_recorded_once_with_its_choices():
    pb = build_pb()
    kim = pb.users["김민준"]
    assert [p.status for p in pb.proposals] == ["on_ballot", "on_ballot", "on_ballot", "rejected"]
    cast = va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1, 3), actor=kim, idempotency_key="k1")
    assert (cast.channel, cast.choices) == ("online", ids(pb, 1, 3))
    entry = RollEntry.objects.get()
    assert (entry.channel, entry.basis, entry.is_active, entry.resident) == (
        "online",
        "resident",
        True,
        pb.residents["김민준"],
    )
    assert sorted(BallotChoice.objects.values_list("proposal__number", flat=True)) == [1, 3]
    event = AuditEvent.objects.get(action="participation.ballot.cast")
    assert event.data == {"channel": "online"}  # that the person voted, not how
    # A retry of the same ballot with the same key returns the first ballot (without its receipt code); the same
    # key with another ballot is refused, and so is another vote of the same person.
    again = va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1, 3), actor=kim, idempotency_key="k1")
    assert (again.choices, again.receipt) == (cast.choices, None)
    before = counts()
    with pytest.raises(KeyReused):
        va.do_cast_ballot(pb.cycle, approvals=ids(pb, 2), actor=kim, idempotency_key="k1")
    with pytest.raises(AlreadyVoted):
        va.do_cast_ballot(pb.cycle, approvals=ids(pb, 2), actor=kim, idempotency_key="k2")
    assert counts() == before
    # Keys are the sender's own: the same key from someone else is their own request.
    other = va.do_cast_ballot(pb.cycle, approvals=ids(pb, 2), actor=pb.users["이서연"], idempotency_key="k1")
    assert other.choices == ids(pb, 2) and Ballot.objects.count() == RollEntry.objects.count() == 2


def test_bad_ballots_and_voters_are_refused_and_nothing_is_written(travel):
    pb = build_pb(ballot_kind="k_approval", max_choices=2)
    kim = pb.users["김민준"]
    rejected = pb.proposals[3].pk
    unverified = testing.person(pb.gov, AccountType.RESIDENT, username="unverified")
    before = counts()
    cases = [
        (InvalidBallot, {"approvals": ids(pb, 1, 2, 3), "actor": kim}),  # over the approval limit
        (InvalidBallot, {"approvals": [rejected], "actor": kim}),  # not on the ballot
        (InvalidBallot, {"approvals": [], "actor": kim}),
        (InvalidBallot, {"approvals": ids(pb, 1, 1), "actor": kim}),
        (NotEligible, {"approvals": ids(pb, 1), "actor": pb.users["최하은"]}),  # 13 years old
        (NotEligible, {"approvals": ids(pb, 1), "actor": pb.users["한지민"]}),  # on no list
        (NotVerified, {"approvals": ids(pb, 1), "actor": unverified}),
        (PermissionDenied, {"approvals": ids(pb, 1), "actor": pb.clerk}),  # officials vote as residents
        (InvalidInput, {"approvals": ids(pb, 1), "actor": kim, "idempotency_key": "x" * 101}),
        (InvalidInput, {"approvals": ids(pb, 1), "actor": kim, "idempotency_key": ""}),
    ]
    for error, kwargs in cases:
        with pytest.raises(error):
            va.do_cast_ballot(pb.cycle, **kwargs)
    travel(pb.today + dt.timedelta(days=11))  # the vote has closed
    with pytest.raises(WrongPhase):
        va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1), actor=kim)
    assert counts() == before


def test_knapsack_over_the_budget_is_refused():
    pb = build_pb(ballot_kind="knapsack", costs=(60_000_000, 50_000_000, 20_000_000))
    before = counts()
    with pytest.raises(InvalidBallot) as refused:
        va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1, 2), actor=pb.users["김민준"])
    assert refused.value.detail["reason"] == "over_budget"
    assert counts() == before
    va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1, 3), actor=pb.users["김민준"])  # 80 of 100


def test_cumulative_and_ranked_ballots():
    pb = build_pb(ballot_kind="cumulative", max_points=5, code="1133000")
    kim = pb.users["김민준"]
    one, two, _three = ids(pb, 1, 2, 3)
    with pytest.raises(InvalidBallot):
        va.do_cast_ballot(pb.cycle, points={one: 4, two: 2}, actor=kim)
    va.do_cast_ballot(pb.cycle, points={one: 4, two: 1}, actor=kim)
    assert dict(BallotChoice.objects.values_list("proposal_id", "points")) == {one: 4, two: 1}
    ranked = build_pb(ballot_kind="ranked", max_choices=3, code="1134000", prefix="r")
    a, b, c = ids(ranked, 1, 2, 3)
    with pytest.raises(InvalidBallot):
        va.do_cast_ballot(ranked.cycle, ranking=[a, b, a], actor=ranked.users["김민준"])
    cast = va.do_cast_ballot(ranked.cycle, ranking=[c, a], actor=ranked.users["김민준"])
    assert cast.choices == [c, a]
    ballot = Ballot.objects.get(cycle=ranked.cycle)
    assert list(BallotChoice.objects.filter(ballot=ballot).order_by("rank").values_list("proposal_id", "rank")) == [
        (c, 1),
        (a, 2),
    ]


def test_paper_ballot_replaces_the_online_one_and_is_counted_once():
    pb = build_pb()
    kim = PEOPLE[0]
    online = va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1), actor=pb.users[kim.name])
    on_paper = paper(pb, kim, 2, 3)
    assert (on_paper.channel, on_paper.replaced_on, on_paper.choices) == ("paper", online.cast_on, ids(pb, 2, 3))
    # The roll keeps the replaced online vote, inactive; its ballot is gone. One ballot, with the paper choices.
    entries = {(e.channel, e.is_active, e.entered_by, e.resident) for e in RollEntry.objects.filter(cycle=pb.cycle)}
    assert entries == {
        ("online", False, None, pb.residents[kim.name]),
        ("paper", True, pb.clerk, pb.residents[kim.name]),
    }
    assert sorted(BallotChoice.objects.values_list("proposal_id", flat=True)) == ids(pb, 2, 3)
    before = counts()
    with pytest.raises(AlreadyVoted):  # a second paper ballot
        paper(pb, kim, 1, channel="in_person")
    with pytest.raises(AlreadyVoted):  # online after paper
        va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1), actor=pb.users[kim.name])
    with pytest.raises(NotEligible):  # on no list
        paper(pb, PEOPLE[0].__class__("없는사람", dt.date(1990, 1, 1), "1"), 1)
    with pytest.raises(PermissionDenied):
        va.do_enter_paper_ballot(
            pb.cycle,
            name=kim.name,
            birth_date=kim.birth_date,
            sex_digit="1",
            approvals=ids(pb, 1),
            actor=pb.users["이서연"],
        )
    with pytest.raises(InvalidInput):
        paper(pb, kim, 1, channel="online")
    assert counts() == before
    # Someone without an account votes on paper only.
    paper(pb, PEOPLE[4], 1)
    jeong = RollEntry.objects.get(cycle=pb.cycle, channel="paper", resident=None)
    assert jeong.basis == "resident"
    assert AuditEvent.objects.filter(action="participation.ballot.replace").count() == 1
    assert counted.vote_counts(pb.cycle) == dict(zip(ids(pb, 1, 2, 3), [1, 1, 1], strict=True))


def test_outsider_cannot_vote_or_enter_ballots():
    pb = build_pb()
    other = testing.government("1134000")
    outsider = testing.person(other, AccountType.RESIDENT, username="outsider")
    clerk = testing.official(other, "official", username="other-clerk")
    before = counts()
    with pytest.raises(NotFound):
        va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1), actor=outsider)
    with pytest.raises(NotFound):
        va.do_enter_paper_ballot(
            pb.cycle, name="김민준", birth_date=PEOPLE[0].birth_date, sex_digit="1", approvals=ids(pb, 1), actor=clerk
        )
    assert counts() == before


def election_of(pb):
    (group,) = counted.build_elections(pb.cycle)
    return group


def test_tally_matches_the_engine_and_overrides_are_published():
    pb = build_pb(rule="mes+greedy", costs=(30_000_000, 40_000_000, 50_000_000))
    one, two, three = ids(pb, 1, 2, 3)
    va.do_cast_ballot(pb.cycle, approvals=[one, two], actor=pb.users["김민준"])
    va.do_cast_ballot(pb.cycle, approvals=[two], actor=pb.users["이서연"])
    va.do_cast_ballot(pb.cycle, approvals=[two, three], actor=pb.users["박지호"])
    paper(pb, PEOPLE[4], 3)
    with pytest.raises(WrongPhase):  # the vote is still open
        tally.do_compute_result(pb.cycle, actor=pb.manager)
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    group = election_of(pb)
    assert len(group.election.ballots) == 4
    expected = voting.solve(group.election, "mes+greedy", "cost")
    (result,) = tally.do_compute_result(pb.cycle, actor=pb.manager)
    assert result.winners == [group.proposals[w].pk for w in expected.winners]
    assert (result.total_cost, result.voter_count, result.budget) == (expected.total_cost, 4, 100_000_000)
    statuses = dict(Proposal.objects.filter(cycle=pb.cycle).values_list("pk", "status"))
    for pk in (one, two, three):
        assert statuses[pk] == ("selected" if pk in result.winners else "not_selected")
    assert dict(Proposal.objects.filter(pk__in=[one, two, three]).values_list("pk", "votes")) == {
        one: 1,
        two: 3,
        three: 2,
    }
    loser = next(pk for pk in (one, two, three) if pk not in result.winners)
    before = Override.objects.count()
    with pytest.raises(InvalidInput):
        tally.do_override(pb.cycle, proposal=Proposal.objects.get(pk=loser), action="add", reason=" ", actor=pb.manager)
    with pytest.raises(LofinError):
        tally.do_override(
            pb.cycle, proposal=Proposal.objects.get(pk=result.winners[0]), action="add", reason="x", actor=pb.manager
        )
    assert Override.objects.count() == before
    tally.do_override(
        pb.cycle, proposal=Proposal.objects.get(pk=loser), action="add", reason="안전 시급", actor=pb.manager
    )
    assert Proposal.objects.get(pk=loser).status == "selected"
    assert StatusEvent.objects.filter(proposal_id=loser).last().reason == "안전 시급"
    with pytest.raises(Conflict):  # the result stands once overridden
        tally.do_compute_result(pb.cycle, actor=pb.manager)
    assert Result.objects.filter(cycle=pb.cycle, is_current=True).count() == 1


def test_replaced_ballots_are_not_counted():
    pb = build_pb()
    va.do_cast_ballot(pb.cycle, approvals=ids(pb, 1), actor=pb.users["김민준"])
    paper(pb, PEOPLE[0], 2)
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    group = election_of(pb)
    assert [b.approvals for b in group.election.ballots] == [("0002",)]


THREADS = 6


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_of_one_person_count_once():
    pb = build_pb()
    kim = PEOPLE[0]
    user = pb.users[kim.name]
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    cycle_id = pb.cycle.pk
    first, second = ids(pb, 1, 2)

    def client(index: int) -> None:
        try:
            start.wait()
            cycle = Cycle.objects.select_related("government").get(pk=cycle_id)
            try:
                if index % 2:
                    va.do_cast_ballot(cycle, approvals=[first], actor=user, idempotency_key=f"o{index}")
                else:
                    va.do_enter_paper_ballot(
                        cycle,
                        name=kim.name,
                        birth_date=kim.birth_date,
                        sex_digit=kim.sex,
                        approvals=[second],
                        actor=pb.clerk,
                        idempotency_key=f"p{index}",
                    )
                outcomes["voted"] += 1
            except LofinError as refused:
                outcomes[refused.code] += 1
        except BaseException as exc:  # a crash in a client must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Ballot.objects.filter(cycle_id=cycle_id).count() == 1
    active = RollEntry.objects.filter(cycle_id=cycle_id, is_active=True)
    assert active.count() == 1
    # At most one online vote and one paper vote can ever be written; the paper one wins if it exists.
    written = RollEntry.objects.filter(cycle_id=cycle_id)
    assert written.filter(channel="paper").count() == 1
    assert written.filter(channel="online").count() <= 1
    assert active.get().channel == "paper"
    assert outcomes["voted"] + outcomes["already_voted"] == THREADS
    assert sum(counted.vote_counts(pb.cycle).values()) == 1
    connection.close()


@pytest.mark.parametrize(
    ("kind", "extra", "rule"),
    [
        ("cumulative", {"max_points": 5}, "mes"),
        ("ranked", {"max_choices": 3}, "greedy"),
        ("knapsack", {}, "mes+greedy"),
    ],
)
def test_tally_of_each_ballot_kind_is_the_engines(kind, extra, rule):
    pb = build_pb(ballot_kind=kind, rule=rule, costs=(30_000_000, 40_000_000, 50_000_000), **extra)
    one, two, three = ids(pb, 1, 2, 3)
    votes = {
        "cumulative": [{"points": {one: 3, two: 2}}, {"points": {three: 5}}, {"points": {two: 1, three: 1}}],
        "ranked": [{"ranking": [one, two]}, {"ranking": [three, two, one]}, {"ranking": [two]}],
        "knapsack": [{"approvals": [one, two]}, {"approvals": [three]}, {"approvals": [two, three]}],
    }[kind]
    for name, ballot in zip(["김민준", "이서연", "박지호"], votes, strict=True):
        va.do_cast_ballot(pb.cycle, actor=pb.users[name], **ballot)
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    group = election_of(pb)
    assert group.election.vote_type == {"cumulative": "cumulative", "ranked": "ordinal", "knapsack": "approval"}[kind]
    expected = voting.solve(group.election, rule, counted.satisfaction(pb.cycle))
    (result,) = tally.do_compute_result(pb.cycle, actor=pb.manager)
    assert result.winners == [group.proposals[w].pk for w in expected.winners]
    assert result.satisfaction == {"cumulative": "points", "ranked": "borda", "knapsack": "cost"}[kind]


def test_every_write_leaves_exactly_one_audit_event():
    pb = build_pb(phase=PhaseKind.COMMITTEE_REVIEW)

    def one_event(action, call):
        before = AuditEvent.objects.filter(action__startswith="participation.").count()
        result = call()
        after = list(AuditEvent.objects.filter(action__startswith="participation.").order_by("-id")[: 1 + 0])
        assert AuditEvent.objects.filter(action__startswith="participation.").count() == before + 1, action
        assert after[0].action == action
        return result

    first = pb.proposals[0]
    one_event(
        "participation.proposal.score",
        lambda: review.do_score_proposal(
            first, scores={"necessity": 1, "feasibility": 1, "benefit": 1, "cost": 1}, actor=pb.manager
        ),
    )
    one_event("participation.proposal.status", lambda: review.do_shortlist(first, shortlisted=True, actor=pb.manager))
    one_event("participation.cycle.advance", lambda: cycles.do_advance_phase(pb.cycle, actor=pb.manager))
    cycle = pb.cycle.__class__.objects.get(pk=pb.cycle.pk)
    one_event(
        "participation.ballot.cast", lambda: va.do_cast_ballot(cycle, approvals=[first.pk], actor=pb.users["김민준"])
    )
    one_event(
        "participation.comment.create", lambda: comments.do_comment(first, body="좋아요", actor=pb.users["이서연"])
    )
    one_event(
        "participation.question.ask",
        lambda: questions.do_ask_question(pb.gov, title="질문", body="내용", cycle=cycle, actor=pb.users["이서연"]),
    )
    one_event("participation.ballot.enter", lambda: paper(pb, PEOPLE[4], 1))
