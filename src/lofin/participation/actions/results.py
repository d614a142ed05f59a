"""The count: the active ballots of a cycle become engine elections (`queries.results.build_elections`), the
cycle's rule picks the winners, and officials may override with a published reason."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.models import User
from lofin.core.permissions import require

from .. import voting
from ..access import MANAGE
from ..models import Ballot, BallotChoice, Cycle, Override, PhaseKind, Proposal, ProposalStatus, Result
from ..queries import cycles as cycle_queries
from ..queries import proposals as proposal_queries
from ..queries import results as queries
from ..rules import results as rules
from ..rules.ballots import ON_BALLOT_STATUSES
from ..rules.cycles import check_phase
from .proposals import move_proposal


def do_compute_result(cycle: Cycle, *, actor: User) -> list[Result]:
    """Count the vote with the cycle's rule. Allowed once the vote has closed, until a project is adopted or an
    override is made (after that the published result stands)."""
    require(actor, MANAGE, cycle.government)
    with transaction.atomic():
        cycle = cycle_queries.locked(cycle.pk)
        check_phase(cycle.phase, PhaseKind.BUDGET_ADOPTION)
        rules.check_recount(
            overridden=Override.objects.filter(cycle=cycle).exists(),
            adopted=Proposal.objects.filter(
                cycle=cycle, status__in=(ProposalStatus.ADOPTED, ProposalStatus.IN_EXECUTION)
            ).exists(),
        )
        # On PostgreSQL every row carries the id of the transaction that wrote it (xmin), the same for a person's
        # roll entry and their ballot. The count writes every ballot of the cycle again, so from now on they all
        # carry the count's: nothing on a counted ballot dates it.
        Ballot.objects.filter(cycle=cycle).update(seal=F("seal"))
        BallotChoice.objects.filter(ballot__cycle=cycle).update(points=F("points"))
        groups = queries.build_elections(cycle)
        rules.check_something_to_count(len(groups))
        sat = queries.satisfaction(cycle)
        Result.objects.filter(cycle=cycle, is_current=True).update(is_current=False)
        counts = queries.vote_counts(cycle)
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
                    total_cost=voting.whole_won(outcome.total_cost),
                    voter_count=len(group.election.ballots),
                    explanation={
                        "outcome": queries.plain(outcome.as_dict()),
                        "projects": queries.project_explanations(group, outcome),
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
            move_proposal(proposal, target, reason, actor, record=False)
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


def do_override(cycle: Cycle, *, proposal: Proposal, action: str, reason: str, actor: User) -> Override:
    """An official adds a project to or removes it from the selection; the reason is published with the result."""
    require(actor, MANAGE, cycle.government)
    reason = rules.check_override(action, reason)
    if proposal.cycle_id != cycle.pk:
        raise NotFound()
    with transaction.atomic():
        cycle = cycle_queries.locked(cycle.pk)
        check_phase(cycle.phase, PhaseKind.BUDGET_ADOPTION)
        rules.check_counted(queries.is_counted(cycle))
        proposal = proposal_queries.locked(proposal.pk)
        target = rules.override_move(action, proposal.status)
        move_proposal(proposal, target, reason, actor, record=False)
        override = Override.objects.create(
            government_id=cycle.government_id,
            cycle=cycle,
            proposal=proposal,
            action=action,
            reason=reason,
            decided_by=actor,
        )
        audit.record(actor, "participation.result.override", override, data={"proposal": proposal.pk, "action": action})
    return override
