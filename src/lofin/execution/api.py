"""Execution API: budget lines, commitments (지출원인행위), payment orders (지급명령). Bearer token or session."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment
from lofin.core.permissions import require
from lofin.core.tenancy import access_government
from lofin.core.types import Id

from . import actions, queries
from .access import VIEW
from .models import BudgetLine, Commitment, ExpenditureResolution, OfficeKind, PaymentOrder
from .schemas import BudgetLineOut, CommitmentIn, CommitmentOut, PaymentIn, PaymentOut

router = Router(tags=["execution"])


def _line(request: AuthedRequest, line_id: int) -> BudgetLine:
    line = BudgetLine.objects.select_related("government", "account", "project").filter(pk=line_id).first()
    if line is None:
        raise NotFound()
    access_government(request.user, line.government.code, VIEW)
    return line


@router.get("/execution/budget-lines", response=list[BudgetLineOut], summary="Budget lines of a government and year")
def list_lines(request: AuthedRequest, government: str, year: int) -> list[dict[str, Any]]:
    gov = access_government(request.user, government, VIEW)
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("The fiscal year must be between 2000 and 2100."), field="year")
    names = queries.object_names(year)
    return [{**queries.line_out(line, names), "government": gov.code} for line in queries.lines(gov, year)]


@router.get("/execution/budget-lines/{line_id}", response=BudgetLineOut, summary="One budget line")
def get_line(request: AuthedRequest, line_id: Id) -> dict[str, Any]:
    line = _line(request, line_id)
    return {**queries.line_out(line), "government": line.government.code}


def _commitment_out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "budget_line_id": c.line_id,
        "amount": c.amount,
        "paid_amount": c.paid_amount,
        "creditor": c.creditor,
        "purpose": c.purpose,
        "status": c.status,
        "committed_on": c.committed_on,
    }


@router.post(
    "/execution/commitments",
    response={201: CommitmentOut},
    summary="Commit part of a line's allocation (지출원인행위)",
    description="Answers 409 with code `insufficient_allocation` (and writes nothing) when the allocation does not "
    "cover the amount. Retrying with the same Idempotency-Key returns the first commitment.",
)
def commit(
    request: AuthedRequest, payload: CommitmentIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    line = _line(request, payload.budget_line_id)
    office = None
    if payload.office_code:
        office = queries.default_office(line.government, line.year, OfficeKind.SUB_FINANCE, payload.office_code) or (
            queries.default_office(line.government, line.year, OfficeKind.FINANCE, payload.office_code)
        )
        if office is None:
            raise NotFound(_("There is no office %(code)s.") % {"code": payload.office_code})
    commitment = actions.do_commit(
        line,
        amount=payload.amount,
        creditor=payload.creditor,
        purpose=payload.purpose,
        creditor_number=payload.creditor_number,
        office=office,
        committed_on=payload.committed_on,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _commitment_out(commitment))


def _payment_out(p: PaymentOrder) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "commitment_id": p.commitment_id,
        "amount": p.amount,
        "withholding_amount": p.withholding_amount,
        "net_amount": p.net_amount,
        "payee_name": p.payee_name,
        "payee_account": p.payee_account,
        "status": p.status,
        "issued_on": p.issued_on,
    }


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
    office = queries.default_office(government, commitment.line.year, OfficeKind.DISBURSING, payload.office_code)
    if office is None:
        raise InvalidInput(_("Name the disbursing office (office_code)."), field="office_code")
    require(request.user, VIEW, government)
    resolution = None
    if payload.resolution_id is not None:
        resolution = ExpenditureResolution.objects.filter(pk=payload.resolution_id).first()
        if resolution is None:
            raise NotFound()
    payment = actions.do_issue_payment(
        commitment,
        amount=payload.amount,
        payee_name=payload.payee_name or commitment.creditor,
        payee_bank=payload.payee_bank,
        payee_account=payload.payee_account,
        office=office,
        issued_on=payload.issued_on,
        withholdings=[(w.kind, w.amount) for w in payload.withholdings],
        resolution=resolution,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _payment_out(payment))
