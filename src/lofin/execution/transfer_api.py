"""Transfer API: requests for 전용·이용·이체·예비비 사용 and the quarterly report to the council."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment, User
from lofin.core.tenancy import access_government
from lofin.core.types import Id, Text

from . import transfer_actions, transfer_queries
from .access import VIEW
from .models import BudgetLine, TransferKind
from .schemas import Won

router = Router(tags=["execution"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LineStepIn(Schema):
    kind: Annotated[str, Field(pattern="^(review|cooperate|approve)$")]
    username: Text(150)  # type: ignore[valid-type]


class TransferIn(Schema):
    kind: TransferKind
    from_line_id: Id
    to_line_id: Id
    amount: Won
    reason: Text(300)  # type: ignore[valid-type]
    urgent_disaster: bool = False
    approval_line: list[LineStepIn] = Field(min_length=1, max_length=10)


class TransferOut(Schema):
    id: int
    kind: str
    year: int
    from_line_id: int
    from_code: str
    to_line_id: int
    to_code: str
    amount: int
    reason: str
    status: str
    requested_on: dt.date
    decided_at: dt.datetime | None
    approval_id: int | None


class ReportRowOut(Schema):
    date: dt.date
    kind: str
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    amount: int
    reason: str


class ReportOut(Schema):
    government: str
    year: int
    quarter: int
    due_on: dt.date
    total: int
    rows: list[ReportRowOut]


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("The fiscal year must be between 2000 and 2100."), field="year")
    return year


def _line(government: LocalGovernment, line_id: int) -> BudgetLine:
    line = BudgetLine.objects.filter(pk=line_id, government=government).first()
    if line is None:
        raise NotFound()
    return line


def _people(steps: list[LineStepIn]) -> list[tuple[str, Any]]:
    people = {u.username: u for u in User.objects.filter(username__in=[s.username for s in steps])}
    line = []
    for step in steps:
        if step.username not in people:
            raise InvalidInput(_("Unknown user %(name)s on the approval line.") % {"name": step.username})
        line.append((step.kind, people[step.username]))
    return line


@router.get(
    "/execution/transfers",
    response=list[TransferOut],
    summary="Transfer requests of a government and year (전용·이용·이체·예비비 사용)",
)
def list_transfers(request: AuthedRequest, government: str, year: int) -> list[dict[str, Any]]:
    gov = access_government(request.user, government, VIEW)
    return [transfer_queries.transfer_out(t) for t in transfer_queries.transfers(gov, _year(year))]


@router.post(
    "/execution/transfers",
    response={201: TransferOut},
    summary="Request a transfer between budget lines, on an approval line",
    description="The amount leaves the source line at once and reaches the target when the final approver approves "
    "(returned or withdrawn, it goes back). Refused with a named code and nothing written: "
    "`insufficient_appropriation` (409, the source's unallocated appropriation is smaller), `transfer_not_allowed` "
    "(409, with `detail.rule`: R-BP-4 for 전용, R-BP-5 for 이용, LFA §43 for the reserve, R-FY-1 out of the fiscal "
    "year), `invalid_approval_line` (422), `invalid_input` (422), `permission_denied` (403), `not_found` (404). "
    "Retrying with the same Idempotency-Key returns the first request.",
)
def request_transfer(
    request: AuthedRequest, payload: TransferIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    source = BudgetLine.objects.select_related("government").filter(pk=payload.from_line_id).first()
    if source is None:
        raise NotFound()
    access_government(request.user, source.government.code, VIEW)
    target = _line(source.government, payload.to_line_id)
    transfer = transfer_actions.do_request_transfer(
        payload.kind.value,
        from_line=source,
        to_line=target,
        amount=payload.amount,
        reason=payload.reason,
        line=_people(payload.approval_line),
        urgent_disaster=payload.urgent_disaster,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    transfer = transfer_queries.transfers(source.government, source.year).get(pk=transfer.pk)
    return Status(201, transfer_queries.transfer_out(transfer))


def _report(request: AuthedRequest, government: str, year: int, quarter: int) -> transfer_queries.CouncilReport:
    gov = access_government(request.user, government, VIEW)
    return transfer_queries.council_report(gov, _year(year), quarter)


@router.get(
    "/execution/transfers/report",
    response=ReportOut,
    summary="Quarterly report of 전용 and 예비비 사용 to the council",
    description="Approved 전용 and 예비비 사용 of the quarter (by approval date) and the report's due date: the last "
    "day of the month after the quarter (지방재정법 §49).",
)
def transfer_report(request: AuthedRequest, government: str, year: int, quarter: int) -> dict[str, Any]:
    result = _report(request, government, year, quarter)
    return {
        "government": result.government.code,
        "year": result.year,
        "quarter": result.quarter,
        "due_on": result.due_on,
        "total": result.total,
        "rows": [row.__dict__ for row in result.rows],
    }


@router.get(
    "/execution/transfers/report.xlsx",
    summary="The quarterly report of 전용 and 예비비 사용 as an XLSX workbook",
    openapi_extra={
        "responses": {
            200: {
                "description": "The workbook (Korean labels, amounts in won).",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def transfer_report_xlsx(request: AuthedRequest, government: str, year: int, quarter: int) -> HttpResponse:
    result = _report(request, government, year, quarter)
    response = HttpResponse(transfer_queries.report_xlsx(result), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="transfers-{result.government.code}-{result.year}-Q{result.quarter}.xlsx"'
    )
    return response
