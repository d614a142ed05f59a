"""Revenue lines (세입): requested, adjusted by the budget office, amended by the council."""

from __future__ import annotations

from ninja import Router, Status

from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import revenue as actions
from ..models import Account, RevenueLine
from ..schemas.adjustment import AdjustIn
from ..schemas.council import AmendIn
from ..schemas.revenue import RevenueIn, RevenueOut
from .common import writable_line, writable_version

router = Router()


@router.post("/budget/revenue-lines", response={201: RevenueOut}, summary="Request a revenue line")
def request_revenue(request: AuthedRequest, payload: RevenueIn) -> Status:
    version = writable_version(request, payload.version_id)
    account = Account.objects.filter(government=version.government, code=payload.account_code).first()
    if account is None:
        raise NotFound()
    line = actions.do_save_revenue_request(
        version,
        account=account,
        revenue_code=payload.revenue_code,
        amount=payload.amount,
        basis_text=payload.basis_text,
        actor=request.user,
    )
    return Status(201, line)


@router.post("/budget/revenue-lines/{line_id}/adjust", response=RevenueOut, summary="조정 of a revenue line")
def adjust_revenue(request: AuthedRequest, line_id: Id, payload: AdjustIn) -> RevenueLine:
    line = writable_line(request, RevenueLine, line_id)
    return actions.do_adjust_revenue(line.pk, amount=payload.amount, reason=payload.reason, actor=request.user)


@router.post("/budget/revenue-lines/{line_id}/amend", response=RevenueOut, summary="Council amendment of revenue")
def amend_revenue(request: AuthedRequest, line_id: Id, payload: AmendIn) -> RevenueLine:
    line = writable_line(request, RevenueLine, line_id)
    return actions.do_amend_revenue(line.pk, amount=payload.amount, reason=payload.reason, actor=request.user)
