"""Demo 주민참여예산: each featured government has last year's counted cycle and this year's open vote, the counts
are the engine's, one vote per person holds, the demo residents can vote, and loading again adds nothing."""

import itertools

import pytest

from lofin.core.models import AuditEvent, LocalGovernment, Notification, User
from lofin.demo import registry
from lofin.demo.people import FEATURED, demo_users
from lofin.demo.testing import tiny_once
from lofin.participation import voting
from lofin.participation.actions import ballots as va
from lofin.participation.models import Ballot, Cycle, Follow, Proposal, Resident, Result, RollEntry
from lofin.participation.queries import ballots as queries
from lofin.participation.queries import report
from lofin.participation.queries import results as tally

LOADERS = ["core.people", "participation.participation"]


tiny_loaded = tiny_once(LOADERS)


@pytest.fixture
def tiny(tiny_loaded, db):
    return list(LocalGovernment.objects.filter(code__in=FEATURED).order_by("code"))


def test_every_featured_government_has_a_counted_and_an_open_cycle(tiny):
    for gov in tiny:
        last, current = Cycle.objects.filter(government=gov).order_by("year")
        assert (last.year, last.status, last.phase) == (2026, "finished", "implementation")
        assert (current.year, current.status, current.phase) == (2027, "open", "voting")
        (result,) = Result.objects.filter(cycle=last, is_current=True)
        group = tally.build_elections(last)[0]
        expected = voting.solve(group.election, last.rule, tally.satisfaction(last))
        assert result.winners == [group.proposals[w].pk for w in expected.winners]
        adopted = Proposal.objects.filter(cycle=last, status__in=["adopted", "in_execution"]).count()
        assert adopted == len(result.winners) > 0
        row = report.cycle_report(last)
        assert row.ballots == Ballot.objects.filter(cycle=last).count() > 50
        assert row.online + row.paper + row.in_person == row.ballots
        assert 0 < float(row.turnout_pct) < 100
        for cycle in (last, current):
            # One active roll entry per person, and one ballot per active entry, found by the person's seal; the
            # replaced online votes are on the roll only.
            active = list(RollEntry.objects.filter(cycle=cycle, is_active=True).values_list("voter_key", flat=True))
            assert len(active) == len(set(active)) == Ballot.objects.filter(cycle=cycle).count()
            seals = set(Ballot.objects.filter(cycle=cycle).values_list("seal", flat=True))
            assert seals == {queries.seal(cycle.pk, key) for key in active}
            # Ballot ids are random, not the order of the roll.
            ids = sorted(Ballot.objects.filter(cycle=cycle).values_list("pk", flat=True))
            assert min(b - a for a, b in itertools.pairwise(ids)) > 1000
    seoul = next(g for g in tiny if g.code == "1100000")
    assert queries.turnout(Cycle.objects.get(government=seoul, year=2026))["total"] > 1000


def test_demo_residents_are_verified_and_can_vote(tiny):
    gov = next(g for g in tiny if g.code == "1111000")
    user = User.objects.get(username="jongno.resident1")
    assert Resident.objects.get(government=gov, user=user).basis == "resident"
    assert "jongno.resident1" in {row["username"] for row in demo_users()}
    cycle = Cycle.objects.get(government=gov, year=2027)
    on_ballot = list(Proposal.objects.filter(cycle=cycle, status="on_ballot").order_by("number"))
    cast = va.do_cast_ballot(cycle, approvals=[on_ballot[0].pk], actor=user)
    assert (cast.channel, cast.choices) == ("online", [on_ballot[0].pk]) and cast.receipt
    assert queries.my_ballot(cycle, user) is not None


def test_demo_proposers_follow_their_proposals_without_a_message_queued_at_load(tiny):
    proposals = Proposal.objects.filter(government__in=tiny)
    assert proposals.exists()
    assert set(Follow.objects.filter(government__in=tiny).values_list("proposal_id", "user_id")) == set(
        proposals.values_list("pk", "proposer_id")
    )
    assert not Notification.objects.filter(event__startswith="participation.").exists()


def test_each_government_load_is_audited_and_loading_again_adds_nothing(tiny):
    assert AuditEvent.objects.filter(action="demo.participation.load").count() == len(FEATURED)
    before = (Cycle.objects.count(), Ballot.objects.count())
    assert "participation.participation: already loaded" in registry.run("tiny", only=LOADERS)
    assert (Cycle.objects.count(), Ballot.objects.count()) == before
