"""Collecting revenue after the decision: one assessment with its receipts and refunds, 납입고지, the 출납원's
deposit in the 금고, and 과오납 환급 with 환급가산금."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.budget.models import CodeKind, NationalCode
from lofin.core import clock
from lofin.core.errors import InvalidInput
from lofin.core.http import TenantRequest
from lofin.core.models import LocalGovernment
from lofin.core.permissions import require

from ..access import CASHIER, REVENUE, VIEW
from ..actions import revenue
from ..forms import CancelAssessmentForm, CorrectAssessmentForm, DepositForm, NoticeForm, OverpaymentRefundForm
from ..models import Assessment, Office, OverpaymentRefund, Receipt, RefundInterestRate
from ..queries.offices import office_by_code
from ..rules.revenue import deposit_deadline, is_local_tax, notice_due_date
from .common import abilities, assessment_or_404, receipt_or_404, submit


def _revenue_name(assessment: Assessment) -> str:
    return (
        NationalCode.objects.filter(kind=CodeKind.REVENUE, year=assessment.year, code=assessment.revenue_code)
        .values_list("name", flat=True)
        .first()
        or ""
    )


def _assessment_url(assessment: Assessment, gov_code: str) -> str:
    return reverse("execution:assessment", args=[gov_code, assessment.pk])


@require_GET
def assessment_detail(request: TenantRequest, gov_code: str, assessment_id: int) -> HttpResponse:
    assessment = assessment_or_404(request, assessment_id)
    require(request.user, VIEW, request.government)
    receipts = list(
        Receipt.objects.filter(assessment=assessment).select_related("recorded_by").order_by("received_on", "pk")
    )
    refunds = OverpaymentRefund.objects.filter(receipt__assessment=assessment).order_by("refunded_on", "pk")
    context = {
        "government": request.government,
        "year": assessment.year,
        "assessment": assessment,
        "revenue_name": _revenue_name(assessment),
        "carried_to": Assessment.objects.filter(carried_from=assessment).values_list("pk", "year").first(),
        "corrected_by": Assessment.objects.filter(corrects=assessment).values_list("pk", flat=True).first(),
        "receipts": [
            (
                r,
                r.amount - r.refunded_amount,
                deposit_deadline(r.received_on, same_locality=True) if r.channel == "cashier" else None,
            )
            for r in receipts
        ],
        "refunds": refunds,
        **abilities(request),
    }
    return render(request, "execution/assessment.html", context)


def _page(request: TenantRequest, assessment: Assessment, **context: Any) -> HttpResponse:
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": assessment.year,
            "assessment": assessment,
            "revenue_name": _revenue_name(assessment),
            "back_url": _assessment_url(assessment, request.government.code),
            "back_label": _("Back to the assessment"),
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def notice(request: TenantRequest, gov_code: str, assessment_id: int) -> HttpResponse:
    """납입고지 (or a 독촉 when one was sent before): sets the due date and interrupts prescription."""
    assessment = assessment_or_404(request, assessment_id)
    require(request.user, REVENUE, request.government)
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: revenue.do_send_notice_from_form(
                assessment,
                notice_on=d["notice_on"],
                fixed_due_on=d["fixed_due_on"],
                actor=request.user,
                form_key=form.key,
            ),
            {"assessment_not_open": "notice_on", "assessment_carried": "notice_on", "claim_prescribed": "notice_on"},
        )
        if done is not None:
            messages.success(
                request,
                _("The notice is recorded: %(payer)s pays %(amount)s won by %(due)s.")
                % {"payer": done.payer_name, "amount": f"{done.outstanding:,}", "due": str(done.due_on)},
            )
            return redirect(_assessment_url(done, gov_code))
    example = notice_due_date(clock.today(), current=assessment.due_on)
    return _page(
        request,
        assessment,
        form=form,
        title=_("Send the payment notice (납입고지)") if not assessment.notice_on else _("Send a reminder (독촉)"),
        submit_label=_("Record the notice"),
        unavailable=None if assessment.status == "open" else _("This assessment is no longer open for collection."),
        rules=[
            _(
                "The payer has 15 days from the notice; a due date on a Saturday, a holiday or Labour Day moves to "
                "the next working day (지방회계법 시행령 §19). A notice sent today is due on %(due)s."
            )
            % {"due": example.isoformat()},
            _(
                "A due date fixed by law or contract applies as it is, even when earlier than 15 days after the notice "
                "(지방회계법 시행령 §19); a reminder never brings forward a due date the payer was already given."
            ),
            _(
                "Each notice, reminder or payment interrupts the prescription of the claim: five years (지방재정법 "
                "§82, §84), ten for a local tax of 5천만원 or more (지방세기본법 §39)."
            ),
        ],
    )


def _amendable(assessment: Assessment) -> str | None:
    """Why the decision can no longer be cancelled or corrected here, or None."""
    if assessment.status != "open":
        return _("This assessment is no longer open: it cannot be cancelled or corrected.")
    if Assessment.objects.filter(carried_from=assessment).exists():
        return _("This assessment continues next year: cancel or correct it there.")
    return None


AMEND_FIELDS = {
    "assessment_not_open": "reason",
    "assessment_carried": "reason",
    "assessment_collected": "reason",
    "closed_period": "reason",
}


@require_http_methods(["GET", "POST"])
def cancel_assessment(request: TenantRequest, gov_code: str, assessment_id: int) -> HttpResponse:
    """징수결의 취소: a decision made in error, with nothing received against it, is withdrawn with the reason."""
    assessment = assessment_or_404(request, assessment_id)
    require(request.user, REVENUE, request.government)
    form = CancelAssessmentForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: revenue.do_cancel_assessment_from_form(
                assessment, reason=d["reason"], cancelled_on=d["cancelled_on"], actor=request.user, form_key=form.key
            ),
            {**AMEND_FIELDS, "invalid_input": "cancelled_on"},
        )
        if done is not None:
            messages.success(request, _("The assessment is cancelled; its entry in the books is reversed."))
            return redirect(_assessment_url(done, gov_code))
    return _page(
        request,
        assessment,
        form=form,
        title=_("Cancel the assessment (징수결의 취소)"),
        submit_label=_("Cancel the assessment"),
        danger=True,
        unavailable=_amendable(assessment)
        or (
            _("Money has been received against this assessment: refund it first, or correct the decision.")
            if assessment.collected_amount
            else None
        ),
        rules=[
            _(
                "A decision made in error is cancelled while nothing has been received against it (지방회계법 §21); "
                "it is kept with the day and your reason, and a reversing entry takes its receivable back."
            ),
        ],
    )


@require_http_methods(["GET", "POST"])
def correct_assessment(request: TenantRequest, gov_code: str, assessment_id: int) -> HttpResponse:
    """징수결의 정정: a new decision with the corrected amount, payer or due date, linked to the old one."""
    assessment = assessment_or_404(request, assessment_id)
    require(request.user, REVENUE, request.government)
    form = CorrectAssessmentForm(
        request.POST or None,
        initial={
            "amount": f"{assessment.amount:,}",
            "payer_name": assessment.payer_name,
            "payer_number": assessment.payer_number,
            "due_on": assessment.due_on,
        },
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: revenue.do_correct_assessment(
                assessment,
                reason=d["reason"],
                amount=d["amount"],
                payer_name=d["payer_name"],
                payer_number=d["payer_number"],
                due_on=d["due_on"],
                corrected_on=d["corrected_on"],
                actor=request.user,
                idempotency_key=form.key,
            ),
            {**AMEND_FIELDS, "assessment_collected": "amount", "invalid_input": "amount"},
        )
        if done is not None:
            messages.success(
                request,
                _("The corrected assessment of %(amount)s won on %(payer)s replaces the old one.")
                % {"amount": f"{done.amount:,}", "payer": done.payer_name},
            )
            return redirect(_assessment_url(done, gov_code))
    return _page(
        request,
        assessment,
        form=form,
        title=_("Correct the assessment (징수결의 정정)"),
        submit_label=_("Record the correction"),
        unavailable=_amendable(assessment),
        rules=[
            _(
                "The correction is a new decision linked to this one, which is cancelled with your reason; the books "
                "are reversed and posted again (지방회계법 §21)."
            ),
            _(
                "Money already received stays with the corrected decision: its amount cannot be less than what was "
                "received (%(collected)s won), nor its payer another person — refund first (과오납 환급, 지방회계법 "
                "§28)."
            )
            % {"collected": f"{assessment.collected_amount:,}"},
        ],
    )


@require_http_methods(["GET", "POST"])
def deposit(request: TenantRequest, gov_code: str, receipt_id: int) -> HttpResponse:
    """The 출납원 pays cash received earlier into the 금고."""
    receipt = receipt_or_404(request, receipt_id)
    require(request.user, CASHIER, request.government)
    assessment = receipt.assessment
    form = DepositForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: revenue.do_record_deposit(
                receipt,
                deposited_on=d["deposited_on"],
                same_locality=d["same_locality"],
                office=office_named(request.government, receipt.received_on.year, d["office_code"]),
                actor=request.user,
            ),
            {"already_deposited": "deposited_on", "separation_of_duties": "office_code", "not_found": "office_code"},
        )
        if done is not None:
            if done.deposit_late:
                text = _("The deposit of %(amount)s won is recorded, after its deadline: it is flagged late.")
            else:
                text = _("The deposit of %(amount)s won is recorded.")
            messages.success(request, text % {"amount": f"{done.amount:,}"})
            return redirect(_assessment_url(assessment, gov_code))
    near = deposit_deadline(receipt.received_on, same_locality=True)
    far = deposit_deadline(receipt.received_on, same_locality=False)
    return _page(
        request,
        assessment,
        receipt=receipt,
        form=form,
        title=_("Record a deposit in the treasury bank"),
        submit_label=_("Record the deposit"),
        unavailable=_("Only cash a cashier took needs a deposit.")
        if receipt.channel != "cashier"
        else _("This cash is in the treasury bank already.")
        if receipt.deposited_on
        else None,
        rules=[
            _(
                "Cash received on %(received)s reaches the treasury bank by %(near)s where the bank is in the same "
                "locality, otherwise by %(far)s (지방회계법 시행령 §21); a later deposit is recorded and flagged late."
            )
            % {"received": receipt.received_on.isoformat(), "near": near.isoformat(), "far": far.isoformat()},
            _(
                "The revenue officer who decided the claim may not carry its cash, except in an office of five or fewer staff."
            ),
        ],
    )


@require_http_methods(["GET", "POST"])
def overpayment_refund(request: TenantRequest, gov_code: str, receipt_id: int) -> HttpResponse:
    """과오납 환급: money received in error goes back with 환급가산금."""
    receipt = receipt_or_404(request, receipt_id)
    require(request.user, REVENUE, request.government)
    assessment = receipt.assessment
    refundable = receipt.amount - receipt.refunded_amount
    form = OverpaymentRefundForm(request.POST or None, initial={"amount": f"{refundable:,}" if refundable else ""})
    if request.method == "POST":
        done = submit(
            form,
            lambda d: revenue.do_refund_overpayment(
                receipt,
                amount=d["amount"],
                reason=d["reason"],
                refunded_on=d["refunded_on"],
                interest_from=d["interest_from"],
                actor=request.user,
                idempotency_key=form.key,
            ),
            {"over_refund": "amount", "refund_rate_missing": "refunded_on", "idempotency_key_reused": ""},
        )
        if done is not None:
            messages.success(
                request,
                _("%(amount)s won are refunded with %(interest)s won of interest (환급가산금): %(total)s won paid.")
                % {
                    "amount": f"{done.amount:,}",
                    "interest": f"{done.interest:,}",
                    "total": f"{done.amount + done.interest:,}",
                },
            )
            return redirect(_assessment_url(assessment, gov_code))
    rates = list(RefundInterestRate.objects.order_by("-valid_from")[:3])
    rules = [
        _(
            "Refunded out of the revenue of the year of the refund (지방회계법 §28), at most what was received and not yet refunded."
        ),
        _("Interest runs from the day after the payment to the refund, at the rate in force each day, cut to the won."),
    ]
    if is_local_tax(assessment.revenue_code):
        rules.append(
            _(
                "A local tax follows 지방세기본법 §62: the refund counts from the last payment, then the ones before it, "
                "whichever receipt it is recorded against."
            )
        )
    rules += [
        _("Rate from %(day)s: %(rate)s %% a year.")
        % {"day": r.valid_from.isoformat(), "rate": f"{r.annual_rate_bp / 100:g}"}
        for r in rates
    ]
    return _page(
        request,
        assessment,
        receipt=receipt,
        form=form,
        title=_("Refund an overpayment (과오납 환급)"),
        submit_label=_("Refund"),
        unavailable=None if refundable > 0 else _("Everything received here has been refunded already."),
        rules=rules,
    )


def office_named(government: LocalGovernment, year: int, code: str) -> Office | None:
    """The office the 출납원 names for the small-office exception (R-RV-3), or refused at the field."""
    if not code:
        return None
    office = office_by_code(government.pk, year, code)
    if office is None:
        raise InvalidInput(_("There is no office %(code)s.") % {"code": code}, field="office_code")
    return office
