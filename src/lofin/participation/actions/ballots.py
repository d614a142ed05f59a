"""Ballots: online by a verified resident, paper or in person entered by an official. One vote per person; the vote
is secret.

A vote writes two rows that do not point at each other: the person's entry on the turnout roll (`RollEntry`: who,
by which channel, on which day, entered by which official) and the ballot (`Ballot`: the choices, a keyed seal that
only the application can compute for the person in front of it, and the digest of a random receipt code shown once
to an online voter). Ballot ids are random, so their order is not the roll's.

Every vote of a cycle is written under the cycle's row lock (FOR NO KEY UPDATE), so two votes of one person queue
and the second sees the first; the partial unique index on the roll for active entries, and the unique seal of a
ballot, are the second line. A paper or in-person ballot replaces the person's online one: the roll keeps the online
entry, inactive; the online ballot is deleted (it is never counted, and kept it would tie the few people the roll
shows as replaced to what they first voted).

A retry with the same Idempotency-Key (`core.idempotency`: scoped to the government and the person sending it)
gets the first answer (without the receipt code, shown once); the same key with another ballot is refused
(`KeyReused`). The key and the request's fingerprint, keyed with the server's secret, are kept on the roll entry;
the audit trail records that a person voted in a cycle and by which channel, not how and not which ballot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, idempotency
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require

from ..access import ENTER_BALLOTS, PARTICIPATE
from ..errors import AlreadyVoted
from ..models import Ballot, BallotChannel, BallotChoice, CensusEntry, Cycle, PhaseKind, Resident, RollEntry
from ..queries import ballots as queries
from ..queries import cycles as cycle_queries
from ..queries.ballots import ballot_context
from ..queries.residents import census_entry, resident_of
from ..rules import ballots as rules
from ..rules.cycles import check_phase
from ..rules.residents import check_eligibility
from .residents import person_hash


@dataclass(frozen=True)
class Cast:
    """The answer to a vote: what the voter (or the official entering it) may see of it. `receipt` is the random
    code, on the first answer to an online vote only; a replay does not have it."""

    cycle_id: int
    channel: str
    cast_on: dt.date
    choices: list[int] = field(default_factory=list)
    receipt: str | None = None
    replaced_on: dt.date | None = None  # the day of the online vote a paper or in-person one replaced


def _key(government: LocalGovernment, actor: User, idempotency_key: str | None) -> str | None:
    """The stored key; Python callers (tests, the demo) may vote without one, the API and the screens never do."""
    if idempotency_key is None:
        return None
    return idempotency.scoped_key(government.pk, actor, idempotency_key)


def _replayed(cycle: Cycle, key: str | None, request: str) -> Cast | None:
    if key is None:
        return None
    done = RollEntry.objects.filter(cycle=cycle, idempotency_key=key).first()
    if done is None:
        return None
    idempotency.replay(done, queries.sealed(request), recorded=done.request_fingerprint)
    ballot = Ballot.objects.filter(cycle=cycle, seal=queries.seal(cycle.pk, done.voter_key)).first()
    # An online vote since replaced by a paper one has no ballot any more: the answer says so by its empty choices.
    choices = queries.choices_of(ballot) if ballot is not None and done.is_active else []
    return Cast(cycle.pk, done.channel, done.voted_on, choices)


def _choices(
    cycle: Cycle, approvals: Sequence[int], points: Mapping[int, int] | None, ranking: Sequence[int]
) -> list[rules.Choice]:
    spec, costs, groups, budgets = ballot_context(cycle)
    return rules.validate_ballot(
        spec, approvals=approvals, points=points, ranking=ranking, costs=costs, budgets=budgets, groups=groups
    )


def _write(
    cycle: Cycle,
    choices: list[rules.Choice],
    *,
    voter_key: str,
    channel: str,
    day: dt.date,
    entry: CensusEntry | None,
    resident: Resident | None,
    entered_by: User | None,
    key: str | None,
    request: str,
    receipt: str | None,
) -> Cast:
    """The person's entry on the roll and their ballot, two rows with no link between them."""
    try:
        with transaction.atomic():
            RollEntry.objects.create(
                government_id=cycle.government_id,
                cycle=cycle,
                voter_key=voter_key,
                channel=channel,
                resident=resident,
                census_entry=entry,
                basis=entry.basis if entry else "",
                entered_by=entered_by,
                voted_on=day,
                idempotency_key=key,
                request_fingerprint=queries.sealed(request),
            )
            ballot = Ballot.objects.create(
                government_id=cycle.government_id,
                cycle=cycle,
                seal=queries.seal(cycle.pk, voter_key),
                receipt_digest=rules.receipt_digest(receipt) if receipt else None,
            )
    except IntegrityError:
        # The roll's unique index (or the ballot's unique seal) caught a second vote of the person.
        raise AlreadyVoted() from None
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(
                government_id=cycle.government_id,
                ballot=ballot,
                proposal_id=c.proposal_id,
                points=c.points,
                rank=c.rank,
            )
            for c in choices
        ]
    )
    ordered = sorted(choices, key=lambda c: (c.rank or 0, c.proposal_id))  # as queries.ballots.choices_of
    return Cast(cycle.pk, channel, day, [c.proposal_id for c in ordered], receipt)


def do_cast_ballot(
    cycle: Cycle,
    *,
    actor: User,
    approvals: Sequence[int] = (),
    points: Mapping[int, int] | None = None,
    ranking: Sequence[int] = (),
    idempotency_key: str | None = None,
) -> Cast:
    """A verified resident's online vote, during the voting phase (by its dates, today)."""
    government = cycle.government
    require(actor, PARTICIPATE, government)
    resident = resident_of(actor, government)
    key = _key(government, actor, idempotency_key)
    request = idempotency.fingerprint(
        "ballot", cycle=cycle.pk, approvals=list(approvals), points=points, ranking=list(ranking)
    )
    day = clock.today()
    with transaction.atomic():
        cycle = cycle_queries.locked(cycle.pk)
        if done := _replayed(cycle, key, request):
            return done
        check_phase(cycle.phase, PhaseKind.VOTING, day=day, dates=cycle_queries.current_dates(cycle))
        entry = census_entry(government, resident.identity_hash)
        check_eligibility(
            basis=entry.basis if entry else "",
            birth_date=resident.birth_date,
            on=day,
            allowed_bases=cycle.eligible_bases,
            min_age=cycle.min_age,
        )
        choices = _choices(cycle, approvals, points, ranking)
        if RollEntry.objects.filter(cycle=cycle, voter_key=resident.identity_hash, is_active=True).exists():
            raise AlreadyVoted()
        cast = _write(
            cycle,
            choices,
            voter_key=resident.identity_hash,
            channel=BallotChannel.ONLINE,
            day=day,
            entry=entry,
            resident=resident,
            entered_by=None,
            key=key,
            request=request,
            receipt=rules.new_receipt(),
        )
        # The trail records that the person voted in the cycle, not how and not which ballot.
        audit.record(actor, "participation.ballot.cast", cycle, data={"channel": BallotChannel.ONLINE})
    return cast


def do_enter_paper_ballot(
    cycle: Cycle,
    *,
    name: str,
    birth_date: dt.date,
    sex_digit: str,
    actor: User,
    channel: str = BallotChannel.PAPER,
    approvals: Sequence[int] = (),
    points: Mapping[int, int] | None = None,
    ranking: Sequence[int] = (),
    idempotency_key: str | None = None,
) -> Cast:
    """A paper or in-person ballot, entered by the official who checked the voter's ID. It replaces the person's
    online ballot, if any; a second paper or in-person ballot of the same person is refused."""
    government = cycle.government
    require(actor, ENTER_BALLOTS, government)
    rules.check_entry(channel, name)
    voter_key = person_hash(name, birth_date, sex_digit)
    key = _key(government, actor, idempotency_key)
    # The voter by their keyed identity hash, never by name and birth date.
    request = idempotency.fingerprint(
        "paper_ballot",
        cycle=cycle.pk,
        voter=voter_key,
        channel=channel,
        approvals=list(approvals),
        points=points,
        ranking=list(ranking),
    )
    day = clock.today()
    with transaction.atomic():
        cycle = cycle_queries.locked(cycle.pk)
        if done := _replayed(cycle, key, request):
            return done
        check_phase(cycle.phase, PhaseKind.VOTING, day=day, dates=cycle_queries.current_dates(cycle))
        entry = census_entry(government, voter_key)
        check_eligibility(
            basis=entry.basis if entry else "",
            birth_date=birth_date,
            on=day,
            allowed_bases=cycle.eligible_bases,
            min_age=cycle.min_age,
        )
        choices = _choices(cycle, approvals, points, ranking)
        active = RollEntry.objects.select_for_update().filter(cycle=cycle, voter_key=voter_key, is_active=True).first()
        if active is not None and active.channel != BallotChannel.ONLINE:
            raise AlreadyVoted(_("This person has already voted on paper or in person in this cycle."))
        if active is not None:
            RollEntry.objects.filter(pk=active.pk).update(is_active=False)
            Ballot.objects.filter(cycle=cycle, seal=queries.seal(cycle.pk, voter_key)).delete()
            audit.record(actor, "participation.ballot.replace", cycle, data={"channel": channel})
        cast = _write(
            cycle,
            choices,
            voter_key=voter_key,
            channel=channel,
            day=day,
            entry=entry,
            resident=Resident.objects.filter(government=government, identity_hash=voter_key).first(),
            entered_by=actor,
            key=key,
            request=request,
            receipt=None,
        )
        audit.record(actor, "participation.ballot.enter", cycle, data={"channel": channel})
    if active is not None:
        cast = replace(cast, replaced_on=active.voted_on)
    return cast
