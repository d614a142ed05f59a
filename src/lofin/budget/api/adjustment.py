"""The budget office's adjustment (조정): requests closed, lines adjusted, the bill sent to the head (결재)."""

from __future__ import annotations

from ninja import Header, Router

from lofin.core.approvals.queries import people_on_line
from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import adjustment
from ..models import BudgetVersion, ExpenditureLine
from ..schemas.adjustment import AdjustIn, ExplicitCarryIn, MidTermPlanIn
from ..schemas.requests import ApprovalLineIn, LineOut
from ..schemas.versions import VersionOut
from .common import writable_line, writable_version

router = Router()


@router.post("/budget/versions/{version_id}/close-requests", response=VersionOut, summary="요구 마감")
def close_requests(request: AuthedRequest, version_id: Id) -> BudgetVersion:
    return adjustment.do_close_requests(writable_version(request, version_id), actor=request.user)


@router.post("/budget/lines/{line_id}/adjust", response=LineOut, summary="조정 by the budget office")
def adjust(request: AuthedRequest, line_id: Id, payload: AdjustIn) -> ExpenditureLine:
    line = writable_line(request, ExpenditureLine, line_id)
    return adjustment.do_adjust_line(line.pk, amount=payload.amount, reason=payload.reason, actor=request.user)


@router.post("/budget/versions/{version_id}/submit-bill", response=VersionOut, summary="Send the bill to the head")
def submit_bill(
    request: AuthedRequest,
    version_id: Id,
    payload: ApprovalLineIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> BudgetVersion:
    version = writable_version(request, version_id)
    return adjustment.do_submit_bill(
        version, line=people_on_line(payload.line), actor=request.user, idempotency_key=idempotency_key
    )


@router.post(
    "/budget/lines/{line_id}/explicit-carry", response=LineOut, summary="명시이월비 of a line (bill or council)"
)
def explicit_carry(request: AuthedRequest, line_id: Id, payload: ExplicitCarryIn) -> ExpenditureLine:
    line = writable_line(request, ExpenditureLine, line_id)
    return adjustment.do_set_explicit_carry(line.pk, amount=payload.amount, reason=payload.reason, actor=request.user)


@router.post(
    "/budget/versions/{version_id}/mid-term-plan", response=VersionOut, summary="The 중기지방재정계획 of the bill"
)
def mid_term_plan(request: AuthedRequest, version_id: Id, payload: MidTermPlanIn) -> BudgetVersion:
    return adjustment.do_record_mid_term_plan(
        writable_version(request, version_id),
        title=payload.title,
        first_year=payload.first_year,
        last_year=payload.last_year,
        actor=request.user,
    )
