"""From a journal entry's (source_type, source_id) to the business document it came from: a label and the page
where it is seen (general-ledger drill-down, 총계정원장 → 원인 문서)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Source:
    source_type: str
    source_id: int
    kind: str
    label: str
    url: str


def _url(name: str, gov_code: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs={"gov_code": gov_code, **kwargs})
    except NoReverseMatch:
        return ""


def _commitment(pk: int, gov: str) -> tuple[str, str, str]:
    from lofin.execution.models import Commitment

    c = Commitment.objects.filter(pk=pk).values("line_id", "creditor", "amount").first()
    if c is None:
        return _("commitment"), f"#{pk}", ""
    return _("commitment"), f"{c['creditor']} {c['amount']:,}", _url("execution:line", gov, line_id=c["line_id"])


def _payment(pk: int, gov: str) -> tuple[str, str, str]:
    from lofin.execution.models import PaymentOrder

    p = PaymentOrder.objects.filter(pk=pk).values("number", "payee_name", "commitment__line_id").first()
    if p is None:
        return _("payment order"), f"#{pk}", ""
    return (
        _("payment order"),
        f"{p['number']} {p['payee_name']}",
        _url("execution:line", gov, line_id=p["commitment__line_id"]),
    )


def _refund(pk: int, gov: str) -> tuple[str, str, str]:
    from lofin.execution.models import Refund

    r = Refund.objects.filter(pk=pk).values("payment__number", "payment__commitment__line_id").first()
    if r is None:
        return _("refund (반납)"), f"#{pk}", ""
    return (
        _("refund (반납)"),
        str(r["payment__number"]),
        _url("execution:line", gov, line_id=r["payment__commitment__line_id"]),
    )


def _assessment(pk: int, gov: str) -> tuple[str, str, str]:
    from lofin.execution.models import Assessment

    a = Assessment.objects.filter(pk=pk).values("revenue_code", "payer_name").first()
    label = f"{a['revenue_code']} {a['payer_name']}" if a else f"#{pk}"
    return _("revenue decision (징수결의)"), label, _url("execution:assessment", gov, assessment_id=pk) if a else ""


def _receipt(pk: int, gov: str) -> tuple[str, str, str]:
    from lofin.execution.models import Receipt

    r = Receipt.objects.filter(pk=pk).values("assessment_id", "assessment__payer_name", "amount").first()
    if r is None:
        return _("receipt (수납)"), f"#{pk}", ""
    return (
        _("receipt (수납)"),
        f"{r['assessment__payer_name']} {r['amount']:,}",
        _url("execution:assessment", gov, assessment_id=r["assessment_id"]),
    )


def _overpayment(pk: int, gov: str) -> tuple[str, str, str]:
    from lofin.execution.models import OverpaymentRefund

    r = OverpaymentRefund.objects.filter(pk=pk).values("receipt__assessment_id").first()
    url = _url("execution:assessment", gov, assessment_id=r["receipt__assessment_id"]) if r else ""
    return _("overpayment refund (과오납 환급)"), f"#{pk}", url


def _prescription(pk: int, gov: str) -> tuple[str, str, str]:
    return _("prescription write-off (시효소멸)"), f"#{pk}", _url("execution:assessment", gov, assessment_id=pk)


def _settlement(pk: int, gov: str) -> tuple[str, str, str]:
    from lofin.execution.models import EstimatedSettlement

    s = EstimatedSettlement.objects.filter(pk=pk).values("commitment__line_id").first()
    url = _url("execution:line", gov, line_id=s["commitment__line_id"]) if s else ""
    return _("estimated payment settlement (개산급 정산)"), f"#{pk}", url


def _manual(pk: int, gov: str) -> tuple[str, str, str]:
    from .models import ManualEntry

    m = ManualEntry.objects.filter(pk=pk).values("description", "approval_id").first()
    return _("adjusting entry (결산정리분개)"), (m["description"] if m else f"#{pk}"), ""


def _depreciation(pk: int, gov: str) -> tuple[str, str, str]:
    return _("depreciation (감가상각)"), f"#{pk}", ""


RESOLVERS: dict[str, Callable[[int, str], tuple[str, str, str]]] = {
    "execution.commitment": _commitment,
    "execution.payment": _payment,
    "execution.refund": _refund,
    "execution.assessment": _assessment,
    "execution.receipt": _receipt,
    "execution.overpayment_refund": _overpayment,
    "execution.prescription": _prescription,
    "execution.estimated_settlement": _settlement,
    "accounting.manual": _manual,
    "accounting.depreciation": _depreciation,
}


def resolve(source_type: str, source_id: int, gov_code: str) -> Source:
    resolver = RESOLVERS.get(source_type)
    if resolver is None:
        return Source(source_type, source_id, source_type, f"#{source_id}", "")
    kind, label, url = resolver(source_id, gov_code)
    return Source(source_type, source_id, str(kind), label, url)
