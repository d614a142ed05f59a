"""Reads of the 성과계획서: the performance targets of a government's year, per project, and what is still without
a result (read by the 결산's 성과보고서 through here)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet, Sum

from lofin.core.models import LocalGovernment

from ..models import BudgetVersion, ExpenditureLine, PerformanceTarget, Project


def targets(government: LocalGovernment, year: int) -> QuerySet[PerformanceTarget]:
    """Every target of the year, in the order of the 성과계획서: by project code, then as set."""
    return (
        PerformanceTarget.objects.filter(government=government, project__year=year)
        .select_related("project", "project__department")
        .order_by("project__code", "pk")
    )


def of_project(project: Project) -> QuerySet[PerformanceTarget]:
    return PerformanceTarget.objects.filter(project=project).order_by("pk")


def without_result(government: LocalGovernment, year: int) -> list[Project]:
    """The projects of the year with a target whose result is not recorded, by code."""
    ids = targets(government, year).filter(result_recorded_at__isnull=True).values_list("project_id", flat=True)
    return list(Project.objects.filter(pk__in=ids).order_by("code"))


def owners_above(government: LocalGovernment, year: int) -> dict[int, list[int]]:
    """Each project of the year mapped to the projects with targets among itself and its ancestors: how a
    세부사업's lines add up to every 정책·단위사업 whose targets report on them."""
    parents = dict(Project.objects.filter(government=government, year=year).values_list("pk", "parent_id"))
    owners = set(targets(government, year).values_list("project_id", flat=True))
    out: dict[int, list[int]] = {}
    for pk in parents:
        node: int | None = pk
        found: list[int] = []
        while node is not None:
            if node in owners:
                found.append(node)
            node = parents.get(node)
        if found:
            out[pk] = found
    return out


def plan(version: BudgetVersion) -> list[dict[str, Any]]:
    """The 성과계획서 of a version (지방재정법 §5, §44의2): every project with targets, its amount in this version (the
    lines of every 세부사업 below it) and its targets, in code order."""
    owners = owners_above(version.government, version.year)
    amounts: dict[int, int] = defaultdict(int)
    for project_id, total in (
        ExpenditureLine.objects.filter(version=version)
        .values("project_id")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "s")
    ):
        for owner in owners.get(project_id, ()):
            amounts[owner] += total or 0
    out: list[dict[str, Any]] = []
    by_project: dict[int, dict[str, Any]] = {}
    for target in targets(version.government, version.year):
        entry = by_project.get(target.project_id)
        if entry is None:
            project = target.project
            entry = {
                "code": project.code,
                "name": project.name,
                "level": project.get_level_display(),
                "department": project.department.name if project.department else "",
                "amount": amounts.get(project.pk, 0),
                "targets": [],
            }
            by_project[target.project_id] = entry
            out.append(entry)
        entry["targets"].append(target)
    return out
