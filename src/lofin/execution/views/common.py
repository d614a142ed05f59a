"""What every execution screen shares: tenant-scoped look-ups, the permissions the page shows, and the one place
where an action's refusal becomes a message next to the field it concerns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from lofin.core.errors import NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import LocalGovernment
from lofin.core.permissions import has_permission
from lofin.core.submit import submit as core_submit

from ..access import ALLOCATE, CASH, CASHIER, COMMIT, PAY, REVENUE, TRANSFER, VIEW
from ..models import Assessment, BudgetLine, Commitment, ImprestAdvance, Office, PaymentOrder, Receipt, Transfer

T = TypeVar("T")

# Refusals whose detail names no field, placed where the person can fix them.
CODE_FIELDS = {
    "over_appropriation": "amount",
    "insufficient_allocation": "amount",
    "insufficient_commitment": "amount",
    "over_disbursement_limit": "amount",
    "insufficient_appropriation": "amount",
    "over_collection": "amount",
    "payee_mismatch": "payee_name",
    "transfer_not_allowed": "to_line",
}


def line_or_404(request: TenantRequest, line_id: int) -> BudgetLine:
    line = (
        BudgetLine.objects.select_related("government", "account", "project", "project__department")
        .filter(pk=line_id, government=request.government)
        .first()
    )
    if line is None:
        raise NotFound()
    return line


def commitment_or_404(request: TenantRequest, commitment_id: int) -> Commitment:
    commitment = (
        Commitment.objects.select_related(
            "line", "line__government", "line__account", "line__project", "line__project__department", "office"
        )
        .filter(pk=commitment_id, government=request.government)
        .first()
    )
    if commitment is None:
        raise NotFound()
    return commitment


def assessment_or_404(request: TenantRequest, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related("account").filter(pk=assessment_id, government=request.government).first()
    )
    if assessment is None:
        raise NotFound()
    return assessment


def payment_or_404(request: TenantRequest, payment_id: int) -> PaymentOrder:
    payment = (
        PaymentOrder.objects.select_related("commitment", "commitment__line", "office")
        .filter(pk=payment_id, government=request.government)
        .first()
    )
    if payment is None:
        raise NotFound()
    return payment


def receipt_or_404(request: TenantRequest, receipt_id: int) -> Receipt:
    receipt = (
        Receipt.objects.select_related("assessment", "assessment__account")
        .filter(pk=receipt_id, government=request.government)
        .first()
    )
    if receipt is None:
        raise NotFound()
    return receipt


def transfer_or_404(request: TenantRequest, transfer_id: int) -> Transfer:
    transfer = (
        Transfer.objects.select_related(
            "from_line__account", "from_line__project", "to_line__account", "to_line__project"
        )
        .filter(pk=transfer_id, government=request.government)
        .first()
    )
    if transfer is None:
        raise NotFound()
    return transfer


def imprest_or_404(request: TenantRequest, advance_id: int) -> ImprestAdvance:
    advance = (
        ImprestAdvance.objects.select_related("payment", "cashier", "line")
        .filter(pk=advance_id, government=request.government)
        .first()
    )
    if advance is None:
        raise NotFound()
    return advance


def office_choices(government: LocalGovernment, year: int, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (o.code, f"{o.code} {o.name}")
        for o in Office.objects.filter(government=government, year=year, kind__in=kinds).order_by("code")
    ]


def office_or_404(government: LocalGovernment, year: int, code: str, kinds: tuple[str, ...]) -> Office:
    """The office of the year a form names (one of `office_choices`); another government's looks absent."""
    office = (
        Office.objects.filter(government=government, year=year, code=code, kind__in=kinds).first() if code else None
    )
    if office is None:
        raise NotFound()
    return office


def optional_office_or_404(government: LocalGovernment, year: int, code: str, kinds: tuple[str, ...]) -> Office | None:
    """As `office_or_404`, for a form where the office may be left out (None)."""
    return office_or_404(government, year, code, kinds) if code else None


def abilities(request: TenantRequest) -> dict[str, bool]:
    """What the person may do here, so a page offers only the actions their role allows."""
    user, government = request.user, request.government
    return {
        "can_view": has_permission(user, VIEW, government),
        "can_allocate": has_permission(user, ALLOCATE, government),
        "can_cash": has_permission(user, CASH, government),
        "can_commit": has_permission(user, COMMIT, government),
        "can_pay": has_permission(user, PAY, government),
        "can_assess": has_permission(user, REVENUE, government),
        "can_receive": has_permission(user, REVENUE, government) or has_permission(user, CASHIER, government),
        "can_transfer": has_permission(user, TRANSFER, government),
        "can_deposit": has_permission(user, CASHIER, government),
    }


def submit(form: forms.Form, call: Callable[[dict[str, Any]], T], fields: dict[str, str] | None = None) -> T | None:
    """`core.submit.submit` with the fields execution's refusal codes are about."""
    return core_submit(form, call, {**CODE_FIELDS, **(fields or {})})
