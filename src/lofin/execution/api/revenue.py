"""Revenue API (세입): 징수결의, 납입고지, 수납 and deposit, 과오납 환급, the assessment list and the monthly
세입징수보고. (미수납 이월 and 시효 are the year end's: api.yearend.)

A decision made in error is cancelled (nothing received yet) or corrected by a new decision linked to it, never
overwritten (`assessment_collected` when money received stands in the way).

Writes need a Bearer token or a session (the API's authentication); reads need the execution VIEW permission.
Refusals have a named `code` and write nothing: `unknown_revenue_code`, `over_collection`, `assessment_not_open`,
`assessment_carried`, `claim_prescribed`, `closed_period`, `separation_of_duties`, `already_deposited`,
`over_refund`, `refund_rate_missing`, `assessment_collected`, `idempotency_key_reused`, `invalid_input`, `permission_denied`, `not_found`
(also for another government's account, assessment or receipt)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from lofin.budget.models import Account
from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government
from lofin.core.types import Id

from ..access import VIEW
from ..actions import revenue
from ..models import Assessment, Office, OverpaymentRefund, Receipt
from ..queries import revenue as queries
from ..queries.offices import office_by_code
from ..schemas.revenue import (
    AssessmentFilter,
    AssessmentIn,
    AssessmentOut,
    CancelIn,
    CorrectionIn,
    DepositIn,
    NoticeIn,
    ReceiptIn,
    ReceiptOut,
    RefundIn,
    RefundOut,
    ReportQuery,
    RevenueReportOut,
)

router = Router(tags=["execution"])


def _assessment(request: AuthedRequest, assessment_id: int) -> Assessment:
    """The same 404 for an absent assessment and another government's."""
    found = Assessment.objects.select_related("government").filter(pk=assessment_id).first()
    if found is None:
        raise NotFound()
    access_government(request.user, found.government.code, VIEW)
    return found


def _receipt(request: AuthedRequest, receipt_id: int) -> Receipt:
    found = Receipt.objects.select_related("government").filter(pk=receipt_id).first()
    if found is None:
        raise NotFound()
    access_government(request.user, found.government.code, VIEW)
    return found


def _shown(assessment: Assessment) -> Assessment:
    return queries.with_carried(Assessment.objects.filter(pk=assessment.pk)).get()


@router.post(
    "/execution/assessments",
    response={201: AssessmentOut},
    summary="Decide a revenue claim (징수결의)",
    description="The fiscal year follows 지방회계법 시행령 §2①. Refused with `unknown_revenue_code`, `closed_period`, "
    "`invalid_input`, `permission_denied` or `not_found`. Retrying with the same Idempotency-Key returns the first.",
)
def assess(
    request: AuthedRequest, payload: AssessmentIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    account = Account.objects.select_related("government").filter(pk=payload.account_id).first()
    if account is None:
        raise NotFound()
    access_government(request.user, account.government.code, VIEW)
    assessment = revenue.do_assess(
        account,
        revenue_code=payload.revenue_code,
        payer_name=payload.payer_name,
        payer_number=payload.payer_number,
        amount=payload.amount,
        kind=payload.kind,
        assessed_on=payload.assessed_on,
        due_on=payload.due_on,
        notice_on=payload.notice_on,
        received_on=payload.received_on,
        budget_year=payload.budget_year,
        basic_year=payload.basic_year,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _shown(assessment))


@router.post(
    "/execution/assessments/{assessment_id}/notice",
    response=AssessmentOut,
    summary="Send the payment notice (납입고지)",
    description="Due 15 days after the notice, moved off weekends, holidays and Labour Day; a due date fixed by law "
    "or contract stands even when earlier (R-RV-7); the notice interrupts prescription. Refused with `assessment_not_open`, `assessment_carried` or "
    "`claim_prescribed`.",
)
def notice(request: AuthedRequest, assessment_id: Id, payload: NoticeIn) -> Assessment:
    assessment = _assessment(request, assessment_id)
    updated = revenue.do_send_notice(
        assessment, actor=request.user, notice_on=payload.notice_on, fixed_due_on=payload.fixed_due_on
    )
    return _shown(updated)


@router.post(
    "/execution/assessments/{assessment_id}/cancel",
    response=AssessmentOut,
    summary="Cancel a revenue decision made in error (징수결의 취소)",
    description="Only while nothing has been received against it; the decision is kept with the day and the reason, "
    "and a reversing entry takes its receivable and revenue back. Repeating the same cancellation returns it. Refused "
    "with `assessment_collected`, `assessment_not_open`, `assessment_carried`, `closed_period`, `invalid_input`, "
    "`permission_denied` or `not_found`.",
)
def cancel_assessment(request: AuthedRequest, assessment_id: Id, payload: CancelIn) -> Assessment:
    assessment = _assessment(request, assessment_id)
    done = revenue.do_cancel_assessment(
        assessment, reason=payload.reason, cancelled_on=payload.cancelled_on, actor=request.user
    )
    return _shown(done)


@router.post(
    "/execution/assessments/{assessment_id}/corrections",
    response={201: AssessmentOut},
    summary="Correct a revenue decision (징수결의 정정)",
    description="A new decision with the corrected amount, payer or due date, linked to the old (`corrects_id`), "
    "which is cancelled with the reason; the books are reversed and re-posted and the receipts move to the new "
    "decision. Refused with `assessment_collected` (an amount below what was received, or another payer once money "
    "was received), `assessment_not_open`, `assessment_carried`, `closed_period`, `idempotency_key_reused`, "
    "`invalid_input`, `permission_denied` or `not_found`. Retrying with the same Idempotency-Key returns the first.",
)
def correct_assessment(
    request: AuthedRequest,
    assessment_id: Id,
    payload: CorrectionIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status:
    assessment = _assessment(request, assessment_id)
    done = revenue.do_correct_assessment(
        assessment,
        reason=payload.reason,
        amount=payload.amount,
        payer_name=payload.payer_name,
        payer_number=payload.payer_number,
        due_on=payload.due_on,
        corrected_on=payload.corrected_on,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, _shown(done))


@router.post(
    "/execution/receipts",
    response={201: ReceiptOut},
    summary="Record money received (수납)",
    description="Within what is still to be collected. Refused (409) with `over_collection`, `assessment_not_open`, "
    "`assessment_carried`, `claim_prescribed`, `closed_period`, `separation_of_duties` or `idempotency_key_reused`; "
    "retrying with the same Idempotency-Key returns the first receipt.",
)
def receive(
    request: AuthedRequest, payload: ReceiptIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    assessment = _assessment(request, payload.assessment_id)
    receipt = revenue.do_record_receipt(
        assessment,
        amount=payload.amount,
        received_on=payload.received_on,
        channel=payload.channel,
        deposited_on=payload.deposited_on,
        same_locality=payload.same_locality,
        office=_office(assessment.government_id, assessment.year, payload.office_code),
        past_year_revenue=payload.past_year_revenue,
        exception=payload.exception,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, receipt)


@router.post(
    "/execution/receipts/{receipt_id}/deposit",
    response=ReceiptOut,
    summary="Record an 출납원's deposit in the 금고",
    description="Next day where the 금고 is, else by the fifth day (시행령 §21); a later deposit is recorded with "
    "`deposit_late`. Refused with `already_deposited` or `separation_of_duties`; repeating the same deposit returns "
    "the receipt.",
)
def deposit(request: AuthedRequest, receipt_id: Id, payload: DepositIn) -> Receipt:
    receipt = _receipt(request, receipt_id)
    return revenue.do_record_deposit(
        receipt,
        deposited_on=payload.deposited_on,
        same_locality=payload.same_locality,
        office=_office(receipt.government_id, receipt.received_on.year, payload.office_code),
        actor=request.user,
    )


@router.post(
    "/execution/overpayment-refunds",
    response={201: RefundOut},
    summary="Refund an overpayment with interest (과오납 환급)",
    description="From current-year revenue, with 환급가산금 at the rate in force each day. Refused with "
    "`over_refund`, `refund_rate_missing` or `idempotency_key_reused`.",
)
def refund(
    request: AuthedRequest, payload: RefundIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    receipt = _receipt(request, payload.receipt_id)
    done: OverpaymentRefund = revenue.do_refund_overpayment(
        receipt,
        amount=payload.amount,
        reason=payload.reason,
        refunded_on=payload.refunded_on,
        interest_from=payload.interest_from,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, done)


@router.get(
    "/execution/assessments",
    response=list[AssessmentOut],
    summary="Assessments of a government and year",
    description="`status`: open (still to be collected here), collected, prescribed, cancelled or carried.",
)
def list_assessments(request: AuthedRequest, filters: Query[AssessmentFilter]) -> QuerySet[Assessment]:
    gov = access_government(request.user, filters.government, VIEW)
    return queries.assessments_of(gov, filters.year, filters.status)[filters.offset : filters.offset + filters.limit]


@router.get(
    "/execution/revenue-report",
    response=RevenueReportOut,
    summary="Monthly revenue collection report (세입징수보고)",
    description="Per revenue code: decided, collected, refunded and written off in the month, and outstanding at "
    "its end; due on the 15th of the next month (지방회계법 시행령 §30).",
)
def revenue_report(request: AuthedRequest, filters: Query[ReportQuery]) -> dict[str, Any]:
    gov = access_government(request.user, filters.government, VIEW)
    return queries.revenue_report(gov, filters.year, filters.month)


def _office(government_id: int, year: int, code: str | None) -> Office | None:
    """The office a 징수관 names for the small-office exception (R-RV-3); a code that is not theirs is absent."""
    if not code:
        return None
    office = office_by_code(government_id, year, code)
    if office is None:
        raise NotFound(_("There is no office %(code)s.") % {"code": code})
    return office
