"""세입세출결산: the budget against what happened, per line, from execution's records.

Expenditure per budget line (회계-세부사업-통계목): 예산현액, 지출액, 다음연도 이월액 by kind (명시·사고·계속비), 불용액,
with 예산현액 = 지출액 + 이월액 + 불용액 and 불용액 ≥ 0 checked (R-AC-4): a line whose payments and carry-overs exceed
its 예산현액 shows the excess (`overspent`), never a negative 불용액. Revenue per 회계 and 세입 목: 예산액 (the last confirmed budget
of the year), 징수결정액, 수납액, 불납결손액 (시효소멸), 미수납액 = 징수결정 − 수납 − 결손."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum

from lofin.budget.models import Account, BudgetVersion, RevenueLine, VersionStatus
from lofin.execution.models import Assessment, AssessmentStatus, BudgetLine, CarryOver, CarryOverKind

from . import rules

KINDS = (CarryOverKind.EXPLICIT.value, CarryOverKind.ACCIDENT.value, CarryOverKind.CONTINUING.value)


class ResultMismatch(AssertionError):
    """An identity of the 세입세출결산 does not hold: a bug, never a user error."""


def expenditure_rows(government_id: int, year: int, accounts: list[int] | None = None) -> list[dict[str, Any]]:
    carried: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    carries = CarryOver.objects.filter(government_id=government_id, from_line__year=year)
    for line_id, kind, amount in (
        carries.values("from_line_id", "kind").annotate(s=Sum("amount")).values_list("from_line_id", "kind", "s")
    ):
        carried[line_id][kind] += amount or 0
    lines = BudgetLine.objects.filter(government_id=government_id, year=year)
    if accounts is not None:
        lines = lines.filter(account_id__in=accounts)
    rows = []
    for pk, account_code, account_kind, project_code, project_name, object_code, appropriation, paid in lines.order_by(
        "account__code", "project__code", "object_code", "pk"
    ).values_list(
        "pk",
        "account__code",
        "account__kind",
        "project__code",
        "project__name",
        "object_code",
        "appropriation",
        "paid",
    ):
        carry = carried.get(pk, dict.fromkeys(KINDS, 0))
        total_carried = sum(carry.values())
        lapsed, overspent = rules.lapse(appropriation, paid, total_carried)
        row: dict[str, Any] = {
            "line_id": pk,
            "account": account_code,
            "entity": account_kind,
            "project": project_code,
            "project_name": project_name,
            "object_code": object_code,
            "appropriation": appropriation,
            "paid": paid,
            "carried_explicit": carry[KINDS[0]],
            "carried_accident": carry[KINDS[1]],
            "carried_continuing": carry[KINDS[2]],
            "carried": total_carried,
            "lapsed": lapsed,
            "overspent": overspent,
        }
        if row["appropriation"] + row["overspent"] != row["paid"] + row["carried"] + row["lapsed"]:
            raise ResultMismatch(row)
        rows.append(row)
    return rows


def overspent_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """R-AC-4: the expenditure lines whose 지출액 + 이월액 exceed the 예산현액, each with its figures."""
    return [
        {k: r[k] for k in ("line_id", "account", "project", "object_code", "appropriation", "paid", "carried")}
        | {"overspent": r["overspent"]}
        for r in rows
        if r["overspent"]
    ]


def _budget_version(government_id: int, year: int) -> BudgetVersion | None:
    return (
        BudgetVersion.objects.filter(government_id=government_id, year=year, status=VersionStatus.CONFIRMED)
        .order_by("-number")
        .first()
    )


def revenue_rows(government_id: int, year: int, accounts: list[int] | None = None) -> list[dict[str, Any]]:
    figures: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: {"budget": 0, "assessed": 0, "collected": 0, "prescribed": 0}
    )
    version = _budget_version(government_id, year)
    if version is not None:
        for account_id, code, amount in RevenueLine.objects.filter(version=version).values_list(
            "account_id", "revenue_code", "amount"
        ):
            figures[(account_id, code)]["budget"] += amount
    assessments = Assessment.objects.filter(government_id=government_id, year=year).exclude(
        status=AssessmentStatus.CANCELLED
    )
    for account_id, code, status, amount, collected in (
        assessments.values("account_id", "revenue_code", "status")
        .annotate(a=Sum("amount"), c=Sum("collected_amount"))
        .values_list("account_id", "revenue_code", "status", "a", "c")
    ):
        f = figures[(account_id, code)]
        f["assessed"] += amount or 0
        f["collected"] += collected or 0
        if status == AssessmentStatus.PRESCRIBED:
            f["prescribed"] += (amount or 0) - (collected or 0)
    names = dict(Account.objects.filter(government_id=government_id).values_list("pk", "code"))
    kinds = dict(Account.objects.filter(government_id=government_id).values_list("pk", "kind"))
    rows = []
    for (account_id, code), f in sorted(figures.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])):
        if accounts is not None and account_id not in accounts:
            continue
        rows.append(
            {
                "account": names.get(account_id, str(account_id)),
                "entity": kinds.get(account_id, ""),
                "revenue_code": code,
                **f,
                "uncollected": f["assessed"] - f["collected"] - f["prescribed"],
            }
        )
    return rows


def _total(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, int]:
    return {k: sum(r.get(k, 0) for r in rows) for k in keys}


EXPENDITURE_KEYS = (
    "appropriation",
    "paid",
    "carried_explicit",
    "carried_accident",
    "carried_continuing",
    "carried",
    "lapsed",
    "overspent",
)
REVENUE_KEYS = ("budget", "assessed", "collected", "prescribed", "uncollected")


def budget_result(government_id: int, year: int, accounts: list[int] | None = None) -> dict[str, Any]:
    """The 세입세출결산 of a government's year (of some 회계 only when `accounts` is given)."""
    expenditure = expenditure_rows(government_id, year, accounts)
    revenue = revenue_rows(government_id, year, accounts)
    totals: dict[str, Any] = {
        "expenditure": _total(expenditure, EXPENDITURE_KEYS),
        "revenue": _total(revenue, REVENUE_KEYS),
    }
    # 결산상 잉여금 before earmarks (지방회계법 §19): 세입 수납 − 세출 지출 − 이월.
    totals["surplus"] = (
        totals["revenue"]["collected"] - totals["expenditure"]["paid"] - totals["expenditure"]["carried"]
    )
    return {"expenditure": expenditure, "revenue": revenue, "totals": totals, "overspent": overspent_lines(expenditure)}


def for_entity(result: dict[str, Any], entity: str | None) -> dict[str, Any]:
    """The rows of one accounting entity's 회계 (all for None or "consolidated"), with their totals."""
    if entity in (None, "consolidated"):
        return result
    expenditure = [r for r in result["expenditure"] if r["entity"] == entity]
    revenue = [r for r in result["revenue"] if r["entity"] == entity]
    totals: dict[str, Any] = {
        "expenditure": _total(expenditure, EXPENDITURE_KEYS),
        "revenue": _total(revenue, REVENUE_KEYS),
    }
    totals["surplus"] = (
        totals["revenue"]["collected"] - totals["expenditure"]["paid"] - totals["expenditure"]["carried"]
    )
    overspent = [r for r in result.get("overspent", []) if any(e["line_id"] == r["line_id"] for e in expenditure)]
    return {"expenditure": expenditure, "revenue": revenue, "totals": totals, "overspent": overspent}
