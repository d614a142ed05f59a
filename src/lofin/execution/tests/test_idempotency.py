"""Every keyed write endpoint of execution, the same way: a retry with the same Idempotency-Key and the same body gets
the first object with the same status; the same key with one field changed is refused with 409
`idempotency_key_reused` and writes nothing — the caller must not believe a correction was made."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from lofin.accounting.models import JournalEntry
from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.models import ApprovalRequest, AuditEvent, User
from lofin.core.roles import Role
from lofin.execution.actions import appropriations, commitments, offices, payments, revenue, transfers
from lofin.execution.models import Commitment, CommitmentKind, RefundInterestRate
from lofin.execution.testing import YEAR, Execution

pytestmark = pytest.mark.django_db

AFTER = dt.date(YEAR + 1, 1, 10)


def day(month: int, d: int) -> str:
    return dt.date(YEAR, month, d).isoformat()


@dataclass
class Case:
    """A keyed endpoint: who calls it, where, with what body, and the fields a later request changes, one at a time."""

    actor: User
    path: str
    body: dict[str, Any]
    changes: list[dict[str, Any]]


def _funded(ex: Execution) -> None:
    appropriations.do_allocate(ex.senior, amount=300_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=300_000_000, actor=ex.s.officer)


def _commitment(ex: Execution, creditor: str = "(주)한빛복지", kind: str = CommitmentKind.NORMAL) -> Commitment:
    return commitments.do_commit(
        ex.senior,
        amount=10_000_000,
        creditor=creditor,
        purpose="경로당 운영비",
        kind=kind,
        actor=ex.finance,
        idempotency_key=f"setup-{creditor}-{kind}",
        committed_on=dt.date(YEAR, 6, 15),
    )


def commitment_case(ex: Execution) -> Case:
    _funded(ex)
    body = {
        "budget_line_id": ex.senior.pk,
        "amount": 1_000_000,
        "creditor": "(주)한빛복지",
        "purpose": "경로당 운영비",
        "committed_on": day(6, 15),
    }
    # A retry with another purpose or date must not silently answer with the first commitment.
    return Case(ex.finance, "commitments", body, [{"purpose": "다른 목적"}, {"committed_on": day(6, 16)}])


def payment_case(ex: Execution) -> Case:
    _funded(ex)
    c = _commitment(ex)
    body = {
        "commitment_id": c.pk,
        "amount": 1_000_000,
        "payee_name": "(주)한빛복지",
        "payee_account": "110-123-456789",
        "office_code": "D100",
        "issued_on": day(7, 1),
    }
    # A retry that "corrects" the payee's account must not silently pay the first account.
    return Case(ex.disburser, "payment-orders", body, [{"payee_account": "110-123-456780"}])


def resolution_case(ex: Execution) -> Case:
    _funded(ex)
    c = _commitment(ex)
    body = {
        "commitment_id": c.pk,
        "amount": 500_000,
        "claim": {"number": "청구-1", "date": day(6, 20), "amount": 500_000},
        "resolved_on": day(6, 25),
    }
    return Case(ex.finance, "resolutions", body, [{"claim": {**body["claim"], "number": "청구-2"}}])


def settlement_case(ex: Execution) -> Case:
    _funded(ex)
    c = _commitment(ex, kind=CommitmentKind.ESTIMATED)
    payments.do_issue_payment(
        c,
        amount=8_000_000,
        payee_name="(주)한빛복지",
        payee_bank="국민",
        payee_account="123456789012",
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key="setup-estimate",
        issued_on=dt.date(YEAR, 7, 1),
    )
    body = {"actual_amount": 8_000_000, "settled_on": day(7, 10)}
    return Case(ex.disburser, f"commitments/{c.pk}/settlement", body, [{"settled_on": day(7, 11)}])


def _collector(ex: Execution) -> User:
    return testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu", dept=ex.s.budget_office)


def _assessment(ex: Execution, collector: User) -> Any:
    return revenue.do_assess(
        ex.senior.account,
        revenue_code="212",
        payer_name="김납부",
        amount=1_000_000,
        actor=collector,
        idempotency_key="setup-assessment",
        assessed_on=dt.date(YEAR, 3, 2),
    )


def assessment_case(ex: Execution) -> Case:
    body = {
        "account_id": ex.senior.account_id,
        "revenue_code": "212",
        "payer_name": "김납부",
        "amount": 1_000_000,
        "assessed_on": day(3, 2),
    }
    return Case(_collector(ex), "assessments", body, [{"payer_name": "이납부"}])


def receipt_case(ex: Execution) -> Case:
    collector = _collector(ex)
    a = _assessment(ex, collector)
    body = {"assessment_id": a.pk, "amount": 100_000, "received_on": day(3, 20), "channel": "treasury"}
    return Case(collector, "receipts", body, [{"received_on": day(3, 21)}])


def refund_case(ex: Execution) -> Case:
    RefundInterestRate.objects.get_or_create(valid_from=dt.date(2025, 3, 21), defaults={"annual_rate_bp": 310})
    collector = _collector(ex)
    a = _assessment(ex, collector)
    r = revenue.do_record_receipt(
        a,
        amount=500_000,
        received_on=dt.date(YEAR, 3, 20),
        channel="treasury",
        actor=collector,
        idempotency_key="setup-receipt",
    )
    body = {"receipt_id": r.pk, "amount": 10_000, "reason": "감면 결정", "refunded_on": day(6, 30)}
    return Case(collector, "overpayment-refunds", body, [{"reason": "부과 취소"}])


def transfer_case(ex: Execution) -> Case:
    transfers.load_policies()
    body = {
        "kind": "virement",
        "from_line_id": ex.senior.pk,
        "to_line_id": ex.pension.pk,
        "amount": 10_000_000,
        "reason": "수요 증가",
        "approval_line": [{"kind": "approve", "username": "mayor"}],
    }
    return Case(ex.s.officer, "transfers", body, [{"reason": "수요 감소"}])


def carry_over_case(ex: Execution, travel: Callable[[dt.date], None]) -> Case:
    _funded(ex)
    travel(AFTER)
    body = {"kind": "explicit", "budget_line_id": ex.senior.pk, "amount": 1_000_000, "reason": "공사 지연"}
    return Case(ex.s.officer, "carry-overs", body, [{"reason": "설계 변경"}])


def imprest_case(ex: Execution) -> Case:
    _funded(ex)
    c = _commitment(ex, creditor="chulnap")
    body = {
        "commitment_id": c.pk,
        "cashier": "chulnap",
        "kind": "travel",
        "amount": 1_000_000,
        "payee_account": "110-234-567890",
        "advanced_on": day(7, 1),
    }
    return Case(ex.disburser, "imprest-advances", body, [{"payee_account": "110-234-567891"}])


CASES: dict[str, Callable[..., Case]] = {
    "commitment": lambda ex, travel: commitment_case(ex),
    "payment order": lambda ex, travel: payment_case(ex),
    "expenditure resolution": lambda ex, travel: resolution_case(ex),
    "estimated payment settlement": lambda ex, travel: settlement_case(ex),
    "revenue assessment": lambda ex, travel: assessment_case(ex),
    "receipt": lambda ex, travel: receipt_case(ex),
    "overpayment refund": lambda ex, travel: refund_case(ex),
    "transfer request": lambda ex, travel: transfer_case(ex),
    "carry-over": carry_over_case,
    "imprest advance": lambda ex, travel: imprest_case(ex),
}


def written() -> dict[str, int]:
    """How many rows every table a keyed write may touch holds."""
    tables = {m._meta.label: m.objects.count() for m in apps.get_app_config("execution").get_models()}
    tables.update(
        audit=AuditEvent.objects.count(),
        journal=JournalEntry.objects.count(),
        approvals=ApprovalRequest.objects.count(),
    )
    return tables


def post(client: Client, path: str, body: dict[str, Any], key: str) -> Any:
    return client.post(f"/api/v1/execution/{path}", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize("name", list(CASES))
def test_a_key_answers_its_own_request_again_and_refuses_any_other(name, ex, travel):
    case = CASES[name](ex, travel)
    raw, _token = do_create_token(case.actor, actor=case.actor)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    first = post(client, case.path, case.body, "same-key")
    assert first.status_code == 201, first.json()
    after_first = written()

    again = post(client, case.path, case.body, "same-key")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert written() == after_first

    for change in case.changes:
        changed = post(client, case.path, {**case.body, **change}, "same-key")
        assert (changed.status_code, changed.json()["code"]) == (409, "idempotency_key_reused"), (
            change,
            changed.json(),
        )
        assert written() == after_first
