"""Migration 0004 moves ballots written before the secret ballot into the new shape: each becomes a roll entry
(person, channel, day, official, retry key); the counted ones are written again under random ids with their
choices and their person's seal; the replaced online ballot is gone; a retry of an old vote with its key still
gets the first answer."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lofin.core import idempotency
from lofin.participation.actions import ballots as va
from lofin.participation.models import Ballot, BallotChoice, RollEntry
from lofin.participation.queries import ballots as queries
from lofin.participation.testing import build_pb

BEFORE = [("participation", "0003_ballot_request_fingerprint")]
AFTER = [("participation", "0004_ballot_secrecy_turnout_roll")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_ballots_move_to_the_roll_and_to_sealed_ballots_with_random_ids():
    pb = build_pb()
    one, two, three = pb.proposals[:3]
    kim, lee = pb.residents["김민준"], pb.residents["이서연"]
    old = migrate(BEFORE)
    OldBallot = old.get_model("participation", "Ballot")
    OldChoice = old.get_model("participation", "BallotChoice")
    day = pb.today - dt.timedelta(days=1)
    request = idempotency.fingerprint("ballot", cycle=pb.cycle.pk, approvals=[one.pk, two.pk], points=None, ranking=[])
    key = idempotency.scoped_key(pb.gov.pk, pb.users["김민준"], "old-key")
    common = {"government_id": pb.gov.pk, "cycle_id": pb.cycle.pk, "cast_on": day, "basis": "resident"}
    kims = OldBallot.objects.create(
        **common, voter_key=kim.identity_hash, channel="online", resident_id=kim.pk, idempotency_key=key,
        request_fingerprint=request,
    )  # fmt: skip
    paper = OldBallot.objects.create(
        **common, voter_key=lee.identity_hash, channel="paper", resident_id=lee.pk, entered_by_id=pb.clerk.pk
    )
    replaced = OldBallot.objects.create(
        **common, voter_key=lee.identity_hash, channel="online", resident_id=lee.pk, is_active=False,
        replaced_by_id=paper.pk,
    )  # fmt: skip
    for ballot, proposals in [(kims, [one, two]), (paper, [three]), (replaced, [one])]:
        for p in proposals:
            OldChoice.objects.create(government_id=pb.gov.pk, ballot_id=ballot.pk, proposal_id=p.pk)
    old_ids = {kims.pk, paper.pk, replaced.pk}

    migrate(AFTER)

    roll = {(e.resident_id, e.channel, e.is_active, e.entered_by_id, e.voted_on) for e in RollEntry.objects.all()}
    assert roll == {
        (kim.pk, "online", True, None, day),
        (lee.pk, "paper", True, pb.clerk.pk, day),
        (lee.pk, "online", False, None, day),
    }
    # Two counted ballots, found by their people's seals, with their choices; the replaced one is gone.
    ballots = {b.seal: b for b in Ballot.objects.all()}
    assert set(ballots) == {queries.seal(pb.cycle.pk, kim.identity_hash), queries.seal(pb.cycle.pk, lee.identity_hash)}
    assert queries.choices_of(ballots[queries.seal(pb.cycle.pk, kim.identity_hash)]) == [one.pk, two.pk]
    assert queries.choices_of(ballots[queries.seal(pb.cycle.pk, lee.identity_hash)]) == [three.pk]
    assert BallotChoice.objects.count() == 3
    # New ids, drawn at random: the old ones (receipts, audit object ids) point at nothing.
    assert not old_ids & set(Ballot.objects.values_list("pk", flat=True))
    assert min(Ballot.objects.values_list("pk", flat=True)) > 10**6
    # A retry of the old vote with its key is still the same request.
    again = va.do_cast_ballot(pb.cycle, approvals=[one.pk, two.pk], actor=pb.users["김민준"], idempotency_key="old-key")
    assert (again.channel, again.choices, again.receipt) == ("online", [one.pk, two.pk], None)
