"""Tenant-scoped reads of budget versions: which a user may read, their totals, the CLI/API summary.

Confirmed budgets are public (지방재정법 §60 publishes them); versions still being prepared are visible only
to the government's officials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum

from lofin.core.errors import NotFound
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import has_permission

from ..access import VIEW
from ..models import (
    Account,
    AccountKind,
    BudgetVersion,
    CodeKind,
    ExpenditureLine,
    NationalCode,
    RevenueLine,
    VersionStatus,
)

KIND_KEYS = {
    AccountKind.GENERAL: "general",
    AccountKind.ENTERPRISE_SPECIAL: "enterprise_special",
    AccountKind.OTHER_SPECIAL: "other_special",
    AccountKind.FUND: "funds",
}


def versions(government: LocalGovernment, year: int) -> QuerySet[BudgetVersion]:
    return BudgetVersion.objects.filter(government=government, year=year).order_by("number")


def version_for(user: User | None, government: LocalGovernment, year: int, number: int | None = None) -> BudgetVersion:
    """A version the user may read. Without a number: the 본예산 as confirmed (else the latest draft for officials)."""
    qs = versions(government, year)
    version = qs.filter(number=0 if number is None else number).first()
    if version is None:
        raise NotFound()
    if version.status != VersionStatus.CONFIRMED and not has_permission(user, VIEW, government):
        raise NotFound()
    return version


def latest_confirmed(government: LocalGovernment, year: int) -> BudgetVersion | None:
    """The appropriation base: the last confirmed version of the year (본예산 or the latest 추경)."""
    return versions(government, year).filter(status=VersionStatus.CONFIRMED).order_by("-number").first()


@dataclass
class AccountTotal:
    account_id: int
    code: str
    name: str
    kind: str
    revenue: int
    expenditure: int


def account_totals(version: BudgetVersion) -> list[AccountTotal]:
    expenditure = dict(
        ExpenditureLine.objects.filter(version=version).values_list("account_id").annotate(s=Sum("amount"))
    )
    revenue = dict(RevenueLine.objects.filter(version=version).values_list("account_id").annotate(s=Sum("amount")))
    ids = set(expenditure) | set(revenue)
    accounts = Account.objects.filter(pk__in=ids).order_by("code")
    return [
        AccountTotal(a.pk, a.code, a.name, a.kind, revenue.get(a.pk, 0) or 0, expenditure.get(a.pk, 0) or 0)
        for a in accounts
    ]


def kind_totals(version: BudgetVersion) -> dict[str, int]:
    rows = ExpenditureLine.objects.filter(version=version).values_list("account__kind").annotate(s=Sum("amount"))
    totals = {key: 0 for key in KIND_KEYS.values()}
    for kind, amount in rows:
        totals[KIND_KEYS[AccountKind(kind)]] += amount or 0
    totals["total"] = sum(totals.values())
    return totals


def department_totals(version: BudgetVersion) -> list[dict[str, Any]]:
    rows = (
        ExpenditureLine.objects.filter(version=version)
        .values("project__department_id", "project__department__code", "project__department__name")
        .annotate(amount=Sum("amount"))
        .order_by("project__department__code")
    )
    return [
        {
            "id": r["project__department_id"],
            "code": r["project__department__code"],
            "name": r["project__department__name"],
            "amount": r["amount"],
        }
        for r in rows
    ]


def code_names(kind: str, year: int) -> dict[str, str]:
    return dict(NationalCode.objects.filter(kind=kind, year=year).values_list("code", "name"))


def field_of(sector: str) -> str:
    """부문 011 belongs to 분야 010; 부문 161 to 160; 901 to 900."""
    return sector[:2] + "0"


def by_function(version: BudgetVersion) -> list[dict[str, Any]]:
    """분야·부문별: expenditure by functional classification."""
    names = code_names(CodeKind.FUNCTION, version.year)
    rows = (
        ExpenditureLine.objects.filter(version=version).values_list("project__function_code").annotate(s=Sum("amount"))
    )
    fields: dict[str, dict[str, Any]] = {}
    for sector, amount in rows:
        field = field_of(sector)
        entry = fields.setdefault(field, {"code": field, "name": names.get(field, field), "amount": 0, "sectors": []})
        entry["amount"] += amount or 0
        entry["sectors"].append({"code": sector, "name": names.get(sector, sector), "amount": amount or 0})
    for entry in fields.values():
        entry["sectors"].sort(key=lambda s: s["code"])
    return [fields[k] for k in sorted(fields)]


def summary(version: BudgetVersion) -> dict[str, Any]:
    """The numbers of `lofin budget show` and the API: totals per account kind, by 분야, and every line."""
    names = code_names(CodeKind.OBJECT, version.year)
    lines = (
        ExpenditureLine.objects.filter(version=version)
        .order_by("account__code", "project__code", "object_code")
        .values_list("account__code", "project__code", "project__name", "object_code", "amount")
    )
    return {
        "government": version.government.code,
        "year": version.year,
        "version": version.number,
        "status": version.status,
        "totals": kind_totals(version),
        "by_field": {f["code"]: {"name": f["name"], "amount": f["amount"]} for f in by_function(version)},
        "lines": [
            {
                "code": f"{account}-{project}-{obj}",
                "name": f"{project_name} / {names.get(obj, obj)}",
                "amount": amount,
            }
            for account, project, project_name, obj, amount in lines
        ],
    }
