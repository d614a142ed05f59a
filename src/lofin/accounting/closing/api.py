"""결산 API: the statements (per entity or consolidated) and the 세입세출결산 of a government's year, the closing
run and the 결산 calendar.

A closed year is served from the snapshot the closing stored (with its digest); an open year is computed from the
books as they are and marked `provisional`. Reads need the accounting VIEW permission; another government's books
are `not_found`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from ninja import Query, Router, Schema
from pydantic import Field

from lofin.accounting.access import POST, VIEW
from lofin.core.http import AuthedRequest
from lofin.core.permissions import require_operator
from lofin.core.tenancy import access_government
from lofin.core.types import Text

from . import actions, calendar, snapshot
from . import budget_result as results
from .models import ClosingRun

router = Router(tags=["accounting"])

Year = Annotated[int, Field(ge=2000, le=2100)]
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


class CloseIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year


class RunOut(Schema):
    government: str
    year: int
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
    government: str
    name: str
    year: int
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    submitted_on: dt.date | None


class CalendarOut(Schema):
    deadlines: list[DeadlineOut]
    standing: StandingOut


def document_for(government: Any, year: int) -> tuple[dict[str, Any], ClosingRun | None]:
    """The stored snapshot of a closed year, or the statements of the books as they are."""
    run = ClosingRun.objects.filter(government=government, fiscal_year=year).first()
    if run is not None:
        return json.loads(run.snapshot), run
    return snapshot.compute(government, year), None


def _run_out(run: ClosingRun) -> dict[str, Any]:
    return {
        "government": run.government.code,
        "year": run.fiscal_year,
        "status": run.status,
        "digest": run.digest,
        "closing_entries": run.closing_entries,
        "closed_at": run.closed_at,
        "submitted_on": run.submitted_on,
    }


def _standing_out(s: calendar.Standing) -> dict[str, Any]:
    return {
        "government": s.code,
        "name": s.name,
        "year": s.year,
        "status": s.status,
        "overdue": s.overdue,
        "closed_at": s.closed_at,
        "submitted_on": s.submitted_on,
    }


@router.get("/accounting/statements", response=StatementsOut, summary="Financial statements (재무제표)")
def statements(request: AuthedRequest, q: Query[StatementsQuery]) -> dict[str, Any]:
    government = access_government(request.user, q.government, VIEW)
    document, run = document_for(government, q.year)
    found = document["statements"].get(q.entity)
    if found is None:
        from lofin.core.errors import NotFound

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


@router.post("/accounting/closing", response=RunOut, summary="Close the books of a year (결산)")
def close(request: AuthedRequest, body: CloseIn) -> dict[str, Any]:
    """Closing entries, the statements stored with their digest, the year locked. Again on a closed year: the
    stored run, nothing written. Refusals: `year_not_ended`, `closed_without_closing`, `permission_denied`."""
    government = access_government(request.user, body.government, POST)
    return _run_out(actions.do_close_books(government, body.year, actor=request.user))


@router.get("/accounting/closing", response=CalendarOut, summary="결산 calendar and status of a government")
def closing_status(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    government = access_government(request.user, q.government, VIEW)
    today = actions._today()
    return {
        "deadlines": [{**d, "label": str(d["label"])} for d in calendar.deadlines(q.year)],
        "standing": _standing_out(calendar.standing(government, q.year, today=today)),
    }


@router.get("/accounting/closing/overview", response=list[StandingOut], summary="결산 status of every government")
def overview(request: AuthedRequest, year: Year) -> list[dict[str, Any]]:
    """For the system operator: where each government stands in the year's 결산."""
    require_operator(request.user)
    return [_standing_out(s) for s in calendar.overview(year, today=actions._today())]
