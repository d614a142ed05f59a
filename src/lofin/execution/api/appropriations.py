"""Budget lines API: the lines of a government and year with their 예산현액, 배정, 지출원인행위 and 지출."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Router

from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government
from lofin.core.types import Id, checked_year

from ..access import VIEW
from ..actions import appropriations
from ..models import BudgetLine
from ..queries import appropriations as queries
from ..schemas.appropriations import BudgetLineOut, ProvisionalOut
from ..schemas.yearend import YearIn

router = Router(tags=["execution"])


def line_for(request: AuthedRequest, line_id: int) -> BudgetLine:
    """A line the caller may read, with its names; another government's is absent (404)."""
    line = queries.with_names(BudgetLine.objects.filter(pk=line_id)).first()
    if line is None:
        raise NotFound()
    access_government(request.user, line.government.code, VIEW)
    return line


@router.get("/execution/budget-lines", response=list[BudgetLineOut], summary="Budget lines of a government and year")
def list_lines(request: AuthedRequest, government: str, year: int) -> QuerySet[BudgetLine]:
    gov = access_government(request.user, government, VIEW)
    return queries.lines(gov, checked_year(year))


@router.get("/execution/budget-lines/{line_id}", response=BudgetLineOut, summary="One budget line")
def get_line(request: AuthedRequest, line_id: Id) -> BudgetLine:
    return line_for(request, line_id)


@router.post(
    "/execution/provisional-budget",
    response=ProvisionalOut,
    summary="Start the provisional budget (준예산) of a year without a confirmed budget",
    description="지방자치법 §146 (R-BP-11): from 1 January of a year whose budget is not confirmed, the lines of last "
    "year's confirmed budget whose project runs an office set by law, mandatory spending or a continuing project run "
    "at last year's amount until the budget is confirmed; what is spent meanwhile counts against it. Refused with "
    "`conflict` (409, `detail.rule` R-BP-11) before 1 January, once the budget is confirmed, or a second time.",
)
def start_provisional(request: AuthedRequest, payload: YearIn) -> dict[str, int]:
    gov = access_government(request.user, payload.government, VIEW)
    lines = appropriations.do_start_provisional(gov, payload.year, actor=request.user)
    return {"year": payload.year, "lines": lines}
