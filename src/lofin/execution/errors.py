"""Every typed refusal of budget execution: a stable `code`, an HTTP `status` and a translated default message.

They are mapped to HTTP once (lofin/api.py's handler, core's ErrorMiddleware for pages). A refused action has
written nothing. A retry key used again for another request is core's `KeyReused` (`idempotency_key_reused`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, InvalidInput

# --- budget control ----------------------------------------------------------------------------------------------


class ExecutionRuleViolation(Conflict):
    code = "execution_rule"
    default_message = _("The request breaks a rule of budget execution.")


class InsufficientAllocation(Conflict):
    code = "insufficient_allocation"
    default_message = _("The line's allocation does not cover this amount.")


class InsufficientCommitment(Conflict):
    code = "insufficient_commitment"
    default_message = _("The payment exceeds what remains unpaid on the commitment.")


class OverDisbursementLimit(Conflict):
    code = "over_disbursement_limit"
    default_message = _("The payment exceeds the disbursing office's payment ceiling (지출한도).")


class OverAppropriation(Conflict):
    code = "over_appropriation"
    default_message = _("The allocation would exceed the line's appropriation (예산현액).")


class PayeeMismatch(InvalidInput):
    code = "payee_mismatch"
    default_message = _("The payee must be the creditor of the commitment (지방회계법 §33).")


class ClosedPeriod(Conflict):
    code = "closed_period"
    default_message = _("The fiscal year is closed for this kind of cash transaction.")


# --- 지출결의, the 금고's notice, 개산급 ---------------------------------------------------------------------------------


class ResolutionExceedsCommitment(Conflict):
    code = "resolution_exceeds_commitment"
    default_message = _("The resolution exceeds what remains unpaid and unresolved on the commitment.")


class InspectionRequired(InvalidInput):
    code = "inspection_required"
    default_message = _("A works, goods or services claim is resolved only after its inspection (지방계약법 §17).")


class InspectionFailed(Conflict):
    code = "inspection_failed"
    default_message = _("The inspection did not pass: the claim cannot be resolved for payment.")


class OverResolution(Conflict):
    code = "over_resolution"
    default_message = _("The payment exceeds what remains of the expenditure resolution (지출결의).")


class ResolutionMismatch(InvalidInput):
    code = "resolution_mismatch"
    default_message = _("The expenditure resolution belongs to another commitment or another kind of payment.")


class ResolutionNotOpen(Conflict):
    code = "resolution_not_open"
    default_message = _("This expenditure resolution is no longer open.")


class AlreadyPaid(Conflict):
    code = "already_paid"
    default_message = _("The treasury bank has already reported this payment order as paid.")


class PaymentNotIssued(Conflict):
    code = "payment_not_issued"
    default_message = _("Only an issued payment order can be reported as paid.")


class DuplicateBankReference(Conflict):
    code = "bank_reference_reused"
    default_message = _("This bank reference already confirms another payment order.")


class NotEstimatedPayment(InvalidInput):
    code = "not_estimated_payment"
    default_message = _("Only a commitment of the kind 개산급 (estimated payment) is settled.")


class AlreadySettled(Conflict):
    code = "already_settled"
    default_message = _("This estimated payment has already been settled.")


class NothingPaid(Conflict):
    code = "nothing_paid"
    default_message = _("Nothing has been paid on this estimate yet: there is nothing to settle.")


# --- revenue -----------------------------------------------------------------------------------------------------


class UnknownRevenueCode(InvalidInput):
    code = "unknown_revenue_code"
    default_message = _("There is no such revenue item (목) in the national code list of this year.")


class RefundRateMissing(Conflict):
    code = "refund_rate_missing"
    default_message = _("No refund interest rate (환급가산금 이율) is recorded for part of the interest period.")


class OverCollection(Conflict):
    code = "over_collection"
    default_message = _("The receipt exceeds what is still to be collected on the assessment.")


class AssessmentNotOpen(Conflict):
    code = "assessment_not_open"
    default_message = _("This assessment is no longer open for collection.")


class AssessmentCarried(Conflict):
    code = "assessment_carried"
    default_message = _("This assessment was carried to the next year; collect on the carried assessment.")


class ClaimPrescribed(Conflict):
    code = "claim_prescribed"
    default_message = _("The claim has expired by prescription (지방재정법 §82).")


class AssessmentCollected(Conflict):
    code = "assessment_collected"
    default_message = _(
        "Money has been received against this assessment, so it cannot be cancelled: refund it first (과오납 환급, "
        "지방회계법 §28), or correct the decision."
    )


class OverRefund(Conflict):
    code = "over_refund"
    default_message = _("More cannot be refunded than was received and not yet refunded.")


class AlreadyDeposited(Conflict):
    code = "already_deposited"
    default_message = _("This receipt is already in the 금고.")


# --- transfers ---------------------------------------------------------------------------------------------------


class InsufficientAppropriation(Conflict):
    code = "insufficient_appropriation"
    default_message = _("The source line does not have this much unallocated appropriation.")


class TransferNotAllowed(ExecutionRuleViolation):
    code = "transfer_not_allowed"
    default_message = _("The law does not allow this transfer between these lines.")


# --- year end ----------------------------------------------------------------------------------------------------


class CarryOverNotAllowed(ExecutionRuleViolation):
    code = "carry_over_not_allowed"
    default_message = _("The law does not allow this carry-over.")


class OverCarryOver(Conflict):
    code = "over_carry_over"
    default_message = _("The carry-over exceeds what the line can carry.")


class YearNotEnded(Conflict):
    code = "year_not_ended"
    default_message = _("The fiscal year has not ended yet.")


class YearNotClosed(Conflict):
    code = "year_not_closed"
    default_message = _("The fiscal year's cash work is not complete yet.")
