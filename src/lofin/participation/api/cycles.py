"""Cycles: their settings, phases and districts, and the officials' advance from phase to phase."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Router

from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import cycles as actions
from ..models import Cycle
from ..queries import cycles as queries
from ..schemas.cycles import AdvanceIn, CycleDetailOut, CycleOut
from .common import PREFIX, cycle_of, government_of

router = Router()


@router.get(PREFIX + "/cycles", response=list[CycleOut], summary="Participatory budgeting cycles")
def list_cycles(request: AuthedRequest, government: str) -> QuerySet[Cycle]:
    return queries.cycles(government_of(request, government)).select_related("government")


@router.get(PREFIX + "/cycles/{cycle_id}", response=CycleDetailOut, summary="One cycle with its phases and districts")
def get_cycle(request: AuthedRequest, government: str, cycle_id: Id) -> Cycle:
    return cycle_of(request, government, cycle_id)


@router.post(
    PREFIX + "/cycles/{cycle_id}/advance",
    response=CycleOut,
    summary="Move the cycle to its next phase (entering the vote puts the shortlisted proposals on the ballot)",
)
def advance(request: AuthedRequest, government: str, cycle_id: Id, payload: AdvanceIn) -> Cycle:
    return actions.do_advance_phase(cycle_of(request, government, cycle_id), actor=request.user, to=payload.to)
