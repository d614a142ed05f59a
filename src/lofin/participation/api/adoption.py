"""Adoption into the budget and the start of execution — the twins of the officials' adoption pages."""

from __future__ import annotations

from ninja import Router

from lofin.budget.models import BudgetVersion, Project
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import get_for_tenant
from lofin.core.types import Id

from ..actions import adoption as actions
from ..models import Proposal
from ..schemas.adoption import AdoptIn, LinkIn
from ..schemas.proposals import ProposalOut
from .common import PREFIX, cycle_of, fresh, proposal_of

router = Router()


@router.post(
    PREFIX + "/cycles/{cycle_id}/adopt",
    response=list[ProposalOut],
    summary="Make every selected proposal a 세부사업 with a request line in the budget being requested",
)
def adopt(request: AuthedRequest, government: str, cycle_id: Id, payload: AdoptIn) -> list[Proposal]:
    c = cycle_of(request, government, cycle_id)
    version = get_for_tenant(BudgetVersion.objects.all(), c.government, pk=payload.version_id)
    parent = get_for_tenant(Project.objects.all(), c.government, pk=payload.parent_id)
    adopted = actions.do_adopt_into_request(
        c, version=version, parent=parent, object_code=payload.object_code, actor=request.user
    )
    return [fresh(p) for p in adopted]


@router.post(
    PREFIX + "/proposals/{proposal_id}/link",
    response=ProposalOut,
    summary="Fund a selected proposal within an existing 세부사업 of the cycle's year",
)
def link(request: AuthedRequest, government: str, proposal_id: Id, payload: LinkIn) -> Proposal:
    p = proposal_of(request, government, proposal_id)
    project = get_for_tenant(Project.objects.all(), p.government, pk=payload.project_id)
    actions.do_link_to_project(p, project=project, amount=payload.amount, actor=request.user)
    return fresh(p)


@router.post(
    PREFIX + "/cycles/{cycle_id}/execution/start",
    response=list[ProposalOut],
    summary="Mark adopted proposals whose 세부사업 has commitments as being carried out",
)
def start_execution(request: AuthedRequest, government: str, cycle_id: Id) -> list[Proposal]:
    moved = actions.do_start_execution(cycle_of(request, government, cycle_id), actor=request.user)
    return [fresh(p) for p in moved]
