"""API shapes of commitments (지출원인행위)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from lofin.core.types import BusinessNumber, Day, Id, PositiveWon, Text

from ..models import Commitment


class CommitmentIn(Schema):
    budget_line_id: Id
    amount: PositiveWon
    creditor: Text(100)  # type: ignore[valid-type]
    purpose: Text(200)  # type: ignore[valid-type]
    creditor_number: Text(20) = ""  # type: ignore[valid-type]
    office_code: Text(20) | None = None  # type: ignore[valid-type]
    committed_on: Day | None = None


class CommitmentOut(Schema):
    id: int
    budget_line_id: int
    amount: int
    paid_amount: int
    creditor: str
    purpose: str
    status: str
    committed_on: dt.date

    @staticmethod
    def resolve_budget_line_id(commitment: Commitment) -> int:
        return commitment.line_id


class AssignmentIn(Schema):
    # 채권양도 (민법 §450): the assignee the creditor named in the notice that reached the government.
    assignee: Text(100)  # type: ignore[valid-type]
    assignee_number: BusinessNumber | None = None
    notified_on: Day


class AssignmentOut(Schema):
    id: int
    commitment_id: int
    assignee: str
    assignee_number: str
    notified_on: dt.date


class PastYearIn(Schema):
    # 과년도지출 (R-EX-8): the current year's line of the same item the closed year's obligation is charged to.
    budget_line_id: Id
    amount: PositiveWon
