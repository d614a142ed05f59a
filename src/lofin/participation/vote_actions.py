"""Ballots: online by a verified resident, paper or in person entered by an official. One vote per person.

Every ballot of a cycle is written under the cycle's row lock (FOR NO KEY UPDATE), so two ballots of one person
queue and the second sees the first; the partial unique index on (cycle, voter_key) for active ballots is the
second line, should any path forget the lock. A paper or in-person ballot replaces the person's online ballot:
the online one is kept, marked inactive and pointed at its replacement, and never counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict, InvalidInput
from lofin.core.permissions import require

from . import rules
from .access import ENTER_BALLOTS, PARTICIPATE
from .actions import _check_phase, _lock_cycle, _today, census_entry, person_hash, resident_of
from .errors import AlreadyVoted
from .models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    Cycle,
    District,
    PhaseKind,
    Proposal,
    ProposalStatus,
    Resident,
)


def ballot_context(
    cycle: Cycle,
) -> tuple[rules.BallotSpec, dict[int, int], dict[int, int | None], dict[int | None, int]]:
    """The method, the projects on the ballot with their costs, and the amounts each group of projects shares."""
    spec = rules.BallotSpec(
        kind=cycle.ballot_kind,
        min_choices=cycle.min_choices,
        max_choices=cycle.max_choices,
        max_points=cycle.max_points,
    )
    earmarked = {d.pk: d.amount for d in District.objects.filter(cycle=cycle, amount__isnull=False)}
    costs: dict[int, int] = {}
    groups: dict[int, int | None] = {}
    for pk, cost, reviewed, district in Proposal.objects.filter(cycle=cycle, status__in=ON_BALLOT_STATUSES).values_list(
        "pk", "cost", "reviewed_cost", "district_id"
    ):
        costs[pk] = reviewed or cost
        groups[pk] = district if district in earmarked else None
    budgets: dict[int | None, int] = {None: cycle.total_amount - sum(earmarked.values()), **earmarked}
    return spec, costs, groups, budgets


# After the tally the same projects stay the ballot's, whatever the result made of them.
ON_BALLOT_STATUSES = (
    ProposalStatus.ON_BALLOT,
    ProposalStatus.SELECTED,
    ProposalStatus.NOT_SELECTED,
    ProposalStatus.ADOPTED,
    ProposalStatus.IN_EXECUTION,
)


def _choices(
    cycle: Cycle, approvals: Sequence[int], points: Mapping[int, int] | None, ranking: Sequence[int]
) -> list[rules.Choice]:
    spec, costs, groups, budgets = ballot_context(cycle)
    return rules.validate_ballot(
        spec, approvals=approvals, points=points, ranking=ranking, costs=costs, budgets=budgets, groups=groups
    )


def _replay(cycle: Cycle, key: str | None, voter_key: str) -> Ballot | None:
    """A retried request with the same key returns the first ballot, and only to the same person."""
    if not key:
        return None
    first = Ballot.objects.filter(cycle=cycle, idempotency_key=key).first()
    if first is not None and first.voter_key != voter_key:
        raise Conflict(_("This idempotency key was used for another ballot."), field="Idempotency-Key")
    return first


def _write(cycle: Cycle, choices: list[rules.Choice], **fields: Any) -> Ballot:
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(government_id=cycle.government_id, cycle=cycle, **fields)
    except IntegrityError:
        # The unique index caught a second active ballot of the person (or a reused key).
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


def _check_key(idempotency_key: str | None) -> str | None:
    if idempotency_key is None:
        return None
    key = idempotency_key.strip()
    if not key or len(key) > 80:
        raise InvalidInput(_("The idempotency key must be 1 to 80 characters."), field="Idempotency-Key")
    return key


def do_cast_ballot(
    cycle: Cycle,
    *,
    actor: Any,
    approvals: Sequence[int] = (),
    points: Mapping[int, int] | None = None,
    ranking: Sequence[int] = (),
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Ballot:
    """A verified resident's online vote."""
    government = cycle.government
    require(actor, PARTICIPATE, government)
    resident = resident_of(actor, government)
    key = _check_key(idempotency_key)
    day = _today(today)
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        if done := _replay(cycle, key, resident.identity_hash):
            return done
        _check_phase(cycle, PhaseKind.VOTING, day)
        entry = census_entry(government, resident.identity_hash)
        basis = entry.basis if entry else ""
        rules.check_eligibility(
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
    actor: Any,
    channel: str = BallotChannel.PAPER,
    approvals: Sequence[int] = (),
    points: Mapping[int, int] | None = None,
    ranking: Sequence[int] = (),
    idempotency_key: str | None = None,
    today: dt.date | None = None,
) -> Ballot:
    """A paper or in-person ballot, entered by the official who checked the voter's ID. It replaces the person's
    online ballot, if any; a second paper or in-person ballot of the same person is refused."""
    government = cycle.government
    require(actor, ENTER_BALLOTS, government)
    if channel not in (BallotChannel.PAPER, BallotChannel.IN_PERSON):
        raise InvalidInput(_("A ballot entered by an official is a paper or in-person ballot."), field="channel")
    if not (name or "").strip():
        raise InvalidInput(_("Enter the voter's name."), field="name")
    voter_key = person_hash(name, birth_date, sex_digit)
    key = _check_key(idempotency_key)
    day = _today(today)
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        if done := _replay(cycle, key, voter_key):
            return done
        _check_phase(cycle, PhaseKind.VOTING, day)
        entry = census_entry(government, voter_key)
        basis = entry.basis if entry else ""
        rules.check_eligibility(
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
        )
        if active is not None:
            Ballot.objects.filter(pk=active.pk).update(replaced_by=ballot)
            audit.record(
                actor, "participation.ballot.replace", active, data={"replaced_by": ballot.pk, "channel": channel}
            )
        audit.record(actor, "participation.ballot.enter", ballot, data={"channel": channel, "choices": len(choices)})
    return ballot
