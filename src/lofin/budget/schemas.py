from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, Text

Won = Annotated[int, Field(ge=0, le=10**15)]
Count = Annotated[int, Field(ge=0, le=10**9)]


class VersionOut(Schema):
    id: int
    number: int
    kind: str
    label: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    voted_on: dt.date | None
    confirmed_at: dt.datetime | None
    total_amount: int


class SummaryLine(Schema):
    code: str
    name: str
    amount: int


class FieldTotal(Schema):
    name: str
    amount: int


class SummaryOut(Schema):
    government: str
    year: int
    version: int
    status: str
    totals: dict[str, int]
    by_field: dict[str, FieldTotal]
    lines: list[SummaryLine]


class DiffLine(Schema):
    key: str
    before: int
    after: int
    change: int


class DiffOut(Schema):
    lines: list[DiffLine]
    totals: dict[str, dict[str, int]]


class DeadlinesOut(Schema):
    bill_due: dt.date
    vote_due: dt.date
    submitted_at: dt.datetime | None
    voted_on: dt.date | None
    bill_late: bool
    vote_late: bool


class BasisIn(Schema):
    description: Text(200)  # type: ignore[valid-type]
    unit_price: Won = 0
    quantity: Count = 1
    times: Count = 1
    amount: Won | None = None


class BasisOut(Schema):
    seq: int
    description: str
    unit_price: int
    quantity: int
    times: int
    amount: int


class LineIn(Schema):
    version_id: Id
    project_code: Text(20)  # type: ignore[valid-type]
    object_code: Text(6)  # type: ignore[valid-type]
    basis: list[BasisIn] = Field(min_length=1, max_length=200)
    state_amount: Won = 0
    province_amount: Won = 0


class LineOut(Schema):
    id: int
    account: str
    department: str | None
    project_code: str
    project_name: str
    object_code: str
    previous_amount: int
    requested_amount: int
    proposed_amount: int | None
    amount: int
    state_amount: int
    province_amount: int
    adjust_reason: str
    amend_reason: str
    basis: list[BasisOut]


class RevenueIn(Schema):
    version_id: Id
    account_code: Text(10)  # type: ignore[valid-type]
    revenue_code: Text(10)  # type: ignore[valid-type]
    amount: Won
    basis_text: Text(300) = ""  # type: ignore[valid-type]


class RevenueOut(Schema):
    id: int
    account: str
    revenue_code: str
    previous_amount: int
    requested_amount: int
    proposed_amount: int | None
    amount: int


class AdjustIn(Schema):
    amount: Won
    reason: Text(300) = ""  # type: ignore[valid-type]


class AmendIn(Schema):
    amount: Won
    reason: Text(300)  # type: ignore[valid-type]
    head_consent: bool = False


class OpenIn(Schema):
    kind: Annotated[str, Field(pattern="^(original|supplementary)$")]


class LineStep(Schema):
    kind: Annotated[str, Field(pattern="^(review|cooperate|approve)$")]
    username: Text(150)  # type: ignore[valid-type]


class ApprovalLineIn(Schema):
    line: list[LineStep] = Field(min_length=1, max_length=10)


class DepartmentSubmitIn(ApprovalLineIn):
    version_id: Id
    department_code: Text(20)  # type: ignore[valid-type]


class VoteIn(Schema):
    voted_on: dt.date
