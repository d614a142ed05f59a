"""API shapes of transfer requests (전용·이용·이체·예비비 사용) and of the quarterly report to the council."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from lofin.core.schemas import ApprovalLine
from lofin.core.types import Id, PositiveWon, Text

from ..models import Transfer, TransferKind
from ..queries.appropriations import line_code
from ..queries.transfers import CouncilReport


class TransferIn(Schema):
    kind: TransferKind
    from_line_id: Id
    to_line_id: Id
    amount: PositiveWon
    reason: Text(300)  # type: ignore[valid-type]
    urgent_disaster: bool = False
    # 이체: the law or ordinance that moved the duties between organisations (R-BP-9); ignored for other kinds.
    legal_basis: Text(300) = ""  # type: ignore[valid-type]
    approval_line: ApprovalLine


class TransferOut(Schema):
    # A transfer read with its two lines (`queries.transfers.transfers`).

    id: int
    kind: str
    year: int
    from_line_id: int
    from_code: str
    to_line_id: int
    to_code: str
    amount: int
    reason: str
    legal_basis: str
    status: str
    requested_on: dt.date
    decided_at: dt.datetime | None
    approval_id: int | None

    @staticmethod
    def resolve_from_code(transfer: Transfer) -> str:
        return line_code(transfer.from_line)

    @staticmethod
    def resolve_to_code(transfer: Transfer) -> str:
        return line_code(transfer.to_line)


class ReportRowOut(Schema):
    date: dt.date
    kind: str
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    amount: int
    reason: str
    legal_basis: str


class ReportOut(Schema):
    government: str
    year: int
    quarter: int
    due_on: dt.date
    total: int
    rows: list[ReportRowOut]

    @staticmethod
    def resolve_government(report: CouncilReport) -> str:
        return report.government.code
