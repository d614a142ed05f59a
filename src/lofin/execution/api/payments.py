"""Payment orders API (지급명령) and the 금고's notice that it paid an order. Bearer token or session."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment
from lofin.core.permissions import require
from lofin.core.tenancy import access_government
from lofin.core.types import Id

from ..access import VIEW
from ..actions import payments
from ..models import Commitment, ExpenditureResolution, OfficeKind, PaymentOrder
from ..queries.offices import default_office
from ..schemas.payments import PaidIn, PaidOut, PaymentIn, PaymentOut

router = Router(tags=["execution"])


@router.post(
    "/execution/payment-orders",
    response={201: PaymentOut},
    summary="Order the treasury bank to pay (지급명령)",
    description="Refused with a named code: `insufficient_commitment`, `over_disbursement_limit`, `payee_mismatch`, "
    "`separation_of_duties`, `closed_period`, `invalid_input`; with a `resolution_id` also `over_resolution`, "
    "`resolution_not_open`, `resolution_mismatch`.",
)
def pay(
    request: AuthedRequest, payload: PaymentIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    commitment = Commitment.objects.select_related("line", "line__government").filter(pk=payload.commitment_id).first()
    if commitment is None:
        raise NotFound()
    government: LocalGovernment = commitment.line.government
    access_government(request.user, government.code, VIEW)
    office = default_office(government, commitment.line.year, OfficeKind.DISBURSING, payload.office_code)
    if office is None:
        raise InvalidInput(_("Name the disbursing office (office_code)."), field="office_code")
    require(request.user, VIEW, government)
    resolution = None
    if payload.resolution_id is not None:
        resolution = ExpenditureResolution.objects.filter(pk=payload.resolution_id).first()
        if resolution is None:
            raise NotFound()
    payment = payments.do_issue_payment(
        commitment,
        amount=payload.amount,
        payee_name=payload.payee_name or commitment.creditor,
        payee_number=payload.payee_number or "",
        payee_bank=payload.payee_bank,
        payee_account=payload.payee_account,
        office=office,
        issued_on=payload.issued_on,
        incurred_on=payload.incurred_on,
        drop_odd_won=payload.drop_odd_won,
        withholdings=[(w.kind, w.amount) for w in payload.withholdings],
        resolution=resolution,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, payment)


@router.post(
    "/execution/payment-orders/{payment_id}/paid",
    response=PaidOut,
    summary="Record the treasury bank's notice that it paid an order",
    description="The same notice again answers with the paid order; a different one for a paid order is "
    "`already_paid`.",
)
def paid(request: AuthedRequest, payment_id: Id, payload: PaidIn) -> PaymentOrder:
    payment = PaymentOrder.objects.select_related("government").filter(pk=payment_id).first()
    if payment is None:
        raise NotFound()
    access_government(request.user, payment.government.code, VIEW)
    done = payments.do_confirm_payment(
        payment.pk, paid_on=payload.paid_on, bank_reference=payload.bank_reference, actor=request.user
    )
    return PaymentOrder.objects.select_related("confirmation").get(pk=done.pk)
