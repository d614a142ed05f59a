"""Reads of the year end: 불용 (lapse) per line, carry-overs and 일상경비 advances of a government and year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BigIntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from lofin.core import fiscal
from lofin.core.models import AuditEvent, LocalGovernment

from .models import BudgetLine, CarryOver, ImprestAdvance
from .transfer_actions import line_code

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
    """불용액 of each line: 예산현액 − 지출 − 다음 연도 이월 (what was neither spent nor carried forward).

    Commitments left unpaid and not carried lapse too: their creditors are paid from a later budget, within the
    lapse of the 정책사업 (지방회계법 §37)."""
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
            lapsed=line.appropriation - line.paid - line.carried_total,
        )
        for line in lines
    ]
    return LapseReport(government, year, provisional=today <= fiscal.exception_deadline(year), rows=rows)


def carry_overs(government: LocalGovernment, year: int | None = None) -> QuerySet[CarryOver]:
    """Carry-overs of the government (out of `year` if given), oldest first."""
    found = CarryOver.objects.filter(government=government)
    if year is not None:
        found = found.filter(from_line__year=year)
    return found.select_related(
        "from_line__account", "from_line__project", "to_line__account", "to_line__project"
    ).order_by("pk")


def carry_over_details(carries: list[CarryOver]) -> dict[int, dict[str, Any]]:
    """What each carry-over's audit event recorded beyond the row itself (the commitments it carried)."""
    if not carries:
        return {}
    events = AuditEvent.objects.filter(
        action="execution.carry_over", object_type=CARRY_OVER_TYPE, object_id__in=[str(c.pk) for c in carries]
    ).values_list("object_id", "data")
    return {int(object_id): data for object_id, data in events}


def carry_over_out(carry: CarryOver, audit_data: dict[str, Any] | None = None) -> dict[str, Any]:
    data = audit_data or {}
    return {
        "id": carry.pk,
        "kind": carry.kind,
        "year": carry.from_line.year,
        "from_line_id": carry.from_line_id,
        "from_code": line_code(carry.from_line),
        "to_line_id": carry.to_line_id,
        "to_code": line_code(carry.to_line),
        "amount": carry.amount,
        "reason": carry.reason,
        "commitment_id": data.get("commitment"),
        "carried_commitment_id": data.get("carried_commitment"),
        "decided_at": carry.decided_at,
    }


def imprests(government: LocalGovernment, year: int | None = None) -> QuerySet[ImprestAdvance]:
    found = ImprestAdvance.objects.filter(government=government)
    if year is not None:
        found = found.filter(line__year=year)
    return found.select_related("cashier", "payment").order_by("pk")


def imprest_out(advance: ImprestAdvance) -> dict[str, Any]:
    return {
        "id": advance.pk,
        "budget_line_id": advance.line_id,
        "commitment_id": advance.payment.commitment_id,
        "payment_order_id": advance.payment_id,
        "payment_number": advance.payment.number,
        "cashier": advance.cashier.username,
        "kind": advance.kind,
        "amount": advance.amount,
        "spent_amount": advance.spent_amount,
        "returned_amount": advance.returned_amount,
        "status": advance.status,
        "advanced_on": advance.payment.issued_on,
    }
