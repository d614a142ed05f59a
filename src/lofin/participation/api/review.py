"""The officials' review of proposals — the twins of the review page, through the same actions (so the same
permission checks, phase rules, reasons and audit): the department's review, committee scores and the shortlist."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from lofin.core.errors import InvalidInput
from lofin.core.http import AuthedRequest
from lofin.core.models import Department
from lofin.core.types import Id

from ..actions import review as actions
from ..models import CommitteeScore, Proposal
from ..schemas.proposals import ProposalOut
from ..schemas.review import ReviewIn, ReviewStartIn, ScoreIn, ScoreOut, ShortlistIn
from .common import PREFIX, fresh, proposal_of

router = Router()


@router.post(
    PREFIX + "/proposals/{proposal_id}/review/start",
    response=ProposalOut,
    summary="Send a proposal to the responsible department for review (budget office)",
)
def start_review(request: AuthedRequest, government: str, proposal_id: Id, payload: ReviewStartIn) -> Proposal:
    p = proposal_of(request, government, proposal_id)
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(government_id=p.government_id, pk=payload.department_id).first()
        if department is None:
            raise InvalidInput(_("Unknown department."), field="department_id")
    actions.do_start_review(p, department=department, actor=request.user)
    return fresh(p)


@router.post(
    PREFIX + "/proposals/{proposal_id}/review",
    response=ProposalOut,
    summary="Record the department's finding: feasible or not, with the reason the proposer reads",
)
def review(request: AuthedRequest, government: str, proposal_id: Id, payload: ReviewIn) -> Proposal:
    p = proposal_of(request, government, proposal_id)
    actions.do_review_proposal(
        p, feasible=payload.feasible, reason=payload.reason, reviewed_cost=payload.reviewed_cost, actor=request.user
    )
    return fresh(p)


@router.post(
    PREFIX + "/proposals/{proposal_id}/scores",
    response={201: ScoreOut},
    summary="Record my committee score of a feasible proposal (sending it again replaces it)",
)
def score(request: AuthedRequest, government: str, proposal_id: Id, payload: ScoreIn) -> Status:
    p = proposal_of(request, government, proposal_id)
    s: CommitteeScore = actions.do_score_proposal(p, scores=payload.scores, comment=payload.comment, actor=request.user)
    return Status(201, s)


@router.post(
    PREFIX + "/proposals/{proposal_id}/shortlist",
    response=ProposalOut,
    summary="The committee's decision: onto the ballot or not, with its reason",
)
def shortlist(request: AuthedRequest, government: str, proposal_id: Id, payload: ShortlistIn) -> Proposal:
    p = proposal_of(request, government, proposal_id)
    actions.do_shortlist(p, shortlisted=payload.shortlisted, reason=payload.reason, actor=request.user)
    return fresh(p)
