from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

from lofin.core.types import Id, Text

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
    """A vote as its voter sees it. No ballot id: the receipt is a random code, given once, on the first answer to
    an online vote (null on a retry and on paper ballots); after the count it checks the ballot on the results."""

    cycle_id: int
    channel: str
    cast_on: dt.date
    choices: list[int]
    receipt: str | None


class BallotReceiptIn(Schema):
    receipt: Text(40)  # type: ignore[valid-type]


class BallotReceiptOut(Schema):
    counted: bool
    choices: list[int]
