"""The council (의회): its amendments of the bill (수정의결) and its vote (의결)."""

from __future__ import annotations

from ninja import Router

from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import council
from ..models import BudgetVersion, ExpenditureLine
from ..schemas.council import AmendIn, VoteIn
from ..schemas.requests import LineOut
from ..schemas.versions import VersionOut
from .common import writable_line, writable_version

router = Router()


@router.post("/budget/lines/{line_id}/amend", response=LineOut, summary="Record a council amendment")
def amend(request: AuthedRequest, line_id: Id, payload: AmendIn) -> ExpenditureLine:
    line = writable_line(request, ExpenditureLine, line_id)
    return council.do_amend_line(
        line.pk, amount=payload.amount, reason=payload.reason, head_consent=payload.head_consent, actor=request.user
    )


@router.post("/budget/versions/{version_id}/vote", response=VersionOut, summary="Record the council's vote (의결)")
def vote(request: AuthedRequest, version_id: Id, payload: VoteIn) -> BudgetVersion:
    return council.do_record_vote(writable_version(request, version_id), voted_on=payload.voted_on, actor=request.user)
