"""What execution's journal entries came from, described for the books (`accounting.sources`): a label and the
page where the document is seen, for the general-ledger drill-down. `register_describers` runs in
ExecutionConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lofin.accounting.sources import page_url, register
from lofin.execution.models import (
    Assessment,
    Commitment,
    EstimatedSettlement,
    OverpaymentRefund,
    PaymentOrder,
    Receipt,
    Refund,
)


def commitment(pk: int, gov: str) -> tuple[str, str, str]:
    c = Commitment.objects.filter(pk=pk).values("line_id", "creditor", "amount").first()
    if c is None:
        return _("commitment"), f"#{pk}", ""
    return _("commitment"), f"{c['creditor']} {c['amount']:,}", page_url("execution:line", gov, line_id=c["line_id"])


def payment(pk: int, gov: str) -> tuple[str, str, str]:
    p = PaymentOrder.objects.filter(pk=pk).values("number", "payee_name", "commitment__line_id").first()
    if p is None:
        return _("payment order"), f"#{pk}", ""
    return (
        _("payment order"),
        f"{p['number']} {p['payee_name']}",
        page_url("execution:line", gov, line_id=p["commitment__line_id"]),
    )


def refund(pk: int, gov: str) -> tuple[str, str, str]:
    r = Refund.objects.filter(pk=pk).values("payment__number", "payment__commitment__line_id").first()
    if r is None:
        return _("refund (반납)"), f"#{pk}", ""
    return (
        _("refund (반납)"),
        str(r["payment__number"]),
        page_url("execution:line", gov, line_id=r["payment__commitment__line_id"]),
    )


def assessment(pk: int, gov: str) -> tuple[str, str, str]:
    a = Assessment.objects.filter(pk=pk).values("revenue_code", "payer_name").first()
    label = f"{a['revenue_code']} {a['payer_name']}" if a else f"#{pk}"
    url = page_url("execution:assessment", gov, assessment_id=pk) if a else ""
    return _("revenue decision (징수결의)"), label, url


def cancellation(pk: int, gov: str) -> tuple[str, str, str]:
    a = Assessment.objects.filter(pk=pk).values("revenue_code", "payer_name").first()
    label = f"{a['revenue_code']} {a['payer_name']}" if a else f"#{pk}"
    url = page_url("execution:assessment", gov, assessment_id=pk) if a else ""
    return _("revenue decision cancelled (징수결의 취소)"), label, url


def receipt(pk: int, gov: str) -> tuple[str, str, str]:
    r = Receipt.objects.filter(pk=pk).values("assessment_id", "assessment__payer_name", "amount").first()
    if r is None:
        return _("receipt (수납)"), f"#{pk}", ""
    return (
        _("receipt (수납)"),
        f"{r['assessment__payer_name']} {r['amount']:,}",
        page_url("execution:assessment", gov, assessment_id=r["assessment_id"]),
    )


def overpayment(pk: int, gov: str) -> tuple[str, str, str]:
    r = OverpaymentRefund.objects.filter(pk=pk).values("receipt__assessment_id").first()
    url = page_url("execution:assessment", gov, assessment_id=r["receipt__assessment_id"]) if r else ""
    return _("overpayment refund (과오납 환급)"), f"#{pk}", url


def prescription(pk: int, gov: str) -> tuple[str, str, str]:
    return (
        _("prescription write-off (시효소멸)"),
        f"#{pk}",
        page_url("execution:assessment", gov, assessment_id=pk),
    )


def settlement(pk: int, gov: str) -> tuple[str, str, str]:
    s = EstimatedSettlement.objects.filter(pk=pk).values("commitment__line_id").first()
    url = page_url("execution:line", gov, line_id=s["commitment__line_id"]) if s else ""
    return _("estimated payment settlement (개산급 정산)"), f"#{pk}", url


def register_describers() -> None:
    register("execution.commitment", commitment)
    register("execution.payment", payment)
    register("execution.refund", refund)
    register("execution.assessment", assessment)
    register("execution.assessment_cancellation", cancellation)
    register("execution.receipt", receipt)
    register("execution.overpayment_refund", overpayment)
    register("execution.prescription", prescription)
    register("execution.estimated_settlement", settlement)
