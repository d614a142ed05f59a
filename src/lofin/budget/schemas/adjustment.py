"""What the API takes for the budget office's adjustment (조정) of a line."""

from __future__ import annotations

from ninja import Schema

from lofin.core.types import Text, Won


class AdjustIn(Schema):
    amount: Won
    reason: Text(300) = ""  # type: ignore[valid-type]
