"""Reads of the year end: 불용 (lapse) per line and the carry-overs (이월) of a government and year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, CharField, JSONField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from lofin.core.models import AuditEvent, LocalGovernment

from ..models import BudgetLine, CarryOver
from ..rules import yearend as rules
from .appropriations import line_code

CARRY_OVER_TYPE = CarryOver._meta.label_lower


@dataclass(frozen=True)
class LapseRow:
    line_id: int
    code: str
    appropriation: int
    paid: int
    carried_out: int
    lapsed: int


@dataclass
class LapseReport:
    government: LocalGovernment
    year: int
    # Refunds arriving by 20 January still restore lines, so the figures are final only after that day.
    provisional: bool
    rows: list[LapseRow] = field(default_factory=list)

    @property
    def appropriation(self) -> int:
        return sum(r.appropriation for r in self.rows)

    @property
    def paid(self) -> int:
        return sum(r.paid for r in self.rows)

    @property
    def carried_out(self) -> int:
        return sum(r.carried_out for r in self.rows)

    @property
    def lapsed(self) -> int:
        return sum(r.lapsed for r in self.rows)


def lapse_report(government: LocalGovernment, year: int, *, today: dt.date) -> LapseReport:
    """불용액 of each line (rules.yearend.lapsed): what was neither spent nor carried forward."""
    carried = (
        CarryOver.objects.filter(from_line=OuterRef("pk")).values("from_line").annotate(s=Sum("amount")).values("s")
    )
    lines = (
        BudgetLine.objects.filter(government=government, year=year)
        .select_related("account", "project")
        .annotate(carried_total=Coalesce(Subquery(carried), 0, output_field=BigIntegerField()))
        .order_by("account__code", "project__code", "object_code")
    )
    rows = [
        LapseRow(
            line_id=line.pk,
            code=line_code(line),
            appropriation=line.appropriation,
            paid=line.paid,
            carried_out=line.carried_total,
            lapsed=rules.lapsed(line.appropriation, line.paid, line.carried_total),
        )
        for line in lines
    ]
    return LapseReport(government, year, provisional=rules.lapse_is_provisional(year, today), rows=rows)


def carry_overs(government: LocalGovernment, year: int | None = None) -> QuerySet[CarryOver]:
    """Carry-overs of the government (out of `year` if given), oldest first, each with `recorded`: what its audit
    event recorded beyond the row itself (the commitments it carried)."""
    found = CarryOver.objects.filter(government=government)
    if year is not None:
        found = found.filter(from_line__year=year)
    recorded = AuditEvent.objects.filter(
        action="execution.carry_over", object_type=CARRY_OVER_TYPE, object_id=Cast(OuterRef("pk"), CharField())
    ).values("data")[:1]
    return (
        found.select_related("from_line__account", "from_line__project", "to_line__account", "to_line__project")
        .annotate(recorded=Subquery(recorded, output_field=JSONField()))
        .order_by("pk")
    )
