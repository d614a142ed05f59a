"""Tenant-scoped reads of 일상경비 advances."""

from __future__ import annotations

from django.db.models import QuerySet

from lofin.core.models import LocalGovernment

from ..models import ImprestAdvance


def imprests(government: LocalGovernment, year: int | None = None) -> QuerySet[ImprestAdvance]:
    found = ImprestAdvance.objects.filter(government=government)
    if year is not None:
        found = found.filter(line__year=year)
    return found.select_related("cashier", "payment").order_by("pk")
