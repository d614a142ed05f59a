"""요구: a department prepares its lines with 산출근거 and sends its request up its approval line (결재)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, idempotency
from lofin.core.approvals import actions as approvals
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import Department, User

from ..errors import WrongStage
from ..models import (
    BudgetVersion,
    CalcBasis,
    CodeKind,
    DepartmentSubmission,
    ExpenditureLine,
    Project,
    ProjectLevel,
    SubmissionStatus,
    VersionStatus,
)
from ..rules import confirmation as confirmation_rules
from ..rules import requests as rules
from .common import (
    check_code,
    check_submission_open,
    expect,
    lock_version,
    replayed_submission,
    require_department,
    same_government,
    won,
)

ApprovalLine = Sequence[tuple[str, User]]


@dataclass(frozen=True)
class BasisIn:
    description: str
    unit_price: int
    quantity: int = 1
    times: int = 1
    # Set for a lump sum whose basis is only text; otherwise the product of the three numbers.
    amount: int | None = None


def do_save_request_line(
    version: BudgetVersion,
    *,
    project: Project,
    object_code: str,
    basis: Sequence[BasisIn],
    actor: User,
    state_amount: int = 0,
    province_amount: int = 0,
) -> ExpenditureLine:
    """Write (or rewrite) one requested line: the amount is the sum of its 산출근거."""
    government = version.government
    same_government(government, project)
    require_department(actor, government, project.department)
    if project.level != ProjectLevel.DETAIL or project.year != version.year:
        raise InvalidInput(_("Requests are made per 세부사업 of the same fiscal year."), field="project")
    check_code(CodeKind.OBJECT, version.year, object_code, ["subitem"])
    confirmation_rules.check_investment_review(project.investment_review, project.name)
    if not basis:
        raise InvalidInput(_("Give at least one line of calculation basis (산출근거)."), field="basis")
    rows = []
    for i, b in enumerate(basis, start=1):
        description = (b.description or "").strip()
        if not description:
            raise InvalidInput(_("Every calculation line needs a description."), field=f"basis.{i}.description")
        for field, value in (("unit_price", b.unit_price), ("quantity", b.quantity), ("times", b.times)):
            won(value, f"basis.{i}.{field}")
        amount = rules.check_basis_row(i, unit_price=b.unit_price, quantity=b.quantity, times=b.times, given=b.amount)
        won(amount, f"basis.{i}.amount")
        rows.append((i, description[:200], b.unit_price, b.quantity, b.times, amount))
    total = won(sum(r[5] for r in rows))
    won(state_amount, "state_amount")
    won(province_amount, "province_amount")
    rules.check_subsidy_shares(
        state_amount=state_amount, province_amount=province_amount, amount=total, field="state_amount"
    )
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.REQUESTING)
        check_submission_open(version, project.department)
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


def do_delete_request_line(line_id: int, *, actor: User) -> None:
    with transaction.atomic():
        try:
            line = ExpenditureLine.objects.select_related("version", "project", "government").get(pk=line_id)
        except ExpenditureLine.DoesNotExist:
            raise NotFound() from None
        require_department(actor, line.government, line.project.department)
        version = lock_version(line.version_id)
        expect(version, VersionStatus.REQUESTING)
        check_submission_open(version, line.project.department)
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


def do_submit_department(
    version: BudgetVersion, *, department: Department, line: ApprovalLine, actor: User, idempotency_key: str
) -> DepartmentSubmission:
    """The department sends its request to the budget office through its approval line (결재). A retry with the same
    key gets the first submission; the same key with another department, version or line is `KeyReused`."""
    government = version.government
    same_government(government, department)
    require_department(actor, government, department)
    stored_key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    request = idempotency.fingerprint(
        "budget.request.submit",
        version=version,
        department=department,
        line=[(kind, user) for kind, user in line],
    )
    with transaction.atomic():
        version = lock_version(version.pk)
        if done := replayed_submission(stored_key, DepartmentSubmission, "budget.request.submit", request):
            return done
        expect(version, VersionStatus.REQUESTING)
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
        audit.record(
            actor,
            "budget.request.submit",
            submission,
            data={"version": version.pk, "total": total, "approval": approval.pk, "fingerprint": request},
        )
    return submission
