"""지출결의 API: resolutions on a commitment, the 금고's payment notice, and the 개산급 settlement.

Refusals have a named `code` and write nothing: `resolution_exceeds_commitment`, `inspection_required`,
`inspection_failed`, `resolution_not_open`, `resolution_mismatch`, `already_paid`, `payment_not_issued`,
`bank_reference_reused`, `not_estimated_payment`, `already_settled`, `nothing_paid`, `insufficient_commitment`,
`over_disbursement_limit`, `separation_of_duties`, `closed_period`, `idempotency_key_reused`, `invalid_input`,
`permission_denied`, `not_found` (also for another government's commitment, resolution or payment order)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment, User
from lofin.core.tenancy import access_government
from lofin.core.types import Id, Text

from . import queries
from . import resolution_actions as resolutions
from .access import VIEW
from .models import Commitment, ExpenditureResolution, OfficeKind, PaymentConfirmation, PaymentOrder

router = Router(tags=["execution"])

Won = Annotated[int, Field(gt=0, le=10**15)]
Year = Annotated[int, Field(ge=2000, le=2100)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]


class ClaimIn(Schema):
    number: Text(40)  # type: ignore[valid-type]
    date: Day
    amount: Won


class InspectionIn(Schema):
    date: Day
    inspector: Text(150) = Field(..., description="username of the official who inspected")  # type: ignore[valid-type]
    result: Literal["passed", "failed"]
    note: Text(200) = ""  # type: ignore[valid-type]


class ResolutionIn(Schema):
    commitment_id: Id
    amount: Won
    claim: ClaimIn
    inspection: InspectionIn | None = Field(
        None, description="검수·검사; required for works, goods and services (지방계약법 §17)"
    )
    resolved_on: Day | None = None
    for_advance: bool = Field(False, description="a claim for 선금 on a 선금급 commitment (no inspection)")


class ClaimOut(Schema):
    number: str
    date: dt.date
    amount: int


class InspectionOut(Schema):
    date: dt.date
    inspector: str
    result: str
    note: str


class ResolutionOut(Schema):
    id: int
    government: str
    number: str
    fiscal_year: int
    commitment_id: int
    creditor: str
    amount: int
    ordered_amount: int
    remaining: int
    status: str
    for_advance: bool
    claim: ClaimOut
    inspection: InspectionOut | None
    resolved_on: dt.date
    resolved_by: str


class CancelIn(Schema):
    reason: Text(200)  # type: ignore[valid-type]


class PaidIn(Schema):
    paid_on: Day
    bank_reference: Text(40)  # type: ignore[valid-type]


class PaidOut(Schema):
    id: int
    number: str
    commitment_id: int
    amount: int
    net_amount: int
    status: str
    issued_on: dt.date
    paid_on: dt.date
    bank_reference: str


class SettlementIn(Schema):
    actual_amount: int = Field(..., ge=0, le=10**15)
    settled_on: Day | None = None
    returned_on: Day | None = Field(None, description="the day the excess came back (when actual < paid)")
    office_code: Text(20) | None = Field(None, description="지출원 office paying a shortfall")  # type: ignore[valid-type]
    payee_bank: Text(20) = "금고"  # type: ignore[valid-type]
    payee_account: Text(40) = ""  # type: ignore[valid-type]


class SettlementOut(Schema):
    id: int
    commitment_id: int
    estimated_amount: int
    actual_amount: int
    refunded_amount: int
    refund_restored_line: bool
    further_payment_id: int | None
    released_amount: int
    settled_on: dt.date


def _resolution_out(r: ExpenditureResolution) -> dict[str, Any]:
    inspection = None
    if r.inspection_result:
        inspection = {
            "date": r.inspected_on,
            "inspector": r.inspector.username if r.inspector else "",
            "result": r.inspection_result,
            "note": r.inspection_note,
        }
    return {
        "id": r.pk,
        "government": r.government.code,
        "number": r.number,
        "fiscal_year": r.fiscal_year,
        "commitment_id": r.commitment_id,
        "creditor": r.commitment.creditor,
        "amount": r.amount,
        "ordered_amount": r.ordered_amount,
        "remaining": r.remaining,
        "status": r.status,
        "for_advance": r.for_advance,
        "claim": {"number": r.claim_number, "date": r.claimed_on, "amount": r.claim_amount},
        "inspection": inspection,
        "resolved_on": r.resolved_on,
        "resolved_by": r.resolved_by.username,
    }


def _resolutions() -> Any:
    return ExpenditureResolution.objects.select_related("government", "commitment", "inspector", "resolved_by")


def _commitment(request: AuthedRequest, commitment_id: int) -> Commitment:
    commitment = Commitment.objects.select_related("line").filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound()
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    access_government(request.user, government.code, VIEW)
    return commitment


@router.post(
    "/execution/resolutions",
    response={201: ResolutionOut},
    summary="Resolve to pay a claim on a commitment (지출결의)",
    description="The 재무관 sends the creditor's claim and the inspection record to the 지출원 (지방회계법 §31). "
    "Retrying with the same Idempotency-Key returns the first resolution.",
)
def resolve(
    request: AuthedRequest, payload: ResolutionIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    commitment = _commitment(request, payload.commitment_id)
    inspection = payload.inspection
    inspector = None
    if inspection is not None:
        inspector = User.objects.filter(username=inspection.inspector).first()
        if inspector is None:
            raise InvalidInput(_("The inspector must be an official of this government."), field="inspection.inspector")
    resolution = resolutions.do_resolve_expenditure(
        commitment,
        amount=payload.amount,
        claim_number=payload.claim.number,
        claimed_on=payload.claim.date,
        claim_amount=payload.claim.amount,
        resolved_on=payload.resolved_on,
        inspected_on=inspection.date if inspection else None,
        inspector=inspector,
        inspection_result=inspection.result if inspection else "",
        inspection_note=inspection.note if inspection else "",
        for_advance=payload.for_advance,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _resolution_out(_resolutions().get(pk=resolution.pk)))


@router.post(
    "/execution/resolutions/{resolution_id}/cancel",
    response=ResolutionOut,
    summary="Withdraw an open resolution",
    description="What was already ordered stands: the resolution shrinks to it; otherwise it is cancelled.",
)
def cancel(request: AuthedRequest, resolution_id: Id, payload: CancelIn) -> dict[str, Any]:
    resolution = _resolutions().filter(pk=resolution_id).first()
    if resolution is None:
        raise NotFound()
    access_government(request.user, resolution.government.code, VIEW)
    resolutions.do_cancel_resolution(resolution.pk, reason=payload.reason, actor=request.user)
    return _resolution_out(_resolutions().get(pk=resolution.pk))


@router.get(
    "/execution/resolutions", response=list[ResolutionOut], summary="Resolutions of a government and fiscal year"
)
def list_resolutions(request: AuthedRequest, government: str, year: int) -> list[dict[str, Any]]:
    gov = access_government(request.user, government, VIEW)
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("The fiscal year must be between 2000 and 2100."), field="year")
    return [_resolution_out(r) for r in _resolutions().filter(government=gov, fiscal_year=year).order_by("number")]


@router.post(
    "/execution/payment-orders/{payment_id}/paid",
    response=PaidOut,
    summary="Record the treasury bank's notice that it paid an order",
    description="The same notice again answers with the paid order; a different one for a paid order is "
    "`already_paid`.",
)
def paid(request: AuthedRequest, payment_id: Id, payload: PaidIn) -> dict[str, Any]:
    payment = PaymentOrder.objects.select_related("government").filter(pk=payment_id).first()
    if payment is None:
        raise NotFound()
    access_government(request.user, payment.government.code, VIEW)
    payment = resolutions.do_confirm_payment(
        payment.pk, paid_on=payload.paid_on, bank_reference=payload.bank_reference, actor=request.user
    )
    confirmation = PaymentConfirmation.objects.get(payment=payment)
    return {
        "id": payment.pk,
        "number": payment.number,
        "commitment_id": payment.commitment_id,
        "amount": payment.amount,
        "net_amount": payment.net_amount,
        "status": payment.status,
        "issued_on": payment.issued_on,
        "paid_on": confirmation.paid_on,
        "bank_reference": confirmation.bank_reference,
    }


@router.post(
    "/execution/commitments/{commitment_id}/settlement",
    response={201: SettlementOut},
    summary="Settle an estimated payment (개산급 정산)",
    description="An excess comes back as 반납 on `returned_on`; a shortfall is paid by a further order from the "
    "named 지출원 office. Retrying with the same Idempotency-Key returns the first settlement.",
)
def settle(
    request: AuthedRequest,
    commitment_id: Id,
    payload: SettlementIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status:
    commitment = _commitment(request, commitment_id)
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    # Without a code, the government's only 지출원 office (if it has just one) pays a shortfall.
    office = queries.default_office(government, commitment.line.year, OfficeKind.DISBURSING, payload.office_code)
    if office is None and payload.office_code:
        raise NotFound(_("There is no office %(code)s.") % {"code": payload.office_code})
    settlement = resolutions.do_settle_estimated_payment(
        commitment,
        actual_amount=payload.actual_amount,
        settled_on=payload.settled_on,
        returned_on=payload.returned_on,
        office=office,
        payee_bank=payload.payee_bank,
        payee_account=payload.payee_account,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(
        201,
        {
            "id": settlement.pk,
            "commitment_id": settlement.commitment_id,
            "estimated_amount": settlement.estimated_amount,
            "actual_amount": settlement.actual_amount,
            "refunded_amount": settlement.refunded_amount,
            "refund_restored_line": settlement.refund_restored_line,
            "further_payment_id": settlement.further_payment_id,
            "released_amount": settlement.released_amount,
            "settled_on": settlement.settled_on,
        },
    )
