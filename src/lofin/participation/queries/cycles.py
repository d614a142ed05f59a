"""Tenant-scoped reads of cycles and their phases. Every function takes the government (already access-checked by
the caller through `access_government`) or an object reached from it; other governments' rows look absent."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from lofin.core.models import LocalGovernment
from lofin.core.tenancy import for_tenant, get_for_tenant

from ..models import Cycle, District, Phase


def cycles(government: LocalGovernment) -> QuerySet[Cycle]:
    return for_tenant(Cycle.objects.all(), government).order_by("-year", "id")


def cycle(government: LocalGovernment, cycle_id: int) -> Cycle:
    return get_for_tenant(Cycle.objects.select_related("government"), government, pk=cycle_id)


def locked(cycle_id: int) -> Cycle:
    """The cycle, locked for the writers of its proposals, ballots and results (inside their transaction).
    FOR NO KEY UPDATE: serialises them without blocking inserts that refer to the cycle."""
    return Cycle.objects.select_for_update(no_key=True).select_related("government").get(pk=cycle_id)


def phases(cycle: Cycle) -> list[Phase]:
    return list(Phase.objects.filter(cycle=cycle).order_by("starts_on"))


def phase_dates(cycle: Cycle) -> dict[str, tuple[dt.date, dt.date]]:
    return {p.kind: (p.starts_on, p.ends_on) for p in Phase.objects.filter(cycle=cycle)}


def current_dates(cycle: Cycle) -> tuple[dt.date, dt.date] | None:
    """The dates of the phase the cycle is in, if it has any."""
    return phase_dates(cycle).get(cycle.phase)


def districts(cycle: Cycle) -> QuerySet[District]:
    return District.objects.filter(cycle=cycle)
