"""The ballot is secret. Who voted (the turnout roll) is kept apart from what was voted (the ballots): a ballot row
names no person, no official, no time and no retry key; its id is random, so the order of the ballots is not the
order of the roll; the audit trail names the cycle, never a ballot; the receipt is a random code, not an id; and
the election file exists only after the count, with voters numbered 1..n."""

import hashlib
import itertools

import pytest
from django.db import connection

from lofin.core.errors import Conflict
from lofin.core.models import AuditEvent
from lofin.participation import voting
from lofin.participation.actions import ballots as va
from lofin.participation.actions import results as tally
from lofin.participation.errors import AlreadyVoted, BallotsSealed
from lofin.participation.models import Ballot, BallotChoice, PhaseKind, RollEntry
from lofin.participation.queries import ballots as ballot_queries
from lofin.participation.queries import pabulib as pb_export
from lofin.participation.queries import results as counted
from lofin.participation.testing import PEOPLE, build_pb

pytestmark = pytest.mark.django_db


def paper(pb, person, *proposals, **kwargs):
    return va.do_enter_paper_ballot(
        pb.cycle,
        name=person.name,
        birth_date=person.birth_date,
        sex_digit=person.sex,
        approvals=[p.pk for p in proposals],
        actor=pb.clerk,
        **kwargs,
    )


def vote_four(pb):
    """김민준, 이서연 and 박지호 online; 이서연 again on paper (replacing her online vote); 정도윤 on paper only."""
    one, two, three = pb.proposals[:3]
    va.do_cast_ballot(pb.cycle, approvals=[one.pk, two.pk], actor=pb.users["김민준"], idempotency_key="a")
    va.do_cast_ballot(pb.cycle, approvals=[one.pk], actor=pb.users["이서연"], idempotency_key="b")
    va.do_cast_ballot(pb.cycle, approvals=[two.pk, three.pk], actor=pb.users["박지호"], idempotency_key="c")
    paper(pb, PEOPLE[1], three)
    paper(pb, PEOPLE[4], two, channel="in_person")


PERSONAL = {"resident", "voter_key", "census_entry", "basis", "entered_by", "cast_on", "cast_at", "replaced_by"}


def test_a_ballot_row_names_no_person_no_official_no_time_and_no_retry_key():
    pb = build_pb()
    vote_four(pb)
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert not fields & (PERSONAL | {"idempotency_key", "request_fingerprint", "channel"})
    # Nothing on a ballot is the roll's identity hash or the caller's key in another form.
    roll = list(RollEntry.objects.filter(cycle=pb.cycle).values_list("voter_key", "idempotency_key"))
    stored = {str(v) for row in Ballot.objects.filter(cycle=pb.cycle).values() for v in row.values()}
    assert not stored & {v for pair in roll for v in pair if v}


def test_the_turnout_roll_says_who_voted_how_and_when_and_keeps_one_vote_per_person():
    pb = build_pb()
    vote_four(pb)
    rows = {
        (r.resident.verified_name if r.resident else r.basis, r.channel, r.is_active, r.entered_by_id)
        for r in RollEntry.objects.filter(cycle=pb.cycle).select_related("resident")
    }
    assert rows == {
        ("김민준", "online", True, None),
        ("이서연", "online", False, None),  # replaced by her paper ballot
        ("이서연", "paper", True, pb.clerk.pk),
        ("박지호", "online", True, None),
        ("resident", "in_person", True, pb.clerk.pk),  # 정도윤 has no account
    }
    assert {r.voted_on for r in RollEntry.objects.filter(cycle=pb.cycle)} == {pb.today}
    # The counted ballots are the roll's active entries; the replaced online ballot is gone, not kept uncounted.
    assert Ballot.objects.filter(cycle=pb.cycle).count() == RollEntry.objects.filter(is_active=True).count() == 4
    assert ballot_queries.turnout(pb.cycle) == {"online": 2, "paper": 1, "in_person": 1, "replaced": 1, "total": 4}
    before = (
        Ballot.objects.count(),
        BallotChoice.objects.count(),
        RollEntry.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(AlreadyVoted):
        va.do_cast_ballot(pb.cycle, approvals=[pb.proposals[0].pk], actor=pb.users["김민준"], idempotency_key="z")
    with pytest.raises(AlreadyVoted):
        paper(pb, PEOPLE[1], pb.proposals[0])
    assert (Ballot.objects.count(), BallotChoice.objects.count(), RollEntry.objects.count()) == before[:3]
    assert AuditEvent.objects.count() == before[3]


def test_ballot_ids_are_random_so_their_order_is_not_the_order_of_voting():
    pb = build_pb()
    vote_four(pb)
    ids = sorted(Ballot.objects.values_list("pk", flat=True))
    choice_ids = sorted(BallotChoice.objects.values_list("pk", flat=True))
    # Sequential ids would be a few apart; random 62-bit ids are not (the chance of two within 10**9: about 10**-9).
    assert min(b - a for a, b in itertools.pairwise(ids)) > 10**9
    assert min(b - a for a, b in itertools.pairwise(choice_ids)) > 10**9


def test_the_audit_trail_says_that_a_person_voted_in_a_cycle_never_which_ballot():
    pb = build_pb()
    vote_four(pb)
    events = list(AuditEvent.objects.filter(action__startswith="participation.ballot").order_by("id"))
    assert [(e.action, e.actor_label, e.object_type, e.object_id, e.data) for e in events] == [
        ("participation.ballot.cast", "resident1", "participation.cycle", str(pb.cycle.pk), {"channel": "online"}),
        ("participation.ballot.cast", "resident2", "participation.cycle", str(pb.cycle.pk), {"channel": "online"}),
        ("participation.ballot.cast", "resident3", "participation.cycle", str(pb.cycle.pk), {"channel": "online"}),
        ("participation.ballot.replace", "pb-clerk", "participation.cycle", str(pb.cycle.pk), {"channel": "paper"}),
        ("participation.ballot.enter", "pb-clerk", "participation.cycle", str(pb.cycle.pk), {"channel": "paper"}),
        ("participation.ballot.enter", "pb-clerk", "participation.cycle", str(pb.cycle.pk), {"channel": "in_person"}),
    ]
    ballot_ids = {str(pk) for pk in Ballot.objects.values_list("pk", flat=True)}
    assert not ballot_ids & {str(v) for e in AuditEvent.objects.all() for v in [e.object_id, *e.data.values()]}


def test_the_receipt_is_a_random_code_that_finds_the_counted_ballot_and_nothing_else():
    pb = build_pb()
    one, two, _three = pb.proposals[:3]
    cast = va.do_cast_ballot(pb.cycle, approvals=[one.pk, two.pk], actor=pb.users["김민준"], idempotency_key="k")
    ballot = Ballot.objects.get()
    assert cast.receipt and len(cast.receipt.replace("-", "")) >= 16
    assert str(ballot.pk) not in cast.receipt
    # Only a digest of the code is kept; a retry gets the first ballot but not the code again (shown once).
    assert cast.receipt not in {str(v) for v in Ballot.objects.values().get().values()}
    again = va.do_cast_ballot(pb.cycle, approvals=[one.pk, two.pk], actor=pb.users["김민준"], idempotency_key="k")
    assert (again.receipt, again.choices) == (None, [one.pk, two.pk])
    with pytest.raises(Conflict):  # before the count a receipt says nothing
        ballot_queries.check_receipt(pb.cycle, cast.receipt)
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    tally.do_compute_result(pb.cycle, actor=pb.manager)
    assert ballot_queries.check_receipt(pb.cycle, cast.receipt) == [one.pk, two.pk]
    assert ballot_queries.check_receipt(pb.cycle, cast.receipt.lower().replace("-", " ")) == [one.pk, two.pk]
    assert ballot_queries.check_receipt(pb.cycle, "AAAA-BBBB-CCCC-DDDD") is None
    assert ballot_queries.check_receipt(pb.cycle, str(ballot.pk)) is None


def test_the_election_file_is_sealed_until_the_count_then_numbers_voters_1_to_n():
    pb = build_pb(costs=(30_000_000, 40_000_000, 50_000_000))
    vote_four(pb)
    with pytest.raises(BallotsSealed):
        pb_export.export_pb(pb.cycle)
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    with pytest.raises(BallotsSealed):  # the vote is closed but not counted
        pb_export.export_pb(pb.cycle)
    (result,) = tally.do_compute_result(pb.cycle, actor=pb.manager)
    ((_name, text),) = pb_export.export_pb(pb.cycle)
    election = voting.parse_pb(text)
    assert sorted(int(b.voter_id) for b in election.ballots) == [1, 2, 3, 4]
    # The file is exactly the counted election: its digest is the result's, and the engine gives the same winners.
    assert hashlib.sha256(text.encode()).hexdigest() == result.digest
    numbers = {f"{p.number:04d}": p.pk for p in pb.proposals}
    assert [numbers[w] for w in voting.solve(election, pb.cycle.rule, counted.satisfaction(pb.cycle)).winners] == (
        result.winners
    )
    ballot_ids = {str(pk) for pk in Ballot.objects.values_list("pk", flat=True)}
    assert not any(pk in text for pk in ballot_ids)


@pytest.mark.django_db(transaction=True)
def test_after_the_count_no_ballot_carries_the_transaction_of_its_vote():
    if connection.vendor != "postgresql":
        pytest.skip("xmin, the writing transaction of a row, is PostgreSQL's")
    pb = build_pb()
    vote_four(pb)

    def xmins(table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} WHERE cycle_id = %s", [pb.cycle.pk])
            return {row[0] for row in cursor.fetchall()}

    # While the vote is open each ballot shares its transaction with its roll entry (what remains, documented).
    assert xmins("participation_ballot") <= xmins("participation_rollentry")
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    tally.do_compute_result(pb.cycle, actor=pb.manager)
    (count,) = xmins("participation_ballot")
    assert count not in xmins("participation_rollentry")
