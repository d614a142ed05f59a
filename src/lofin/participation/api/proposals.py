"""Proposals: a cycle's list, one proposal with its decisions and tracking, a resident's new proposal, and
comments on it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Router, Status

from lofin.core.errors import InvalidInput
from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import comments
from ..actions import proposals as actions
from ..models import Comment, Proposal
from ..queries import cycles
from ..queries import proposals as queries
from ..schemas.comments import CommentIn, CommentOut
from ..schemas.proposals import ProposalDetailOut, ProposalIn, ProposalOut
from .common import PREFIX, cycle_of, proposal_of

router = Router()


@router.get(PREFIX + "/cycles/{cycle_id}/proposals", response=list[ProposalOut], summary="Proposals of a cycle")
def list_proposals(request: AuthedRequest, government: str, cycle_id: Id, status: str = "") -> QuerySet[Proposal]:
    return queries.proposals(cycle_of(request, government, cycle_id), status=status or None)


@router.post(
    PREFIX + "/cycles/{cycle_id}/proposals",
    response={201: ProposalOut},
    summary="Propose a project (verified residents, during the proposal phase)",
)
def create_proposal(request: AuthedRequest, government: str, cycle_id: Id, payload: ProposalIn) -> Status:
    c = cycle_of(request, government, cycle_id)
    district = None
    if payload.district_id is not None:
        district = cycles.districts(c).filter(pk=payload.district_id).first()
        if district is None:
            raise InvalidInput(_("Unknown district."), field="district_id")
    proposal = actions.do_submit_proposal(
        c,
        title=payload.title,
        description=payload.description,
        cost=payload.cost,
        location=payload.location,
        latitude=None if payload.latitude is None else Decimal(str(round(payload.latitude, 6))),
        longitude=None if payload.longitude is None else Decimal(str(round(payload.longitude, 6))),
        district=district,
        actor=request.user,
    )
    return Status(201, proposal)


@router.get(
    PREFIX + "/proposals/{proposal_id}", response=ProposalDetailOut, summary="A proposal, its decisions and tracking"
)
def get_proposal(request: AuthedRequest, government: str, proposal_id: Id) -> Proposal:
    return proposal_of(request, government, proposal_id)


@router.post(PREFIX + "/proposals/{proposal_id}/comments", response={201: CommentOut}, summary="Comment on a proposal")
def create_comment(request: AuthedRequest, government: str, proposal_id: Id, payload: CommentIn) -> Status:
    comment: Comment = comments.do_comment(
        proposal_of(request, government, proposal_id), body=payload.body, actor=request.user
    )
    return Status(201, comment)
