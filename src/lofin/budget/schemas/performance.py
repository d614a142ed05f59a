"""What the API takes and gives for the 성과계획서's performance targets and their results. Values are decimals as
text ("1200", "87.5"): a JSON number could be a float, which is not exact."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from lofin.core.types import Text, Year

from ..models import IndicatorDirection

Value = Text(24)


class TargetIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year
    project_code: Text(20)  # type: ignore[valid-type]
    indicator: Text(120)  # type: ignore[valid-type]
    unit: Text(20)  # type: ignore[valid-type]
    target_value: Value = Field(description="목표치: ASCII digits, at most 12 before the point and 4 after")  # type: ignore[valid-type]
    baseline_value: Value = ""  # type: ignore[valid-type]
    method: Text(300)  # type: ignore[valid-type]
    direction: IndicatorDirection = IndicatorDirection.INCREASE


class ResultIn(Schema):
    achieved_value: Value = Field(description="실적치, as text")  # type: ignore[valid-type]
    reason: Text(500) = ""  # type: ignore[valid-type]


class TargetOut(Schema):
    id: int
    project: str = Field(alias="project.code")
    indicator: str
    unit: str
    target_value: str
    baseline_value: str
    method: str
    direction: str
    achieved_value: str | None = Field(description="실적치 (null until recorded)")
    shortfall_reason: str
    result_recorded_at: dt.datetime | None

    @staticmethod
    def resolve_achieved_value(obj: object) -> str | None:
        return obj.achieved_value if getattr(obj, "has_result", False) else None  # type: ignore[attr-defined]
