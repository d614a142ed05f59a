"""Commitments API (지출원인행위). Bearer token or session."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government
from lofin.core.types import Id

from ..access import VIEW
from ..actions import commitments
from ..models import Commitment, CreditorAssignment, OfficeKind
from ..queries.offices import default_office
from ..schemas.commitments import AssignmentIn, AssignmentOut, CommitmentIn, CommitmentOut, PastYearIn
from .appropriations import line_for

router = Router(tags=["execution"])


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
    line = line_for(request, payload.budget_line_id)
    office = None
    if payload.office_code:
        office = default_office(line.government, line.year, OfficeKind.SUB_FINANCE, payload.office_code) or (
            default_office(line.government, line.year, OfficeKind.FINANCE, payload.office_code)
        )
        if office is None:
            raise NotFound(_("There is no office %(code)s.") % {"code": payload.office_code})
    commitment = commitments.do_commit(
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
    return Status(201, commitment)


@router.post(
    "/execution/commitments/{commitment_id}/assignments",
    response={201: AssignmentOut},
    summary="Register the assignee of a commitment's claim (채권양도)",
    description="The 지출원 may then pay the assignee (R-EX-4, 지방회계법 §33). Registering the same assignee again "
    "answers with the first registration; a cancelled or fully paid commitment is `conflict`.",
)
def assign(request: AuthedRequest, commitment_id: Id, payload: AssignmentIn) -> Status:
    commitment = Commitment.objects.select_related("government").filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFound()
    access_government(request.user, commitment.government.code, VIEW)
    assignment: CreditorAssignment = commitments.do_register_assignment(
        commitment,
        assignee=payload.assignee,
        assignee_number=payload.assignee_number or "",
        notified_on=payload.notified_on,
        actor=request.user,
    )
    return Status(201, assignment)


@router.post(
    "/execution/commitments/{commitment_id}/past-year",
    response={201: CommitmentOut},
    summary="Charge a closed year's unpaid obligation to the current year (과년도지출)",
    description="A commitment on the current year's line of the same item, to the same creditor (R-EX-8, 지방회계법 "
    "§37); refused with `execution_rule` beyond what is unpaid or the item's 불용액 of the closed year. Retrying "
    "with the same Idempotency-Key returns the first commitment.",
)
def past_year(
    request: AuthedRequest,
    commitment_id: Id,
    payload: PastYearIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status:
    line = line_for(request, payload.budget_line_id)
    obligation = Commitment.objects.filter(pk=commitment_id, government_id=line.government_id).first()
    if obligation is None:
        raise NotFound()
    commitment = commitments.do_commit_past_year(
        obligation, line=line, amount=payload.amount, actor=request.user, idempotency_key=idempotency_key
    )
    return Status(201, commitment)
