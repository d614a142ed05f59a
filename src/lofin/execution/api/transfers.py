"""Transfer API: requests for 전용·이용·이체·예비비 사용 and the quarterly report to the council."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Header, Router, Status

from lofin.core.approvals.queries import people_on_line
from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment
from lofin.core.tenancy import access_government
from lofin.core.types import checked_year

from ..access import VIEW
from ..actions import transfers
from ..models import BudgetLine, Transfer
from ..queries import transfers as queries
from ..schemas.transfers import ReportOut, TransferIn, TransferOut

router = Router(tags=["execution"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _line(government: LocalGovernment, line_id: int) -> BudgetLine:
    line = BudgetLine.objects.filter(pk=line_id, government=government).first()
    if line is None:
        raise NotFound()
    return line


@router.get(
    "/execution/transfers",
    response=list[TransferOut],
    summary="Transfer requests of a government and year (전용·이용·이체·예비비 사용)",
)
def list_transfers(request: AuthedRequest, government: str, year: int) -> QuerySet[Transfer]:
    gov = access_government(request.user, government, VIEW)
    return queries.transfers(gov, checked_year(year))


@router.post(
    "/execution/transfers",
    response={201: TransferOut},
    summary="Request a transfer between budget lines, on an approval line",
    description="The amount leaves the source line at once and reaches the target when the final approver approves "
    "(returned or withdrawn, it goes back). Refused with a named code and nothing written: "
    "`insufficient_appropriation` (409, the source's unallocated appropriation is smaller), `transfer_not_allowed` "
    "(409, with `detail.rule`: R-BP-4 for 전용, R-BP-5 for 이용, R-BP-9 for a target the budget lacks or the council "
    "cut and for 이체 (its `legal_basis`, the same 사업 between organisations, one 회계), R-BP-3 for 예비비 into a line "
    "the council cut, LFA §43 for the reserve, R-FY-1 out of the fiscal year), `invalid_approval_line` (422), `invalid_input` (422), `permission_denied` (403), `not_found` (404). "
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
    transfer = transfers.do_request_transfer(
        payload.kind.value,
        from_line=source,
        to_line=target,
        amount=payload.amount,
        reason=payload.reason,
        line=people_on_line(payload.approval_line),
        urgent_disaster=payload.urgent_disaster,
        legal_basis=payload.legal_basis,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, queries.transfers(source.government, source.year).get(pk=transfer.pk))


def _report(request: AuthedRequest, government: str, year: int, quarter: int) -> queries.CouncilReport:
    gov = access_government(request.user, government, VIEW)
    return queries.council_report(gov, checked_year(year), quarter)


@router.get(
    "/execution/transfers/report",
    response=ReportOut,
    summary="Quarterly report of 전용·이용·이체 and 예비비 사용 to the council",
    description="Approved 전용, 이용, 이체 (with its legal basis) and 예비비 사용 of the quarter (by approval date) and "
    "the report's due date: the last day of the month after the quarter (지방재정법 §49, §47의2②).",
)
def transfer_report(request: AuthedRequest, government: str, year: int, quarter: int) -> queries.CouncilReport:
    return _report(request, government, year, quarter)


@router.get(
    "/execution/transfers/report.xlsx",
    summary="The quarterly report of 전용·이용·이체 and 예비비 사용 as an XLSX workbook",
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
    response = HttpResponse(queries.report_xlsx(result), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="transfers-{result.government.code}-{result.year}-Q{result.quarter}.xlsx"'
    )
    return response
