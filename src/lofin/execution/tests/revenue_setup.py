"""Two governments with a general account and the people of revenue, and the steps the revenue tests take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lofin.accounting.models import JournalEntry
from lofin.budget.actions import setup
from lofin.budget.models import Account
from lofin.core import testing
from lofin.core.models import AuditEvent, LocalGovernment, User
from lofin.core.roles import Role
from lofin.execution.actions import revenue
from lofin.execution.models import Assessment, OverpaymentRefund, Receipt

D = dt.date
DAY_2026_03_02 = D(2026, 3, 2)
DAY_2026_03_20 = D(2026, 3, 20)
DAY_2026_06_30 = D(2026, 6, 30)


@dataclass
class Revenue:
    gov: LocalGovernment
    account: Account
    collector: User  # 징수관
    cashier: User  # 출납원
    both: User  # 징수관 and 출납원 at once (a small office)
    viewer: User  # an official with no revenue role
    other_gov: LocalGovernment
    other_account: Account
    other_collector: User  # 징수관 of the other government


def _government(code: str, prefix: str) -> tuple[LocalGovernment, Account, User]:
    gov = testing.government(code)
    office = testing.department(gov, "1200", "세정과")
    officer = testing.official(gov, Role.BUDGET_OFFICER, username=f"{prefix}-budget", dept=office)
    account = setup.do_create_account(gov, code="100", name="일반회계", kind="general", actor=officer)
    collector = testing.official(gov, Role.REVENUE_OFFICER, username=f"{prefix}-jingsu", dept=office)
    return gov, account, collector


def build_revenue() -> Revenue:
    gov, account, collector = _government("1100000", "seoul")
    cashier = testing.official(gov, Role.CASHIER, username="seoul-chulnap")
    both = testing.official(gov, Role.REVENUE_OFFICER, Role.CASHIER, username="seoul-both")
    viewer = testing.official(gov, Role.OFFICIAL, username="seoul-viewer")
    other_gov, other_account, other_collector = _government("2600000", "busan")
    return Revenue(gov, account, collector, cashier, both, viewer, other_gov, other_account, other_collector)


# --- the steps of the revenue tests ---------------------------------------------------------------------------------


def counts() -> tuple[int, ...]:
    return (
        Assessment.objects.count(),
        Receipt.objects.count(),
        OverpaymentRefund.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def assess(
    rv: Revenue,
    amount: int = 1_000_000,
    key: str = "a1",
    code: str = "212",
    on: dt.date = DAY_2026_03_02,
    actor: Any = None,
    account: Any = None,
    **kw: Any,
) -> Assessment:
    return revenue.do_assess(
        account or rv.account,
        revenue_code=code,
        payer_name="김납부",
        amount=amount,
        actor=actor or rv.collector,
        idempotency_key=key,
        assessed_on=on,
        **kw,
    )


def receive(
    rv: Revenue,
    assessment: Assessment,
    amount: int,
    key: str = "r1",
    on: dt.date = DAY_2026_03_20,
    channel: str = "treasury",
    actor: Any = None,
    **kw: Any,
) -> Receipt:
    return revenue.do_record_receipt(
        assessment,
        amount=amount,
        received_on=on,
        channel=channel,
        actor=actor or rv.collector,
        idempotency_key=key,
        **kw,
    )


def refund(
    rv: Revenue,
    receipt: Receipt,
    amount: int,
    key: str = "f1",
    on: dt.date = DAY_2026_06_30,
    actor: Any = None,
    reason: str = "감면 결정",
    **kw: Any,
) -> OverpaymentRefund:
    return revenue.do_refund_overpayment(
        receipt, amount=amount, reason=reason, actor=actor or rv.collector, idempotency_key=key, refunded_on=on, **kw
    )


def entry(source_type: str, source_id: int) -> tuple[int, dt.date, list[Any]]:
    """(fiscal year, posted on, sorted lines) of the one journal entry of a source; it must balance."""
    e = JournalEntry.objects.get(source_type=source_type, source_id=source_id)
    lines = sorted(e.lines.values_list("ledger_code", "debit", "credit"))
    assert sum(d for _c, d, _k in lines) == sum(k for _c, _d, k in lines)
    return e.fiscal_year, e.posted_on, lines


def audits(action: str, obj: Any) -> Any:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk))
