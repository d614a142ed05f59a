"""API shapes of 지출결의 and of the 개산급 settlement."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from lofin.core.types import Day, Id, PositiveWon, Text, Won

from ..models import ExpenditureResolution


class ClaimIn(Schema):
    number: Text(40)  # type: ignore[valid-type]
    date: Day
    amount: PositiveWon


class InspectionIn(Schema):
    date: Day
    inspector: Text(150) = Field(..., description="username of the official who inspected")  # type: ignore[valid-type]
    result: Literal["passed", "failed"]
    note: Text(200) = ""  # type: ignore[valid-type]


class ResolutionIn(Schema):
    commitment_id: Id
    amount: PositiveWon
    claim: ClaimIn
    inspection: InspectionIn | None = Field(
        None, description="검수·검사; required for works, goods and services (지방계약법 §17)"
    )
    resolved_on: Day | None = None
    for_advance: bool = Field(False, description="a claim for 선금 on a 선금급 commitment (no inspection)")


class ClaimOut(Schema):
    number: str
    date: dt.date
    amount: int


class InspectionOut(Schema):
    date: dt.date
    inspector: str
    result: str
    note: str


class ResolutionOut(Schema):
    # A resolution read with its government, commitment, inspector and resolver (`queries.resolutions`).

    id: int
    government: str
    number: str
    fiscal_year: int
    commitment_id: int
    creditor: str
    amount: int
    ordered_amount: int
    remaining: int
    status: str
    for_advance: bool
    claim: ClaimOut
    inspection: InspectionOut | None
    resolved_on: dt.date
    resolved_by: str

    @staticmethod
    def resolve_government(r: ExpenditureResolution) -> str:
        return r.government.code

    @staticmethod
    def resolve_creditor(r: ExpenditureResolution) -> str:
        return r.commitment.creditor

    @staticmethod
    def resolve_claim(r: ExpenditureResolution) -> dict[str, Any]:
        return {"number": r.claim_number, "date": r.claimed_on, "amount": r.claim_amount}

    @staticmethod
    def resolve_inspection(r: ExpenditureResolution) -> dict[str, Any] | None:
        if not r.inspection_result:
            return None
        return {
            "date": r.inspected_on,
            "inspector": r.inspector.username if r.inspector else "",
            "result": r.inspection_result,
            "note": r.inspection_note,
        }

    @staticmethod
    def resolve_resolved_by(r: ExpenditureResolution) -> str:
        return r.resolved_by.username


class CancelIn(Schema):
    reason: Text(200)  # type: ignore[valid-type]


class SettlementIn(Schema):
    actual_amount: Won
    settled_on: Day | None = None
    returned_on: Day | None = Field(None, description="the day the excess came back (when actual < paid)")
    office_code: Text(20) | None = Field(None, description="지출원 office paying a shortfall")  # type: ignore[valid-type]
    payee_bank: Text(20) = "금고"  # type: ignore[valid-type]
    payee_account: Text(40) = ""  # type: ignore[valid-type]


class SettlementOut(Schema):
    id: int
    commitment_id: int
    estimated_amount: int
    actual_amount: int
    refunded_amount: int
    refund_restored_line: bool
    further_payment_id: int | None
    released_amount: int
    settled_on: dt.date
