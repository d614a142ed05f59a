"""API shapes of 일상경비 (imprest) advances and their settlement."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from lofin.core.types import AccountNumber, Day, Id, PositiveWon, Text, Won

from ..models import ImprestAdvance


class ImprestIn(Schema):
    commitment_id: Id
    cashier: Text(150)  # type: ignore[valid-type]
    kind: Text(20)  # type: ignore[valid-type]
    amount: PositiveWon
    payee_account: AccountNumber
    payee_bank: Text(20) = "금고"  # type: ignore[valid-type]
    office_code: Text(20) | None = None  # type: ignore[valid-type]
    advanced_on: Day | None = None


class ImprestOut(Schema):
    # An advance read with its cashier and payment order (`queries.imprest.imprests`).

    id: int
    budget_line_id: int
    commitment_id: int
    payment_order_id: int
    payment_number: str
    cashier: str
    kind: str
    amount: int
    spent_amount: int
    returned_amount: int
    status: str
    advanced_on: dt.date

    @staticmethod
    def resolve_budget_line_id(advance: ImprestAdvance) -> int:
        return advance.line_id

    @staticmethod
    def resolve_commitment_id(advance: ImprestAdvance) -> int:
        return advance.payment.commitment_id

    @staticmethod
    def resolve_payment_order_id(advance: ImprestAdvance) -> int:
        return advance.payment_id

    @staticmethod
    def resolve_payment_number(advance: ImprestAdvance) -> str:
        return advance.payment.number

    @staticmethod
    def resolve_cashier(advance: ImprestAdvance) -> str:
        return advance.cashier.username

    @staticmethod
    def resolve_advanced_on(advance: ImprestAdvance) -> dt.date:
        return advance.payment.issued_on


class ImprestSettlementIn(Schema):
    spent: Won
    returned: Won
    returned_on: Day | None = None
