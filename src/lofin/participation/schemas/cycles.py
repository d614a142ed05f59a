from __future__ import annotations

import datetime as dt

from ninja import Schema

from lofin.core.types import Text

from ..models import Cycle, District, Phase, PhaseKind
from ..queries import cycles as queries


class PhaseOut(Schema):
    kind: str
    label: str
    starts_on: dt.date
    ends_on: dt.date

    @staticmethod
    def resolve_label(obj: Phase) -> str:
        return str(obj.get_kind_display())


class DistrictOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    amount: int | None


class CycleOut(Schema):
    id: int
    government: str
    year: int
    title: str
    total_amount: int
    ballot_kind: str
    max_choices: int | None
    min_choices: int
    max_points: int | None
    rule: str
    satisfaction: str
    min_age: int
    eligible: list[str]
    status: str
    phase: str
    phase_label: str

    @staticmethod
    def resolve_government(obj: Cycle) -> str:
        return obj.government.code

    @staticmethod
    def resolve_eligible(obj: Cycle) -> list[str]:
        return sorted(obj.eligible_bases)

    @staticmethod
    def resolve_phase_label(obj: Cycle) -> str:
        return str(PhaseKind(obj.phase).label) if obj.phase else ""


class CycleDetailOut(CycleOut):
    description: str
    phases: list[PhaseOut]
    districts: list[DistrictOut]

    @staticmethod
    def resolve_phases(obj: Cycle) -> list[Phase]:
        return queries.phases(obj)

    @staticmethod
    def resolve_districts(obj: Cycle) -> list[District]:
        return list(queries.districts(obj))


class AdvanceIn(Schema):
    to: Text(20) | None = None  # type: ignore[valid-type]
