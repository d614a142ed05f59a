"""What the API says about budget versions: the version itself, its summary and diff, the statutory deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from ..models import BudgetVersion


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
    mid_term_plan: str
    mid_term_plan_first_year: int | None
    mid_term_plan_last_year: int | None

    @staticmethod
    def resolve_status_label(obj: BudgetVersion) -> str:
        return str(obj.get_status_display())


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


class OpenIn(Schema):
    kind: Annotated[str, Field(pattern="^(original|supplementary)$")]
