"""Selected projects into the budget (예산반영), and on into execution: the chain of architecture §3.

A selected proposal becomes a 세부사업 with a request line in the next year's 본예산 while departments are still
requesting (through budget.actions, so the budget's own checks and audit apply), or is funded within an existing
세부사업 of a budget (the usual case for small projects folded into a running programme). Either way the proposal
keeps the 세부사업, and the public tracking page follows it to the execution lines of that 세부사업.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.budget.actions import requests, setup
from lofin.budget.actions.requests import BasisIn
from lofin.budget.models import BudgetVersion, Project, ProjectLevel
from lofin.core import audit
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.permissions import require

from . import rules
from .access import MANAGE
from .actions import _amount, _lock_cycle, _lock_proposal, _move
from .errors import WrongStatus
from .models import Cycle, PhaseKind, Proposal, ProposalStatus


def _same(cycle: Cycle, *objects: Any) -> None:
    for obj in objects:
        if obj.government_id != cycle.government_id:
            raise NotFound()


def do_adopt_into_request(
    cycle: Cycle, *, version: BudgetVersion, parent: Project, object_code: str, actor: Any
) -> list[Proposal]:
    """Every selected proposal of the cycle becomes a 세부사업 under `parent` (a 단위사업) with a request line of
    its reviewed cost in `version` (the cycle's fiscal year, still at the request stage)."""
    require(actor, MANAGE, cycle.government)
    _same(cycle, version, parent)
    if version.year != cycle.year:
        raise InvalidInput(_("The budget is of another fiscal year than the cycle."), field="version")
    if parent.level != ProjectLevel.UNIT or parent.year != cycle.year:
        raise InvalidInput(_("Choose a 단위사업 of the cycle's fiscal year."), field="parent")
    adopted = []
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        rules.check_phase(cycle.phase, PhaseKind.BUDGET_ADOPTION)
        selected = list(Proposal.objects.filter(cycle=cycle, status=ProposalStatus.SELECTED).order_by("number"))
        if not selected:
            raise WrongStatus(_("No proposal of this cycle is selected."))
        for proposal in selected:
            proposal = _lock_proposal(proposal.pk)
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
            _move(proposal, ProposalStatus.ADOPTED, "", actor, record=False)
            audit.record(
                actor,
                "participation.proposal.adopt",
                proposal,
                data={"project": project.code, "line": line.pk, "version": version.pk, "amount": amount},
            )
            adopted.append(proposal)
    return adopted


def do_link_to_project(proposal: Proposal, *, project: Project, amount: int, actor: Any) -> Proposal:
    """A selected proposal funded within an existing 세부사업 of the cycle's fiscal year."""
    require(actor, MANAGE, proposal.government)
    if project.government_id != proposal.government_id:
        raise NotFound()
    if project.level != ProjectLevel.DETAIL or project.year != proposal.cycle.year:
        raise InvalidInput(_("Choose a 세부사업 of the cycle's fiscal year."), field="project")
    _amount(amount, "amount")
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        rules.check_phase(proposal.cycle.phase, (PhaseKind.BUDGET_ADOPTION, PhaseKind.IMPLEMENTATION))
        rules.check_transition(proposal.status, ProposalStatus.ADOPTED)
        Proposal.objects.filter(pk=proposal.pk).update(budget_project=project, adopted_amount=amount)
        proposal.budget_project, proposal.adopted_amount = project, amount
        _move(proposal, ProposalStatus.ADOPTED, "", actor, record=False)
        audit.record(actor, "participation.proposal.adopt", proposal, data={"project": project.code, "amount": amount})
    return proposal


def do_start_execution(cycle: Cycle, *, actor: Any) -> list[Proposal]:
    """Adopted proposals whose 세부사업 has commitments (지출원인행위) are being carried out (사업추진)."""
    from lofin.execution.models import BudgetLine

    require(actor, MANAGE, cycle.government)
    moved = []
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        rules.check_phase(cycle.phase, PhaseKind.IMPLEMENTATION)
        for proposal in Proposal.objects.filter(cycle=cycle, status=ProposalStatus.ADOPTED).order_by("number"):
            started = BudgetLine.objects.filter(
                government_id=cycle.government_id,
                year=cycle.year,
                project_id=proposal.budget_project_id,
                committed__gt=0,
            ).exists()
            if started:
                proposal = _lock_proposal(proposal.pk)
                moved.append(_move(proposal, ProposalStatus.IN_EXECUTION, "", actor))
    return moved
