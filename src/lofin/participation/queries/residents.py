"""Reads of the people who take part: a user's verified resident record and the current resident list."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser

from lofin.core.models import LocalGovernment, User

from ..errors import NotVerified
from ..models import CensusEntry, CensusList, Cycle, Phase, PhaseKind, Resident
from ..rules.residents import latest_birth_date


def resident(government: LocalGovernment, user: User | AnonymousUser) -> Resident | None:
    if not user.is_authenticated:
        return None
    return Resident.objects.filter(government=government, user=user).first()


def resident_of(user: User | AnonymousUser, government: LocalGovernment) -> Resident:
    """The person's verified record in the government; taking part without one is refused (`NotVerified`)."""
    person = resident(government, user)
    if person is None:
        raise NotVerified()
    return person


def census_entry(government: LocalGovernment, identity: str) -> CensusEntry | None:
    """The person's row on the current resident list (the first by kind: resident before worker before student)."""
    return (
        CensusEntry.objects.filter(government=government, census__is_current=True, identity_hash=identity)
        .order_by("basis", "id")
        .first()
    )


def current_census(government: LocalGovernment) -> CensusList | None:
    return CensusList.objects.filter(government=government, is_current=True).first()


def eligible_count(cycle: Cycle) -> int:
    """People on the current list of an allowed kind and of age on the last voting day, each person once."""
    vote = Phase.objects.filter(cycle=cycle, kind=PhaseKind.VOTING).first()
    day = vote.ends_on if vote else dt.date(cycle.year, 1, 1)
    return (
        CensusEntry.objects.filter(
            government_id=cycle.government_id,
            census__is_current=True,
            basis__in=cycle.eligible_bases,
            birth_date__lte=latest_birth_date(day, cycle.min_age),
        )
        .values("identity_hash")
        .distinct()
        .count()
    )
