"""Tenant-scoped reads of budgets: versions, totals, the tables of the budget book, the CLI/API summary.

Confirmed budgets are public (지방재정법 §60 publishes them); versions still being prepared are visible only
to the government's officials.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr

from lofin.core.errors import NotFound
from lofin.core.models import LocalGovernment
from lofin.core.permissions import has_permission

from . import rules
from .access import VIEW
from .models import (
    Account,
    AccountKind,
    BudgetVersion,
    CalcBasis,
    CodeKind,
    ExpenditureLine,
    NationalCode,
    Project,
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


def version_for(user: Any, government: LocalGovernment, year: int, number: int | None = None) -> BudgetVersion:
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


def reserve_total(version: BudgetVersion, account_id: int) -> int:
    return (
        ExpenditureLine.objects.filter(
            version=version, account_id=account_id, object_code__in=rules.RESERVE_CODES
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )


def blocked_projects(version: BudgetVersion) -> list[tuple[str, str]]:
    return list(
        Project.objects.filter(
            lines__version=version, lines__amount__gt=0, investment_review__in=rules.BLOCKING_REVIEWS
        )
        .values_list("name", "investment_review")
        .distinct()
    )


def matching_shortfalls(version: BudgetVersion) -> list[tuple[str, int, int, int]]:
    """(name, State subsidy, local funds, local funds required) in won of each 국고보조 project short of matching.

    Grouped by project id: two projects may share a name (and a rate), and pooling them would let one's surplus
    of local money hide the other's shortfall."""
    rows = (
        ExpenditureLine.objects.filter(version=version, project__state_share_bp__isnull=False, state_amount__gt=0)
        .values("project_id", "project__name", "project__state_share_bp")
        .annotate(state=Sum("state_amount"), total=Sum("amount"))
        .order_by("project_id")
    )
    short = []
    for r in rows:
        local = r["total"] - r["state"]
        required = rules.required_matching(r["state"], r["project__state_share_bp"])
        if local < required:
            short.append((r["project__name"], r["state"], local, required))
    return short


def kind_totals(version: BudgetVersion) -> dict[str, int]:
    rows = ExpenditureLine.objects.filter(version=version).values_list("account__kind").annotate(s=Sum("amount"))
    totals = {key: 0 for key in KIND_KEYS.values()}
    for kind, amount in rows:
        totals[KIND_KEYS[AccountKind(kind)]] += amount or 0
    totals["total"] = sum(totals.values())
    return totals


def code_names(kind: str, year: int) -> dict[str, str]:
    return dict(NationalCode.objects.filter(kind=kind, year=year).values_list("code", "name"))


def by_function(version: BudgetVersion) -> list[dict[str, Any]]:
    """분야·부문별: expenditure by functional classification."""
    names = code_names(CodeKind.FUNCTION, version.year)
    rows = (
        ExpenditureLine.objects.filter(version=version).values_list("project__function_code").annotate(s=Sum("amount"))
    )
    fields: dict[str, dict[str, Any]] = {}
    for sector, amount in rows:
        field = _field_of(sector)
        entry = fields.setdefault(field, {"code": field, "name": names.get(field, field), "amount": 0, "sectors": []})
        entry["amount"] += amount or 0
        entry["sectors"].append({"code": sector, "name": names.get(sector, sector), "amount": amount or 0})
    for entry in fields.values():
        entry["sectors"].sort(key=lambda s: s["code"])
    return [fields[k] for k in sorted(fields)]


def _field_of(sector: str) -> str:
    """부문 011 belongs to 분야 010; 부문 161 to 160; 901 to 900."""
    return sector[:2] + "0"


def by_nature(version: BudgetVersion) -> list[dict[str, Any]]:
    """성질별: expenditure by 편성목 group and 편성목."""
    names = code_names(CodeKind.OBJECT, version.year)
    rows = (
        ExpenditureLine.objects.filter(version=version)
        .annotate(item=Substr("object_code", 1, 3))
        .values_list("item")
        .annotate(s=Sum("amount"))
    )
    groups: dict[str, dict[str, Any]] = {}
    for item, amount in rows:
        group = item[0] + "00"
        entry = groups.setdefault(group, {"code": group, "name": names.get(group, group), "amount": 0, "items": []})
        entry["amount"] += amount or 0
        entry["items"].append({"code": item, "name": names.get(item, item), "amount": amount or 0})
    for entry in groups.values():
        entry["items"].sort(key=lambda s: s["code"])
    return [groups[k] for k in sorted(groups)]


def revenue_by_chapter(version: BudgetVersion) -> list[dict[str, Any]]:
    """세입 by 장 and 관, per account."""
    names = code_names(CodeKind.REVENUE, version.year)
    parents = dict(
        NationalCode.objects.filter(kind=CodeKind.REVENUE, year=version.year).values_list("code", "parent_code")
    )

    totals: dict[str, dict[str, Any]] = {}
    for code, amount in (
        RevenueLine.objects.filter(version=version).values_list("revenue_code").annotate(s=Sum("amount"))
    ):
        chapter, section = _revenue_path(code, parents)
        entry = totals.setdefault(
            chapter, {"code": chapter, "name": names.get(chapter, chapter), "amount": 0, "sections": {}}
        )
        entry["amount"] += amount or 0
        sec = entry["sections"].setdefault(section, {"code": section, "name": names.get(section, section), "amount": 0})
        sec["amount"] += amount or 0
    out = []
    for key in sorted(totals):
        entry = totals[key]
        entry["sections"] = [entry["sections"][k] for k in sorted(entry["sections"])]
        out.append(entry)
    return out


def _revenue_path(code: str, parents: dict[str, str]) -> tuple[str, str]:
    """(장, 관) of a revenue code, following parent codes up to the chapter."""
    chain = [code]
    while parents.get(chain[-1]):
        chain.append(parents[chain[-1]])
    chapter = chain[-1]
    section = chain[-2] if len(chain) >= 2 else chapter
    return chapter, section


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


def version_diff(version: BudgetVersion) -> dict[str, Any]:
    """A supplementary budget against the version it amends: changed lines and totals per account kind."""
    if version.based_on_id is None:
        return {"lines": [], "totals": {}}
    base = version.based_on
    assert base is not None

    def amounts(v: BudgetVersion) -> dict[tuple[str, ...], int]:
        return {
            (acc, proj, obj): amt
            for acc, proj, obj, amt in ExpenditureLine.objects.filter(version=v).values_list(
                "account__code", "project__code", "object_code", "amount"
            )
        }

    changed = rules.diff(amounts(base), amounts(version))
    before, after = kind_totals(base), kind_totals(version)
    return {
        "lines": [{"key": "-".join(d.key), "before": d.before, "after": d.after, "change": d.change} for d in changed],
        "totals": {k: {"before": before[k], "after": after[k], "change": after[k] - before[k]} for k in after},
    }


def project_tree(version: BudgetVersion, department_id: int | None = None) -> list[dict[str, Any]]:
    """사업별: department → 정책사업 → 단위사업 → 세부사업 → 통계목 → 산출근거, for the book and downloads."""
    names = code_names(CodeKind.OBJECT, version.year)
    lines_qs = ExpenditureLine.objects.filter(version=version)
    if department_id is not None:
        lines_qs = lines_qs.filter(project__department_id=department_id)
    lines = list(
        lines_qs.values_list(
            "id",
            "project_id",
            "object_code",
            "amount",
            "previous_amount",
            "project__department__name",
            "project__department__code",
        ).order_by("project__department__code", "project__code", "object_code")
    )
    basis: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for line_id, description, amount in (
        CalcBasis.objects.filter(line__in=lines_qs)
        .order_by("line_id", "seq")
        .values_list("line_id", "description", "amount")
    ):
        basis[line_id].append((description, amount))
    projects = {
        p.pk: p
        for p in Project.objects.filter(government=version.government, year=version.year).only(
            "id", "code", "name", "parent_id", "level"
        )
    }
    tree: dict[str, dict[str, Any]] = {}
    for line_id, project_id, obj, amount, previous, dept_name, dept_code in lines:
        detail = projects[project_id]
        unit = projects.get(detail.parent_id) if detail.parent_id else None
        policy = projects.get(unit.parent_id) if unit and unit.parent_id else None
        dept = tree.setdefault(dept_code or "", {"name": dept_name or "", "amount": 0, "policies": {}})
        dept["amount"] += amount
        pol = dept["policies"].setdefault(
            policy.code if policy else "", {"name": policy.name if policy else "", "amount": 0, "units": {}}
        )
        pol["amount"] += amount
        un = pol["units"].setdefault(
            unit.code if unit else "", {"name": unit.name if unit else "", "amount": 0, "details": {}}
        )
        un["amount"] += amount
        de = un["details"].setdefault(detail.code, {"name": detail.name, "amount": 0, "lines": []})
        de["amount"] += amount
        de["lines"].append(
            {
                "object_code": obj,
                "object_name": names.get(obj, obj),
                "amount": amount,
                "previous_amount": previous,
                "basis": basis.get(line_id, []),
            }
        )
    return [{"code": code, **tree[code]} for code in sorted(tree)]


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


def public_filter() -> Q:
    return Q(status=VersionStatus.CONFIRMED)
