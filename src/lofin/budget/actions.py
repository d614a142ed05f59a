"""The only writers of budget formulation. Each action checks the stage, the role and the rules, writes in one
transaction and leaves an audit record. Rejected actions write nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.approvals import actions as approvals
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lofin.core.models import Department, LocalGovernment, Official
from lofin.core.permissions import require
from lofin.core.roles import Role

from . import rules
from .access import MANAGE, REQUEST, UnknownCode, VersionLocked, WrongStage
from .models import (
    Account,
    AccountKind,
    BudgetVersion,
    CalcBasis,
    CodeKind,
    ContinuingExpenditure,
    DepartmentSubmission,
    ExpenditureLine,
    NationalCode,
    Project,
    ProjectLevel,
    RevenueLine,
    SubmissionStatus,
    VersionKind,
    VersionStatus,
)

MAX_AMOUNT = 10**15


@dataclass(frozen=True)
class BasisIn:
    description: str
    unit_price: int
    quantity: int = 1
    times: int = 1
    # Set for a lump sum whose basis is only text; otherwise the product of the three numbers.
    amount: int | None = None


def _same_government(government: LocalGovernment, *objects: Any) -> None:
    """Objects from another government look absent, like everything else that is not yours."""
    for obj in objects:
        if obj is not None and obj.government_id != government.pk:
            raise NotFound()


def _check_code(kind: str, year: int, code: str, levels: Sequence[str]) -> NationalCode:
    found = NationalCode.objects.filter(kind=kind, year=year, code=code, level__in=levels).first()
    if found is None:
        raise UnknownCode(
            _("%(code)s is not a valid code for %(year)s.") % {"code": code, "year": year}, code_value=code
        )
    return found


def _amount(value: int, field: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("An amount must be a whole number of won."), field=field)
    if value < 0:
        raise InvalidInput(_("An amount cannot be negative."), field=field)
    if value > MAX_AMOUNT:
        raise InvalidInput(_("The amount is too large."), field=field)
    return value


def _lock_version(version_id: int) -> BudgetVersion:
    try:
        return BudgetVersion.objects.select_for_update(of=("self",)).select_related("government").get(pk=version_id)
    except BudgetVersion.DoesNotExist:
        raise NotFound() from None


def _expect(version: BudgetVersion, *statuses: str) -> None:
    if version.status in statuses:
        return
    if version.locked:
        raise VersionLocked()
    raise WrongStage(
        _("The budget is at the stage “%(stage)s”; this needs “%(needed)s”.")
        % {
            "stage": version.get_status_display(),
            "needed": ", ".join(str(VersionStatus(s).label) for s in statuses),
        },
        stage=version.status,
    )


# --- set-up of the fiscal year ---------------------------------------------------------------------------


def do_create_account(government: LocalGovernment, *, code: str, name: str, kind: str, actor: Any) -> Account:
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
    actor: Any,
    parent: Project | None = None,
    department: Department | None = None,
    function_code: str = "",
    gender_sensitive: bool = False,
    gender_goal: str = "",
    state_share_bp: int | None = None,
) -> Project:
    """Register a 정책사업, 단위사업 or 세부사업 of the government for a fiscal year."""
    require(actor, MANAGE, government)
    _same_government(government, account, parent, department)
    if level not in ProjectLevel.values:
        raise InvalidInput(_("Unknown project level."), field="level")
    expected_parent = {
        ProjectLevel.POLICY: None,
        ProjectLevel.UNIT: ProjectLevel.POLICY,
        ProjectLevel.DETAIL: ProjectLevel.UNIT,
    }[ProjectLevel(level)]
    if (parent.level if parent else None) != expected_parent:
        raise InvalidInput(_("A 세부사업 belongs to a 단위사업, which belongs to a 정책사업."), field="parent")
    if parent is not None and parent.year != year:
        raise InvalidInput(_("The parent project is of another fiscal year."), field="parent")
    if level == ProjectLevel.POLICY:
        _check_code(CodeKind.FUNCTION, year, function_code, ["sector"])
    else:
        function_code = parent.function_code if parent else function_code
    if state_share_bp is not None and not 0 < state_share_bp <= 10_000:
        raise InvalidInput(_("The State's share must be between 0 and 100 %."), field="state_share_bp")
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
            gender_goal=gender_goal,
            state_share_bp=state_share_bp,
        )
        audit.record(actor, "budget.project.create", project, data={"year": year, "level": level, "code": code})
    return project


def do_record_investment_review(project: Project, *, outcome: str, actor: Any) -> Project:
    require(actor, MANAGE, project.government)
    from .models import InvestmentOutcome

    if outcome not in InvestmentOutcome.values:
        raise InvalidInput(_("Unknown investment review outcome."), field="outcome")
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(investment_review=outcome)
        project.refresh_from_db()
        audit.record(actor, "budget.project.investment_review", project, data={"outcome": outcome})
    return project


# --- versions -----------------------------------------------------------------------------------------------


def do_open_original(government: LocalGovernment, *, year: int, actor: Any) -> BudgetVersion:
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


def _copy_lines(source: BudgetVersion, target: BudgetVersion) -> None:
    """A supplementary budget starts as a copy of the version it amends; amounts become the 기정액."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO budget_expenditureline
                (version_id, government_id, account_id, project_id, object_code, previous_amount,
                 requested_amount, proposed_amount, amount, state_amount, province_amount,
                 adjust_reason, amend_reason, added_by_council)
            SELECT %s, government_id, account_id, project_id, object_code, amount,
                   amount, NULL, amount, state_amount, province_amount, '', '', %s
            FROM budget_expenditureline WHERE version_id = %s
            """,
            [target.pk, False, source.pk],
        )
        cursor.execute(
            """
            INSERT INTO budget_calcbasis (line_id, seq, description, unit_price, quantity, times, amount)
            SELECT nl.id, b.seq, b.description, b.unit_price, b.quantity, b.times, b.amount
            FROM budget_calcbasis b
            JOIN budget_expenditureline ol ON ol.id = b.line_id
            JOIN budget_expenditureline nl
              ON nl.version_id = %s AND nl.project_id = ol.project_id AND nl.object_code = ol.object_code
            WHERE ol.version_id = %s
            """,
            [target.pk, source.pk],
        )
        cursor.execute(
            """
            INSERT INTO budget_revenueline
                (version_id, government_id, account_id, department_id, revenue_code, previous_amount,
                 requested_amount, proposed_amount, amount, basis_text, adjust_reason, amend_reason)
            SELECT %s, government_id, account_id, department_id, revenue_code, amount,
                   amount, NULL, amount, basis_text, '', ''
            FROM budget_revenueline WHERE version_id = %s
            """,
            [target.pk, source.pk],
        )


def do_open_supplementary(government: LocalGovernment, *, year: int, actor: Any) -> BudgetVersion:
    """제n회 추가경정예산: a new version of the year, starting from the last confirmed one."""
    require(actor, MANAGE, government)
    with transaction.atomic():
        versions = list(
            BudgetVersion.objects.select_for_update().filter(government=government, year=year).order_by("number")
        )
        if not versions:
            raise WrongStage(_("There is no budget of %(year)s to amend yet.") % {"year": year})
        last = versions[-1]
        if last.status != VersionStatus.CONFIRMED:
            raise WrongStage(_("Finish the budget being prepared before opening another supplementary budget."))
        version = BudgetVersion.objects.create(
            government=government, year=year, number=last.number + 1, kind=VersionKind.SUPPLEMENTARY, based_on=last
        )
        _copy_lines(last, version)
        audit.record(
            actor, "budget.version.open", version, data={"year": year, "number": version.number, "based_on": last.pk}
        )
    return version


# --- department requests (요구) ------------------------------------------------------------------------------


def _post(actor: Any, government: LocalGovernment) -> Official | None:
    return Official.objects.filter(user=actor, government=government).first()


def _require_department(actor: Any, government: LocalGovernment, department: Department | None) -> None:
    """Departments prepare their own requests; the budget office may prepare any."""
    require(actor, REQUEST, government)
    from lofin.core.permissions import roles_in

    if Role.BUDGET_OFFICER in roles_in(actor, government):
        return
    post = _post(actor, government)
    if department is None or post is None or post.department_id != department.pk:
        raise PermissionDenied(_("Only the department responsible for this project may prepare its request."))


def _open_submission(version: BudgetVersion, department: Department | None) -> None:
    if department is None:
        return
    submission = DepartmentSubmission.objects.filter(version=version, department=department).first()
    if submission is not None and submission.status in (SubmissionStatus.IN_APPROVAL, SubmissionStatus.SUBMITTED):
        raise WrongStage(_("The department's request has been submitted; ask for it to be returned to change it."))


def do_save_request_line(
    version: BudgetVersion,
    *,
    project: Project,
    object_code: str,
    basis: Sequence[BasisIn],
    actor: Any,
    state_amount: int = 0,
    province_amount: int = 0,
) -> ExpenditureLine:
    """Write (or rewrite) one requested line: the amount is the sum of its 산출근거."""
    government = version.government
    _same_government(government, project)
    _require_department(actor, government, project.department)
    if project.level != ProjectLevel.DETAIL or project.year != version.year:
        raise InvalidInput(_("Requests are made per 세부사업 of the same fiscal year."), field="project")
    _check_code(CodeKind.OBJECT, version.year, object_code, ["subitem"])
    rules.check_investment_review(project.investment_review, project.name)
    if not basis:
        raise InvalidInput(_("Give at least one line of calculation basis (산출근거)."), field="basis")
    rows = []
    for i, b in enumerate(basis, start=1):
        description = (b.description or "").strip()
        if not description:
            raise InvalidInput(_("Every calculation line needs a description."), field=f"basis.{i}.description")
        for field, value in (("unit_price", b.unit_price), ("quantity", b.quantity), ("times", b.times)):
            _amount(value, f"basis.{i}.{field}")
        computed = rules.basis_amount(b.unit_price, b.quantity, b.times)
        if b.amount is not None and b.amount != computed and b.unit_price:
            raise InvalidInput(
                _("Line %(n)s: %(price)s × %(qty)s × %(times)s is %(computed)s, not %(given)s.")
                % {
                    "n": i,
                    "price": f"{b.unit_price:,}",
                    "qty": b.quantity,
                    "times": b.times,
                    "computed": f"{computed:,}",
                    "given": f"{b.amount:,}",
                },
                field=f"basis.{i}.amount",
            )
        amount = _amount(b.amount if b.amount is not None and not b.unit_price else computed, f"basis.{i}.amount")
        rows.append((i, description[:200], b.unit_price, b.quantity, b.times, amount))
    total = _amount(sum(r[5] for r in rows))
    _amount(state_amount, "state_amount")
    _amount(province_amount, "province_amount")
    if state_amount + province_amount > total:
        raise InvalidInput(_("The State and province shares cannot exceed the line's amount."), field="state_amount")
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.REQUESTING)
        _open_submission(version, project.department)
        line, _created = ExpenditureLine.objects.update_or_create(
            version=version,
            project=project,
            object_code=object_code,
            defaults={
                "government": government,
                "account_id": project.account_id,
                "requested_amount": total,
                "amount": total,
                "state_amount": state_amount,
                "province_amount": province_amount,
            },
        )
        CalcBasis.objects.filter(line=line).delete()
        CalcBasis.objects.bulk_create(
            [
                CalcBasis(line=line, seq=seq, description=d, unit_price=p, quantity=q, times=t, amount=a)
                for seq, d, p, q, t, a in rows
            ]
        )
        audit.record(
            actor,
            "budget.line.request",
            line,
            data={"version": version.pk, "project": project.code, "object": object_code, "amount": total},
        )
    return line


def do_delete_request_line(line_id: int, *, actor: Any) -> None:
    with transaction.atomic():
        try:
            line = ExpenditureLine.objects.select_related("version", "project", "government").get(pk=line_id)
        except ExpenditureLine.DoesNotExist:
            raise NotFound() from None
        _require_department(actor, line.government, line.project.department)
        version = _lock_version(line.version_id)
        _expect(version, VersionStatus.REQUESTING)
        _open_submission(version, line.project.department)
        if line.previous_amount:
            raise Conflict(_("A line of the amended budget cannot be removed; request 0 won instead."))
        data = {"project": line.project.code, "object": line.object_code, "amount": line.amount}
        line.delete()
        audit.record(
            actor,
            "budget.line.delete",
            government=version.government,
            object_type="budget.expenditureline",
            object_id=line_id,
            data=data,
        )


def do_save_revenue_request(
    version: BudgetVersion,
    *,
    account: Account,
    revenue_code: str,
    amount: int,
    actor: Any,
    department: Department | None = None,
    basis_text: str = "",
) -> RevenueLine:
    government = version.government
    _same_government(government, account, department)
    _require_department(actor, government, department)
    _check_code(CodeKind.REVENUE, version.year, revenue_code, ["item", "subitem"])
    _amount(amount)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.REQUESTING)
        line, _created = RevenueLine.objects.update_or_create(
            version=version,
            account=account,
            revenue_code=revenue_code,
            defaults={
                "government": government,
                "department": department,
                "requested_amount": amount,
                "amount": amount,
                "basis_text": basis_text[:300],
            },
        )
        audit.record(
            actor, "budget.revenue.request", line, data={"version": version.pk, "code": revenue_code, "amount": amount}
        )
    return line


def do_submit_department(
    version: BudgetVersion, *, department: Department, line: Sequence[tuple[str, Any]], actor: Any, idempotency_key: str
) -> DepartmentSubmission:
    """The department sends its request to the budget office through its approval line (결재)."""
    government = version.government
    _same_government(government, department)
    _require_department(actor, government, department)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.REQUESTING)
        submission, _created = DepartmentSubmission.objects.select_for_update().get_or_create(
            version=version, department=department, defaults={"government": government}
        )
        if submission.status in (SubmissionStatus.IN_APPROVAL, SubmissionStatus.SUBMITTED):
            raise WrongStage(_("The department's request has already been submitted."))
        total = (
            ExpenditureLine.objects.filter(version=version, project__department=department).aggregate(
                s=Sum("requested_amount")
            )["s"]
            or 0
        )
        approval = approvals.do_submit_for_approval(
            government=government,
            doc_kind="budget.request",
            subject_type="budget.departmentsubmission",
            subject_id=submission.pk,
            title=str(
                _("%(year)s budget request of %(department)s") % {"year": version.year, "department": department.name}
            ),
            amount=total,
            line=line,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        DepartmentSubmission.objects.filter(pk=submission.pk).update(
            status=SubmissionStatus.IN_APPROVAL, approval=approval
        )
        submission.refresh_from_db()
        audit.record(actor, "budget.request.submit", submission, data={"version": version.pk, "total": total})
    return submission


# --- adjustment (조정) by the budget office ---------------------------------------------------------------------


def do_close_requests(version: BudgetVersion, *, actor: Any) -> BudgetVersion:
    """요구 마감: the budget office starts adjusting; the requested amounts become the starting proposal."""
    require(actor, MANAGE, version.government)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.REQUESTING)
        ExpenditureLine.objects.filter(version=version).update(
            proposed_amount=F("requested_amount"), amount=F("requested_amount")
        )
        RevenueLine.objects.filter(version=version).update(
            proposed_amount=F("requested_amount"), amount=F("requested_amount")
        )
        BudgetVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.ADJUSTING, requests_closed_at=timezone.now()
        )
        version.refresh_from_db()
        audit.record(actor, "budget.version.close_requests", version)
    return version


def _line_for_update(model: Any, line_id: int) -> Any:
    try:
        return model.objects.select_for_update(of=("self",)).select_related("version", "government").get(pk=line_id)
    except model.DoesNotExist:
        raise NotFound() from None


def do_adjust_line(line_id: int, *, amount: int, reason: str, actor: Any) -> ExpenditureLine:
    """조정: the budget office changes a requested amount, saying why."""
    _amount(amount)
    with transaction.atomic():
        line = _line_for_update(ExpenditureLine, line_id)
        require(actor, MANAGE, line.government)
        version = _lock_version(line.version_id)
        _expect(version, VersionStatus.ADJUSTING)
        reason = (reason or "").strip()
        if amount != line.requested_amount and not reason:
            raise InvalidInput(_("Say why the requested amount is changed."), field="reason")
        if line.state_amount + line.province_amount > amount:
            raise InvalidInput(_("The State and province shares cannot exceed the line's amount."), field="amount")
        ExpenditureLine.objects.filter(pk=line.pk).update(
            proposed_amount=amount, amount=amount, adjust_reason=reason[:300]
        )
        line.refresh_from_db()
        audit.record(
            actor,
            "budget.line.adjust",
            line,
            data={"requested": line.requested_amount, "adjusted": amount, "reason": reason},
        )
    return line


def do_adjust_revenue(line_id: int, *, amount: int, reason: str, actor: Any) -> RevenueLine:
    _amount(amount)
    with transaction.atomic():
        line = _line_for_update(RevenueLine, line_id)
        require(actor, MANAGE, line.government)
        version = _lock_version(line.version_id)
        _expect(version, VersionStatus.ADJUSTING)
        reason = (reason or "").strip()
        if amount != line.requested_amount and not reason:
            raise InvalidInput(_("Say why the requested amount is changed."), field="reason")
        RevenueLine.objects.filter(pk=line.pk).update(proposed_amount=amount, amount=amount, adjust_reason=reason[:300])
        line.refresh_from_db()
        audit.record(actor, "budget.revenue.adjust", line, data={"adjusted": amount, "reason": reason})
    return line


def check_version(version: BudgetVersion) -> None:
    """The rules every bill and every confirmed budget must satisfy."""
    from . import queries

    totals = queries.account_totals(version)
    general = [a for a in totals if a.kind == AccountKind.GENERAL]
    if not general:
        raise rules.BudgetRuleViolation(_("A budget needs a general account."), rule="R-BP-3")
    for account in general:
        rules.check_reserve(account.expenditure, queries.reserve_total(version, account.account_id))
    unbalanced = [a for a in totals if a.revenue != a.expenditure]
    if unbalanced:
        first = unbalanced[0]
        raise rules.BudgetRuleViolation(
            _("%(account)s does not balance: revenue %(revenue)s won, expenditure %(expenditure)s won.")
            % {"account": first.name, "revenue": f"{first.revenue:,}", "expenditure": f"{first.expenditure:,}"},
            rule="balance",
            accounts=[a.code for a in unbalanced],
        )
    for project_name, outcome in queries.blocked_projects(version):
        rules.check_investment_review(outcome, project_name)
    for project_name, state, local, required in queries.matching_shortfalls(version):
        raise rules.BudgetRuleViolation(
            _(
                "“%(project)s” has %(state)s won of State subsidy but only %(local)s won of local matching funds; "
                "%(required)s won are required (지방재정법 §22)."
            )
            % {"project": project_name, "state": f"{state:,}", "local": f"{local:,}", "required": f"{required:,}"},
            rule="matching",
        )


def do_submit_bill(
    version: BudgetVersion, *, line: Sequence[tuple[str, Any]], actor: Any, idempotency_key: str
) -> BudgetVersion:
    """The bill goes to the head on an approval line; once the head approves, it is before the council."""
    require(actor, MANAGE, version.government)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.ADJUSTING)
        check_version(version)
        total = version.expenditure_lines.aggregate(s=Sum("amount"))["s"] or 0
        approval = approvals.do_submit_for_approval(
            government=version.government,
            doc_kind="budget.bill",
            subject_type="budget.budgetversion",
            subject_id=version.pk,
            title=str(_("%(year)s %(label)s bill") % {"year": version.year, "label": version.label}),
            amount=total,
            line=line,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        BudgetVersion.objects.filter(pk=version.pk).update(status=VersionStatus.SUBMITTING, bill_approval=approval)
        version.refresh_from_db()
        audit.record(actor, "budget.version.submit_bill", version, data={"total": total, "approval": approval.pk})
    return version


# --- the council (의회) -------------------------------------------------------------------------------------------


def _policy_of(project: Project) -> Project:
    current = project
    while current.parent_id is not None and current.level != ProjectLevel.POLICY:
        current = current.parent  # type: ignore[assignment]
    return current


def _policy_totals(version: BudgetVersion, policy: Project) -> tuple[int, int]:
    """(bill amount, current amount) of a 정책사업 in this version."""
    lines = ExpenditureLine.objects.filter(version=version, project__parent__parent=policy)
    agg = lines.aggregate(bill=Sum("proposed_amount"), now=Sum("amount"))
    return agg["bill"] or 0, agg["now"] or 0


def do_amend_line(line_id: int, *, amount: int, reason: str, head_consent: bool, actor: Any) -> ExpenditureLine:
    """Record a council amendment (수정의결) of a line. Raising a 정책사업 above the bill needs the head's consent."""
    _amount(amount)
    with transaction.atomic():
        line = _line_for_update(ExpenditureLine, line_id)
        require(actor, MANAGE, line.government)
        version = _lock_version(line.version_id)
        _expect(version, VersionStatus.SUBMITTED)
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(_("Record the council's reason for the amendment."), field="reason")
        policy = _policy_of(line.project)
        bill, now = _policy_totals(version, policy)
        rules.check_council_amendment(
            submitted_total=bill, amended_total=now - line.amount + amount, new_item=False, head_consent=head_consent
        )
        if line.state_amount + line.province_amount > amount:
            raise InvalidInput(_("The State and province shares cannot exceed the line's amount."), field="amount")
        ExpenditureLine.objects.filter(pk=line.pk).update(amount=amount, amend_reason=reason[:300])
        line.refresh_from_db()
        audit.record(
            actor,
            "budget.line.amend",
            line,
            data={"bill": line.proposed_amount, "amended": amount, "reason": reason, "head_consent": head_consent},
        )
    return line


def do_council_add_line(
    version: BudgetVersion,
    *,
    project: Project,
    object_code: str,
    amount: int,
    reason: str,
    head_consent: bool,
    actor: Any,
) -> ExpenditureLine:
    """The council adds an item the bill did not have: only with the head's consent (R-BP-2)."""
    require(actor, MANAGE, version.government)
    _same_government(version.government, project)
    _check_code(CodeKind.OBJECT, version.year, object_code, ["subitem"])
    _amount(amount)
    rules.check_council_amendment(submitted_total=0, amended_total=amount, new_item=True, head_consent=head_consent)
    rules.check_investment_review(project.investment_review, project.name)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.SUBMITTED)
        try:
            with transaction.atomic():
                line = ExpenditureLine.objects.create(
                    version=version,
                    government=version.government,
                    account_id=project.account_id,
                    project=project,
                    object_code=object_code,
                    proposed_amount=0,
                    amount=amount,
                    amend_reason=reason[:300],
                    added_by_council=True,
                )
        except IntegrityError:
            raise Conflict(_("The line exists already; amend it instead.")) from None
        CalcBasis.objects.create(line=line, seq=1, description=reason[:200] or "의회 증액", amount=amount)
        audit.record(actor, "budget.line.council_add", line, data={"amount": amount, "reason": reason})
    return line


def do_amend_revenue(line_id: int, *, amount: int, reason: str, actor: Any) -> RevenueLine:
    _amount(amount)
    with transaction.atomic():
        line = _line_for_update(RevenueLine, line_id)
        require(actor, MANAGE, line.government)
        version = _lock_version(line.version_id)
        _expect(version, VersionStatus.SUBMITTED)
        if not (reason or "").strip():
            raise InvalidInput(_("Record the council's reason for the amendment."), field="reason")
        RevenueLine.objects.filter(pk=line.pk).update(amount=amount, amend_reason=reason.strip()[:300])
        line.refresh_from_db()
        audit.record(actor, "budget.revenue.amend", line, data={"amended": amount, "reason": reason})
    return line


def do_record_vote(version: BudgetVersion, *, voted_on: dt.date, actor: Any) -> BudgetVersion:
    """의결: the council passed the (amended) budget on this day."""
    require(actor, MANAGE, version.government)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.SUBMITTED)
        if version.submitted_at and voted_on < timezone.localdate(version.submitted_at):
            raise InvalidInput(_("The vote cannot come before the bill was submitted."), field="voted_on")
        BudgetVersion.objects.filter(pk=version.pk).update(status=VersionStatus.VOTED, voted_on=voted_on)
        version.refresh_from_db()
        audit.record(actor, "budget.version.vote", version, data={"voted_on": voted_on})
    return version


def do_confirm(version: BudgetVersion, *, actor: Any) -> BudgetVersion:
    """확정: the voted budget becomes the appropriation every later service executes against."""
    require(actor, MANAGE, version.government)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.VOTED)
        check_version(version)
        total = version.expenditure_lines.aggregate(s=Sum("amount"))["s"] or 0
        BudgetVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.CONFIRMED, confirmed_at=timezone.now(), total_amount=total
        )
        version.refresh_from_db()
        audit.record(actor, "budget.version.confirm", version, data={"total": total})
        # The confirmed budget becomes the appropriation execution works against, in the same transaction.
        from lofin.execution.actions.appropriations import do_sync_appropriations

        do_sync_appropriations(version, actor=actor)
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
    actor: Any,
) -> ContinuingExpenditure:
    """계속비 in the budget: a total spread over at most five years (R-BP-8)."""
    require(actor, MANAGE, version.government)
    _amount(total_amount, "total_amount")
    rules.check_continuing_years(first_year, last_year, extended_by_council=extended_by_council)
    with transaction.atomic():
        version = _lock_version(version.pk)
        _expect(version, VersionStatus.REQUESTING, VersionStatus.ADJUSTING)
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


def do_copy_projects(government: LocalGovernment, *, from_year: int, to_year: int, actor: Any) -> int:
    """Carry a year's 정책·단위·세부사업 into the next year's classification, as budget offices do every autumn.
    Codes that exist already in the target year are kept as they are."""
    require(actor, MANAGE, government)
    if to_year <= from_year:
        raise InvalidInput(_("Copy projects into a later fiscal year."), field="to_year")
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


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {".pdf", ".hwp", ".hwpx", ".xlsx", ".xls", ".docx", ".png", ".jpg", ".jpeg", ".csv", ".txt", ".zip"}


def do_attach(
    version: BudgetVersion, *, upload: Any, name: str, actor: Any, line: ExpenditureLine | None = None
) -> Any:
    """Attach a supporting document (견적서, 사업계획서 …) to a version or one of its lines."""
    from pathlib import Path

    from .models import Attachment

    require(actor, REQUEST, version.government)
    _same_government(version.government, line)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise InvalidInput(
            _("Attach PDF, HWP, Office, image, CSV, text or ZIP files only."),
            field="file",
            allowed=sorted(ATTACHMENT_TYPES),
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(_("A file may be at most 10 MB."), field="file")
    name = (name or upload.name or "").strip()[:200]
    with transaction.atomic():
        version = _lock_version(version.pk)
        if version.locked:
            raise VersionLocked()
        attachment = Attachment.objects.create(
            version=version, government=version.government, line=line, name=name, file=upload, uploaded_by=actor
        )
        audit.record(
            actor,
            "budget.attachment.add",
            attachment,
            data={"name": name, "size": upload.size, "line": line.pk if line else None},
        )
    return attachment
