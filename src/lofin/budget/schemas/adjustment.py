"""What the API takes for the budget office's adjustment (조정) of a line."""

from __future__ import annotations

from ninja import Schema

from lofin.core.types import Text, Won, Year


class AdjustIn(Schema):
    amount: Won
    reason: Text(300) = ""  # type: ignore[valid-type]


class ExplicitCarryIn(Schema):
    """명시이월비 of a line (R-BP-10): set in the bill, amended by the council with its reason."""

    amount: Won
    reason: Text(300) = ""  # type: ignore[valid-type]


class MidTermPlanIn(Schema):
    """The 중기지방재정계획 the bill refers to (R-BS-5)."""

    title: Text(200)  # type: ignore[valid-type]
    first_year: Year
    last_year: Year
