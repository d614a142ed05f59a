from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, Text

from ..models import Result


class ResultOut(Schema):
    id: int
    district: str
    rule: str
    satisfaction: str
    budget: int
    winners: list[int]
    total_cost: int
    voter_count: int
    digest: str
    computed_at: dt.datetime
    explanation: dict[str, Any]

    @staticmethod
    def resolve_district(obj: Result) -> str:
        return obj.district.name if obj.district else ""


class OverrideOut(Schema):
    proposal_id: int
    action: str
    reason: str
    decided_at: dt.datetime


class ResultsOut(Schema):
    cycle_id: int
    results: list[ResultOut]
    overrides: list[OverrideOut]
    selected: list[int]


class VoterExplanationOut(Schema):
    district: str
    winners: list[int]
    explanation: dict[str, Any]


class OverrideIn(Schema):
    proposal_id: Id
    action: Annotated[str, Field(pattern=r"^(add|remove)$")]
    reason: Text(500)  # type: ignore[valid-type]
