"""API shapes of budget lines."""

from __future__ import annotations

from ninja import Schema

from ..models import BudgetLine
from ..queries.appropriations import line_code


class BudgetLineOut(Schema):
    # A line as `queries.appropriations.with_names` reads it (a docstring would become the schema's description).

    id: int
    government: str
    year: int
    code: str
    name: str
    budget: int
    appropriation: int
    allocated: int
    committed: int
    paid: int
    available: int

    @staticmethod
    def resolve_government(line: BudgetLine) -> str:
        return line.government.code

    @staticmethod
    def resolve_code(line: BudgetLine) -> str:
        return line_code(line)

    @staticmethod
    def resolve_name(line: BudgetLine) -> str:
        return f"{line.project.name} / {getattr(line, 'object_name', None) or line.object_code}"

    @staticmethod
    def resolve_budget(line: BudgetLine) -> int:
        return line.budget_amount


class ProvisionalOut(Schema):
    """A 준예산 started (R-BP-11): its fiscal year and how many lines run under it."""

    year: int
    lines: int
