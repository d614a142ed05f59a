"""API shapes of payment orders (지급명령) and the 금고's notice that it paid one."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from lofin.core.types import AccountNumber, BusinessNumber, Day, Id, PositiveWon, Text

from ..models import PaymentOrder


class WithholdingIn(Schema):
    kind: Text(20)  # type: ignore[valid-type]
    amount: PositiveWon


class PaymentIn(Schema):
    commitment_id: Id
    amount: PositiveWon
    payee_account: AccountNumber
    payee_bank: Text(20) = "금고"  # type: ignore[valid-type]
    payee_name: Text(100) | None = None  # type: ignore[valid-type]
    payee_number: BusinessNumber | None = Field(None, description="사업자등록번호 of the payee (R-EX-4)")
    office_code: Text(20) | None = None  # type: ignore[valid-type]
    issued_on: Day | None = None
    incurred_on: Day | None = Field(
        None, description="급여·여비·실비보상: the day the fact occurred; the payment belongs to its year (R-FY-3)"
    )
    drop_odd_won: bool = Field(False, description="끝수 처리: the won under 10 are not paid (R-FY-5, 지방회계법 §55)")
    withholdings: list[WithholdingIn] = Field(default_factory=list, max_length=20)
    resolution_id: Id | None = Field(None, description="the 지출결의 this order pays (optional)")


class PaymentOut(Schema):
    id: int
    number: str
    commitment_id: int
    amount: int
    withholding_amount: int
    net_amount: int
    payee_name: str
    payee_number: str
    payee_account: str
    status: str
    issued_on: dt.date


class PaidIn(Schema):
    paid_on: Day
    bank_reference: Text(40)  # type: ignore[valid-type]


class PaidOut(Schema):
    # A paid order with the 금고's notice (its `confirmation`).

    id: int
    number: str
    commitment_id: int
    amount: int
    net_amount: int
    status: str
    issued_on: dt.date
    paid_on: dt.date
    bank_reference: str

    @staticmethod
    def resolve_paid_on(payment: PaymentOrder) -> dt.date:
        return payment.confirmation.paid_on

    @staticmethod
    def resolve_bank_reference(payment: PaymentOrder) -> str:
        return payment.confirmation.bank_reference
