"""성과보고서 of the 결산 (지방회계법 §16, R-AC-6), generated: each 정책·단위사업 of the year with its performance
targets from the 성과계획서 of the budget (지방재정법 §5, §44의2), the result the department recorded after the year,
the achievement rate, the reason where the target was missed, and the project's 예산현액 and 지출액 from the same
budget lines as the 세입세출결산 (every 세부사업 below it)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum

from lofin.budget.queries import performance as targets_queries
from lofin.budget.rules import performance as target_rules
from lofin.core.models import LocalGovernment
from lofin.execution.models import BudgetLine


def _money(government: LocalGovernment, year: int) -> dict[int, dict[str, int]]:
    """예산현액 and 지출액 per project with targets, summed over the lines of the 세부사업 below it."""
    owners = targets_queries.owners_above(government, year)
    money: dict[int, dict[str, int]] = defaultdict(lambda: {"appropriation": 0, "paid": 0})
    rows = (
        BudgetLine.objects.filter(government=government, year=year)
        .values("project_id")
        .annotate(a=Sum("appropriation"), p=Sum("paid"))
        .values_list("project_id", "a", "p")
    )
    for project_id, appropriation, paid in rows:
        for owner in owners.get(project_id, ()):
            money[owner]["appropriation"] += appropriation or 0
            money[owner]["paid"] += paid or 0
    return money


def report(government: LocalGovernment, year: int) -> dict[str, Any]:
    """The 성과보고서 of a year: per project, its targets against their results. `complete` when every target of the
    year has a result; `unreported` names the projects still without one."""
    money = _money(government, year)
    projects: list[dict[str, Any]] = []
    by_project: dict[int, dict[str, Any]] = {}
    for target in targets_queries.targets(government, year):
        project = target.project
        entry = by_project.get(project.pk)
        if entry is None:
            entry = {
                "code": project.code,
                "name": project.name,
                "level": project.level,
                "department": project.department.name if project.department else "",
                **money.get(project.pk, {"appropriation": 0, "paid": 0}),
                "targets": [],
                "reported": True,
            }
            by_project[project.pk] = entry
            projects.append(entry)
        row: dict[str, Any] = {
            "indicator": target.indicator,
            "unit": target.unit,
            "direction": target.direction,
            "method": target.method,
            "baseline": target.baseline_value,
            "target": target.target_value,
            "achieved": target.achieved_value if target.has_result else None,
            "rate": None,
            "met": None,
            "reason": target.shortfall_reason,
        }
        if target.has_result:
            rate = target_rules.achievement_rate(target.target_value, target.achieved_value, target.direction)
            row["rate"] = str(rate)
            row["met"] = target_rules.achieved(target.target_value, target.achieved_value, target.direction)
        else:
            entry["reported"] = False
        entry["targets"].append(row)
    unreported = [p["code"] for p in projects if not p["reported"]]
    return {
        "year": year,
        "projects": projects,
        "has_targets": bool(projects),
        "unreported": unreported,
        "complete": bool(projects) and not unreported,
    }
