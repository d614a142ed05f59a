"""Reads of the count: the engine's elections rebuilt from the active ballots (one per district with an amount of
its own, one for the rest), the published result with its overrides, and why my projects won or lost.

Project ids in the engine are the proposals' ballot numbers, zero-padded, so the engine's tie-break by project id
is the order of the ballot paper. Voter ids are 1..n in the order of the ballots' random ids: the same order at
every count (so a result's digest is the exported file's), and nothing that names a person, a ballot or a receipt.
Replaced online ballots no longer exist (`actions.ballots`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, NotFound
from lofin.core.models import User

from .. import voting
from ..models import BallotChoice, BallotKind, Cycle, District, Override, Proposal, Result
from ..rules import results as rules
from ..rules.ballots import ON_BALLOT_STATUSES
from .ballots import my_ballot
from .proposals import selected
from .residents import resident_of


def project_id(number: int) -> str:
    return f"{number:04d}"


@dataclass
class Group:
    district: District | None
    budget: int
    election: voting.Election
    proposals: dict[str, Proposal] = field(default_factory=dict)
    # The engine's voter id of each ballot (by the ballot's id): for "why my projects won", never exported.
    voters: dict[int, str] = field(default_factory=dict)


def _ballot_rows(cycle: Cycle) -> dict[int, list[tuple[int, int, int | None]]]:
    rows: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)
    choices = (
        BallotChoice.objects.filter(ballot__cycle=cycle)
        .order_by("ballot_id", "rank", "proposal_id")
        .values_list("ballot_id", "proposal_id", "points", "rank")
    )
    for ballot_id, proposal_id, points, rank in choices.iterator(chunk_size=5000):
        rows[ballot_id].append((proposal_id, points, rank))
    return rows


def build_elections(cycle: Cycle) -> list[Group]:
    """The cycle's elections from the database: the same input every time, so a result can be re-derived."""
    vote_type = rules.ENGINE_VOTE_TYPE[BallotKind(cycle.ballot_kind)]
    earmarked = {d.pk: d for d in District.objects.filter(cycle=cycle, amount__isnull=False)}
    proposals = list(Proposal.objects.filter(cycle=cycle, status__in=ON_BALLOT_STATUSES).order_by("number"))
    by_group: dict[int | None, list[Proposal]] = defaultdict(list)
    for p in proposals:
        by_group[p.district_id if p.district_id in earmarked else None].append(p)
    common = cycle.total_amount - sum(d.amount or 0 for d in earmarked.values())
    ballots = _ballot_rows(cycle)
    groups = []
    for key in [None, *sorted(earmarked)]:
        members = by_group.get(key, [])
        if not members:
            continue
        ids = {p.pk: project_id(p.number) for p in members}
        engine_ballots = []
        voters: dict[int, str] = {}
        for ballot_id, choices in ballots.items():
            mine = [(ids[pid], points, rank) for pid, points, rank in choices if pid in ids]
            if not mine:
                continue
            voter = voters[ballot_id] = str(len(voters) + 1)
            if vote_type == "cumulative":
                engine_ballots.append(voting.Ballot(voter, points={p: pts for p, pts, _r in mine}))
            elif vote_type == "ordinal":
                engine_ballots.append(voting.Ballot(voter, ranking=tuple(p for p, _pts, _r in mine)))
            else:
                engine_ballots.append(voting.Ballot(voter, approvals=tuple(p for p, _pts, _r in mine)))
        district = earmarked.get(key) if key is not None else None
        budget = district.amount if district is not None and district.amount else common
        election = voting.Election(
            budget=budget,
            projects=[voting.Project(ids[p.pk], p.ballot_cost, p.title[:100]) for p in members],
            ballots=engine_ballots,
            vote_type=vote_type,
            meta={
                "description": f"{cycle.title} {district.name if district else ''}".strip(),
                "country": "Korea",
                "unit": cycle.government.name,
                "instance": str(cycle.year),
                "rule": cycle.rule,
            },
            max_length=cycle.max_choices if cycle.ballot_kind in (BallotKind.K_APPROVAL, BallotKind.RANKED) else None,
            max_sum_points=cycle.max_points if cycle.ballot_kind == BallotKind.CUMULATIVE else None,
        )
        groups.append(Group(district, budget, election, {ids[p.pk]: p for p in members}, voters))
    return groups


def satisfaction(cycle: Cycle) -> str:
    return rules.satisfaction(cycle.ballot_kind, cycle.satisfaction)


def plain(value: Any) -> Any:
    """Explanations hold exact fractions; the stored JSON keeps them as "p/q" strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Fraction | float):
        return str(value)
    return value


def project_explanations(group: Group, outcome: voting.Outcome) -> dict[str, Any]:
    """Why each project of the group won or lost, by proposal id, as the result stores it."""
    out = {}
    for pid, proposal in group.proposals.items():
        try:
            detail = voting.explain_project(group.election, outcome, pid).as_dict()
        except NotImplementedError:
            detail = {}
        out[str(proposal.pk)] = plain({"project": pid, "selected": pid in outcome.winners, **detail})
    return out


def vote_counts(cycle: Cycle) -> dict[int, int]:
    """Per proposal: ballots naming it (or points given, on cumulative ballots), active ballots only."""
    choices = BallotChoice.objects.filter(ballot__cycle=cycle).values("proposal_id")
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        return {r["proposal_id"]: r["n"] or 0 for r in choices.annotate(n=Sum("points"))}
    return {r["proposal_id"]: r["n"] for r in choices.annotate(n=Count("id"))}


def current_results(cycle: Cycle) -> list[Result]:
    return list(Result.objects.filter(cycle=cycle, is_current=True).select_related("district").order_by("district_id"))


def is_counted(cycle: Cycle) -> bool:
    return Result.objects.filter(cycle=cycle, is_current=True).exists()


def overrides(cycle: Cycle) -> QuerySet[Override]:
    return Override.objects.filter(cycle=cycle).select_related("proposal").order_by("decided_at", "id")


@dataclass(frozen=True)
class Published:
    """The counted result of a cycle as it is published: each election's result, the overrides with their
    reasons, and the projects selected in the end."""

    cycle_id: int
    results: list[Result]
    overrides: list[Override]
    selected: list[int]


def published(cycle: Cycle) -> Published:
    results = current_results(cycle)
    if not results:
        raise NotFound(_("The vote has not been counted yet."))
    return Published(
        cycle_id=cycle.pk,
        results=results,
        overrides=list(overrides(cycle)),
        selected=sorted(selected(cycle).values_list("pk", flat=True)),
    )


@dataclass(frozen=True)
class VoterExplanation:
    """Why the projects on one person's ballot won or lost in one election (a district, or the common amount)."""

    district: str
    winners: list[int]
    explanation: dict[str, Any]


def voter_explanation(cycle: Cycle, user: User) -> list[VoterExplanation]:
    """Why each project the person voted for won or lost, per election their ballot took part in."""
    resident_of(user, cycle.government)
    ballot = my_ballot(cycle, user)
    if ballot is None:
        raise NotFound(_("You did not vote in this cycle."))
    if not is_counted(cycle):
        raise Conflict(_("The vote has not been counted yet."))
    out = []
    for group in build_elections(cycle):
        voter = group.voters.get(ballot.pk)
        if voter is None:
            continue
        outcome = voting.solve(group.election, cycle.rule, satisfaction(cycle))
        try:
            detail = voting.explain(group.election, outcome, voter).as_dict()
        except NotImplementedError:
            detail = {}
        out.append(
            VoterExplanation(
                district=group.district.name if group.district else "",
                winners=[group.proposals[w].pk for w in outcome.winners],
                explanation=plain(detail),
            )
        )
    return out
