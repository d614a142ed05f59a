"""What the API takes and gives for revenue lines (세입)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, Text, Won


class RevenueIn(Schema):
    version_id: Id
    account_code: Text(10)  # type: ignore[valid-type]
    revenue_code: Text(10)  # type: ignore[valid-type]
    amount: Won
    basis_text: Text(300) = ""  # type: ignore[valid-type]


class RevenueOut(Schema):
    id: int
    account: str = Field(alias="account.code")
    revenue_code: str
    previous_amount: int
    requested_amount: int
    proposed_amount: int | None
    amount: int
