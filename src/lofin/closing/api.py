"""결산 API: the statements (per entity or consolidated) and the 세입세출결산 of a government's year, the closing
and its reversal on approval lines (the head decides), the documents of the 결산 package, its submission to the
council and the 결산 calendar.

A closed year is served from the snapshot the closing stored (with its digest); an open year is computed from the
books as they are and marked `provisional`. Reads need the accounting VIEW permission; another government's books
are `not_found`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lofin.accounting.access import POST, VIEW
from lofin.core import clock, idempotency
from lofin.core.approvals.queries import people_on_line
from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.permissions import require_operator
from lofin.core.schemas import ApprovalLine
from lofin.core.tenancy import access_government
from lofin.core.types import Day, Text, Year

from . import actions, calendar, package, performance, queries
from . import budget_result as results
from .models import ClosingDocument, ClosingRequest, ClosingRun, DocumentKind
from .queries import document_for

router = Router(tags=["accounting"])

EntityOrAll = Literal["general", "other_special", "fund", "enterprise_special", "consolidated"]


class YearQuery(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year


class StatementsQuery(YearQuery):
    entity: EntityOrAll = Field(
        "consolidated", description="회계실체, or consolidated (internal transactions eliminated)"
    )


class StatementsOut(Schema):
    government: str
    year: int
    entity: str
    provisional: bool = Field(description="true: the year is not closed, the figures are the books as they are")
    digest: str | None
    position: dict[str, Any] = Field(description="재정상태표")
    performance: dict[str, Any] = Field(description="재정운영표")
    changes: dict[str, Any] = Field(description="순자산변동표")
    notes: dict[str, Any] = Field(description="주석")
    eliminated: dict[str, int] | None


class BudgetResultOut(Schema):
    government: str
    year: int
    entity: str
    provisional: bool
    digest: str | None
    expenditure: list[dict[str, Any]]
    revenue: list[dict[str, Any]]
    totals: dict[str, Any]
    overspent: list[dict[str, Any]] = Field(
        description="R-AC-4: lines whose 지출액 + 이월액 exceed the 예산현액, with the excess (empty when sound)"
    )


class CloseIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year
    approval_line: ApprovalLine = Field(description="after the drafter; the final approval by the head (결산)")
    idempotency_key: Text(100)  # type: ignore[valid-type]


class ReopenIn(CloseIn):
    reason: Text(500)  # type: ignore[valid-type]


class ClosingRequestOut(Schema):
    id: int
    kind: str
    year: int = Field(alias="fiscal_year")
    approval_id: int | None
    run_id: int | None


class DocumentIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year
    kind: DocumentKind
    reference: Text(100) = ""  # type: ignore[valid-type]
    dated_on: Day | None = None
    summary: Text(5000) = ""  # type: ignore[valid-type]
    not_applicable: bool = False


class DocumentOut(Schema):
    id: int
    kind: str
    reference: str
    dated_on: dt.date | None
    summary: str
    not_applicable: bool
    recorded_by: str = Field(alias="recorded_by.username")
    recorded_at: dt.datetime


class TargetResultOut(Schema):
    indicator: str
    unit: str
    direction: str
    method: str
    baseline: str
    target: str = Field(description="목표치, a decimal as text")
    achieved: str | None = Field(description="실적치 (null until recorded)")
    rate: str | None = Field(description="달성률 in percent, rounded half up to 0.1")
    met: bool | None
    reason: str = Field(description="미달성 사유")


class ProjectPerformanceOut(Schema):
    code: str
    name: str
    level: str
    department: str
    appropriation: int = Field(description="예산현액 of the project's lines (every 세부사업 below it)")
    paid: int = Field(description="지출액")
    reported: bool
    targets: list[TargetResultOut]


class PerformanceReportOut(Schema):
    year: int
    has_targets: bool
    complete: bool = Field(description="R-AC-6: every target of the year has its result")
    unreported: list[str] = Field(description="codes of the projects with a target still without a result")
    projects: list[ProjectPerformanceOut]


class SubmitIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year
    on: Day


class RunOut(Schema):
    government: str = Field(alias="government.code")
    year: int = Field(alias="fiscal_year")
    status: str
    digest: str
    closing_entries: int
    closed_at: dt.datetime
    submitted_on: dt.date | None


class DeadlineOut(Schema):
    key: str
    label: str
    on: dt.date


class StandingOut(Schema):
    government: str = Field(alias="code")
    name: str
    year: int
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    submitted_on: dt.date | None


class PartOut(Schema):
    key: str
    label: str
    present: bool
    generated: bool = Field(False, description="made from Lofin's data (the 성과보고서 from the performance targets)")


class CalendarOut(Schema):
    deadlines: list[DeadlineOut]
    standing: StandingOut
    package: list[PartOut] = Field(description="R-AC-6: the parts of the 결산서 and whether each is there")
    missing: list[str] = Field(
        description="what the 결산서 still lacks before it may go to the council; `performance_report:<code>` names "
        "each project whose performance target has no result"
    )


@router.get("/accounting/statements", response=StatementsOut, summary="Financial statements (재무제표)")
def statements(request: AuthedRequest, q: Query[StatementsQuery]) -> dict[str, Any]:
    government = access_government(request.user, q.government, VIEW)
    document, run = document_for(government, q.year)
    found = document["statements"].get(q.entity)
    if found is None:
        raise NotFound(entity=q.entity)
    return {
        "government": government.code,
        "year": q.year,
        "entity": q.entity,
        "provisional": run is None,
        "digest": run.digest if run else None,
        "position": found["position"],
        "performance": found["performance"],
        "changes": found["changes"],
        "notes": document["notes"][q.entity],
        "eliminated": found["eliminated"],
    }


@router.get("/accounting/budget-result", response=BudgetResultOut, summary="세입세출결산")
def budget_result(request: AuthedRequest, q: Query[StatementsQuery]) -> dict[str, Any]:
    """Per budget line and 세입 목; `entity` keeps the 회계 of one accounting entity (consolidated: all)."""
    government = access_government(request.user, q.government, VIEW)
    document, run = document_for(government, q.year)
    return {
        "government": government.code,
        "year": q.year,
        "provisional": run is None,
        "digest": run.digest if run else None,
        "entity": q.entity,
        **results.for_entity(document["budget_result"], q.entity),
    }


def _request_status(request: AuthedRequest, government_pk: int, key: str) -> int:
    stored = idempotency.scoped_key(government_pk, request.user, key)
    return 200 if ClosingRequest.objects.filter(idempotency_key=stored).exists() else 201


@router.post(
    "/accounting/closing",
    response={201: ClosingRequestOut, 200: ClosingRequestOut},
    summary="Draft the closing of a year's books (결산) and send it up its approval line",
)
def close(request: AuthedRequest, body: CloseIn) -> Status:
    """The accounting office drafts; the closing runs (closing entries, statements stored, the year locked) when
    the head of the government, or the acting head (대결), approves. A retry with the same key returns the first
    draft (200). Refusals: `cash_work_open` (R-AC-5: before the 출납사무 완결기한 is over), `lines_overspent`
    (R-AC-4), `already_closed`, `closing_pending`, `closed_without_closing`, `invalid_line`, `permission_denied`."""
    government = access_government(request.user, body.government, POST)
    line = people_on_line(body.approval_line)
    status = _request_status(request, government.pk, body.idempotency_key)
    found = actions.do_propose_closing(
        government, body.year, line=line, actor=request.user, idempotency_key=body.idempotency_key
    )
    return Status(status, found)


@router.post(
    "/accounting/closing/reopen",
    response={201: ClosingRequestOut, 200: ClosingRequestOut},
    summary="Draft the reversal of a year's closing and send it up its approval line",
)
def reopen(request: AuthedRequest, body: ReopenIn) -> Status:
    """When the head approves: the closing entries reversed, the lock lifted, the run kept as `reopened`.
    Refused once the 결산서 is with the council (`settlement_submitted`)."""
    government = access_government(request.user, body.government, POST)
    line = people_on_line(body.approval_line)
    status = _request_status(request, government.pk, body.idempotency_key)
    found = actions.do_propose_reopening(
        government,
        body.year,
        reason=body.reason,
        line=line,
        actor=request.user,
        idempotency_key=body.idempotency_key,
    )
    return Status(status, found)


@router.post(
    "/accounting/closing/documents",
    response={201: DocumentOut},
    summary="Record a document of the 결산 package (성과보고서, 검사위원 opinion, CPA review, §17 attachment)",
)
def record_document(request: AuthedRequest, body: DocumentIn) -> Status:
    government = access_government(request.user, body.government, POST)
    document = actions.do_record_document(
        government,
        body.year,
        kind=body.kind,
        reference=body.reference,
        dated_on=body.dated_on,
        summary=body.summary,
        not_applicable=body.not_applicable,
        actor=request.user,
    )
    return Status(201, document)


@router.get("/accounting/closing/documents", response=list[DocumentOut], summary="The recorded 결산 documents")
def documents_list(request: AuthedRequest, q: Query[YearQuery]) -> list[ClosingDocument]:
    government = access_government(request.user, q.government, VIEW)
    return list(
        ClosingDocument.objects.filter(government=government, fiscal_year=q.year)
        .select_related("recorded_by")
        .order_by("pk")
    )


@router.post("/accounting/closing/submit", response=RunOut, summary="Record the 결산서 sent to the council")
def submit_to_council(request: AuthedRequest, body: SubmitIn) -> ClosingRun:
    """Refused while the package lacks a part (`settlement_incomplete`, R-AC-6, naming what is missing)."""
    government = access_government(request.user, body.government, POST)
    return actions.do_submit_to_council(government, body.year, on=body.on, actor=request.user)


@router.get("/accounting/closing", response=CalendarOut, summary="결산 calendar and status of a government")
def closing_status(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    government = access_government(request.user, q.government, VIEW)
    run = queries.live_run(government, q.year)
    return {
        "deadlines": [{**d, "label": str(d["label"])} for d in calendar.deadlines(q.year)],
        "standing": calendar.standing(government, q.year, today=clock.today()),
        "package": [
            {"key": p.key, "label": str(p.label), "present": p.present, "generated": p.generated}
            for p in package.parts(government, q.year, run)
        ],
        "missing": [key for key, _label in package.missing(government, q.year, run)],
    }


@router.get(
    "/accounting/closing/performance-report",
    response=PerformanceReportOut,
    summary="성과보고서 of the 결산, generated from the performance targets and their results",
)
def performance_report(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    government = access_government(request.user, q.government, VIEW)
    return performance.report(government, q.year)


@router.get("/accounting/closing/overview", response=list[StandingOut], summary="결산 status of every government")
def overview(request: AuthedRequest, year: Year) -> list[calendar.Standing]:
    """For the system operator: where each government stands in the year's 결산."""
    require_operator(request.user)
    return calendar.overview(year, today=clock.today())
