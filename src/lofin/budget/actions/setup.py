"""Set-up of a fiscal year by the budget office: accounts, the 사업 classification and its investment reviews,
계속비, and the 본예산 opened for requests."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict, InvalidInput
from lofin.core.models import Department, LocalGovernment, User
from lofin.core.permissions import require

from ..access import MANAGE
from ..models import (
    Account,
    AccountKind,
    BudgetVersion,
    CodeKind,
    ContinuingExpenditure,
    InvestmentOutcome,
    Project,
    ProjectLevel,
    ProvisionalBasis,
    VersionKind,
    VersionStatus,
)
from ..rules import setup as rules
from .common import check_code, expect, lock_version, same_government, won


def do_create_account(government: LocalGovernment, *, code: str, name: str, kind: str, actor: User) -> Account:
    require(actor, MANAGE, government)
    if kind not in AccountKind.values:
        raise InvalidInput(_("Unknown kind of account."), field="kind")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise InvalidInput(_("An account needs a code and a name."))
    with transaction.atomic():
        if Account.objects.filter(government=government, code=code).exists():
            raise Conflict(_("An account with this code exists already."), field="code")
        account = Account.objects.create(government=government, code=code, name=name, kind=kind)
        audit.record(actor, "budget.account.create", account, data={"code": code, "name": name, "kind": kind})
    return account


def do_create_project(
    government: LocalGovernment,
    *,
    year: int,
    level: str,
    code: str,
    name: str,
    account: Account,
    actor: User,
    parent: Project | None = None,
    department: Department | None = None,
    function_code: str = "",
    gender_sensitive: bool = False,
    gender_goal: str = "",
    state_share_bp: int | None = None,
    provisional_basis: str = "",
) -> Project:
    """Register a 정책사업, 단위사업 or 세부사업 of the government for a fiscal year (with, for a 준예산, the ground
    on which it would run: R-BP-11)."""
    require(actor, MANAGE, government)
    same_government(government, account, parent, department)
    if level not in ProjectLevel.values:
        raise InvalidInput(_("Unknown project level."), field="level")
    rules.check_project_parent(level, parent.level if parent else None)
    if parent is not None and parent.year != year:
        raise InvalidInput(_("The parent project is of another fiscal year."), field="parent")
    if level == ProjectLevel.POLICY:
        check_code(CodeKind.FUNCTION, year, function_code, ["sector"])
    else:
        function_code = parent.function_code if parent else function_code
    if state_share_bp is not None:
        rules.check_state_share(state_share_bp)
    if provisional_basis not in ProvisionalBasis.values:
        raise InvalidInput(_("Unknown ground for the provisional budget."), field="provisional_basis")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise InvalidInput(_("A project needs a code and a name."))
    with transaction.atomic():
        if Project.objects.filter(government=government, year=year, code=code).exists():
            raise Conflict(_("A project with this code exists already in this year."), field="code")
        project = Project.objects.create(
            government=government,
            year=year,
            level=level,
            code=code,
            name=name,
            parent=parent,
            account=account,
            department=department,
            function_code=function_code,
            gender_sensitive=gender_sensitive,
            gender_goal=(gender_goal or "").strip()[:200],
            state_share_bp=state_share_bp,
            provisional_basis=provisional_basis,
        )
        audit.record(actor, "budget.project.create", project, data={"year": year, "level": level, "code": code})
    return project


def do_record_investment_review(project: Project, *, outcome: str, actor: User) -> Project:
    require(actor, MANAGE, project.government)
    if outcome not in InvestmentOutcome.values:
        raise InvalidInput(_("Unknown investment review outcome."), field="outcome")
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(investment_review=outcome)
        project.refresh_from_db()
        audit.record(actor, "budget.project.investment_review", project, data={"outcome": outcome})
    return project


def do_set_provisional_basis(project: Project, *, basis: str, actor: User) -> Project:
    """The ground on which a project runs under 준예산 (지방자치법 §146, R-BP-11): the upkeep of an office set by law,
    spending a law makes mandatory, or the continuation of an approved project; "" for none. Its lines of the last
    confirmed budget of the year are what a 준예산 of the next year runs, at that level."""
    require(actor, MANAGE, project.government)
    if basis not in ProvisionalBasis.values:
        raise InvalidInput(_("Unknown ground for the provisional budget."), field="basis")
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(provisional_basis=basis)
        project.refresh_from_db()
        audit.record(actor, "budget.project.provisional_basis", project, data={"basis": basis})
    return project


def do_copy_projects(government: LocalGovernment, *, from_year: int, to_year: int, actor: User) -> int:
    """Carry a year's 정책·단위·세부사업 into the next year's classification, as budget offices do every autumn.
    Codes that exist already in the target year are kept as they are."""
    require(actor, MANAGE, government)
    rules.check_copy_years(from_year, to_year)
    with transaction.atomic():
        existing = set(Project.objects.filter(government=government, year=to_year).values_list("code", flat=True))
        source = list(Project.objects.filter(government=government, year=from_year).order_by("level", "code"))
        if not source:
            raise InvalidInput(_("There are no projects in %(year)s to copy.") % {"year": from_year})
        order = {ProjectLevel.POLICY: 0, ProjectLevel.UNIT: 1, ProjectLevel.DETAIL: 2}
        new_ids: dict[int, int] = {}
        created = 0
        for project in sorted(source, key=lambda p: (order[ProjectLevel(p.level)], p.code)):
            if project.code in existing:
                new_ids[project.pk] = Project.objects.get(government=government, year=to_year, code=project.code).pk
                continue
            copy = Project.objects.create(
                government=government,
                year=to_year,
                level=project.level,
                code=project.code,
                name=project.name,
                parent_id=new_ids.get(project.parent_id) if project.parent_id else None,
                account_id=project.account_id,
                department_id=project.department_id,
                function_code=project.function_code,
                gender_sensitive=project.gender_sensitive,
                gender_goal=project.gender_goal,
                state_share_bp=project.state_share_bp,
                transfer_allowed=project.transfer_allowed,
                provisional_basis=project.provisional_basis,
            )
            new_ids[project.pk] = copy.pk
            created += 1
        audit.record(
            actor,
            "budget.project.copy_year",
            government=government,
            object_type="budget.project",
            object_id=f"{from_year}->{to_year}",
            data={"from": from_year, "to": to_year, "created": created},
        )
    return created


def do_open_original(government: LocalGovernment, *, year: int, actor: User) -> BudgetVersion:
    """Start the 본예산 of a fiscal year: departments may now prepare their requests."""
    require(actor, MANAGE, government)
    with transaction.atomic():
        try:
            with transaction.atomic():
                version = BudgetVersion.objects.create(
                    government=government, year=year, number=0, kind=VersionKind.ORIGINAL
                )
        except IntegrityError:
            raise Conflict(_("The original budget of %(year)s exists already.") % {"year": year}) from None
        audit.record(actor, "budget.version.open", version, data={"year": year, "number": 0})
    return version


def do_register_continuing(
    version: BudgetVersion,
    *,
    project_code: str,
    name: str,
    total_amount: int,
    first_year: int,
    last_year: int,
    extended_by_council: bool,
    actor: User,
) -> ContinuingExpenditure:
    """계속비 in the budget: a total spread over at most five years (R-BP-8)."""
    require(actor, MANAGE, version.government)
    won(total_amount, "total_amount")
    rules.check_continuing_years(first_year, last_year, extended_by_council=extended_by_council)
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.REQUESTING, VersionStatus.ADJUSTING)
        item = ContinuingExpenditure.objects.create(
            government=version.government,
            project_code=project_code,
            name=name,
            total_amount=total_amount,
            first_year=first_year,
            last_year=last_year,
            extended_by_council=extended_by_council,
            approved_in=version,
        )
        audit.record(
            actor, "budget.continuing.register", item, data={"total": total_amount, "years": [first_year, last_year]}
        )
    return item
