"""지출결의 API: resolutions on a commitment and the 개산급 settlement.

Refusals have a named `code` and write nothing: `resolution_exceeds_commitment`, `inspection_required`,
`inspection_failed`, `resolution_not_open`, `resolution_mismatch`, `not_estimated_payment`, `already_settled`,
`nothing_paid`, `insufficient_commitment`, `over_disbursement_limit`, `separation_of_duties`, `closed_period`,
`idempotency_key_reused`, `invalid_input`, `permission_denied`, `not_found` (also for another government's
commitment or resolution)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment, User
from lofin.core.tenancy import access_government
from lofin.core.types import Id, checked_year

from ..access import VIEW
from ..actions import resolutions
from ..models import Commitment, ExpenditureResolution, OfficeKind
from ..queries.offices import default_office
from ..queries.resolutions import resolutions as read_resolutions
from ..schemas.resolutions import CancelIn, ResolutionIn, ResolutionOut, SettlementIn, SettlementOut

router = Router(tags=["execution"])


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
    return Status(201, read_resolutions().get(pk=resolution.pk))


@router.post(
    "/execution/resolutions/{resolution_id}/cancel",
    response=ResolutionOut,
    summary="Withdraw an open resolution",
    description="What was already ordered stands: the resolution shrinks to it; otherwise it is cancelled.",
)
def cancel(request: AuthedRequest, resolution_id: Id, payload: CancelIn) -> ExpenditureResolution:
    resolution = read_resolutions().filter(pk=resolution_id).first()
    if resolution is None:
        raise NotFound()
    access_government(request.user, resolution.government.code, VIEW)
    resolutions.do_cancel_resolution(resolution.pk, reason=payload.reason, actor=request.user)
    return read_resolutions().get(pk=resolution.pk)


@router.get(
    "/execution/resolutions", response=list[ResolutionOut], summary="Resolutions of a government and fiscal year"
)
def list_resolutions(request: AuthedRequest, government: str, year: int) -> QuerySet[ExpenditureResolution]:
    gov = access_government(request.user, government, VIEW)
    return read_resolutions().filter(government=gov, fiscal_year=checked_year(year)).order_by("number")


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
    office = default_office(government, commitment.line.year, OfficeKind.DISBURSING, payload.office_code)
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
    return Status(201, settlement)
