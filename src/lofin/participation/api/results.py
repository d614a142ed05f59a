"""The count: the published result with its overrides, why my projects won or lost, and the officials' count and
overrides."""

from __future__ import annotations

from ninja import Router, Status

from lofin.core.http import AuthedRequest
from lofin.core.tenancy import get_for_tenant
from lofin.core.types import Id

from ..actions import results as actions
from ..models import Override, Proposal
from ..queries import results as queries
from ..schemas.results import OverrideIn, OverrideOut, ResultsOut, VoterExplanationOut
from .common import PREFIX, cycle_of

router = Router()


@router.get(PREFIX + "/cycles/{cycle_id}/results", response=ResultsOut, summary="The counted result and overrides")
def get_results(request: AuthedRequest, government: str, cycle_id: Id) -> queries.Published:
    return queries.published(cycle_of(request, government, cycle_id))


@router.get(
    PREFIX + "/cycles/{cycle_id}/results/mine",
    response=list[VoterExplanationOut],
    summary="Why the projects on my ballot won or lost",
)
def my_explanation(request: AuthedRequest, government: str, cycle_id: Id) -> list[queries.VoterExplanation]:
    return queries.voter_explanation(cycle_of(request, government, cycle_id), request.user)


@router.post(
    PREFIX + "/cycles/{cycle_id}/results/compute",
    response=ResultsOut,
    summary="Count the vote with the cycle's rule (after the vote, before any override or adoption)",
)
def compute_result(request: AuthedRequest, government: str, cycle_id: Id) -> queries.Published:
    cycle = cycle_of(request, government, cycle_id)
    actions.do_compute_result(cycle, actor=request.user)
    return queries.published(cycle)


@router.post(
    PREFIX + "/cycles/{cycle_id}/overrides",
    response={201: OverrideOut},
    summary="Add a project to the selection or remove it, with a reason published with the result",
)
def override(request: AuthedRequest, government: str, cycle_id: Id, payload: OverrideIn) -> Status:
    c = cycle_of(request, government, cycle_id)
    p = get_for_tenant(Proposal.objects.all(), c.government, pk=payload.proposal_id)
    o: Override = actions.do_override(c, proposal=p, action=payload.action, reason=payload.reason, actor=request.user)
    return Status(201, o)
