"""Revenue API (세입): 징수결의, 납입고지, 수납 and deposit, 과오납 환급, the year end (미수납 이월, 시효), the
assessment list and the monthly 세입징수보고.

Writes need a Bearer token or a session (the API's authentication); reads need the execution VIEW permission.
Refusals have a named `code` and write nothing: `unknown_revenue_code`, `over_collection`, `assessment_not_open`,
`assessment_carried`, `claim_prescribed`, `closed_period`, `separation_of_duties`, `already_deposited`,
`over_refund`, `refund_rate_missing`, `year_not_closed`, `idempotency_key_reused`, `invalid_input`,
`permission_denied`, `not_found` (also for another government's account, assessment or receipt)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from lofin.budget.models import Account
from lofin.core import fiscal
from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government
from lofin.core.types import Id, Text

from . import revenue_actions as revenue
from . import revenue_queries, revenue_yearend
from .access import VIEW
from .models import Assessment, OverpaymentRefund, Receipt

router = Router(tags=["execution"])

Won = Annotated[int, Field(gt=0, le=10**15)]
Year = Annotated[int, Field(ge=2000, le=2100)]
# Days the fiscal rules can reason about; a date near the calendar's ends would overflow their arithmetic.
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]


class AssessmentIn(Schema):
    account_id: Id
    revenue_code: Text(10)  # type: ignore[valid-type]
    payer_name: Text(100)  # type: ignore[valid-type]
    payer_number: Text(20) = ""  # type: ignore[valid-type]
    amount: Won
    kind: Literal["fixed_due", "notice", "receipt"] = Field(
        "notice", description="시행령 §2①: fixed due date, ad hoc with notice, or ad hoc received without notice"
    )
    assessed_on: Day | None = None
    due_on: Day | None = Field(None, description="the due date the law or contract fixes (kind fixed_due)")
    notice_on: Day | None = None
    received_on: Day | None = Field(None, description="the day the money came in (kind receipt)")
    budget_year: Year | None = None
    basic_year: Year | None = None


class AssessmentOut(Schema):
    id: int
    government: str
    year: int
    account_id: int
    revenue_code: str
    payer_name: str
    amount: int
    collected_amount: int
    outstanding: int
    status: str
    assessed_on: dt.date
    notice_on: dt.date | None
    due_on: dt.date | None
    interrupted_on: dt.date | None
    carried_from_id: int | None


class NoticeIn(Schema):
    notice_on: Day | None = None
    fixed_due_on: Day | None = Field(None, description="a later due date fixed by law or contract")


class ReceiptIn(Schema):
    assessment_id: Id
    amount: Won
    received_on: Day
    channel: Literal["treasury", "cashier"]
    deposited_on: Day | None = None
    same_locality: bool = Field(True, description="received where the 금고 is (deposit the next day, else by day 5)")
    small_office_exception: bool = Field(False, description="office of five or fewer staff (시행령 §25), audited")
    past_year_revenue: bool = Field(False, description="book a receipt after the year's close as 과년도 수입")
    exception: fiscal.ClosingException | None = Field(None, description="a 출납폐쇄 exception (until 20 January)")


class ReceiptOut(Schema):
    id: int
    assessment_id: int
    amount: int
    received_on: dt.date
    channel: str
    deposited_on: dt.date | None
    deposit_late: bool
    refunded_amount: int


class DepositIn(Schema):
    deposited_on: Day
    same_locality: bool = Field(True, description="received where the 금고 is (deposit the next day, else by day 5)")
    small_office_exception: bool = Field(False, description="office of five or fewer staff (시행령 §25), audited")


class CarryIn(Schema):
    government: Text(10)  # type: ignore[valid-type]
    from_year: Year
    on: Day | None = Field(None, description="the day of the carry; after 10 February of the next year")


class PrescriptionIn(Schema):
    government: Text(10)  # type: ignore[valid-type]
    on: Day = Field(..., description="claims untouched for five years before this day are extinguished")


class RefundIn(Schema):
    receipt_id: Id
    amount: Won
    reason: Text(200)  # type: ignore[valid-type]
    refunded_on: Day | None = None
    interest_from: Day | None = Field(None, description="the day interest starts after (시행령 §31)")


class RefundOut(Schema):
    id: int
    receipt_id: int
    amount: int
    interest: int
    refunded_on: dt.date
    reason: str


class ReportRowOut(Schema):
    revenue_code: str
    name: str
    assessed: int
    collected: int
    refunded: int
    written_off: int
    outstanding: int


class ReportTotalsOut(Schema):
    assessed: int
    collected: int
    refunded: int
    written_off: int
    outstanding: int


class ReportOut(Schema):
    government: str
    year: int
    month: int
    due_on: dt.date
    deadline: dt.date
    rows: list[ReportRowOut]
    totals: ReportTotalsOut


class AssessmentFilter(Schema):
    government: Text(10)  # type: ignore[valid-type]
    year: Year
    status: Literal["open", "collected", "prescribed", "cancelled", "carried"] | None = None
    limit: int = Field(500, ge=1, le=5000)
    offset: int = Field(0, ge=0, le=10**9)


class ReportQuery(Schema):
    government: Text(10)  # type: ignore[valid-type]
    year: Year
    month: int = Field(..., ge=1, le=12)


def _assessment_out(a: Assessment, government_code: str, carried: bool | None = None) -> dict[str, Any]:
    if carried is None:
        carried = Assessment.objects.filter(carried_from=a).exists()
    return {
        "id": a.pk,
        "government": government_code,
        "year": a.year,
        "account_id": a.account_id,
        "revenue_code": a.revenue_code,
        "payer_name": a.payer_name,
        "amount": a.amount,
        "collected_amount": a.collected_amount,
        "outstanding": a.outstanding,
        "status": revenue_queries.CARRIED if carried else a.status,
        "assessed_on": a.assessed_on,
        "notice_on": a.notice_on,
        "due_on": a.due_on,
        "interrupted_on": a.interrupted_on,
        "carried_from_id": a.carried_from_id,
    }


def _receipt_out(r: Receipt) -> dict[str, Any]:
    return {
        "id": r.pk,
        "assessment_id": r.assessment_id,
        "amount": r.amount,
        "received_on": r.received_on,
        "channel": r.channel,
        "deposited_on": r.deposited_on,
        "deposit_late": r.deposit_late,
        "refunded_amount": r.refunded_amount,
    }


def _refund_out(r: OverpaymentRefund) -> dict[str, Any]:
    return {
        "id": r.pk,
        "receipt_id": r.receipt_id,
        "amount": r.amount,
        "interest": r.interest,
        "refunded_on": r.refunded_on,
        "reason": r.reason,
    }


def _assessment(request: AuthedRequest, assessment_id: int) -> tuple[Assessment, str]:
    """The same 404 for an absent assessment and another government's."""
    found = Assessment.objects.select_related("government").filter(pk=assessment_id).first()
    if found is None:
        raise NotFound()
    access_government(request.user, found.government.code, VIEW)
    return found, found.government.code


def _receipt(request: AuthedRequest, receipt_id: int) -> Receipt:
    found = Receipt.objects.select_related("government").filter(pk=receipt_id).first()
    if found is None:
        raise NotFound()
    access_government(request.user, found.government.code, VIEW)
    return found


@router.post(
    "/execution/assessments",
    response={201: AssessmentOut},
    summary="Decide a revenue claim (징수결의)",
    description="The fiscal year follows 지방회계법 시행령 §2①. Refused with `unknown_revenue_code`, `closed_period`, "
    "`invalid_input`, `permission_denied` or `not_found`. Retrying with the same Idempotency-Key returns the first.",
)
def assess(
    request: AuthedRequest, payload: AssessmentIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    account = Account.objects.select_related("government").filter(pk=payload.account_id).first()
    if account is None:
        raise NotFound()
    government = access_government(request.user, account.government.code, VIEW)
    assessment = revenue.do_assess(
        account,
        revenue_code=payload.revenue_code,
        payer_name=payload.payer_name,
        payer_number=payload.payer_number,
        amount=payload.amount,
        kind=payload.kind,
        assessed_on=payload.assessed_on,
        due_on=payload.due_on,
        notice_on=payload.notice_on,
        received_on=payload.received_on,
        budget_year=payload.budget_year,
        basic_year=payload.basic_year,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _assessment_out(assessment, government.code))


@router.post(
    "/execution/assessments/{assessment_id}/notice",
    response=AssessmentOut,
    summary="Send the payment notice (납입고지)",
    description="Due 15 days after the notice, moved off weekends, holidays and Labour Day, unless a later due date "
    "is fixed; the notice interrupts prescription. Refused with `assessment_not_open`, `assessment_carried` or "
    "`claim_prescribed`.",
)
def notice(request: AuthedRequest, assessment_id: Id, payload: NoticeIn) -> dict[str, Any]:
    assessment, code = _assessment(request, assessment_id)
    updated = revenue.do_send_notice(
        assessment, actor=request.user, notice_on=payload.notice_on, fixed_due_on=payload.fixed_due_on
    )
    return _assessment_out(updated, code, carried=False)


@router.post(
    "/execution/receipts",
    response={201: ReceiptOut},
    summary="Record money received (수납)",
    description="Within what is still to be collected. Refused (409) with `over_collection`, `assessment_not_open`, "
    "`assessment_carried`, `claim_prescribed`, `closed_period`, `separation_of_duties` or `idempotency_key_reused`; "
    "retrying with the same Idempotency-Key returns the first receipt.",
)
def receive(
    request: AuthedRequest, payload: ReceiptIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    assessment, _code = _assessment(request, payload.assessment_id)
    receipt = revenue.do_record_receipt(
        assessment,
        amount=payload.amount,
        received_on=payload.received_on,
        channel=payload.channel,
        deposited_on=payload.deposited_on,
        same_locality=payload.same_locality,
        small_office_exception=payload.small_office_exception,
        past_year_revenue=payload.past_year_revenue,
        exception=payload.exception,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _receipt_out(receipt))


@router.post(
    "/execution/receipts/{receipt_id}/deposit",
    response=ReceiptOut,
    summary="Record an 출납원's deposit in the 금고",
    description="Next day where the 금고 is, else by the fifth day (시행령 §21); a later deposit is recorded with "
    "`deposit_late`. Refused with `already_deposited` or `separation_of_duties`; repeating the same deposit returns "
    "the receipt.",
)
def deposit(request: AuthedRequest, receipt_id: Id, payload: DepositIn) -> dict[str, Any]:
    receipt = _receipt(request, receipt_id)
    done = revenue.do_record_deposit(
        receipt,
        deposited_on=payload.deposited_on,
        same_locality=payload.same_locality,
        small_office_exception=payload.small_office_exception,
        actor=request.user,
    )
    return _receipt_out(done)


@router.post(
    "/execution/revenue/carry",
    response=list[AssessmentOut],
    summary="Carry unpaid revenue into the next year (미수납 이월)",
    description="Each open assessment of `from_year` with something outstanding continues as 과년도 수입 of the "
    "next year; returns the new assessments (none on a second run). Refused with `year_not_closed` until 10 "
    "February of the next year has passed.",
)
def carry(request: AuthedRequest, payload: CarryIn) -> list[dict[str, Any]]:
    gov = access_government(request.user, payload.government, VIEW)
    carried = revenue_yearend.do_carry_unpaid(gov, payload.from_year, on=payload.on, actor=request.user)
    return [_assessment_out(a, gov.code, carried=False) for a in carried]


@router.post(
    "/execution/revenue/prescriptions",
    response=list[AssessmentOut],
    summary="Extinguish claims by prescription (시효 소멸)",
    description="Open claims untouched for five years since their due date or last notice are written off "
    "(지방재정법 §82, §84); returns them.",
)
def prescribe(request: AuthedRequest, payload: PrescriptionIn) -> list[dict[str, Any]]:
    gov = access_government(request.user, payload.government, VIEW)
    done = revenue_yearend.do_mark_prescribed(gov, payload.on, actor=request.user)
    return [_assessment_out(a, gov.code, carried=False) for a in done]


@router.post(
    "/execution/overpayment-refunds",
    response={201: RefundOut},
    summary="Refund an overpayment with interest (과오납 환급)",
    description="From current-year revenue, with 환급가산금 at the rate in force each day. Refused with "
    "`over_refund`, `refund_rate_missing` or `idempotency_key_reused`.",
)
def refund(
    request: AuthedRequest, payload: RefundIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    receipt = _receipt(request, payload.receipt_id)
    done = revenue.do_refund_overpayment(
        receipt,
        amount=payload.amount,
        reason=payload.reason,
        refunded_on=payload.refunded_on,
        interest_from=payload.interest_from,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _refund_out(done))


@router.get(
    "/execution/assessments",
    response=list[AssessmentOut],
    summary="Assessments of a government and year",
    description="`status`: open (still to be collected here), collected, prescribed, cancelled or carried.",
)
def list_assessments(request: AuthedRequest, filters: Query[AssessmentFilter]) -> list[dict[str, Any]]:
    gov = access_government(request.user, filters.government, VIEW)
    rows = revenue_queries.assessments_of(gov, filters.year, filters.status)[
        filters.offset : filters.offset + filters.limit
    ]
    # `carried` is annotated by assessments_of.
    return [_assessment_out(a, gov.code, carried=a.carried) for a in rows]  # type: ignore[attr-defined]


@router.get(
    "/execution/revenue-report",
    response=ReportOut,
    summary="Monthly revenue collection report (세입징수보고)",
    description="Per revenue code: decided, collected, refunded and written off in the month, and outstanding at "
    "its end; due on the 15th of the next month (지방회계법 시행령 §30).",
)
def revenue_report(request: AuthedRequest, filters: Query[ReportQuery]) -> dict[str, Any]:
    gov = access_government(request.user, filters.government, VIEW)
    return revenue_queries.revenue_report(gov, filters.year, filters.month)
