"""Tenant-scoped reads of budget lines: the lines of a year, their codes and names, the 정책사업 above them."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from lofin.budget.models import CodeKind, NationalCode, Project, ProjectLevel
from lofin.core.models import LocalGovernment

from ..models import BudgetLine


def _object_name() -> Subquery:
    return Subquery(
        NationalCode.objects.filter(kind=CodeKind.OBJECT, year=OuterRef("year"), code=OuterRef("object_code")).values(
            "name"
        )[:1]
    )


def with_names(lines: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    """Lines with what the API shows of them: government, account and project, and `object_name`, the name of
    the 통계목 in the national code list of the line's year."""
    return lines.select_related("government", "account", "project").annotate(object_name=_object_name())


def lines(government: LocalGovernment, year: int) -> QuerySet[BudgetLine]:
    return with_names(BudgetLine.objects.filter(government=government, year=year)).order_by(
        "account__code", "project__code", "object_code"
    )


def object_names(year: int) -> dict[str, str]:
    return dict(NationalCode.objects.filter(kind=CodeKind.OBJECT, year=year).values_list("code", "name"))


def line_code(line: BudgetLine) -> str:
    """회계-세부사업-통계목, as on the budget lines page."""
    return f"{line.account.code}-{line.project.code}-{line.object_code}"


def policy_of(project: Project) -> Project:
    """The 정책사업 above a 세부사업 (세부사업 → 단위사업 → 정책사업)."""
    current = project
    while current.parent_id is not None and current.level != ProjectLevel.POLICY:
        current = Project.objects.get(pk=current.parent_id)
    return current
