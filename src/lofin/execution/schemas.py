from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, Text

Won = Annotated[int, Field(gt=0, le=10**15)]


class BudgetLineOut(Schema):
    id: int
    government: str
    year: int
    code: str
    name: str
    budget: int
    appropriation: int
    allocated: int
    committed: int
    paid: int
    available: int


class CommitmentIn(Schema):
    budget_line_id: Id
    amount: Won
    creditor: Text(100)  # type: ignore[valid-type]
    purpose: Text(200)  # type: ignore[valid-type]
    creditor_number: Text(20) = ""  # type: ignore[valid-type]
    office_code: Text(20) | None = None  # type: ignore[valid-type]
    committed_on: dt.date | None = None


class CommitmentOut(Schema):
    id: int
    budget_line_id: int
    amount: int
    paid_amount: int
    creditor: str
    purpose: str
    status: str
    committed_on: dt.date


class WithholdingIn(Schema):
    kind: Text(20)  # type: ignore[valid-type]
    amount: Won


class PaymentIn(Schema):
    commitment_id: Id
    amount: Won
    payee_account: Text(40)  # type: ignore[valid-type]
    payee_bank: Text(20) = "금고"  # type: ignore[valid-type]
    payee_name: Text(100) | None = None  # type: ignore[valid-type]
    office_code: Text(20) | None = None  # type: ignore[valid-type]
    issued_on: dt.date | None = None
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
    payee_account: str
    status: str
    issued_on: dt.date
