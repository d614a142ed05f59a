from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

from lofin.core.types import Id, PositiveWon, Text

from ..models import CommitteeScore


class ReviewStartIn(Schema):
    department_id: Id | None = None


class ReviewIn(Schema):
    feasible: bool
    reason: Text(500)  # type: ignore[valid-type]
    reviewed_cost: PositiveWon | None = None


class ScoreIn(Schema):
    """Points per criterion: necessity ≤ 30, feasibility ≤ 30, benefit ≤ 25, cost ≤ 15."""

    scores: dict[Annotated[str, Field(max_length=20)], Annotated[StrictInt, Field(ge=0, le=100)]] = Field(max_length=10)
    comment: Text(500) = ""  # type: ignore[valid-type]


class ScoreOut(Schema):
    proposal_id: int
    member: str
    scores: dict[str, int]
    total: int
    comment: str

    @staticmethod
    def resolve_member(obj: CommitteeScore) -> str:
        return str(obj.member)


class ShortlistIn(Schema):
    shortlisted: bool
    reason: Text(500) = ""  # type: ignore[valid-type]
