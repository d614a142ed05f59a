"""Year-end API: 이월 (carry-over), 불용 (lapse) and 일상경비 (imprest) advances with their settlement."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment, User
from lofin.core.tenancy import access_government
from lofin.core.types import Id, Text

from . import queries, yearend_actions, yearend_queries
from .access import VIEW
from .models import BudgetLine, CarryOverKind, Commitment, ImprestAdvance, OfficeKind
from .rules import IMPREST_CAPS
from .schemas import Won

router = Router(tags=["execution"])


class CarryOverIn(Schema):
    kind: CarryOverKind
    budget_line_id: Id
    amount: Won
    reason: Text(300)  # type: ignore[valid-type]
    commitment_id: Id | None = None


class CarryOverOut(Schema):
    id: int
    kind: str
    year: int
    from_line_id: int
    from_code: str
    to_line_id: int
    to_code: str
    amount: int
    reason: str
    commitment_id: int | None
    carried_commitment_id: int | None
    decided_at: dt.datetime


class LapseRowOut(Schema):
    line_id: int
    code: str
    appropriation: int
    paid: int
    carried_out: int
    lapsed: int


class LapseOut(Schema):
    government: str
    year: int
    provisional: bool
    appropriation: int
    paid: int
    carried_out: int
    lapsed: int
    rows: list[LapseRowOut]


class YearIn(Schema):
    government: Text(10)  # type: ignore[valid-type]
    year: int


class ImprestIn(Schema):
    commitment_id: Id
    cashier: Text(150)  # type: ignore[valid-type]
    kind: Text(20)  # type: ignore[valid-type]
    amount: Won
    payee_account: Text(40)  # type: ignore[valid-type]
    payee_bank: Text(20) = "금고"  # type: ignore[valid-type]
    office_code: Text(20) | None = None  # type: ignore[valid-type]
    advanced_on: dt.date | None = None


class ImprestOut(Schema):
    id: int
    budget_line_id: int
    commitment_id: int
    payment_order_id: int
    payment_number: str
    cashier: str
    kind: str
    amount: int
    spent_amount: int
    returned_amount: int
    status: str
    advanced_on: dt.date


class SettlementIn(Schema):
    spent: Annotated[int, Field(ge=0, le=10**15)]
    returned: Annotated[int, Field(ge=0, le=10**15)]
    returned_on: dt.date | None = None


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("The fiscal year must be between 2000 and 2100."), field="year")
    return year


def _carry_out(government: LocalGovernment, carry_id: int) -> dict[str, Any]:
    carry = yearend_queries.carry_overs(government).get(pk=carry_id)
    return yearend_queries.carry_over_out(carry, yearend_queries.carry_over_details([carry]).get(carry.pk))


def _imprest_out(government: LocalGovernment, advance_id: int) -> dict[str, Any]:
    return yearend_queries.imprest_out(yearend_queries.imprests(government).get(pk=advance_id))


@router.get(
    "/execution/carry-overs",
    response=list[CarryOverOut],
    summary="Carry-overs (이월) out of a fiscal year",
)
def list_carry_overs(request: AuthedRequest, government: str, year: int) -> list[dict[str, Any]]:
    gov = access_government(request.user, government, VIEW)
    carries = list(yearend_queries.carry_overs(gov, _year(year)))
    details = yearend_queries.carry_over_details(carries)
    return [yearend_queries.carry_over_out(c, details.get(c.pk)) for c in carries]


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
    carry = yearend_actions.do_carry_over(
        payload.kind.value,
        from_line=line,
        amount=payload.amount,
        reason=payload.reason,
        commitment=commitment,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _carry_out(line.government, carry.pk))


def _lapse_out(report: yearend_queries.LapseReport) -> dict[str, Any]:
    return {
        "government": report.government.code,
        "year": report.year,
        "provisional": report.provisional,
        "appropriation": report.appropriation,
        "paid": report.paid,
        "carried_out": report.carried_out,
        "lapsed": report.lapsed,
        "rows": [row.__dict__ for row in report.rows],
    }


@router.get(
    "/execution/lapse",
    response=LapseOut,
    summary="불용액 (lapse) of each line of a fiscal year, as it stands",
    description="예산현액 − 지출 − 이월 per line. `provisional` is true until 20 January of the next year, while "
    "refunds can still restore lines.",
)
def lapse(request: AuthedRequest, government: str, year: int) -> dict[str, Any]:
    gov = access_government(request.user, government, VIEW)
    return _lapse_out(yearend_queries.lapse_report(gov, _year(year), today=yearend_actions._today()))


@router.post(
    "/execution/year-end",
    response=LapseOut,
    summary="Close a fiscal year: compute the lapse (불용) and record it in the audit trail",
    description="Only after the fiscal year has ended (`year_not_ended`, 409, before). Lines are not changed; run "
    "it again after 20 January for the final figures.",
)
def close_year(request: AuthedRequest, payload: YearIn) -> dict[str, Any]:
    gov = access_government(request.user, payload.government, VIEW)
    return _lapse_out(yearend_actions.do_close_year(gov, _year(payload.year), actor=request.user))


@router.get(
    "/execution/imprest-advances",
    response=list[ImprestOut],
    summary="일상경비 advances of a fiscal year",
)
def list_imprests(request: AuthedRequest, government: str, year: int) -> list[dict[str, Any]]:
    gov = access_government(request.user, government, VIEW)
    return [yearend_queries.imprest_out(a) for a in yearend_queries.imprests(gov, _year(year))]


@router.post(
    "/execution/imprest-advances",
    response={201: ImprestOut},
    summary="Advance 일상경비 to a cashier (출납원), against the 재무관's commitment to that cashier",
    description=f"Kinds and their caps per advance (지방회계법 시행령 §38, R-EX-5): "
    f"{', '.join(f'`{k}` {v:,}' if v else f'`{k}` as needed' for k, v in IMPREST_CAPS.items())} won. Refused with "
    "a named code and nothing written: `execution_rule` (409, over the cap), `payee_mismatch` (422, the commitment "
    "is not to this cashier), `separation_of_duties`, `insufficient_commitment`, `over_disbursement_limit`, "
    "`closed_period` (409), `invalid_input` (422), `permission_denied` (403), `not_found` (404). Retrying with the "
    "same Idempotency-Key returns the first advance.",
)
def advance_imprest(
    request: AuthedRequest, payload: ImprestIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    commitment = Commitment.objects.select_related("line", "line__government").filter(pk=payload.commitment_id).first()
    if commitment is None:
        raise NotFound()
    government = commitment.line.government
    access_government(request.user, government.code, VIEW)
    cashier = User.objects.filter(username=payload.cashier).first()
    if cashier is None:
        raise NotFound(_("There is no cashier %(name)s.") % {"name": payload.cashier})
    office = queries.default_office(government, commitment.line.year, OfficeKind.DISBURSING, payload.office_code)
    if office is None:
        raise InvalidInput(_("Name the disbursing office (office_code)."), field="office_code")
    advance = yearend_actions.do_advance_imprest(
        commitment,
        cashier=cashier,
        kind=payload.kind,
        amount=payload.amount,
        office=office,
        payee_account=payload.payee_account,
        payee_bank=payload.payee_bank,
        on=payload.advanced_on,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _imprest_out(government, advance.pk))


@router.post(
    "/execution/imprest-advances/{advance_id}/settlement",
    response=ImprestOut,
    summary="Settle a 일상경비 advance: what was spent and what came back",
    description="`spent` + `returned` must equal the advance. Money returned by 20 January of the next year "
    "restores the line; later it is revenue. Settling again with the same figures returns the advance; other "
    "figures are refused with `conflict` (409). Also `invalid_input` (422), `permission_denied` (403), `not_found` "
    "(404).",
)
def settle_imprest(request: AuthedRequest, advance_id: Id, payload: SettlementIn) -> dict[str, Any]:
    advance = ImprestAdvance.objects.select_related("government").filter(pk=advance_id).first()
    if advance is None:
        raise NotFound()
    access_government(request.user, advance.government.code, VIEW)
    settled = yearend_actions.do_settle_imprest(
        advance, spent=payload.spent, returned=payload.returned, returned_on=payload.returned_on, actor=request.user
    )
    return _imprest_out(advance.government, settled.pk)
