"""What the API takes for the council's amendments (수정의결) and its vote (의결)."""

from __future__ import annotations

from ninja import Schema

from lofin.core.types import Day, Text, Won


class AmendIn(Schema):
    amount: Won
    reason: Text(300)  # type: ignore[valid-type]
    head_consent: bool = False


class VoteIn(Schema):
    voted_on: Day
