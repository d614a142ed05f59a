"""Tenant-scoped reads of the 관서 of a year and of the people who handle cash."""

from __future__ import annotations

from lofin.core.models import LocalGovernment, Membership, User
from lofin.core.roles import Role

from ..models import Office, OfficeKind


def default_office(government: LocalGovernment, year: int, kind: str, code: str | None = None) -> Office | None:
    """The office of that kind with `code`; without a code the finance office first in code order, or the only
    office of another kind (None when there are several)."""
    qs = Office.objects.filter(government=government, year=year, kind=kind)
    if code:
        return qs.filter(code=code).first()
    if kind == OfficeKind.FINANCE:
        return qs.order_by("code").first()
    offices = list(qs[:2])
    return offices[0] if len(offices) == 1 else None


def office_by_code(government_id: int, year: int, code: str) -> Office | None:
    """An office of the government and year by its code (None: no such office of this government)."""
    return Office.objects.filter(government_id=government_id, year=year, code=code.strip()).first()


def cashier_ids(government: LocalGovernment) -> set[int]:
    """The government's 출납원 today (separation of duties, 지방회계법 §36)."""
    return set(
        Membership.objects.current().filter(government=government, role=Role.CASHIER).values_list("user_id", flat=True)
    )


def cashiers(government: LocalGovernment) -> list[User]:
    ids = Membership.objects.current().filter(government=government, role=Role.CASHIER).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("username"))


def is_cashier(user: User, government: LocalGovernment) -> bool:
    return Membership.objects.current().filter(user=user, government=government, role=Role.CASHIER).exists()
