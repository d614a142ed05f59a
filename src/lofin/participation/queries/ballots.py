"""Reads of the vote: the ballot a cycle offers, my ballot, and the turnout by channel."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from lofin.core.models import User

from ..models import Ballot, BallotChannel, Cycle, District, Proposal
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


def my_ballot(cycle: Cycle, user: User | AnonymousUser) -> Ballot | None:
    person = resident(cycle.government, user)
    if person is None:
        return None
    return Ballot.objects.filter(cycle=cycle, voter_key=person.identity_hash, is_active=True).first()


def replaced_ballot(cycle: Cycle, user: User | AnonymousUser) -> Ballot | None:
    """My online ballot that a paper or in-person one replaced, if any."""
    person = resident(cycle.government, user)
    if person is None:
        return None
    return Ballot.objects.filter(cycle=cycle, voter_key=person.identity_hash, is_active=False).first()


def turnout(cycle: Cycle) -> dict[str, int]:
    """Counted ballots by channel (replaced ones are not counted), and how many online ballots were replaced."""
    rows = (
        Ballot.objects.filter(cycle=cycle)
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
