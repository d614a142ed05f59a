"""API shapes of revenue (세입): 징수결의, 납입고지, 수납 and deposit, 과오납 환급, the assessment list and the monthly
세입징수보고."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from lofin.core import fiscal
from lofin.core.types import MAX_YEAR, MIN_YEAR, Day, Id, PositiveWon, Text, Year

from ..models import Assessment
from ..queries.revenue import CARRIED

# A page of the assessment list starts at most this far in.
MAX_OFFSET = 10**9


class AssessmentIn(Schema):
    account_id: Id
    revenue_code: Text(10)  # type: ignore[valid-type]
    payer_name: Text(100)  # type: ignore[valid-type]
    payer_number: Text(20) = ""  # type: ignore[valid-type]
    amount: PositiveWon
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
    corrects_id: int | None
    cancelled_on: dt.date | None
    cancel_reason: str

    @staticmethod
    def resolve_government(a: Assessment) -> str:
        return a.government.code

    @staticmethod
    def resolve_status(a: Assessment) -> str:
        # `carried` is annotated by the queries that read assessments for the API (queries.revenue).
        return CARRIED if a.carried else a.status  # type: ignore[attr-defined]


class NoticeIn(Schema):
    notice_on: Day | None = None
    fixed_due_on: Day | None = Field(
        None, description="a due date fixed by law or contract: it stands even when earlier than 15 days (R-RV-7)"
    )


class CancelIn(Schema):
    reason: Text(200)  # type: ignore[valid-type]
    cancelled_on: Day | None = Field(None, description="the day of the cancellation (today by default)")


class CorrectionIn(Schema):
    reason: Text(200)  # type: ignore[valid-type]
    amount: PositiveWon | None = Field(None, description="the corrected amount; not less than what was received")
    payer_name: Text(100) | None = None  # type: ignore[valid-type]
    payer_number: Text(20) | None = None  # type: ignore[valid-type]
    due_on: Day | None = Field(None, description="the corrected due date (moved off a closed day)")
    corrected_on: Day | None = Field(None, description="the day of the correction (today by default)")


class ReceiptIn(Schema):
    assessment_id: Id
    amount: PositiveWon
    received_on: Day
    channel: Literal["treasury", "cashier"]
    deposited_on: Day | None = None
    same_locality: bool = Field(True, description="received where the 금고 is (deposit the next day, else by day 5)")
    office_code: Text(20) | None = Field(  # type: ignore[valid-type]
        None,
        description="the collector's office: with a 정원 of five or fewer, the 징수관 may handle the cash (시행령 §25)",
    )
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
    office_code: Text(20) | None = Field(  # type: ignore[valid-type]
        None,
        description="the collector's office: with a 정원 of five or fewer, the 징수관 may handle the cash (시행령 §25)",
    )


class RefundIn(Schema):
    receipt_id: Id
    amount: PositiveWon
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


class RevenueReportRowOut(Schema):
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


class RevenueReportOut(Schema):
    government: str
    year: int
    month: int
    due_on: dt.date
    deadline: dt.date
    rows: list[RevenueReportRowOut]
    totals: ReportTotalsOut


class AssessmentFilter(Schema):
    government: Text(10)  # type: ignore[valid-type]
    # A query string's values are text: core's strict Year is for JSON bodies.
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR)
    status: Literal["open", "collected", "prescribed", "cancelled", "carried"] | None = None
    limit: int = Field(500, ge=1, le=5000)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ReportQuery(Schema):
    government: Text(10)  # type: ignore[valid-type]
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR)
    month: int = Field(..., ge=1, le=12)
