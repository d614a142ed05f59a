"""Reads of the vote: the ballot a cycle offers, my entry on the turnout roll and my ballot (by its seal), a receipt's
check after the count, and the turnout by channel."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from lofin.core.models import User

from ..errors import BallotsSealed
from ..models import Ballot, BallotChannel, Cycle, District, Proposal, Result, RollEntry
from ..rules import ballots as rules
from ..rules.ballots import ON_BALLOT_STATUSES, BallotSpec
from .residents import resident


def ballot_context(
    cycle: Cycle,
) -> tuple[BallotSpec, dict[int, int], dict[int, int | None], dict[int | None, int]]:
    """The method, the projects on the ballot with their costs, and the amounts each group of projects shares."""
    spec = BallotSpec(
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
    budgets: dict[int | None, int] = {None: cycle.total_amount - sum(a or 0 for a in earmarked.values())}
    budgets.update({pk: amount or 0 for pk, amount in earmarked.items()})
    return spec, costs, groups, budgets


def _key() -> bytes:
    """The ballots' key, derived from the server's secret like the identity hash (`actions.residents.identity_key`)
    but for its own purpose: it is never stored, so a copy of the tables cannot be used to compute a seal."""
    return hmac.new(settings.LOFIN_AUDIT_KEY.encode(), b"participation-ballot-seal", hashlib.sha256).digest()


def seal(cycle_id: int, identity_hash: str) -> str:
    """The seal of a person's ballot in a cycle: found by the application for the person in front of it, by nobody
    who reads the tables or the export."""
    return rules.ballot_seal(_key(), cycle_id, identity_hash)


def sealed(fingerprint: str) -> str:
    """A request's fingerprint as the roll keeps it: keyed, so a fingerprint of a few choices cannot be guessed back."""
    return hmac.new(_key(), f"fingerprint:{fingerprint}".encode(), hashlib.sha256).hexdigest()


def roll_entry(cycle: Cycle, user: User | AnonymousUser, *, active: bool = True) -> RollEntry | None:
    """My entry on the turnout roll: the vote that counts (active), or my online vote that a paper one replaced."""
    person = resident(cycle.government, user)
    if person is None:
        return None
    return RollEntry.objects.filter(cycle=cycle, voter_key=person.identity_hash, is_active=active).first()


def my_ballot(cycle: Cycle, user: User | AnonymousUser) -> Ballot | None:
    """My counted ballot, found by its seal."""
    person = resident(cycle.government, user)
    if person is None:
        return None
    return Ballot.objects.filter(cycle=cycle, seal=seal(cycle.pk, person.identity_hash)).first()


def choices_of(ballot: Ballot) -> list[int]:
    """The projects on a ballot: in order of preference on ranked ballots, else in the order of their ids (the
    choices' own ids are random)."""
    return list(ballot.choices.order_by("rank", "proposal_id").values_list("proposal_id", flat=True))


def check_receipt(cycle: Cycle, code: str) -> list[int] | None:
    """After the count: the choices of the counted ballot with this receipt (None: no counted ballot has it). Only
    the voter holds the code; the ballot it finds names nobody. Before the count a receipt says nothing."""
    if not Result.objects.filter(cycle=cycle, is_current=True).exists():
        raise BallotsSealed()
    digest = rules.receipt_digest(code)
    if digest is None:
        return None
    ballot = Ballot.objects.filter(cycle=cycle, receipt_digest=digest).first()
    return None if ballot is None else choices_of(ballot)


def turnout(cycle: Cycle) -> dict[str, int]:
    """Who voted, from the turnout roll: active votes by channel, and how many online votes were replaced by a paper
    or in-person one. This is what officials and the public see while the vote is open (no tally per project)."""
    rows = (
        RollEntry.objects.filter(cycle=cycle)
        .values("channel", "is_active")
        .annotate(n=Count("id"))
        .values_list("channel", "is_active", "n")
    )
    out = {c: 0 for c in BallotChannel.values} | {"replaced": 0, "total": 0}
    for channel, active, n in rows:
        if active:
            out[channel] += n
            out["total"] += n
        else:
            out["replaced"] += n
    return out
