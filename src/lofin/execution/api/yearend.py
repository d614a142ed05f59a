"""Year-end API: 이월 (carry-over), 불용 (lapse), and for revenue 미수납 이월 and 시효 소멸."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Header, Router, Status

from lofin.core import clock
from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government
from lofin.core.types import checked_year

from ..access import VIEW
from ..actions import yearend
from ..models import Assessment, BudgetLine, CarryOver, Commitment
from ..queries import revenue as revenue_queries
from ..queries import yearend as queries
from ..schemas.revenue import AssessmentOut
from ..schemas.yearend import CarryIn, CarryOverIn, CarryOverOut, LapseOut, PrescriptionIn, YearIn

router = Router(tags=["execution"])


@router.get(
    "/execution/carry-overs",
    response=list[CarryOverOut],
    summary="Carry-overs (이월) out of a fiscal year",
)
def list_carry_overs(request: AuthedRequest, government: str, year: int) -> QuerySet[CarryOver]:
    gov = access_government(request.user, government, VIEW)
    return queries.carry_overs(gov, checked_year(year))


@router.post(
    "/execution/carry-overs",
    response={201: CarryOverOut},
    summary="Carry part of a line into the next fiscal year (명시이월, 사고이월, 계속비이월)",
    description="Decided by the budget office after the fiscal year has ended and within the next one. The amount "
    "becomes the next year's carried-in appropriation, deemed allocated; with `commitment_id` the unpaid part of "
    "that commitment moves with it (required for 사고이월, R-BP-7). Refused with a named code and nothing written: "
    "`carry_over_not_allowed` (409, with `detail.rule`), `over_carry_over` (409, `detail.available`), "
    "`year_not_ended` (409), `closed_period` (409), `invalid_input` (422), `permission_denied` (403), "
    "`not_found` (404). Retrying with the same Idempotency-Key returns the first carry-over.",
)
def carry_over(
    request: AuthedRequest, payload: CarryOverIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    line = BudgetLine.objects.select_related("government").filter(pk=payload.budget_line_id).first()
    if line is None:
        raise NotFound()
    access_government(request.user, line.government.code, VIEW)
    commitment = None
    if payload.commitment_id is not None:
        commitment = Commitment.objects.filter(pk=payload.commitment_id, line=line).first()
        if commitment is None:
            raise NotFound()
    carry = yearend.do_carry_over(
        payload.kind.value,
        from_line=line,
        amount=payload.amount,
        reason=payload.reason,
        commitment=commitment,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, queries.carry_overs(line.government).get(pk=carry.pk))


@router.get(
    "/execution/lapse",
    response=LapseOut,
    summary="불용액 (lapse) of each line of a fiscal year, as it stands",
    description="예산현액 − 지출 − 이월 per line. `provisional` is true until 20 January of the next year, while "
    "refunds can still restore lines.",
)
def lapse(request: AuthedRequest, government: str, year: int) -> queries.LapseReport:
    gov = access_government(request.user, government, VIEW)
    return queries.lapse_report(gov, checked_year(year), today=clock.today())


@router.post(
    "/execution/year-end",
    response=LapseOut,
    summary="Close a fiscal year: compute the lapse (불용) and record it in the audit trail",
    description="Only after the fiscal year has ended (`year_not_ended`, 409, before). Lines are not changed; run "
    "it again after 20 January for the final figures.",
)
def close_year(request: AuthedRequest, payload: YearIn) -> queries.LapseReport:
    gov = access_government(request.user, payload.government, VIEW)
    return yearend.do_close_year(gov, payload.year, actor=request.user)


def _carried(assessments: list[Assessment]) -> QuerySet[Assessment]:
    return revenue_queries.with_carried(Assessment.objects.filter(pk__in=[a.pk for a in assessments])).order_by("pk")


@router.post(
    "/execution/revenue/carry",
    response=list[AssessmentOut],
    summary="Carry unpaid revenue into the next year (미수납 이월)",
    description="Each open assessment of `from_year` with something outstanding continues as 과년도 수입 of the "
    "next year; returns the new assessments (none on a second run). Refused with `year_not_closed` until 10 "
    "February of the next year has passed.",
)
def carry(request: AuthedRequest, payload: CarryIn) -> QuerySet[Assessment]:
    gov = access_government(request.user, payload.government, VIEW)
    return _carried(yearend.do_carry_unpaid(gov, payload.from_year, on=payload.on, actor=request.user))


@router.post(
    "/execution/revenue/prescriptions",
    response=list[AssessmentOut],
    summary="Extinguish claims by prescription (시효 소멸)",
    description="Open claims untouched for five years since their due date or last notice are written off "
    "(지방재정법 §82, §84); returns them.",
)
def prescribe(request: AuthedRequest, payload: PrescriptionIn) -> QuerySet[Assessment]:
    gov = access_government(request.user, payload.government, VIEW)
    return _carried(yearend.do_mark_prescribed(gov, payload.on, actor=request.user))
