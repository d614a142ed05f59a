"""What the accounting API takes and gives. The JSON is shaped here from the books' own objects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from lofin.core.schemas import ApprovalLine
from lofin.core.types import Day, Id, Text, Won, Year

from .models import ManualKind

Month = Annotated[int, Field(ge=1, le=14)]
EntityName = Literal["general", "other_special", "fund", "enterprise_special"]


class BooksQuery(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year
    entity: EntityName | None = Field(None, description="회계실체: general, other_special, fund, enterprise_special")


class TrialBalanceQuery(BooksQuery):
    month_from: Month = 1
    month_to: Month = Field(14, description="months of the fiscal year; 13 and 14 are January and February after it")


class TrialBalanceRowOut(Schema):
    code: str
    name: str
    category: str
    section: str
    internal: bool = Field(alias="is_internal")
    debit: int
    credit: int
    balance: int


class TrialBalanceOut(Schema):
    government: str = Field(alias="government_code")
    year: int = Field(alias="fiscal_year")
    entity: str | None
    month_from: int
    month_to: int
    rows: list[TrialBalanceRowOut]
    total_debit: int
    total_credit: int


class LedgerQuery(BooksQuery):
    code: Text(12)  # type: ignore[valid-type]
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**9)


class SourceOut(Schema):
    type: str = Field(alias="source_type")
    id: int = Field(alias="source_id")
    kind: str
    label: str
    url: str


class LedgerLineOut(Schema):
    entry_id: int
    posted_on: dt.date = Field(alias="entry__posted_on")
    description: str = Field(alias="entry__description")
    account_id: int = Field(alias="entry__account_id")
    debit: int
    credit: int
    source: SourceOut


class EntryLineOut(Schema):
    code: str = Field(alias="ledger_code")
    debit: int
    credit: int


class EntryOut(Schema):
    id: int = Field(alias="entry.pk")
    government: str
    account_id: int = Field(alias="entry.account_id")
    fiscal_year: int = Field(alias="entry.fiscal_year")
    posted_on: dt.date = Field(alias="entry.posted_on")
    description: str = Field(alias="entry.description")
    reverses_id: int | None = Field(alias="entry.reverses_id")
    lines: list[EntryLineOut]
    source: SourceOut


class ManualLineIn(Schema):
    code: Text(12)  # type: ignore[valid-type]
    debit: Won = 0
    credit: Won = 0


class ManualEntryIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    account_id: Id
    posted_on: Day
    kind: ManualKind
    description: Text(200)  # type: ignore[valid-type]
    lines: list[ManualLineIn] = Field(min_length=2, max_length=200)
    approval_line: ApprovalLine
    idempotency_key: Text(100)  # type: ignore[valid-type]


class ManualEntryOut(Schema):
    id: int
    status: str
    approval_id: int | None
    fiscal_year: int
