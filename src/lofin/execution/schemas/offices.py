"""API shapes of the 관서 of a year (재무관, 분임재무관, 지출원) and their 정원."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field, StrictInt

from lofin.core.types import Text, Year

from ..models import Office


class OfficeIn(Schema):
    government: Text(10)  # type: ignore[valid-type]
    year: Year
    code: Text(20)  # type: ignore[valid-type]
    name: Text(80)  # type: ignore[valid-type]
    kind: Literal["finance", "sub_finance", "disbursing"]
    staff_count: StrictInt | None = Field(
        None, ge=1, le=32767, description="정원: three or fewer lets a 분임재무관 be the 일상경비 출납원 (시행령 §46)"
    )


class StaffIn(Schema):
    staff_count: StrictInt | None = Field(None, ge=1, le=32767, description="정원 of the office (None: not known)")


class OfficeOut(Schema):
    id: int
    government: str
    year: int
    code: str
    name: str
    kind: str
    staff_count: int | None
    limit_amount: int
    paid_amount: int

    @staticmethod
    def resolve_government(office: Office) -> str:
        return office.government.code
