"""결산 API: the statements (per entity or consolidated) and the 세입세출결산 of a government's year, the closing
run and the 결산 calendar.

A closed year is served from the snapshot the closing stored (with its digest); an open year is computed from the
books as they are and marked `provisional`. Reads need the accounting VIEW permission; another government's books
are `not_found`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Query, Router, Schema
from pydantic import Field

from lofin.accounting.access import POST, VIEW
from lofin.core import clock
from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.permissions import require_operator
from lofin.core.tenancy import access_government
from lofin.core.types import Text, Year

from . import actions, calendar
from . import budget_result as results
from .models import ClosingRun
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


class CloseIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year


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


class CalendarOut(Schema):
    deadlines: list[DeadlineOut]
    standing: StandingOut


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


@router.post("/accounting/closing", response=RunOut, summary="Close the books of a year (결산)")
def close(request: AuthedRequest, body: CloseIn) -> ClosingRun:
    """Closing entries, the statements stored with their digest, the year locked. Again on a closed year: the
    stored run, nothing written. Refusals: `year_not_ended`, `closed_without_closing`, `permission_denied`."""
    government = access_government(request.user, body.government, POST)
    return actions.do_close_books(government, body.year, actor=request.user)


@router.get("/accounting/closing", response=CalendarOut, summary="결산 calendar and status of a government")
def closing_status(request: AuthedRequest, q: Query[YearQuery]) -> dict[str, Any]:
    government = access_government(request.user, q.government, VIEW)
    return {
        "deadlines": [{**d, "label": str(d["label"])} for d in calendar.deadlines(q.year)],
        "standing": calendar.standing(government, q.year, today=clock.today()),
    }


@router.get("/accounting/closing/overview", response=list[StandingOut], summary="결산 status of every government")
def overview(request: AuthedRequest, year: Year) -> list[calendar.Standing]:
    """For the system operator: where each government stands in the year's 결산."""
    require_operator(request.user)
    return calendar.overview(year, today=clock.today())
