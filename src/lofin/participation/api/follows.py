"""Following a proposal: be told of every decision on it and of answers to questions about it."""

from __future__ import annotations

from ninja import Router

from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import follows as actions
from ..models import Follow
from ..queries import follows as queries
from ..schemas.follows import FollowedOut, FollowOut
from .common import PREFIX, government_of, proposal_of

router = Router()


@router.put(
    PREFIX + "/proposals/{proposal_id}/follow",
    response=FollowOut,
    summary="Follow a proposal: be told of every decision on it and of answers to questions about it",
)
def follow(request: AuthedRequest, government: str, proposal_id: Id) -> FollowOut:
    p = proposal_of(request, government, proposal_id)
    actions.do_follow_proposal(p, actor=request.user)
    return FollowOut(proposal_id=p.pk, following=True)


@router.delete(PREFIX + "/proposals/{proposal_id}/follow", response=FollowOut, summary="Stop following a proposal")
def unfollow(request: AuthedRequest, government: str, proposal_id: Id) -> FollowOut:
    p = proposal_of(request, government, proposal_id)
    actions.do_unfollow_proposal(p, actor=request.user)
    return FollowOut(proposal_id=p.pk, following=False)


@router.get(PREFIX + "/follows", response=list[FollowedOut], summary="The proposals I follow")
def my_follows(request: AuthedRequest, government: str) -> list[Follow]:
    return list(queries.followed(government_of(request, government), request.user)[:500])
