from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

from lofin.core.types import Id, Text

from ..models import Ballot

Points = Annotated[StrictInt, Field(ge=1, le=10**6)]
BirthDate = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]
SexDigit = Annotated[str, Field(pattern=r"^[1-8]$")]


class BallotIn(Schema):
    approvals: list[Id] = Field(default_factory=list, max_length=500)
    points: dict[Id, Points] | None = None
    ranking: list[Id] = Field(default_factory=list, max_length=500)


class PaperBallotIn(BallotIn):
    name: Text(60)  # type: ignore[valid-type]
    birth_date: BirthDate
    sex_digit: SexDigit
    channel: Annotated[str, Field(pattern=r"^(paper|in_person)$")] = "paper"


class BallotOut(Schema):
    id: int
    cycle_id: int
    channel: str
    cast_on: dt.date
    choices: list[int]

    @staticmethod
    def resolve_choices(obj: Ballot) -> list[int]:
        return list(obj.choices.order_by("rank", "id").values_list("proposal_id", flat=True))
