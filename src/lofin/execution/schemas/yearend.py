"""API shapes of the year end: 이월 (carry-over), 불용 (lapse) and, for revenue, 미수납 이월 and 시효."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from lofin.core.types import Day, Id, PositiveWon, Text, Year

from ..models import CarryOver, CarryOverKind
from ..queries.appropriations import line_code
from ..queries.yearend import LapseReport


class CarryOverIn(Schema):
    kind: CarryOverKind
    budget_line_id: Id
    amount: PositiveWon
    reason: Text(300)  # type: ignore[valid-type]
    commitment_id: Id | None = None


class CarryOverOut(Schema):
    # A carry-over read with its lines and what its audit event recorded (`queries.yearend.carry_overs`).

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

    @staticmethod
    def resolve_year(carry: CarryOver) -> int:
        return carry.from_line.year

    @staticmethod
    def resolve_from_code(carry: CarryOver) -> str:
        return line_code(carry.from_line)

    @staticmethod
    def resolve_to_code(carry: CarryOver) -> str:
        return line_code(carry.to_line)

    @staticmethod
    def resolve_commitment_id(carry: CarryOver) -> int | None:
        return (carry.recorded or {}).get("commitment")  # type: ignore[attr-defined]

    @staticmethod
    def resolve_carried_commitment_id(carry: CarryOver) -> int | None:
        return (carry.recorded or {}).get("carried_commitment")  # type: ignore[attr-defined]


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

    @staticmethod
    def resolve_government(report: LapseReport) -> str:
        return report.government.code


class YearIn(Schema):
    government: Text(10)  # type: ignore[valid-type]
    year: Year


class CarryIn(Schema):
    government: Text(10)  # type: ignore[valid-type]
    from_year: Year
    on: Day | None = Field(None, description="the day of the carry; after 10 February of the next year")


class PrescriptionIn(Schema):
    government: Text(10)  # type: ignore[valid-type]
    on: Day = Field(..., description="claims untouched for five years before this day are extinguished")
