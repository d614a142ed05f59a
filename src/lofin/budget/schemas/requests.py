"""What the API takes and gives for a department's request lines and their 산출근거."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from lofin.core.schemas import ApprovalLine
from lofin.core.types import Id, Text, Won

from ..models import ExpenditureLine

Count = Annotated[int, Field(ge=0, le=10**9)]


class BasisIn(Schema):
    description: Text(200)  # type: ignore[valid-type]
    unit_price: Won = 0
    quantity: Count = 1
    times: Count = 1
    amount: Won | None = None


class BasisOut(Schema):
    seq: int
    description: str
    unit_price: int
    quantity: int
    times: int
    amount: int


class LineIn(Schema):
    version_id: Id
    project_code: Text(20)  # type: ignore[valid-type]
    object_code: Text(6)  # type: ignore[valid-type]
    basis: list[BasisIn] = Field(min_length=1, max_length=200)
    state_amount: Won = 0
    province_amount: Won = 0


class LineOut(Schema):
    id: int
    account: str = Field(alias="account.code")
    department: str | None
    project_code: str = Field(alias="project.code")
    project_name: str = Field(alias="project.name")
    object_code: str
    previous_amount: int
    requested_amount: int
    proposed_amount: int | None
    amount: int
    state_amount: int
    province_amount: int
    adjust_reason: str
    amend_reason: str
    explicit_carry_amount: int
    basis: list[BasisOut]

    @staticmethod
    def resolve_department(obj: ExpenditureLine) -> str | None:
        return obj.project.department.code if obj.project.department else None

    @staticmethod
    def resolve_basis(obj: ExpenditureLine) -> list[object]:
        return list(obj.basis.all())


class ApprovalLineIn(Schema):
    line: ApprovalLine


class DepartmentSubmitIn(ApprovalLineIn):
    version_id: Id
    department_code: Text(20)  # type: ignore[valid-type]
