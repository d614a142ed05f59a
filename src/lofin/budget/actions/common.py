"""What the budget actions share: the locks, the stage a version must be at, who prepares a department's request,
codes of the national lists and amounts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from lofin.core import idempotency, types
from lofin.core.errors import InvalidInput, KeyReused, NotFound, PermissionDenied
from lofin.core.models import ApprovalRequest, AuditEvent, Department, LocalGovernment, Official, User
from lofin.core.permissions import require, roles_in
from lofin.core.roles import Role

from ..access import REQUEST
from ..errors import UnknownCode, VersionLocked, WrongStage
from ..models import BudgetVersion, DepartmentSubmission, NationalCode, SubmissionStatus, VersionStatus

M = TypeVar("M", bound=Model)


def same_government(government: LocalGovernment, *objects: Any) -> None:
    """Objects from another government look absent, like everything else that is not yours."""
    for obj in objects:
        if obj is not None and obj.government_id != government.pk:
            raise NotFound()


def check_code(kind: str, year: int, code: str, levels: Sequence[str]) -> NationalCode:
    found = NationalCode.objects.filter(kind=kind, year=year, code=code, level__in=levels).first()
    if found is None:
        raise UnknownCode(
            _("%(code)s is not a valid code for %(year)s.") % {"code": code, "year": year}, code_value=code
        )
    return found


def won(value: int, field: str = "amount") -> int:
    """An amount of whole won within core.types' bounds, refused next to its field."""
    try:
        return types.check_won(value)
    except ValueError as error:
        raise InvalidInput(str(error), field=field) from None


def lock_version(version_id: int) -> BudgetVersion:
    try:
        return BudgetVersion.objects.select_for_update(of=("self",)).select_related("government").get(pk=version_id)
    except BudgetVersion.DoesNotExist:
        raise NotFound() from None


def lock_line(model: type[M], line_id: int) -> M:
    try:
        return (
            model._default_manager.select_for_update(of=("self",))
            .select_related("version", "government")
            .get(pk=line_id)
        )
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise NotFound() from None


def expect(version: BudgetVersion, *statuses: str) -> None:
    """The version is at one of these stages, or the action is refused (a voted or confirmed one is locked)."""
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


def require_department(actor: User, government: LocalGovernment, department: Department | None) -> None:
    """Departments prepare their own requests; the budget office may prepare any."""
    require(actor, REQUEST, government)
    if Role.BUDGET_OFFICER in roles_in(actor, government):
        return
    post = Official.objects.filter(user=actor, government=government).first()
    if department is None or post is None or post.department_id != department.pk:
        raise PermissionDenied(_("Only the department responsible for this project may prepare its request."))


def check_submission_open(version: BudgetVersion, department: Department | None) -> None:
    if department is None:
        return
    submission = DepartmentSubmission.objects.filter(version=version, department=department).first()
    if submission is not None and submission.status in (SubmissionStatus.IN_APPROVAL, SubmissionStatus.SUBMITTED):
        raise WrongStage(_("The department's request has been submitted; ask for it to be returned to change it."))


def replayed_submission(stored_key: str, model: type[M], action: str, request_fingerprint: str) -> M | None:
    """The answer to a repeated submission on an approval line (결재): the subject the approval request with this
    key was opened for, if by the same request (else `KeyReused`); None when the key is new.

    A subject may go up its line more than once (returned, corrected, sent again with a new key), so the fingerprint
    compared is the one recorded with that approval, not the subject's first."""
    first = ApprovalRequest.objects.filter(idempotency_key=stored_key).only("pk", "subject_type", "subject_id").first()
    if first is None:
        return None
    if first.subject_type != model._meta.label_lower:
        raise KeyReused()
    subject = model._default_manager.get(pk=int(first.subject_id))
    recorded = (
        AuditEvent.objects.filter(
            object_type=model._meta.label_lower, object_id=first.subject_id, action=action, data__approval=first.pk
        )
        .values_list("data", flat=True)
        .first()
    )
    return idempotency.replay(subject, request_fingerprint, recorded=(recorded or {}).get("fingerprint", ""))
