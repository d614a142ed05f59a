"""The figures of a version that the rules of a bill and a confirmed budget judge (rules.confirmation)."""

from __future__ import annotations

from django.db.models import Sum

from ..models import BudgetVersion, ExpenditureLine, Project
from ..rules import confirmation as rules
from .versions import account_totals


def reserve_total(version: BudgetVersion, account_id: int) -> int:
    """The 일반예비비 of an account: the one held to 1 % and required (R-BP-3); the disaster reserve is not in it."""
    return (
        ExpenditureLine.objects.filter(
            version=version, account_id=account_id, object_code=rules.GENERAL_RESERVE_CODE
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )


def account_figures(version: BudgetVersion) -> list[rules.AccountFigures]:
    """Each 회계 of the version with its revenue, expenditure and (for the general account) 일반예비비."""
    return [
        rules.AccountFigures(
            a.code,
            a.name,
            a.kind,
            a.revenue,
            a.expenditure,
            reserve_total(version, a.account_id) if a.kind == rules.GENERAL else 0,
        )
        for a in account_totals(version)
    ]


def blocked_projects(version: BudgetVersion) -> list[tuple[str, str]]:
    """(name, outcome) of the funded projects whose 투자심사 blocks them."""
    return list(
        Project.objects.filter(
            lines__version=version, lines__amount__gt=0, investment_review__in=rules.BLOCKING_REVIEWS
        )
        .values_list("name", "investment_review")
        .distinct()
    )


def subsidised_projects(version: BudgetVersion) -> list[rules.SubsidisedProject]:
    """Each 국고보조 project with State subsidy on its lines.

    Grouped by project id: two projects may share a name (and a rate), and pooling them would let one's surplus
    of local money hide the other's shortfall."""
    rows = (
        ExpenditureLine.objects.filter(version=version, project__state_share_bp__isnull=False, state_amount__gt=0)
        .values("project_id", "project__name", "project__state_share_bp")
        .annotate(state=Sum("state_amount"), total=Sum("amount"))
        .order_by("project_id")
    )
    return [
        rules.SubsidisedProject(r["project__name"], r["state"], r["total"], r["project__state_share_bp"]) for r in rows
    ]


def matching_shortfalls(version: BudgetVersion) -> list[tuple[str, int, int, int]]:
    """(name, State subsidy, local funds, local funds required) in won of each 국고보조 project short of matching."""
    short = []
    for project in subsidised_projects(version):
        if found := rules.matching_shortfall(project):
            short.append((project.name, project.state, *found))
    return short
