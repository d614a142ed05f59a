"""The in-memory shapes of a government's plan: what is known of the government, the 사업 tree being built,
and the rows to write (GovernmentPlan), which refer to each other by position, not by database id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .totals import JEJU, YEARS, kind_targets


@dataclass(frozen=True)
class GovInfo:
    code: str
    name: str
    kind: str
    level: str
    sido: str
    parent_code: str
    self_reliance_tenths: int
    totals: dict[int, dict[str, int]]

    @classmethod
    def from_row(cls, row: dict[str, str]) -> GovInfo:
        # A government without a published 재정자립도 is planned at the national average of recent years.
        pct = Decimal(row["self_reliance_pct"] or "45.0")
        return cls(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            level=row["level"],
            sido=row["sido"],
            parent_code=row["parent_code"],
            self_reliance_tenths=int(pct * 10),
            totals=kind_targets(row),
        )

    @property
    def cls(self) -> str:
        if self.kind in ("특별시", "광역시"):
            return "metro"
        if self.kind == "특별자치시" or self.code == JEJU:
            return "special"
        if self.kind in ("도", "특별자치도"):
            return "province"
        return {"시": "city", "군": "county", "자치구": "district"}[self.kind]

    @property
    def title(self) -> str:
        """The word budget books put before 정, 민, 립: 시정, 도민, 군립, 구정."""
        return {"도": "도", "특별자치도": "도", "군": "군", "자치구": "구"}.get(self.kind, "시")


@dataclass(eq=False)
class DetailSpec:
    name: str
    department: str
    profile: str
    lines: list[tuple[str, int]]
    weight: int
    pool: str = "program"
    first: int = YEARS[0]
    last: int = YEARS[-1]
    subsidy_bp: int | None = None
    province_pct: int = 0
    gender_goal: str = ""
    review: str = ""
    supplementary: bool = False
    code: str = ""


@dataclass(eq=False)
class UnitSpec:
    name: str
    department: str
    details: list[DetailSpec]
    code: str = ""


@dataclass(eq=False)
class PolicySpec:
    name: str
    department: str
    function: str
    units: list[UnitSpec]
    transfer_allowed: bool = False
    code: str = ""


@dataclass(eq=False)
class AccountPlan:
    code: str
    name: str
    kind: str
    weight: int
    transfer_permille: int
    pool_permille: dict[str, int]
    revenue_weights: dict[str, int]
    has_debt: bool
    policies: list[PolicySpec] = field(default_factory=list)

    def details(self) -> Iterator[DetailSpec]:
        for policy in self.policies:
            for unit in policy.units:
                yield from unit.details

    @property
    def revenue_department(self) -> str:
        return self.policies[0].department if self.policies else "1100"


@dataclass
class VersionPlan:
    year: int
    number: int
    kind: str
    based_on: int | None
    created_at: dt.datetime
    requests_closed_at: dt.datetime
    submitted_at: dt.datetime
    voted_on: dt.date
    confirmed_at: dt.datetime
    total_amount: int = 0


@dataclass
class GovernmentPlan:
    """Everything one government's budgets consist of, with references by position instead of database ids."""

    departments: list[tuple[str, str, str | None]] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    # (year, level, code, name, parent position, account code, department code, function code, gender_sensitive,
    #  gender goal, State share bp, investment review, transfer allowed)
    projects: list[tuple[Any, ...]] = field(default_factory=list)
    versions: list[VersionPlan] = field(default_factory=list)
    # (version position, account code, project position, object code, previous, amount, State, province)
    lines: list[tuple[int, str, int, str, int, int, int, int]] = field(default_factory=list)
    # (line position, seq, description, unit price, quantity, times, amount)
    basis: list[tuple[int, int, str, int, int, int, int]] = field(default_factory=list)
    # (version position, account code, department code, revenue code, previous, amount, basis text)
    revenues: list[tuple[int, str, str, str, int, int, str]] = field(default_factory=list)
