"""Selected projects into the budget (예산반영), and on into execution: the chain of architecture §3.

A selected proposal becomes a 세부사업 with a request line in the next year's 본예산 while departments are still
requesting (through budget.actions, so the budget's own checks and audit apply), or is funded within an existing
세부사업 of a budget (the usual case for small projects folded into a running programme). Either way the proposal
keeps the 세부사업, and the public tracking page follows it to the execution lines of that 세부사업.
"""

from __future__ import annotations

from django.db import transaction

from lofin.budget.actions import requests, setup
from lofin.budget.actions.requests import BasisIn
from lofin.budget.models import BudgetVersion, Project, ProjectLevel
from lofin.core import audit
from lofin.core.models import User
from lofin.core.permissions import require

from ..access import MANAGE, require_same_government
from ..models import Cycle, PhaseKind, Proposal, ProposalStatus
from ..queries import cycles as cycle_queries
from ..queries import proposals as proposal_queries
from ..rules import adoption as rules
from ..rules.cycles import check_amount, check_phase
from ..rules.proposals import check_transition
from .proposals import move_proposal


def do_adopt_into_request(
    cycle: Cycle, *, version: BudgetVersion, parent: Project, object_code: str, actor: User
) -> list[Proposal]:
    """Every selected proposal of the cycle becomes a 세부사업 under `parent` (a 단위사업) with a request line of
    its reviewed cost in `version` (the cycle's fiscal year, still at the request stage)."""
    require(actor, MANAGE, cycle.government)
    require_same_government(cycle.government, version, parent)
    rules.check_budget(version.year, cycle.year)
    rules.check_parent(is_unit=parent.level == ProjectLevel.UNIT, year=parent.year, cycle_year=cycle.year)
    adopted = []
    with transaction.atomic():
        cycle = cycle_queries.locked(cycle.pk)
        check_phase(cycle.phase, PhaseKind.BUDGET_ADOPTION)
        selected = list(Proposal.objects.filter(cycle=cycle, status=ProposalStatus.SELECTED).order_by("number"))
        rules.check_selected(len(selected))
        for proposal in selected:
            proposal = proposal_queries.locked(proposal.pk)
            amount = proposal.ballot_cost
            project = setup.do_create_project(
                cycle.government,
                year=version.year,
                level=ProjectLevel.DETAIL,
                code=f"PB{cycle.pk}-{proposal.number:03d}",
                name=f"[주민참여] {proposal.title}"[:120],
                account=parent.account,
                parent=parent,
                department=proposal.department or parent.department,
                actor=actor,
            )
            line = requests.do_save_request_line(
                version,
                project=project,
                object_code=object_code,
                basis=[BasisIn(f"주민참여예산 제안 {proposal.number}: {proposal.title}"[:200], amount)],
                actor=actor,
            )
            Proposal.objects.filter(pk=proposal.pk).update(
                budget_project=project, budget_line=line, adopted_amount=amount
            )
            move_proposal(proposal, ProposalStatus.ADOPTED, "", actor, record=False)
            audit.record(
                actor,
                "participation.proposal.adopt",
                proposal,
                data={"project": project.code, "line": line.pk, "version": version.pk, "amount": amount},
            )
            adopted.append(proposal)
    return adopted


def do_link_to_project(proposal: Proposal, *, project: Project, amount: int, actor: User) -> Proposal:
    """A selected proposal funded within an existing 세부사업 of the cycle's fiscal year."""
    require(actor, MANAGE, proposal.government)
    require_same_government(proposal.government, project)
    rules.check_funding_project(
        is_detail=project.level == ProjectLevel.DETAIL, year=project.year, cycle_year=proposal.cycle.year
    )
    check_amount(amount, "amount")
    with transaction.atomic():
        proposal = proposal_queries.locked(proposal.pk)
        check_phase(proposal.cycle.phase, (PhaseKind.BUDGET_ADOPTION, PhaseKind.IMPLEMENTATION))
        check_transition(proposal.status, ProposalStatus.ADOPTED)
        Proposal.objects.filter(pk=proposal.pk).update(budget_project=project, adopted_amount=amount)
        proposal.budget_project, proposal.adopted_amount = project, amount
        move_proposal(proposal, ProposalStatus.ADOPTED, "", actor, record=False)
        audit.record(actor, "participation.proposal.adopt", proposal, data={"project": project.code, "amount": amount})
    return proposal


def do_start_execution(cycle: Cycle, *, actor: User) -> list[Proposal]:
    """Adopted proposals whose 세부사업 has commitments (지출원인행위) are being carried out (사업추진)."""
    require(actor, MANAGE, cycle.government)
    moved = []
    with transaction.atomic():
        cycle = cycle_queries.locked(cycle.pk)
        check_phase(cycle.phase, PhaseKind.IMPLEMENTATION)
        for proposal in Proposal.objects.filter(cycle=cycle, status=ProposalStatus.ADOPTED).order_by("number"):
            if proposal_queries.started(cycle.government, cycle.year, proposal.budget_project_id):
                proposal = proposal_queries.locked(proposal.pk)
                moved.append(move_proposal(proposal, ProposalStatus.IN_EXECUTION, "", actor))
    return moved
