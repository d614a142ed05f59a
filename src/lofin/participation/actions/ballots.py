"""Ballots: online by a verified resident, paper or in person entered by an official. One vote per person.

Every ballot of a cycle is written under the cycle's row lock (FOR NO KEY UPDATE), so two ballots of one person
queue and the second sees the first; the partial unique index on (cycle, voter_key) for active ballots is the
second line, should any path forget the lock. A paper or in-person ballot replaces the person's online ballot:
the online one is kept, marked inactive and pointed at its replacement, and never counted.

A retry with the same Idempotency-Key (`core.idempotency`: scoped to the government and the person sending it)
gets the first ballot; the same key with another ballot is refused (`KeyReused`). The request's fingerprint is
kept on the ballot, not in the audit trail: the trail records that a person voted, not how.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, idempotency
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require

from ..access import ENTER_BALLOTS, PARTICIPATE
from ..errors import AlreadyVoted
from ..models import Ballot, BallotChannel, BallotChoice, Cycle, PhaseKind, Resident
from ..queries import cycles as cycle_queries
from ..queries.ballots import ballot_context
from ..queries.residents import census_entry, resident_of
from ..rules import ballots as rules
from ..rules.cycles import check_phase
from ..rules.residents import check_eligibility
from .residents import person_hash


def _key(government: LocalGovernment, actor: User, idempotency_key: str | None) -> str | None:
    """The stored key; Python callers (tests, the demo) may vote without one, the API and the screens never do."""
    if idempotency_key is None:
        return None
    return idempotency.scoped_key(government.pk, actor, idempotency_key)


def _replayed(cycle: Cycle, key: str | None, request: str) -> Ballot | None:
    if key is None:
        return None
    done = Ballot.objects.filter(cycle=cycle, idempotency_key=key).first()
    if done is None:
        return None
    return idempotency.replay(done, request, recorded=done.request_fingerprint)


def _choices(
    cycle: Cycle, approvals: Sequence[int], points: Mapping[int, int] | None, ranking: Sequence[int]
) -> list[rules.Choice]:
    spec, costs, groups, budgets = ballot_context(cycle)
    return rules.validate_ballot(
        spec, approvals=approvals, points=points, ranking=ranking, costs=costs, budgets=budgets, groups=groups
    )


def _write(cycle: Cycle, choices: list[rules.Choice], **fields: object) -> Ballot:
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(government_id=cycle.government_id, cycle=cycle, **fields)
    except IntegrityError:
        # The unique index caught a second active ballot of the person.
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
    return ballot


def do_cast_ballot(
    cycle: Cycle,
    *,
    actor: User,
    approvals: Sequence[int] = (),
    points: Mapping[int, int] | None = None,
    ranking: Sequence[int] = (),
    idempotency_key: str | None = None,
) -> Ballot:
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
        basis = entry.basis if entry else ""
        check_eligibility(
            basis=basis,
            birth_date=resident.birth_date,
            on=day,
            allowed_bases=cycle.eligible_bases,
            min_age=cycle.min_age,
        )
        choices = _choices(cycle, approvals, points, ranking)
        if Ballot.objects.filter(cycle=cycle, voter_key=resident.identity_hash, is_active=True).exists():
            raise AlreadyVoted()
        ballot = _write(
            cycle,
            choices,
            voter_key=resident.identity_hash,
            channel=BallotChannel.ONLINE,
            resident=resident,
            census_entry=entry,
            basis=basis,
            cast_on=day,
            idempotency_key=key,
            request_fingerprint=request,
        )
        # The audit trail records that the person voted, not how: the ballot is secret to the trail's readers.
        audit.record(actor, "participation.ballot.cast", ballot, data={"channel": "online", "choices": len(choices)})
    return ballot


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
) -> Ballot:
    """A paper or in-person ballot, entered by the official who checked the voter's ID. It replaces the person's
    online ballot, if any; a second paper or in-person ballot of the same person is refused."""
    government = cycle.government
    require(actor, ENTER_BALLOTS, government)
    rules.check_entry(channel, name)
    voter_key = person_hash(name, birth_date, sex_digit)
    key = _key(government, actor, idempotency_key)
    # The voter by their keyed identity hash, never by name and birth date: the fingerprint stays on the row.
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
        basis = entry.basis if entry else ""
        check_eligibility(
            basis=basis, birth_date=birth_date, on=day, allowed_bases=cycle.eligible_bases, min_age=cycle.min_age
        )
        choices = _choices(cycle, approvals, points, ranking)
        active = Ballot.objects.select_for_update().filter(cycle=cycle, voter_key=voter_key, is_active=True).first()
        if active is not None and active.channel != BallotChannel.ONLINE:
            raise AlreadyVoted(_("This person has already voted on paper or in person in this cycle."))
        if active is not None:
            Ballot.objects.filter(pk=active.pk).update(is_active=False)
        resident = Resident.objects.filter(government=government, identity_hash=voter_key).first()
        ballot = _write(
            cycle,
            choices,
            voter_key=voter_key,
            channel=channel,
            resident=resident,
            census_entry=entry,
            basis=basis,
            entered_by=actor,
            cast_on=day,
            idempotency_key=key,
            request_fingerprint=request,
        )
        if active is not None:
            Ballot.objects.filter(pk=active.pk).update(replaced_by=ballot)
            audit.record(
                actor, "participation.ballot.replace", active, data={"replaced_by": ballot.pk, "channel": channel}
            )
        audit.record(actor, "participation.ballot.enter", ballot, data={"channel": channel, "choices": len(choices)})
    return ballot
