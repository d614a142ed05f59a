"""Tenant-scoped reads of execution."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lofin.budget.models import CodeKind, NationalCode
from lofin.core.models import LocalGovernment

from .models import BudgetLine, Office, OfficeKind


def lines(government: LocalGovernment, year: int) -> QuerySet[BudgetLine]:
    return (
        BudgetLine.objects.filter(government=government, year=year)
        .select_related("account", "project")
        .order_by("account__code", "project__code", "object_code")
    )


def line_out(line: BudgetLine, object_names: dict[str, str] | None = None) -> dict[str, Any]:
    if object_names is None:
        object_names = dict(
            NationalCode.objects.filter(kind=CodeKind.OBJECT, year=line.year, code=line.object_code).values_list(
                "code", "name"
            )
        )
    return {
        "id": line.pk,
        "government": "",
        "year": line.year,
        "code": f"{line.account.code}-{line.project.code}-{line.object_code}",
        "name": f"{line.project.name} / {object_names.get(line.object_code, line.object_code)}",
        "budget": line.budget_amount,
        "appropriation": line.appropriation,
        "allocated": line.allocated,
        "committed": line.committed,
        "paid": line.paid,
        "available": line.allocated - line.committed,
    }


def object_names(year: int) -> dict[str, str]:
    return dict(NationalCode.objects.filter(kind=CodeKind.OBJECT, year=year).values_list("code", "name"))


def default_office(government: LocalGovernment, year: int, kind: str, code: str | None = None) -> Office | None:
    qs = Office.objects.filter(government=government, year=year, kind=kind)
    if code:
        return qs.filter(code=code).first()
    if kind == OfficeKind.FINANCE:
        return qs.order_by("code").first()
    offices = list(qs[:2])
    return offices[0] if len(offices) == 1 else None
