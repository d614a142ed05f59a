"""The figures of a version that the rules of a bill and a confirmed budget judge (rules.confirmation)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from lofin.core.models import LocalGovernment

from ..models import Attachment, AttachmentKind, BudgetVersion, ContinuingExpenditure, ExpenditureLine, Project
from ..rules import confirmation as rules
from .versions import account_totals, latest_confirmed


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


def explicit_carry_approved(government: LocalGovernment, year: int, project_id: int, object_code: str) -> int:
    """명시이월비 of a line in the last confirmed version of the year (R-BP-10): what it may carry as 명시이월."""
    version = latest_confirmed(government, year)
    if version is None:
        return 0
    return (
        ExpenditureLine.objects.filter(version=version, project_id=project_id, object_code=object_code)
        .values_list("explicit_carry_amount", flat=True)
        .first()
        or 0
    )


@dataclass(frozen=True)
class GenderProject:
    """One row of the 성인지 예산서: a funded 세부사업 flagged as a gender budget item."""

    code: str
    name: str
    department: str
    amount: int
    goal: str


def gender_projects(version: BudgetVersion) -> list[GenderProject]:
    """The 성인지 예산서 of a version (지방재정법 §36의2, R-BS-5): every funded project flagged as a gender budget item,
    with its amount in this version and its expected gender-equality effect, in code order."""
    rows = (
        ExpenditureLine.objects.filter(version=version, project__gender_sensitive=True)
        .values("project__code", "project__name", "project__department__name", "project__gender_goal")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .order_by("project__code")
    )
    return [
        GenderProject(
            r["project__code"],
            r["project__name"],
            r["project__department__name"] or "",
            r["total"],
            r["project__gender_goal"],
        )
        for r in rows
    ]


def has_resident_opinion(version: BudgetVersion) -> bool:
    """Whether the 주민의견서 (지방재정법 §39③) is attached to the version (R-BS-5)."""
    return Attachment.objects.filter(version=version, kind=AttachmentKind.RESIDENT_OPINION).exists()


@dataclass(frozen=True)
class ProvisionalLine:
    """A line a 준예산 runs: last year's project and 통계목 with last year's confirmed amount."""

    project: Project
    object_code: str
    account_id: int
    amount: int


def provisional_lines(government: LocalGovernment, year: int) -> tuple[BudgetVersion | None, list[ProvisionalLine]]:
    """What a 준예산 of `year` runs (지방자치법 §146, R-BP-11): the lines of the last confirmed budget of the year before
    whose project has a ground for it (an office set by law, mandatory spending, a continuing project) or a 계속비
    running into `year`, at their amount there. With the version they come from (None when there is none)."""
    version = latest_confirmed(government, year - 1)
    if version is None:
        return None, []
    continuing = set(
        ContinuingExpenditure.objects.filter(
            government=government, first_year__lte=year, last_year__gte=year
        ).values_list("project_code", flat=True)
    )
    lines = (
        ExpenditureLine.objects.filter(version=version, amount__gt=0)
        .select_related("project")
        .order_by("project__code", "object_code")
    )
    return version, [
        ProvisionalLine(line.project, line.object_code, line.account_id, line.amount)
        for line in lines
        if line.project.provisional_basis or line.project.code in continuing
    ]
