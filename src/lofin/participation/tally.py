"""Counting: the active ballots of a cycle become engine elections (one per district with an amount of its own, one
for the rest), the cycle's rule picks the winners, and officials may override with a published reason.

Project ids in the engine are the proposals' ballot numbers, zero-padded, so the engine's tie-break by project id
is the order of the ballot paper; voter ids are ballot ids. Replaced ballots are never read.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.permissions import require

from . import rules, voting
from .access import MANAGE
from .actions import _lock_cycle, _lock_proposal, _move, resident_of
from .errors import WrongStatus
from .models import (
    Ballot,
    BallotChoice,
    BallotKind,
    Cycle,
    District,
    Override,
    OverrideAction,
    PhaseKind,
    Proposal,
    ProposalStatus,
    Result,
)
from .vote_actions import ON_BALLOT_STATUSES


def project_id(number: int) -> str:
    return f"{number:04d}"


@dataclass
class Group:
    district: District | None
    budget: int
    election: voting.Election
    proposals: dict[str, Proposal] = field(default_factory=dict)


def _ballot_rows(cycle: Cycle) -> dict[int, list[tuple[int, int, int | None]]]:
    rows: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)
    choices = (
        BallotChoice.objects.filter(ballot__cycle=cycle, ballot__is_active=True)
        .order_by("ballot_id", "rank", "id")
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
        for ballot_id, choices in ballots.items():
            mine = [(ids[pid], points, rank) for pid, points, rank in choices if pid in ids]
            if not mine:
                continue
            voter = str(ballot_id)
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
        groups.append(Group(district, budget, election, {ids[p.pk]: p for p in members}))
    return groups


def satisfaction(cycle: Cycle) -> str:
    return cycle.satisfaction or rules.DEFAULT_SATISFACTION[BallotKind(cycle.ballot_kind)]


def _plain(value: Any) -> Any:
    """Explanations hold exact fractions; the stored JSON keeps them as "p/q" strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Fraction | float):
        return str(value)
    return value


def _project_explanations(group: Group, outcome: voting.Outcome) -> dict[str, Any]:
    out = {}
    for pid, proposal in group.proposals.items():
        try:
            detail = voting.explain_project(group.election, outcome, pid).as_dict()
        except NotImplementedError:
            detail = {}
        out[str(proposal.pk)] = _plain({"project": pid, "selected": pid in outcome.winners, **detail})
    return out


def vote_counts(cycle: Cycle) -> dict[int, int]:
    """Per proposal: ballots naming it (or points given, on cumulative ballots), active ballots only."""
    choices = BallotChoice.objects.filter(ballot__cycle=cycle, ballot__is_active=True).values("proposal_id")
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        return {r["proposal_id"]: r["n"] or 0 for r in choices.annotate(n=Sum("points"))}
    return {r["proposal_id"]: r["n"] for r in choices.annotate(n=Count("id"))}


def do_compute_result(cycle: Cycle, *, actor: Any) -> list[Result]:
    """Count the vote with the cycle's rule. Allowed once the vote has closed, until a project is adopted or an
    override is made (after that the published result stands)."""
    require(actor, MANAGE, cycle.government)
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        rules.check_phase(cycle.phase, PhaseKind.BUDGET_ADOPTION)
        if (
            Override.objects.filter(cycle=cycle).exists()
            or Proposal.objects.filter(
                cycle=cycle, status__in=(ProposalStatus.ADOPTED, ProposalStatus.IN_EXECUTION)
            ).exists()
        ):
            raise Conflict(_("The result has been overridden or adopted; it is not counted again."))
        groups = build_elections(cycle)
        if not groups:
            raise Conflict(_("There are no projects on the ballot."))
        sat = satisfaction(cycle)
        Result.objects.filter(cycle=cycle, is_current=True).update(is_current=False)
        counts = vote_counts(cycle)
        results = []
        winners: set[int] = set()
        for group in groups:
            try:
                outcome = voting.solve(group.election, cycle.rule, sat)
            except voting.VotingError as exc:
                raise InvalidInput(str(exc), field="rule") from None
            won = [group.proposals[w].pk for w in outcome.winners]
            winners.update(won)
            results.append(
                Result.objects.create(
                    government_id=cycle.government_id,
                    cycle=cycle,
                    district=group.district,
                    rule=cycle.rule,
                    satisfaction=sat,
                    budget=group.budget,
                    winners=won,
                    total_cost=outcome.total_cost,
                    voter_count=len(group.election.ballots),
                    explanation={
                        "outcome": _plain(outcome.as_dict()),
                        "projects": _project_explanations(group, outcome),
                    },
                    digest=hashlib.sha256(voting.write_pb(group.election).encode("utf-8")).hexdigest(),
                    computed_by=actor,
                )
            )
        for proposal in Proposal.objects.select_for_update(no_key=True).filter(
            cycle=cycle, status__in=ON_BALLOT_STATUSES
        ):
            target = ProposalStatus.SELECTED if proposal.pk in winners else ProposalStatus.NOT_SELECTED
            votes = counts.get(proposal.pk, 0)
            Proposal.objects.filter(pk=proposal.pk).update(votes=votes)
            if proposal.status == target:
                continue
            if proposal.status != ProposalStatus.ON_BALLOT:
                # A recount after an earlier count: back on the ballot first, then the new decision.
                Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.ON_BALLOT)
                proposal.status = ProposalStatus.ON_BALLOT
            reason = str(_("%(rule)s, %(votes)d votes") % {"rule": cycle.get_rule_display(), "votes": votes})
            _move(proposal, target, reason, actor, record=False)
        audit.record(
            actor,
            "participation.result.compute",
            cycle,
            data={
                "rule": cycle.rule,
                "sat": sat,
                "winners": sorted(winners),
                "results": [r.pk for r in results],
                "digests": [r.digest for r in results],
            },
        )
    return results


def do_override(cycle: Cycle, *, proposal: Proposal, action: str, reason: str, actor: Any) -> Override:
    """An official adds a project to or removes it from the selection; the reason is published with the result."""
    require(actor, MANAGE, cycle.government)
    if action not in OverrideAction.values:
        raise InvalidInput(_("Choose to add or to remove the project."), field="action")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("An override needs a reason; it is published with the result."), field="reason")
    if proposal.cycle_id != cycle.pk:
        raise NotFound()
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        rules.check_phase(cycle.phase, PhaseKind.BUDGET_ADOPTION)
        if not Result.objects.filter(cycle=cycle, is_current=True).exists():
            raise Conflict(_("Count the vote before overriding its result."))
        proposal = _lock_proposal(proposal.pk)
        expected = ProposalStatus.NOT_SELECTED if action == OverrideAction.ADD else ProposalStatus.SELECTED
        if proposal.status != expected:
            raise WrongStatus(
                _("Only a project that is %(status)s can be overridden this way.") % {"status": expected.label}
            )
        target = ProposalStatus.SELECTED if action == OverrideAction.ADD else ProposalStatus.NOT_SELECTED
        _move(proposal, target, reason, actor, record=False)
        override = Override.objects.create(
            government_id=cycle.government_id,
            cycle=cycle,
            proposal=proposal,
            action=action,
            reason=reason[:500],
            decided_by=actor,
        )
        audit.record(actor, "participation.result.override", override, data={"proposal": proposal.pk, "action": action})
    return override


def voter_explanation(cycle: Cycle, user: Any) -> list[dict[str, Any]]:
    """Why each project the person voted for won or lost, per election their ballot took part in."""
    resident = resident_of(user, cycle.government)
    ballot = Ballot.objects.filter(cycle=cycle, voter_key=resident.identity_hash, is_active=True).first()
    if ballot is None:
        raise NotFound(_("You did not vote in this cycle."))
    if not Result.objects.filter(cycle=cycle, is_current=True).exists():
        raise Conflict(_("The vote has not been counted yet."))
    out = []
    for group in build_elections(cycle):
        voter = str(ballot.pk)
        if not any(b.voter_id == voter for b in group.election.ballots):
            continue
        outcome = voting.solve(group.election, cycle.rule, satisfaction(cycle))
        try:
            detail = voting.explain(group.election, outcome, voter).as_dict()
        except NotImplementedError:
            detail = {}
        out.append(
            {
                "district": group.district.name if group.district else "",
                "winners": [group.proposals[w].pk for w in outcome.winners],
                "explanation": _plain(detail),
            }
        )
    return out
