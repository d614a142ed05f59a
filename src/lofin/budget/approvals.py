"""Budget documents that go through approval lines (결재): a department's request and the budget bill."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock
from lofin.core.approvals.registry import DocumentKind, register
from lofin.core.models import ApprovalRequest, User

from .models import BudgetVersion, DepartmentSubmission, SubmissionStatus, VersionStatus


def _submission(request: ApprovalRequest) -> DepartmentSubmission:
    return DepartmentSubmission.objects.select_for_update().get(pk=int(request.subject_id))


def _request_approved(request: ApprovalRequest, actor: User) -> None:
    submission = _submission(request)
    DepartmentSubmission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=clock.now()
    )
    audit.record(actor, "budget.request.approved", submission, data={"approval": request.pk})


def _request_rejected(request: ApprovalRequest, actor: User) -> None:
    submission = _submission(request)
    DepartmentSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.RETURNED)
    audit.record(actor, "budget.request.returned", submission, data={"approval": request.pk})


def _bill_approved(request: ApprovalRequest, actor: User) -> None:
    version = BudgetVersion.objects.select_for_update().get(pk=int(request.subject_id))
    BudgetVersion.objects.filter(pk=version.pk, status=VersionStatus.SUBMITTING).update(
        status=VersionStatus.SUBMITTED, submitted_at=clock.now()
    )
    audit.record(actor, "budget.version.submitted", version, data={"approval": request.pk})


def _bill_rejected(request: ApprovalRequest, actor: User) -> None:
    version = BudgetVersion.objects.select_for_update().get(pk=int(request.subject_id))
    BudgetVersion.objects.filter(pk=version.pk, status=VersionStatus.SUBMITTING).update(
        status=VersionStatus.ADJUSTING, bill_approval=None
    )
    audit.record(actor, "budget.version.bill_returned", version, data={"approval": request.pk})


REQUEST = register(
    DocumentKind(
        "budget.request", _("department budget request"), on_approved=_request_approved, on_rejected=_request_rejected
    )
)
BILL = register(DocumentKind("budget.bill", _("budget bill"), on_approved=_bill_approved, on_rejected=_bill_rejected))
