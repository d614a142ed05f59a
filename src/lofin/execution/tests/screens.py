"""The world the screen tests share (test_views_more.py, test_views_yearend.py) and the steps they take."""

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import translation

from lofin.core import testing
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.actions import appropriations, commitments, imprest, offices, payments, revenue, transfers
from lofin.execution.models import (
    CarryOver,
    ExpenditureResolution,
    ImprestAdvance,
    Office,
    OverpaymentRefund,
    PaymentOrder,
    Receipt,
    Refund,
    RefundInterestRate,
    SubAllocation,
    Transfer,
    TransferStatus,
)
from lofin.execution.testing import YEAR

FORM_OBJECT = "execution.form"

TODAY = dt.date(YEAR, 11, 26)
AFTER = dt.date(YEAR + 1, 1, 10)
RATES = ((dt.date(2023, 3, 20), 290), (dt.date(2024, 3, 22), 350), (dt.date(2025, 3, 21), 310))


def client(user):
    c = Client()
    c.force_login(user)
    return c


def ko(text):
    with translation.override("ko"):
        return translation.gettext(text)


def base(ex):
    return f"/g/{ex.s.gov.code}/execution"


def form_key(response):
    return response.context["form"].key


def prepare(travel: Any) -> None:
    """What every screen test starts from: today is TODAY, and the rows the migrations load are there (transactional
    tests empty these tables)."""
    transfers.load_policies()
    for valid_from, bp in RATES:
        RefundInterestRate.objects.get_or_create(valid_from=valid_from, defaults={"annual_rate_bp": bp})
    travel(TODAY)


def counts():
    return (
        Office.objects.count(),
        SubAllocation.objects.count(),
        Refund.objects.count(),
        Receipt.objects.filter(deposited_on__isnull=False).count(),
        OverpaymentRefund.objects.count(),
        CarryOver.objects.count(),
        ImprestAdvance.objects.count(),
        ExpenditureResolution.objects.count(),
        PaymentOrder.objects.count(),
        Transfer.objects.filter(status=TransferStatus.IN_APPROVAL).count(),
        AuditEvent.objects.count(),
    )


def build_world(ex: Any) -> Any:
    """경로당 allocated 100,000,000 won with a commitment of 30,000,000 of which 10,000,000 is paid; a commitment of
    5,000,000 to the cashier for 일상경비 with an advance of 2,000,000; an assessment of 1,200,000 won of which the
    cashier took 200,000 in cash (not yet deposited); a 전용 request awaiting approval."""
    appropriations.do_allocate(ex.senior, amount=100_000_000, actor=ex.s.officer)
    appropriations.do_allocate(ex.pension, amount=50_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=50_000_000, actor=ex.s.officer)
    ex.revenue = testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu", dept=ex.s.budget_office)
    ex.commitment = commitments.do_commit(
        ex.senior,
        amount=30_000_000,
        creditor="한빛복지",
        purpose="경로당 운영비",
        actor=ex.finance,
        idempotency_key="c1",
    )
    ex.payment = payments.do_issue_payment(
        ex.commitment,
        amount=10_000_000,
        payee_name="한빛복지",
        payee_bank="국민은행",
        payee_account="123456789012",
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key="p1",
    )
    ex.imprest_commitment = commitments.do_commit(
        ex.pension,
        amount=5_000_000,
        creditor="chulnap",
        purpose="일상경비 (여비)",
        actor=ex.finance,
        idempotency_key="c2",
    )
    ex.advance = imprest.do_advance_imprest(
        ex.imprest_commitment,
        cashier=ex.cashier,
        kind="travel",
        amount=2_000_000,
        office=ex.disbursing_office,
        payee_account="110220330440",
        actor=ex.disburser,
        idempotency_key="i1",
    )
    ex.assessment = revenue.do_assess(
        ex.s.general, revenue_code="111", payer_name="김납세", amount=1_200_000, actor=ex.revenue, idempotency_key="a1"
    )
    ex.receipt = revenue.do_record_receipt(
        ex.assessment,
        amount=200_000,
        received_on=dt.date(YEAR, 11, 24),
        channel="cashier",
        actor=ex.cashier,
        idempotency_key="r1",
    )
    ex.transfer = transfers.do_request_transfer(
        "virement",
        from_line=ex.pension,
        to_line=ex.senior,
        amount=5_000_000,
        reason="경로당 추가 지원",
        line=[("approve", ex.s.mayor)],
        actor=ex.s.officer,
        idempotency_key="t1",
    )
    for line in (ex.senior, ex.pension):
        line.refresh_from_db()
    return ex
